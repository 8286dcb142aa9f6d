import CTIFF
import Foundation
import QZoomCore
import Testing
@testable import Raster

@Suite struct ImageWriterTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    /// Proves bilevel pages default to 1-bit min-is-white G4, and other pages to 8-bit LZW.
    @Test func tiffDefaults() throws {
        let bilevel = TIFFDocumentTests.page(seed: 0, channels: 1, bilevel: true).image
        let gray = TIFFDocumentTests.page(seed: 0, channels: 1).image
        let url = scratch.url("defaults.tif")
        try ImageWriter.writeTIFF([bilevel, gray], to: url)
        let file = try TIFFHandle(path: url.path, mode: "r", maxSingleAllocation: 1 << 26)
        #expect(file.u16(TIFFTAG_COMPRESSION) == UInt16(COMPRESSION_CCITTFAX4))
        #expect(file.u16(TIFFTAG_BITSPERSAMPLE) == 1)
        #expect(file.u16(TIFFTAG_PHOTOMETRIC) == UInt16(PHOTOMETRIC_MINISWHITE))
        #expect(TIFFReadDirectory(file.tiff) == 1)
        #expect(file.u16(TIFFTAG_COMPRESSION) == UInt16(COMPRESSION_LZW))
        #expect(file.u16(TIFFTAG_BITSPERSAMPLE) == 8)
    }

    /// Proves options that do not fit the page are refused with a clear error and leave no file.
    @Test func refusesOptionsThatDoNotFit() throws {
        let colour = TIFFDocumentTests.page(seed: 0, channels: 3).image
        let url = scratch.url("refused.tif")
        #expect(throws: ImageWriteError.self) { try ImageWriter.writeTIFF([colour], to: url, options: .init(compression: .ccittG4, photometric: .rgb)) }
        #expect(throws: ImageWriteError.self) { try ImageWriter.writeTIFF([colour], to: url, options: .init(bitsPerSample: 4)) }
        #expect(throws: ImageWriteError.self) { try ImageWriter.writeTIFF([colour], to: url, options: .init(orientation: 9)) }
        #expect(throws: ImageWriteError.self) { try ImageWriter.writeTIFF([], to: url) }
        var colours = Canvas(width: 300, height: 1, channels: 3)
        for x in 0..<300 { colours.pixels[x * 3] = UInt8(x % 256); colours.pixels[x * 3 + 1] = UInt8(x / 256) }
        #expect(throws: ImageWriteError.self) { try ImageWriter.writeTIFF([colours.image], to: url, options: .init(photometric: .palette)) }
        #expect(throws: ImageWriteError.self) { try ImageWriter.writeJPEG(colour, to: url, quality: 0) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.directory.path)
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// Proves writing into a missing folder is a clear error.
    @Test func unwritableDestination() throws {
        let image = TIFFDocumentTests.page(seed: 0, channels: 1).image
        let nowhere = scratch.url("missing-folder/page")
        #expect(throws: ImageWriteError.self) { try ImageWriter.writePNG(image, to: nowhere.appendingPathExtension("png")) }
        #expect(throws: ImageWriteError.self) { try ImageWriter.writeJPEG(image, to: nowhere.appendingPathExtension("jpg")) }
        #expect(throws: ImageWriteError.self) { try ImageWriter.writeTIFF([image], to: nowhere.appendingPathExtension("tif")) }
    }
}
