import Foundation
import QZoomCore
import Testing
@testable import Raster

@Suite struct TIFFDocumentTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    /// A 240 × 160 page with a black box whose place depends on `seed`, and, on colour pages, a red box.
    static func page(seed: Int, channels: Int, bilevel: Bool = false) -> Canvas {
        var canvas = Canvas(width: 240, height: 160, channels: channels)
        canvas.fill(x: 20 + 10 * seed, y: 30 + 5 * seed, width: 60, height: 40, channels == 1 ? [0] : [0, 0, 0])
        if !bilevel {
            if channels == 3 { canvas.fill(x: 150, y: 100, width: 50, height: 30, [220, 30, 40]) }
            else { canvas.fill(x: 150, y: 100, width: 50, height: 30, [96]) }
        }
        return canvas
    }

    static func blackBox(seed: Int) -> Rect { Rect(x: Double(20 + 10 * seed), y: Double(30 + 5 * seed), width: 60, height: 40) }

    struct Variant {
        var name: String
        var channels: Int
        var bilevel = false
        var options: TIFFWriteOptions
        /// Largest mean sample difference allowed after the round trip (0 for lossless).
        var tolerance: Double = 0
    }

    static let variants: [Variant] = [
        Variant(name: "G4 1-bit min-is-white", channels: 1, bilevel: true, options: .init(compression: .ccittG4)),
        Variant(name: "G3 1-bit min-is-white", channels: 1, bilevel: true, options: .init(compression: .ccittG3)),
        Variant(name: "uncompressed 1-bit min-is-black", channels: 1, bilevel: true,
                options: .init(compression: TIFFWriteOptions.Compression.none, bitsPerSample: 1, photometric: .minIsBlack)),
        Variant(name: "LZW 8-bit gray", channels: 1, options: .init(compression: .lzw)),
        Variant(name: "Deflate 16-bit gray", channels: 1, options: .init(compression: .deflate, bitsPerSample: 16)),
        Variant(name: "PackBits 8-bit min-is-white", channels: 1, options: .init(compression: .packBits, photometric: .minIsWhite)),
        Variant(name: "LZW palette", channels: 3, options: .init(compression: .lzw, photometric: .palette)),
        Variant(name: "uncompressed RGB", channels: 3, options: .init(compression: TIFFWriteOptions.Compression.none)),
        Variant(name: "Deflate 16-bit RGB", channels: 3, options: .init(compression: .deflate, bitsPerSample: 16)),
        Variant(name: "JPEG RGB (YCbCr)", channels: 3, options: .init(compression: .jpeg(quality: 90)), tolerance: 3),
        Variant(name: "JPEG gray", channels: 1, options: .init(compression: .jpeg(quality: 90)), tolerance: 3),
    ]

    /// Proves every compression, bit depth and photometric reads back with its pixels where they
    /// were written, each variant as one page of a multi-page file.
    @Test func everyVariantRoundTripsAsOnePageOfAMultiPageFile() throws {
        for (seed, variant) in Self.variants.enumerated() {
            let url = scratch.url("variant-\(seed).tif")
            let canvas = Self.page(seed: seed, channels: variant.channels, bilevel: variant.bilevel)
            try ImageWriter.writeTIFF([canvas.image], to: url, options: variant.options)
            let document = try openDocument(at: url)
            #expect(document.pageCount == 1)
            let image = try document.render(page: 1, region: nil, scale: 1)
            #expect(image.channels == (variant.options.photometric == .palette ? 3 : variant.channels), "\(variant.name)")
            #expect(image.meanDifference(to: canvas.image) <= variant.tolerance, "\(variant.name)")
            #expect(isClose(image.darkBounds(threshold: 60), Self.blackBox(seed: seed), tolerance: 1), "\(variant.name)")
        }
        // The same pages in one file: each page keeps its own variant.
        let multi = scratch.url("multi.tif")
        try ImageWriter.writeTIFF(Self.variants.enumerated().map { seed, variant in
            (Self.page(seed: seed, channels: variant.channels, bilevel: variant.bilevel).image, variant.options)
        }, to: multi)
        let document = try openDocument(at: multi)
        #expect(document.pageCount == Self.variants.count)
        for seed in Self.variants.indices.reversed() {  // backwards: pages are found by directory, not by reading order
            let image = try document.render(page: seed + 1, region: nil, scale: 1)
            #expect(isClose(image.darkBounds(threshold: 60), Self.blackBox(seed: seed), tolerance: 1), "page \(seed + 1)")
        }
    }

    /// Proves all eight orientation tags give the upright image. The stored pixels are made from the
    /// upright image with the TIFF specification's wording ("row 0 is the visual right side, column
    /// 0 the visual top", …), independently of the reader's code.
    @Test func allEightOrientations() throws {
        let upright = Self.page(seed: 1, channels: 3).image
        for tag in 1...8 {
            let stored = OrientationFixtures.stored(upright, orientation: tag)
            let url = scratch.url("orientation-\(tag).tif")
            try ImageWriter.writeTIFF([stored], to: url, options: .init(compression: .lzw, orientation: tag))
            let document = try openDocument(at: url)
            #expect(try document.info(page: 1).size == Size(width: 240, height: 160), "orientation \(tag)")
            let image = try document.render(page: 1, region: nil, scale: 1)
            #expect(image.meanDifference(to: upright) == 0, "orientation \(tag)")
        }
    }

    /// Proves the resolution tags: dpi becomes units per inch, and non-square fax pixels
    /// (204 × 98 dpi) are stretched so that page units are square.
    @Test func resolutionTags() throws {
        let square = scratch.url("200dpi.tif")
        try ImageWriter.writeTIFF([Self.page(seed: 0, channels: 1).image], to: square, options: .init(dotsPerInch: 200))
        #expect(try openDocument(at: square).info(page: 1) == PageInfo(size: Size(width: 240, height: 160), unit: .pixel, unitsPerInch: 200))

        let fax = scratch.url("fax.tif")
        try ImageWriter.writeTIFF([Self.page(seed: 0, channels: 1, bilevel: true).image], to: fax,
                                  options: .init(dotsPerInch: 204, verticalDotsPerInch: 98))
        let document = try openDocument(at: fax)
        let info = try document.info(page: 1)
        #expect(info.unitsPerInch == 204)
        #expect(abs(info.size.height - 160 * 204 / 98) < 1e-9)
        // The box, rows 30..<70, is 30·204/98 … 70·204/98 units down the page.
        let found = try document.render(page: 1, region: nil, scale: 1).darkBounds()
        let stretch = 204.0 / 98
        #expect(isClose(found, Rect(x: 20, y: 30 * stretch, width: 60, height: 40 * stretch), tolerance: 1.5), "\(String(describing: found))")
    }

    /// Proves repeated region renders of a page decode it once, and the cache stays bounded.
    @Test func decodedPagesAreCached() throws {
        let url = scratch.url("three.tif")
        try ImageWriter.writeTIFF((0..<3).map { Self.page(seed: $0, channels: 1).image }, to: url)
        let document = try #require(try openDocument(at: url) as? RasterDocument)
        _ = try document.render(page: 1, region: nil, scale: 0.25)
        for x in stride(from: 0.0, to: 200, by: 40) {
            _ = try document.render(page: 1, region: Rect(x: x, y: 10, width: 40, height: 40), scale: 3)
        }
        #expect(document.decodeCount == 1)
        _ = try document.render(page: 2, region: nil, scale: 1)
        _ = try document.render(page: 1, region: nil, scale: 1)
        #expect(document.decodeCount == 2)
        _ = try document.render(page: 3, region: nil, scale: 1)  // evicts page 2, the least recent
        _ = try document.render(page: 2, region: nil, scale: 1)
        #expect(document.decodeCount == 4)
    }

    /// Proves the limits: too many pages when opening, too many pixels before decoding.
    @Test func limits() throws {
        let url = scratch.url("three.tif")
        try ImageWriter.writeTIFF((0..<3).map { Self.page(seed: $0, channels: 1).image }, to: url)
        #expect(throws: InputError.tooManyPages(count: 3, limit: 2)) { try openDocument(at: url, limits: RasterLimits(maxPages: 2)) }
        // A tiny render still needs the whole 240 × 160 page decoded, which exceeds the limit.
        let document = try openDocument(at: url, limits: RasterLimits(maxPixelsPerRender: 30_000))
        #expect(throws: InputError.tooManyPixels(width: 240, height: 160, limit: 30_000)) {
            try document.render(page: 1, region: nil, scale: 0.1)
        }
    }

    /// Proves truncated and damaged TIFFs give clear errors.
    @Test func damagedFiles() throws {
        let url = scratch.url("good.tif")
        try ImageWriter.writeTIFF([Self.page(seed: 0, channels: 3).image], to: url, options: .init(compression: TIFFWriteOptions.Compression.none))
        let bytes = [UInt8](try Data(contentsOf: url))
        for keep in [4, 8, 200, bytes.count / 2] {
            let damaged = try scratch.file("truncated-\(keep).tif", bytes: Array(bytes.prefix(keep)))
            #expect(throws: InputError.self, "kept \(keep) bytes") {
                let document = try openDocument(at: damaged)
                _ = try document.render(page: 1, region: nil, scale: 1)
            }
        }
        // A TIFF header followed by fixed pseudo-random bytes (the same every run).
        var state: UInt32 = 12345
        let garbage: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + (0..<4096).map { _ in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        let noise = try scratch.file("noise.tif", bytes: garbage)
        #expect(throws: InputError.self) { _ = try openDocument(at: noise).render(page: 1, region: nil, scale: 1) }
    }
}
