import CJPEG
import Foundation
import QZoomCore

extension ImageWriter {
    /// Writes a gray or RGB page image as a baseline JPEG.
    /// - Parameters:
    ///   - quality: libjpeg's quality, 1–100.
    ///   - dotsPerInch: stored in the JFIF header when given.
    ///   - exifOrientation: stored as the EXIF orientation tag (1–8) when given. The pixels are
    ///     written as they are; the tag tells readers how to turn them upright.
    public static func writeJPEG(_ image: PageImage, to url: URL, quality: Int = 90,
                                 dotsPerInch: Int? = nil, exifOrientation: Int? = nil) throws {
        try write(jpegData(image, quality: quality, dotsPerInch: dotsPerInch, exifOrientation: exifOrientation), to: url)
    }

    /// The JPEG encoding of a gray or RGB page image; see `writeJPEG`.
    public static func jpegData(_ image: PageImage, quality: Int = 90, dotsPerInch: Int? = nil,
                                exifOrientation: Int? = nil) throws -> Data {
        guard (1...100).contains(quality) else {
            throw ImageWriteError.unsupported(detail: "JPEG quality must be 1–100, not \(quality)")
        }
        if let orientation = exifOrientation, !(1...8).contains(orientation) {
            throw ImageWriteError.unsupported(detail: "EXIF orientation must be 1–8, not \(orientation)")
        }
        let exif = exifOrientation.map(ExifMetadata.app1Payload(orientation:)) ?? []
        var output: UnsafeMutablePointer<UInt8>?
        var outputSize: UInt = 0
        var message = [CChar](repeating: 0, count: Int(QZ_JPEG_MESSAGE_LENGTH))
        let encoded = image.pixels.withUnsafeBufferPointer { pixels in
            exif.withUnsafeBufferPointer { app1 in
                qz_jpeg_encode(pixels.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels),
                               Int32(quality), UInt32(clamping: dotsPerInch ?? 0),
                               app1.baseAddress, app1.count, &output, &outputSize, &message)
            }
        }
        defer { qz_jpeg_free(output) }
        guard encoded == 1, let output else {
            throw ImageWriteError.encodingFailed(format: "JPEG", detail: string(fromCharacters: message))
        }
        return Data(bytes: output, count: Int(outputSize))
    }
}
