import Foundation
import Testing
import NeuralRuntime
import QZoomCore
import Raster
@testable import Perception

/// End to end through the real parts: a PDF the test writes, Raster's poppler renderer, the real
/// PP-OCR networks, and the whole pipeline.
@Suite(.serialized) struct OCRPipelineTests {
    static let pipeline = Result { try OCRPipeline(modelsDirectory: PPOCRReference.modelDirectory) }

    static let runs = [
        TestPDF.TextRun(text: "TOTAL RM 47.25", x: 30, y: 160, size: 18),
        TestPDF.TextRun(text: "Tel: 03-7865 4321", x: 220, y: 160, size: 12),
        TestPDF.TextRun(text: "Invoice 2018-03-15", x: 30, y: 110, size: 16),
        TestPDF.TextRun(text: "THANK YOU", x: 250, y: 50, size: 18, upsideDown: true),
    ]

    /// The whole page read once with the default budget, shared by the tests that look at it.
    static let wholePage = Result { try pipeline.get().read(try document(), page: 1) }

    static func document() throws -> PageSource {
        let folder = FileManager.default.temporaryDirectory.appending(path: "qzoom-ocr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "page.pdf")
        try TestPDF.make(width: 360, height: 200, runs: runs).write(to: file)
        return try openDocument(at: file)
    }

    @Test func readsBackTheLinesItWasGivenInReadingOrder() throws {
        let result = try Self.wholePage.get()
        let texts = result.lines.map(\.text)
        #expect(texts.count == Self.runs.count, "read \(texts)")
        // Reading order: the two lines of the first row left to right, then down the page.
        for (line, run) in zip(result.lines, Self.runs) {
            #expect(Self.editDistance(line.text, run.text) <= 1, "read “\(line.text)” for “\(run.text)”")
            #expect(line.characterConfidences.count == line.text.count)
            #expect(line.confidence > 0.8)
        }
        // The default budget renders a PDF as rapidocr would a 300-dpi scan, 1500×833 px, and the
        // detector sees it stretched to multiples of 32.
        #expect(result.detectionImage.width == 1504 && result.detectionImage.height == 832)
        #expect(result.detection.width == result.detectionImage.width)
        #expect(result.timings.detect > 0 && result.timings.recognize > 0)
    }

    @Test func linesSitWhereTheyWereDrawnAndUpsideDownOnesAreTurned() throws {
        let result = try Self.wholePage.get()
        // Page coordinates of a PDF are points from the top-left: baseline y = 200 − PDF y.
        let total = try #require(result.lines.first { $0.text.hasPrefix("TOTAL") })
        #expect(total.box.contains(Point(x: 60, y: 200 - 160 - 6)))
        #expect(total.box.minX > 20 && total.box.maxX < 190 && total.box.height < 30)

        let thanks = try #require(result.lines.first { $0.text.contains("THANK") })
        #expect(Self.editDistance(thanks.text, "THANK YOU") <= 1)
        // Drawn upside down from x = 250 leftwards, hanging below the baseline at y = 200 − 50.
        #expect(thanks.box.contains(Point(x: 200, y: 150 + 6)))
        // quad[0] is the top-left of the text as read: on the page it is the bottom-right corner.
        #expect(thanks.quad.points[0].x > thanks.quad.points[2].x)
        #expect(thanks.quad.points[0].y > thanks.quad.points[2].y)
    }

    @Test func aRegionIsReadAloneAndReportedInPageCoordinates() throws {
        // The lower half of the page at 300 dpi holds only the invoice line and the upside-down one.
        let region = Rect(x: 0, y: 70, width: 360, height: 130)
        let result = try Self.pipeline.get().read(try Self.document(), page: 1, region: region, budget: .dotsPerInch(300))
        #expect(result.lines.count == 2)
        let invoice = try #require(result.lines.first)
        #expect(Self.editDistance(invoice.text, "Invoice 2018-03-15") <= 1)
        #expect(invoice.box.contains(Point(x: 60, y: 200 - 110 - 5)))
        #expect(result.detectionImage.region == region)
        #expect(throws: InputError.self) {
            try Self.pipeline.get().read(try Self.document(), page: 1, region: Rect(x: 400, y: 0, width: 10, height: 10))
        }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
