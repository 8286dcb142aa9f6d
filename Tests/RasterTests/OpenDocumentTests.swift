import Foundation
import QZoomCore
import Testing
@testable import Raster

@Suite struct OpenDocumentTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    func code(_ url: URL) -> String? {
        do { _ = try openDocument(at: url); return nil }
        catch let error as InputError { return error.code }
        catch { return "untyped: \(error)" }
    }

    /// Proves empty, garbage, missing and directory inputs are typed errors.
    @Test func badInputs() throws {
        #expect(code(try scratch.file("empty.pdf", bytes: [])) == "corrupt")
        #expect(code(try scratch.file("garbage.pdf", bytes: Array("hello, this is not a document".utf8))) == "unsupported_type")
        #expect(code(scratch.url("missing.pdf")) == "not_found")
        #expect(code(scratch.directory) == "unreadable")
        // A PDF header and nothing a PDF needs.
        #expect(code(try scratch.file("header-only.pdf", bytes: Array("%PDF-1.7\n".utf8))) == "corrupt")
    }

    /// Proves the type comes from the content: each format under the wrong name opens as what it is.
    @Test func wrongExtensions() throws {
        let image = TIFFDocumentTests.page(seed: 0, channels: 3).image
        let png = scratch.url("really-a-png.pdf"), jpeg = scratch.url("really-a-jpeg.tif")
        let tiff = scratch.url("really-a-tiff.png"), pdf = scratch.url("really-a-pdf.jpg")
        try ImageWriter.writePNG(image, to: png)
        try ImageWriter.writeJPEG(image, to: jpeg)
        try ImageWriter.writeTIFF([image], to: tiff)
        PDFFixtures.drawLetter(to: pdf)
        #expect(try DocumentType.detect(at: png) == .png)
        #expect(try DocumentType.detect(at: jpeg) == .jpeg)
        #expect(try DocumentType.detect(at: tiff) == .tiff)
        #expect(try DocumentType.detect(at: pdf) == .pdf)
        for url in [png, jpeg, tiff] {
            #expect(try openDocument(at: url).info(page: 1).size == Size(width: 240, height: 160), "\(url.lastPathComponent)")
        }
        #expect(try openDocument(at: pdf).info(page: 1).unit == .point)
    }

    /// Proves a PDF whose header follows some junk, as readers allow, is still a PDF.
    @Test func pdfHeaderAfterJunk() throws {
        let clean = scratch.url("clean.pdf")
        PDFFixtures.drawLetter(to: clean)
        let url = try scratch.file("junk-first.pdf", bytes: Array("junk line\r\n".utf8) + [UInt8](try Data(contentsOf: clean)))
        #expect(try DocumentType.detect(at: url) == .pdf)
        #expect(try openDocument(at: url).pageCount == 1)
    }
}
