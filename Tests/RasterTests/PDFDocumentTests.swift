import Foundation
import QZoomCore
import Testing
@testable import Raster

@Suite struct PDFDocumentTests {
    let scratch: Scratch
    let letter: URL
    let textBox: Rect

    init() throws {
        scratch = try Scratch()
        letter = scratch.url("letter.pdf")
        let ink = PDFFixtures.drawLetter(pages: 3, to: letter)
        textBox = Rect(x: ink.x, y: ink.y, width: ink.width, height: ink.height)
    }

    var rectangle: Rect {
        let r = PDFFixtures.rectangle
        return Rect(x: r.x, y: r.y, width: r.width, height: r.height)
    }

    /// Proves page count, size, unit and resolution come from the PDF.
    @Test func reportsPagesInPoints() throws {
        let document = try openDocument(at: letter)
        #expect(document.pageCount == 3)
        let info = try document.info(page: 2)
        #expect(info.size == Size(width: 612, height: 792))
        #expect(info.unit == .point)
        #expect(info.unitsPerInch == 72)
    }

    /// Proves a whole-page render puts the rectangle where its page coordinates say, on each page.
    @Test func wholePageRenderPutsShapesAtTheirPageCoordinates() throws {
        let document = try openDocument(at: letter)
        for page in 1...3 {
            let image = try document.render(page: page, region: nil, scale: 2)
            #expect(image.width == 1224 && image.height == 1584 && image.channels == 3)
            let expected = rectangle.offsetBy(dy: 10 * Double(page - 1))
            let found = try #require(image.crop(Rect(x: 50, y: 100, width: 300, height: 150)).darkBounds())
            #expect(isClose(found, expected, tolerance: 0.5), "page \(page): \(found) vs \(expected)")
        }
    }

    /// Proves a region render covers exactly the region: the rectangle's corner lands at the
    /// pixel its page coordinates give, and the image matches the same part of a whole-page render.
    @Test func regionRenderCoversExactlyTheRegion() throws {
        let document = try openDocument(at: letter)
        let region = Rect(x: 80, y: 130, width: 60, height: 40)  // holds the rectangle's top-left corner
        let scale = 300.0 / 72
        let image = try document.render(page: 1, region: region, scale: scale)
        #expect(image.region == region)
        #expect(image.width == 250 && image.height == 167)
        let found = try #require(image.darkBounds())
        #expect(isClose(found, Rect(x: 100, y: 150, width: 40, height: 20), tolerance: 0.3), "\(found)")

        let whole = try document.render(page: 1, region: nil, scale: scale)
        let cut = whole.crop(region)
        #expect(cut.width == image.width && cut.height == image.height)
        #expect(image.meanDifference(to: cut) < 2)
    }

    /// Proves text is drawn inside the box cairo measured for it and nowhere around it.
    @Test func textLandsInItsBox() throws {
        let document = try openDocument(at: letter)
        let around = textBox.expanded(dx: 30, dy: 30)
        let image = try document.render(page: 1, region: around, scale: 4)
        let ink = try #require(image.darkBounds())
        #expect(isClose(ink, textBox, tolerance: 1.5), "\(ink) vs \(textBox)")
    }

    /// Proves page rotation is applied: /Rotate 90 turns the page clockwise, so user-space point
    /// (ux, uy) on a W × H media box is displayed at (uy, ux).
    @Test func rotatedPageIsShownUpright() throws {
        let url = scratch.url("rotated.pdf")
        try PDFFixtures.handWritten(mediaBox: [0, 0, 600, 400], rotate: 90, rectangle: [100, 50, 100, 30], to: url)
        let document = try openDocument(at: url)
        #expect(try document.info(page: 1).size == Size(width: 400, height: 600))
        let found = try document.render(page: 1, region: nil, scale: 1).darkBounds()
        #expect(isClose(found, Rect(x: 50, y: 100, width: 30, height: 100), tolerance: 1), "\(String(describing: found))")
    }

    /// Proves the crop box is the page: its size is the page size and its top-left corner is (0, 0).
    @Test func cropBoxIsThePage() throws {
        let url = scratch.url("cropped.pdf")
        try PDFFixtures.handWritten(mediaBox: [0, 0, 600, 800], cropBox: [100, 100, 500, 700],
                                    rectangle: [150, 600, 50, 20], to: url)
        let document = try openDocument(at: url)
        #expect(try document.info(page: 1).size == Size(width: 400, height: 600))
        // User space (150…200, 600…620) is (50…100, 80…100) from the crop box's top-left corner.
        let found = try document.render(page: 1, region: nil, scale: 2).darkBounds()
        #expect(isClose(found, Rect(x: 50, y: 80, width: 50, height: 20), tolerance: 0.5), "\(String(describing: found))")
    }

