import Foundation
import Testing
@testable import QZoom
import QZoomCore

/// The readers of labelled documents: box CSVs with commas in transcripts and CRLF rows, label JSON.
@Suite struct GroundTruthTests {
    @Test func readsBoxRowsWithCommasInTheTranscriptAndCRLF() throws {
        let folder = try TemplateLoaderTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appending(path: "box.csv")
        try "72,25,326,25,326,64,72,64,TAN WOON YANN\r\n\r\n110,144,383,144,383,163,110,163,NO.53 55,57 & 59, JALAN SAGU 18,\r\n"
            .write(to: csv, atomically: true, encoding: .utf8)
        let lines = try GroundTruth.lines(csvAt: csv)
        #expect(lines.map(\.text) == ["TAN WOON YANN", "NO.53 55,57 & 59, JALAN SAGU 18,"])
        #expect(lines[1].box == Rect(minX: 110, minY: 144, maxX: 383, maxY: 163))
        #expect(lines[1].characterConfidences.count == lines[1].text.count)
        #expect(lines[0].confidence == 1)
    }

    @Test func namesTheBadRow() throws {
        let folder = try TemplateLoaderTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appending(path: "bad.csv")
        try "1,2,3,4,5,6,7,8,ok\n1,2,x,4,5,6,7,8,not ok\n".write(to: csv, atomically: true, encoding: .utf8)
        #expect(throws: GroundTruthError(file: csv.path, line: 2, reason: "expected eight coordinates and a transcript")) {
            try GroundTruth.lines(csvAt: csv)
        }
        #expect(throws: GroundTruthError.self) { try GroundTruth.lines(csvAt: folder.appending(path: "missing.csv")) }
    }

    @Test func readsLabelsAndRejectsNonStrings() throws {
        let folder = try TemplateLoaderTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appending(path: "good.json"), bad = folder.appending(path: "bad.json")
        try #"{"company": "ACME", "total": "9.00"}"#.write(to: good, atomically: true, encoding: .utf8)
        try #"{"total": 9.00}"#.write(to: bad, atomically: true, encoding: .utf8)
        #expect(try GroundTruth.labels(at: good) == ["company": "ACME", "total": "9.00"])
        #expect(throws: GroundTruthError.self) { try GroundTruth.labels(at: bad) }
        try "[1, 2]".write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: GroundTruthError(file: bad.path, line: 0, reason: "not a JSON object")) { try GroundTruth.labels(at: bad) }
    }
}

/// Choosing a template: the inbox folder first, then keywords in the coarse text, then the fallback.
@Suite struct TemplateLibraryTests {
    let library: TemplateLibrary

    init() throws {
        library = try TemplateLibrary.load(directory: TemplateLoaderTests.projectRoot.appending(path: "config/templates"))
    }

    @Test func theInboxFolderDecidesFirst() {
        #expect(library.select(folder: "Receipts", coarseText: ["INVOICE NO 12", "BILL TO", "DUE DATE"])?.name == "receipt")
        #expect(library.select(folder: "invoice", coarseText: [])?.name == "invoice")
    }

    @Test func keywordsInTheCoarseTextDecideNext() {
        let receipt = ["TAX INVOICE", "CASHIER: ANN", "TOTAL 9.00", "CASH 10.00", "CHANGE 1.00", "THANK YOU"]
        #expect(library.select(folder: nil, coarseText: receipt)?.name == "receipt")
        let invoice = ["INVOICE", "Invoice number: 4711", "Bill to: Contoso", "Due date: 30/04/2018", "VAT 20%"]
        #expect(library.select(folder: "unknown", coarseText: invoice)?.name == "invoice")
    }

    @Test func theFallbackTakesTheRest() {
        #expect(library.select(folder: nil, coarseText: ["Dear Sir,", "Kind regards"])?.name == "generic")
        #expect(TemplateLibrary(templates: []).select(folder: nil, coarseText: ["x"]) == nil)
    }
}
