import CJPEG
import Foundation
import QZoomCore

/// A JPEG file as a one-page document. Orientation comes from EXIF; resolution from JFIF, else EXIF.
/// Gray JPEGs stay gray; CMYK (Adobe's inverted convention, which is what CMYK JPEGs use) becomes RGB.
final class JPEGDecoder: RasterDecoder {
    private let data: Data
    private let components: Int
    private let pageLayout: RasterLayout

    init(data: Data) throws {
        self.data = data
        var header = qz_jpeg_header()
        var message = [CChar](repeating: 0, count: Int(QZ_JPEG_MESSAGE_LENGTH))
        let read = data.withUnsafeBytes { bytes in
            qz_jpeg_read_header(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, &header, &message)
        }
        guard read == 1 else { throw Self.failure(message) }
        guard [1, 3, 4].contains(Int(header.components)) else {
            throw InputError.corrupt(detail: "JPEG: \(header.components) colour components")
        }
        components = Int(header.components)
        let exif = ExifMetadata(jpeg: data)
        var density: PixelDensity?
        let x = Double(header.xDensity), y = Double(header.yDensity)
        switch header.densityUnit {
        case 1: density = .perInch(x: x, y: y)
        case 2: density = .perCentimetre(x: x, y: y)
        default: density = exif?.density ?? (x != y ? .aspectOnly(x: x, y: y) : nil)
        }
        pageLayout = RasterLayout(storedWidth: Int(header.width), storedHeight: Int(header.height),
                                  orientation: Orientation(tag: exif?.orientation), density: density)
    }

    var pageCount: Int { 1 }

    func layout(page: Int) throws -> RasterLayout { pageLayout }

    func decode(page: Int, layout: RasterLayout) throws -> RasterBitmap {
        var pixels = [UInt8](repeating: 0, count: layout.storedPixelCount * components)
        var message = [CChar](repeating: 0, count: Int(QZ_JPEG_MESSAGE_LENGTH))
        let decoded = data.withUnsafeBytes { bytes in
            pixels.withUnsafeMutableBufferPointer { target in
                qz_jpeg_decode(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, Int32(components),
                               UInt32(layout.storedWidth), UInt32(layout.storedHeight), target.baseAddress, &message)
            }
        }
        guard decoded == 1 else { throw Self.failure(message) }
        if components == 4 { pixels = Self.rgb(fromInvertedCMYK: pixels) }
        return RasterBitmap(stored: pixels, layout: layout, channels: components == 1 ? 1 : 3)
    }

    private static func failure(_ message: [CChar]) -> InputError {
        let text = string(fromCharacters: message)
        return .corrupt(detail: text.isEmpty ? "libjpeg cannot read the image" : "JPEG: \(text)")
    }

    /// Adobe CMYK JPEGs store 255 − C, 255 − M, 255 − Y, 255 − K, so R = (255 − C)(255 − K)/255 is
    /// the product of the stored values.
    private static func rgb(fromInvertedCMYK cmyk: [UInt8]) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: cmyk.count / 4 * 3)
        for pixel in 0..<(cmyk.count / 4) {
            let k = Int(cmyk[pixel * 4 + 3])
            for channel in 0..<3 { rgb[pixel * 3 + channel] = UInt8(Int(cmyk[pixel * 4 + channel]) * k / 255) }
        }
        return rgb
    }
}
