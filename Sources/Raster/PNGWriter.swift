import CPNG
import Foundation
import QZoomCore

extension ImageWriter {
    /// Writes a gray or RGB page image as an 8-bit PNG.
    public static func writePNG(_ image: PageImage, to url: URL) throws {
        try write(pngData(image), to: url)
    }

    /// The PNG encoding of a gray or RGB page image.
    public static func pngData(_ image: PageImage) throws -> Data {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = image.channels == 3 ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY)
        let stride = Int32(image.width * image.channels)
        var size = 0
        // The first call measures, the second writes.
        let measured = image.pixels.withUnsafeBytes {
            png_image_write_to_memory(&png, nil, &size, 0, $0.baseAddress, stride, nil)
        }
        guard measured != 0, size > 0 else { throw failure(png) }
        var data = Data(count: size)
        let written = data.withUnsafeMutableBytes { target in
            image.pixels.withUnsafeBytes {
                png_image_write_to_memory(&png, target.baseAddress, &size, 0, $0.baseAddress, stride, nil)
            }
        }
        png_image_free(&png)
        guard written != 0 else { throw failure(png) }
        return data.prefix(size)
    }

    private static func failure(_ png: png_image) -> ImageWriteError {
        .encodingFailed(format: "PNG", detail: string(fromCharacterArray: png.message))
    }
}
