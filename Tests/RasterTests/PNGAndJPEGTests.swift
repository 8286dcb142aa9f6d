import CPNG
import Foundation
import QZoomCore
import Testing
@testable import Raster

@Suite struct PNGAndJPEGTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    static let upright = TIFFDocumentTests.page(seed: 2, channels: 3).image
    static let box = TIFFDocumentTests.blackBox(seed: 2)

    /// Proves gray and RGB PNGs read back exactly, with the box where it was drawn.
    @Test func pngRoundTrip() throws {
        for channels in [1, 3] {
            let canvas = TIFFDocumentTests.page(seed: 2, channels: channels)
            let url = scratch.url("page-\(channels).png")
            try ImageWriter.writePNG(canvas.image, to: url)
            let document = try openDocument(at: url)
            let info = try document.info(page: 1)
            #expect(info == PageInfo(size: Size(width: 240, height: 160), unit: .pixel, unitsPerInch: nil))
            let image = try document.render(page: 1, region: nil, scale: 1)
            #expect(image.channels == channels)
            #expect(image.meanDifference(to: canvas.image) == 0)
            #expect(isClose(image.darkBounds(threshold: 60), Self.box, tolerance: 0))
        }
    }

    /// Proves transparency is composited onto white paper, 16-bit and palette PNGs read, and the
    /// pHYs chunk gives the resolution.
    @Test func pngVariants() throws {
        // 2 × 1 RGBA: an opaque black pixel and a transparent one.
        let alpha = try #require(PNGFixtures.encode(width: 2, height: 1, format: UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA),
                                                    samples: [0, 0, 0, 255, 0, 0, 0, 0]))
        let alphaImage = try render(alpha, named: "alpha.png")
        #expect(alphaImage.pixels == [0, 0, 0, 255, 255, 255])

        // 16-bit linear gray: black and white stay black and white.
        let deep = try #require(PNGFixtures.encode(width: 2, height: 1, format: UInt32(PNG_FORMAT_LINEAR_Y),
                                                   samples: [0, 0, 255, 255], bytesPerSample: 2))
        #expect(try render(deep, named: "deep.png").pixels == [0, 255])

        // Palette: two entries, red and blue.
        let palette = try #require(PNGFixtures.encode(width: 2, height: 1, format: UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_COLORMAP),
                                                      samples: [1, 0], colormap: [255, 0, 0, 0, 0, 255]))
        #expect(try render(palette, named: "palette.png").pixels == [0, 0, 255, 255, 0, 0])

        // 11811 pixels per metre is 300 dpi.
        let plain = try ImageWriter.pngData(Self.upright)
        let url = scratch.url("300dpi.png")
        try PNGFixtures.withPhysicalDensity(plain, pixelsPerMetreX: 11811, y: 11811).write(to: url)
        let dpi = try #require(try openDocument(at: url).info(page: 1).unitsPerInch)
        #expect(abs(dpi - 300) < 0.01)
    }

    private func render(_ png: Data, named name: String) throws -> PageImage {
        let url = scratch.url(name)
        try png.write(to: url)
        return try openDocument(at: url).render(page: 1, region: nil, scale: 1)
    }

    /// Proves gray and RGB JPEGs decode close to what was encoded, with the box in place and the
    /// JFIF density as the resolution.
    @Test func jpegRoundTrip() throws {
        for channels in [1, 3] {
            let canvas = TIFFDocumentTests.page(seed: 2, channels: channels)
            let url = scratch.url("page-\(channels).jpg")
            try ImageWriter.writeJPEG(canvas.image, to: url, quality: 95, dotsPerInch: 150)
            let document = try openDocument(at: url)
            #expect(try document.info(page: 1).unitsPerInch == 150)
            let image = try document.render(page: 1, region: nil, scale: 1)
            #expect(image.channels == channels)
            #expect(image.meanDifference(to: canvas.image) < 2)
            #expect(isClose(image.darkBounds(threshold: 60), Self.box, tolerance: 1))
        }
    }

    /// Proves all eight EXIF orientations give the upright page (stored pixels made from the
    /// specification's wording, as for TIFF).
    @Test func exifOrientation() throws {
        for tag in 1...8 {
            let url = scratch.url("exif-\(tag).jpg")
            try ImageWriter.writeJPEG(OrientationFixtures.stored(Self.upright, orientation: tag), to: url,
                                      quality: 95, exifOrientation: tag)
            let document = try openDocument(at: url)
            #expect(try document.info(page: 1).size == Size(width: 240, height: 160), "orientation \(tag)")
            let image = try document.render(page: 1, region: nil, scale: 1)
            #expect(image.meanDifference(to: Self.upright) < 2, "orientation \(tag)")
            #expect(isClose(image.darkBounds(threshold: 60), Self.box, tolerance: 1), "orientation \(tag)")
            #expect(image.pixel(atPage: Point(x: 175, y: 115))[0] > 180, "orientation \(tag): the red box")
        }
    }

    /// Proves truncated PNG and JPEG files are `corrupt`, not padded images.
    @Test func truncatedFiles() throws {
        let png = [UInt8](try ImageWriter.pngData(Self.upright))
        let jpeg = [UInt8](try ImageWriter.jpegData(Self.upright))
        for (name, bytes) in [("png", png), ("jpg", jpeg)] {
            for keep in [10, 40, bytes.count / 2, bytes.count - 20] {
                let url = try scratch.file("truncated-\(keep).\(name)", bytes: Array(bytes.prefix(keep)))
                var code: String?
                do { _ = try openDocument(at: url).render(page: 1, region: nil, scale: 1) }
                catch let error as InputError { code = error.code }
                #expect(code == "corrupt", "\(name) cut to \(keep) of \(bytes.count) bytes")
            }
        }
    }

    /// Proves the pixel limit applies to decoding a JPEG before any pixel is allocated.
    @Test func jpegPixelLimit() throws {
        let url = scratch.url("page.jpg")
        try ImageWriter.writeJPEG(Self.upright, to: url)
        let document = try openDocument(at: url, limits: RasterLimits(maxPixelsPerRender: 10_000))
        #expect(throws: InputError.tooManyPixels(width: 240, height: 160, limit: 10_000)) {
            try document.render(page: 1, region: Rect(x: 0, y: 0, width: 10, height: 10), scale: 1)
        }
    }
}