    /// Proves rotation and crop box combine: /Rotate 270 of a cropped page.
    @Test func rotationAndCropBoxTogether() throws {
        let url = scratch.url("cropped-rotated.pdf")
        try PDFFixtures.handWritten(mediaBox: [0, 0, 600, 800], cropBox: [100, 100, 500, 700], rotate: 270,
                                    rectangle: [150, 600, 50, 20], to: url)
        let document = try openDocument(at: url)
        #expect(try document.info(page: 1).size == Size(width: 600, height: 400))
        // Unrotated the rectangle is at x 50…100, y 80…100 of a 400 × 600 page; turning the page
        // 90° counter-clockwise maps (x, y) to (y, 400 − x).
        let found = try document.render(page: 1, region: nil, scale: 2).darkBounds()
        #expect(isClose(found, Rect(x: 80, y: 300, width: 20, height: 50), tolerance: 0.5), "\(String(describing: found))")
    }

    /// Proves a page that is one big image is drawn whole once per scale and its regions are cut
    /// from the kept pixels, landing where their page coordinates say; text pages are drawn per region.
    @Test func scannedPagesAreDrawnOnceForManyRegions() throws {
        let url = scratch.url("scanned.pdf")
        PDFFixtures.drawScannedLetter(to: url)
        let scanned = try #require(try openDocument(at: url) as? PDFDocument)
        let around = Rect(x: 50, y: 100, width: 300, height: 150)
        for offset in [0.0, 10, 20] {
            let found = try scanned.render(page: 1, region: around.offsetBy(dx: offset), scale: 3).darkBounds()
            #expect(isClose(found, rectangle, tolerance: 1), "\(String(describing: found))")
        }
        #expect(scanned.drawCount == 1)
        _ = try scanned.render(page: 1, region: around, scale: 1)  // coarser: cut from the kept pixels
        #expect(scanned.drawCount == 1)
        _ = try scanned.render(page: 1, region: around, scale: 4)  // finer: drawn again
        #expect(scanned.drawCount == 2)

        let text = try #require(try openDocument(at: letter) as? PDFDocument)
        _ = try text.render(page: 1, region: around, scale: 3)
        _ = try text.render(page: 1, region: around.offsetBy(dx: 10), scale: 3)
        #expect(text.drawCount == 2)
    }

    /// Proves a password-protected PDF is a clear `encrypted` error, while a PDF with only an owner
    /// password (anyone may open it) renders.
    @Test func encryptedPDFs() throws {
        let locked = scratch.url("locked.pdf"), ownerOnly = scratch.url("owner-only.pdf")
        try PDFFixtures.encrypt(letter, userPassword: "secret", to: locked)
        try PDFFixtures.encrypt(letter, userPassword: "", to: ownerOnly)
        #expect(throws: InputError.encrypted) { try openDocument(at: locked) }
        let document = try openDocument(at: ownerOnly)
        let found = try document.render(page: 1, region: nil, scale: 1).crop(Rect(x: 50, y: 100, width: 300, height: 150)).darkBounds()
        #expect(isClose(found, rectangle, tolerance: 1))
    }

    /// Proves the limits are checked before any pixel is allocated.
    @Test func limits() throws {
        #expect(throws: InputError.tooManyPages(count: 3, limit: 2)) {
            try openDocument(at: letter, limits: RasterLimits(maxPages: 2))
        }
        let document = try openDocument(at: letter, limits: RasterLimits(maxPixelsPerRender: 1_000_000))
        #expect(throws: InputError.tooManyPixels(width: 1224, height: 1584, limit: 1_000_000)) {
            try document.render(page: 1, region: nil, scale: 2)
        }
        // A small region at the same scale is fine.
        #expect(try document.render(page: 1, region: Rect(x: 0, y: 0, width: 100, height: 100), scale: 2).width == 200)
    }

    /// Proves pages and regions outside the document are clear errors.
    @Test func outOfRange() throws {
        let document = try openDocument(at: letter)
        #expect(throws: InputError.pageOutOfRange(page: 4, count: 3)) { try document.render(page: 4, region: nil, scale: 1) }
        #expect(throws: InputError.pageOutOfRange(page: 0, count: 3)) { try document.info(page: 0) }
        #expect(throws: InputError.self) { try document.render(page: 1, region: Rect(x: 700, y: 0, width: 10, height: 10), scale: 1) }
        #expect(throws: InputError.self) { try document.render(page: 1, region: nil, scale: 0) }
    }

    /// Proves a truncated PDF is an error or, when poppler can rebuild it, a document; never a crash.
    @Test func truncatedPDF() throws {
        let bytes = [UInt8](try Data(contentsOf: letter))
        for keep in [10, bytes.count / 3, bytes.count / 2, bytes.count - 40] {
            let url = try scratch.file("truncated-\(keep).pdf", bytes: Array(bytes.prefix(keep)))
            do {
                let document = try openDocument(at: url)
                for page in 1...document.pageCount { _ = try? document.render(page: page, region: nil, scale: 0.5) }
            } catch let error as InputError {
                #expect(error.code == "corrupt" || error.code == "no_pages", "\(error)")
            }
        }
    }
}
