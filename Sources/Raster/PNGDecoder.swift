import CPNG
import Foundation
import QZoomCore

/// A PNG file as a one-page document, through libpng's simplified API (every bit depth, palette and
/// alpha; transparency is composited onto white paper). The resolution comes from the pHYs chunk.
final class PNGDecoder: RasterDecoder {
    private let data: Data
    private let pageLayout: RasterLayout
    private let isColor: Bool

    init(data: Data) throws {
        self.data = data
        var image = Self.newImage()
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        defer { png_image_free(&image) }
        guard begun != 0 else { throw Self.failure(image) }
        isColor = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        pageLayout = RasterLayout(storedWidth: Int(image.width), storedHeight: Int(image.height),
                                  orientation: .topLeft, density: Self.physicalDensity(in: data))
    }

    var pageCount: Int { 1 }

    func layout(page: Int) throws -> RasterLayout { pageLayout }

    func decode(page: Int, layout: RasterLayout) throws -> RasterBitmap {
        let channels = isColor ? 3 : 1
        var pixels = [UInt8](repeating: 0, count: layout.storedPixelCount * channels)
        var image = Self.newImage()
        var paper = png_color(red: 255, green: 255, blue: 255)
        let finished = data.withUnsafeBytes { bytes in
            pixels.withUnsafeMutableBytes { target -> Int32 in
                guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else { return 0 }
                guard Int(image.width) == layout.storedWidth, Int(image.height) == layout.storedHeight else { return 0 }
                image.format = isColor ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY)
                return png_image_finish_read(&image, &paper, target.baseAddress, Int32(layout.storedWidth * channels), nil)
            }
        }
        defer { png_image_free(&image) }
        guard finished != 0 else { throw Self.failure(image) }
        return RasterBitmap(stored: pixels, layout: layout, channels: channels)
    }

    private static func newImage() -> png_image {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        return image
    }

    private static func failure(_ image: png_image) -> InputError {
        let message = string(fromCharacterArray: image.message)
        return .corrupt(detail: message.isEmpty ? "libpng cannot read the image" : "PNG: \(message)")
    }

    /// The pHYs chunk, which must come before the image data.
    private static func physicalDensity(in data: Data) -> PixelDensity? {
        data.withUnsafeBytes { bytes -> PixelDensity? in
            let reader = ByteReader(bytes: bytes, bigEndian: true)
            var position = 8  // after the signature
            while let length = reader.u32(at: position).map(Int.init), let type = reader.u32(at: position + 4) {
                let body = position + 8
                if type == 0x7048_5973, length == 9,  // "pHYs"
                   let x = reader.u32(at: body), let y = reader.u32(at: body + 4), let unit = reader.u8(at: body + 8) {
                    return unit == 1 ? .perCentimetre(x: Double(x) / 100, y: Double(y) / 100)
                                     : .aspectOnly(x: Double(x), y: Double(y))
                }
                if type == 0x4944_4154 || type == 0x4945_4E44 { return nil }  // "IDAT", "IEND"
                guard length <= bytes.count else { return nil }
                position = body + length + 4  // data and CRC
            }
            return nil
        }
    }
}
