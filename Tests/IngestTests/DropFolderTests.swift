import Foundation
import Glibc
import Store
import XCTest

/// Files dropped into the inbox of a real daemon are processed exactly once.
final class DropFolderTests: XCTestCase {
    static let config = """
        [daemon]
        workers = 2
        stability_delay_ms = 300
        rescan_interval_seconds = 2
        """

    func testAtomicRenameAndSlowChunkedWritesAreEachProcessedExactlyOnce() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        // Renamed in whole: the usual way (scp, rsync and browsers write a temporary name first).
        for n in 1...3 { try daemon.drop(try Fixtures.pdfData(pages: n, label: "renamed \(n)"), as: "renamed-\(n).pdf") }
        try daemon.drop(try Fixtures.pdfData(pages: 2, label: "invoice"), as: "invoice/in-template-folder.pdf")

        // Written in place, slowly, in chunks with pauses shorter than the stability delay.
        let slow = try Fixtures.pdfData(pages: 4, label: "slow writer")
        let slowPath = daemon.inbox.appendingPathComponent("slow.pdf").path
        let fd = open(slowPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let chunk = max(1, slow.count / 8)
        for start in stride(from: 0, to: slow.count, by: chunk) {
            let piece = slow[start..<min(start + chunk, slow.count)]
            _ = piece.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            usleep(120_000)
            // Not taken while it is still growing.
            XCTAssertTrue(FileManager.default.fileExists(atPath: slowPath), "claimed while still being written")
        }
        close(fd)

        // Names that are not documents yet are left alone.
        for ignored in [".hidden.pdf", "download.pdf.part", "x.pdf.crdownload", "notes.pdf~", "data.tmp"] {
            try Data("not yet".utf8).write(to: daemon.inbox.appendingPathComponent(ignored))
        }

        try daemon.wait("five documents done") { daemon.files(in: daemon.done).count == 5 }
        usleep(800_000)  // anything processed twice would show up now
        XCTAssertEqual(daemon.files(in: daemon.done),
                       ["invoice/in-template-folder.pdf", "renamed-1.pdf", "renamed-2.pdf", "renamed-3.pdf", "slow.pdf"])
        XCTAssertEqual(daemon.files(in: daemon.failed), [])
        XCTAssertEqual(daemon.files(in: daemon.processing), [])
        XCTAssertEqual(Set(daemon.files(in: daemon.inbox)),
                       [".hidden.pdf", "download.pdf.part", "x.pdf.crdownload", "notes.pdf~", "data.tmp"])
        XCTAssertEqual(try daemon.stop(), 0)

        let store = try daemon.store()
        let documents = try store.documents()
        XCTAssertEqual(documents.count, 5)
        XCTAssertTrue(documents.allSatisfy { $0.status == .done && $0.attempts == 1 })
        // The slow file was taken whole: all 4 pages, and the content hash of the complete file.
        let slowRecord = try XCTUnwrap(documents.first { $0.originalName == "slow.pdf" })
        XCTAssertEqual(slowRecord.pageCount, 4)
        XCTAssertEqual(try store.pages(documentID: slowRecord.id).map(\.page), [1, 2, 3, 4])
        XCTAssertEqual(Data(try Data(contentsOf: daemon.done.appendingPathComponent("slow.pdf"))), slow)
        // The inbox folder chose the template; the others fall back to generic.
        XCTAssertEqual(documents.first { $0.originalName == "in-template-folder.pdf" }?.template, "invoice")
        XCTAssertEqual(documents.first { $0.originalName == "renamed-1.pdf" }?.template, "generic")
    }

    func testPollingModeFindsFilesWithoutInotify() throws {
        let daemon = try DaemonHarness(config: """
            [daemon]
            polling = true
            poll_interval_ms = 100
            stability_delay_ms = 200
            """)
        try daemon.start()
        try daemon.drop(try Fixtures.pdfData(pages: 2, label: "polled"), as: "receipt/polled.pdf")
        try daemon.wait("polled file done") { daemon.files(in: daemon.done) == ["receipt/polled.pdf"] }
        XCTAssertTrue(daemon.log.contains("polling every 100 ms"), daemon.log)
        XCTAssertEqual(try daemon.stop(), 0)
        XCTAssertEqual(try daemon.store().document(named: "polled.pdf").template, "receipt")
    }

    func testADuplicateIsRecordedNotReprocessedAndRetryForcesIt() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        let content = try Fixtures.pdfData(pages: 2, label: "same content")
        try daemon.drop(content, as: "first.pdf")
        try daemon.wait("first done") { daemon.files(in: daemon.done) == ["first.pdf"] }
        try daemon.drop(content, as: "first.pdf")      // same name and content again
        try daemon.drop(content, as: "copy.pdf")
        try daemon.wait("duplicates moved") { daemon.files(in: daemon.done).count == 3 }
        XCTAssertEqual(daemon.files(in: daemon.done), ["copy.pdf", "first-2.pdf", "first.pdf"], "never overwritten")

        let store = try daemon.store()
        let duplicates = try store.documents(status: .duplicate)
        XCTAssertEqual(duplicates.count, 2)
        XCTAssertTrue(duplicates.allSatisfy { $0.duplicateOf == 1 && $0.attempts == 0 })
        XCTAssertEqual(try store.pages(documentID: duplicates[0].id).count, 0, "a duplicate is not processed")

        let copy = try XCTUnwrap(duplicates.first { $0.originalName == "copy.pdf" })
        let retried = try daemon.cli(["retry", "--db", daemon.database.path, String(copy.id)])
        XCTAssertEqual(retried.status, 0, retried.output)
        try daemon.wait("the retried duplicate processed") {
            try store.document(id: copy.id)?.status == .done
        }
        XCTAssertEqual(try store.pages(documentID: copy.id).map(\.page), [1, 2])
        XCTAssertEqual(daemon.files(in: daemon.done), ["copy.pdf", "first-2.pdf", "first.pdf"])
        XCTAssertEqual(try daemon.stop(), 0)
    }
}
