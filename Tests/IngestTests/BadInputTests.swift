import Foundation
import Glibc
import Store
import XCTest

/// Files that cannot be processed end in failed/ with a clear reason, and the daemon carries on.
final class BadInputTests: XCTestCase {
    func testBadFilesFailWithAClearReasonAndTheDaemonKeepsGoing() throws {
        let daemon = try DaemonHarness(config: """
            [daemon]
            stability_delay_ms = 200
            [raster]
            max_pages = 20
            """)
        try daemon.start()
        let good = try Fixtures.pdfData(pages: 3, label: "good")
        var corrupt = Data("%PDF-1.7\n".utf8)
        var generator = SystemRandomNumberGenerator()
        corrupt.append(contentsOf: (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let multiPage = try Fixtures.pdfData(pages: 6, label: "to be cut")
        let bad: [(name: String, data: Data, codes: Set<String>)] = [
            ("corrupt.pdf", corrupt, ["corrupt"]),
            ("empty.pdf", Data(), ["corrupt"]),
            ("truncated.pdf", multiPage.prefix(multiPage.count / 5), ["corrupt"]),
            ("huge.png", Fixtures.pngHeader(width: 40_000, height: 40_000), ["too_many_pixels"]),
            ("too-many-pages.pdf", try Fixtures.pdfData(pages: 25, label: "huge"), ["too_many_pages"]),
            ("notes.txt", Data("just some text, not a document\n".utf8), ["unsupported_type"]),
            ("encrypted.pdf", try Self.encryptedPDF(), ["encrypted"]),
        ]
        for file in bad { try daemon.drop(file.data, as: file.name) }
        try daemon.drop(good, as: "good.pdf")

        try daemon.wait("all files finished") {
            daemon.files(in: daemon.done).count == 1 && daemon.files(in: daemon.failed).count == 2 * bad.count
        }
        XCTAssertTrue(daemon.process?.isRunning == true, "the daemon keeps going")
        let store = try daemon.store()
        for file in bad {
            let record = try store.document(named: file.name)
            XCTAssertEqual(record.status, .failed, file.name)
            XCTAssertTrue(file.codes.contains(record.errorCode ?? ""), "\(file.name): \(record.errorCode ?? "nil") \(record.errorMessage ?? "")")
            XCTAssertFalse((record.errorMessage ?? "").isEmpty)
            // The report beside the file says the same, and the original is untouched.
            let reportURL = daemon.failed.appendingPathComponent(file.name + ".error.json")
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: reportURL)) as? [String: Any]
            XCTAssertEqual(report?["code"] as? String, record.errorCode)
            XCTAssertEqual(report?["message"] as? String, record.errorMessage)
            XCTAssertEqual(report?["attempts"] as? Int, 1)
            XCTAssertNotNil(report?["time"] as? String)
            XCTAssertEqual(try Data(contentsOf: daemon.failed.appendingPathComponent(file.name)), file.data)
        }
        XCTAssertEqual(try store.document(named: "good.pdf").status, .done)

        // A file dropped after all that is still processed.
        try daemon.drop(try Fixtures.pdfData(pages: 1, label: "after"), as: "after.pdf")
        try daemon.wait("later file done") { daemon.files(in: daemon.done).count == 2 }
        XCTAssertEqual(try daemon.stop(), 0)
    }

    /// A PDF that needs a password: a real one from the shared corpus (copied, never modified).
    static func encryptedPDF() throws -> Data {
        let url = Fixtures.sharedData.appendingPathComponent("pdf-corpus/\(encryptedCorpusFile)")
        return try Data(contentsOf: url)
    }

    static let encryptedCorpusFile = "pr6531_1.pdf"
}
