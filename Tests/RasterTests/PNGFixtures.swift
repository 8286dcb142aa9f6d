import CPNG
import Foundation

/// PNG variants the project's writer does not make (alpha, 16-bit, palette, pHYs), written with
/// libpng's simplified API or by inserting a chunk.
enum PNGFixtures {
    /// Encodes `samples` in libpng's `format` (for example PNG_FORMAT_RGBA); `bytesPerSample` is 2
    /// for the linear 16-bit formats. A colormapped format takes `colormap` as RGB triples.
    static func encode(width: Int, height: Int, format: UInt32, samples: [UInt8], bytesPerSample: Int = 1,
                       colormap: [UInt8]? = nil) -> Data? {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        if let colormap { image.colormap_entries = UInt32(colormap.count / 3) }
        let channels = samples.count / (width * height * bytesPerSample)
        let stride = Int32(width * (colormap == nil ? channels : 1))
        var size = 0
        guard samples.withUnsafeBytes({ pixels in
            png_image_write_to_memory(&image, nil, &size, 0, pixels.baseAddress, stride, colormap)
        }) != 0 else { return nil }
        var data = Data(count: size)
        let ok = data.withUnsafeMutableBytes { target in
            samples.withUnsafeBytes { pixels in
                png_image_write_to_memory(&image, target.baseAddress, &size, 0, pixels.baseAddress, stride, colormap)
            }
        }
        png_image_free(&image)
        return ok != 0 ? data.prefix(size) : nil
    }

    /// The PNG with a pHYs chunk (pixels per metre, unit 1) inserted after IHDR.
    static func withPhysicalDensity(_ png: Data, pixelsPerMetreX x: UInt32, y: UInt32) -> Data {
        var body = Array("pHYs".utf8)
        for value in [x, y] { body += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)] }
        body.append(1)
        var chunk: [UInt8] = [0, 0, 0, 9] + body
        let crc = crc32(body)
        chunk += [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
        let bytes = [UInt8](png)
        let afterHeader = 8 + 4 + 4 + 13 + 4  // signature, IHDR length, type, data, CRC
        return Data(bytes[..<afterHeader] + chunk + bytes[afterHeader...])
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
