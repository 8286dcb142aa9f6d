import Foundation
import Glibc
import Store
import XCTest

/// Stopping or killing the daemon at any moment loses nothing and duplicates nothing.
final class CrashSafetyTests: XCTestCase {
    static let config = """
        [daemon]
        workers = 2
        stability_delay_ms = 200
        rescan_interval_seconds = 1
        shutdown_grace_seconds = 10
        max_attempts = 3
        [engine]
        mode = "coarse"
        """

    func testSIGTERMInTheMiddleOfADocumentExitsZeroAndTheNextStartFinishesIt() throws {
        let daemon = try DaemonHarness(config: Self.config)
        // 100 ms per page: the document takes 3 s, so the signal lands in the middle of it.
        try daemon.start(environment: ["QZOOM_TEST_WORKER_FAULT": "slow:long"])
        try daemon.drop(try Fixtures.pdfData(pages: 30, label: "long"), as: "long.pdf")
        let store = try daemon.store()
        try daemon.wait("a few pages stored") { try store.summary().pagesStored >= 3 }

        XCTAssertEqual(try daemon.stop(SIGTERM), 0, daemon.log)
        let stored = try store.summary().pagesStored
        XCTAssertLessThan(stored, 30, "the signal should have come mid-document")
        XCTAssertEqual(daemon.files(in: daemon.processing), ["long.pdf"], "an abandoned file stays in processing/")
        XCTAssertEqual(try store.documents().first?.attempts, 0, "a shutdown does not use up an attempt")
        XCTAssertTrue(daemon.log.contains("left in processing/"), daemon.log)

        try daemon.start()
        try daemon.wait("resumed and finished", timeout: 240) { daemon.files(in: daemon.done) == ["long.pdf"] }
        XCTAssertEqual(try daemon.stop(SIGINT), 0)
        let document = try XCTUnwrap(try store.documents().first)
        XCTAssertEqual(document.status, .done)
        XCTAssertEqual(try store.pages(documentID: document.id).map(\.page), Array(1...30))
    }

    func testKillingTheDaemonTwentyTimesLosesAndDuplicatesNothing() throws {
        let daemon = try DaemonHarness(config: Self.config)
        var expected: [String: Data] = [:]
        for n in 1...10 { expected["doc-\(n).pdf"] = try Fixtures.pdfData(pages: 1 + n % 4, label: "doc \(n)") }
        for n in 1...4 { expected["slow-\(n).pdf"] = try Fixtures.pdfData(pages: 8, label: "slow \(n)") }
        expected["broken.pdf"] = Data("%PDF-1.4 this is not really a PDF".utf8)
        let names = expected.keys.sorted()
        var generator = SystemRandomNumberGenerator()
        var dropped = 0

        for round in 1...20 {
            try daemon.start(environment: ["QZOOM_TEST_WORKER_FAULT": "slow:slow-"])
            // Files keep arriving while the daemon is killed and restarted.
            for _ in 0..<2 where dropped < names.count {
                try daemon.drop(expected[names[dropped]] ?? Data(), as: names[dropped])
                dropped += 1
            }
            usleep(UInt32.random(in: 50_000...900_000, using: &generator))
            XCTAssertEqual(try daemon.stop(SIGKILL), 128 + SIGKILL, "round \(round)")
        }
        while dropped < names.count { try daemon.drop(expected[names[dropped]] ?? Data(), as: names[dropped]); dropped += 1 }

        try daemon.start(environment: ["QZOOM_TEST_WORKER_FAULT": "slow:slow-"])
        try daemon.wait("every file finished", timeout: 400) {
            daemon.files(in: daemon.done).count + daemon.files(in: daemon.failed).filter { !$0.hasSuffix(".error.json") }.count
                == names.count && daemon.files(in: daemon.processing).isEmpty
        }
        XCTAssertEqual(try daemon.stop(), 0)

        // Every file is in done/ or failed/ exactly once, byte for byte, and nowhere else.
        let finished = daemon.files(in: daemon.done) + daemon.files(in: daemon.failed).filter { !$0.hasSuffix(".error.json") }
        XCTAssertEqual(finished.sorted(), names, "each file exactly once")
        for name in daemon.files(in: daemon.done) {
            XCTAssertEqual(try Data(contentsOf: daemon.done.appendingPathComponent(name)), expected[name], name)
        }
        XCTAssertEqual(daemon.files(in: daemon.inbox), [])

        let store = try daemon.store()
        XCTAssertEqual(try store.integrityCheck(), ["ok"])
        let documents = try store.documents()
        XCTAssertEqual(documents.count, names.count, "one document per file: \(documents.map(\.originalName))")
        for document in documents {
            XCTAssertTrue(FileManager.default.fileExists(atPath: document.path), "\(document.originalName) is where the store says")
            switch document.status {
            case .done:
                let pages = try store.pages(documentID: document.id).map(\.page)
                XCTAssertEqual(pages, Array(1...(document.pageCount ?? 0)), "\(document.originalName): every page once")
            case .failed:
                XCTAssertTrue(FileManager.default.fileExists(atPath: document.path + ".error.json"))
                XCTAssertNotNil(document.errorCode)
            default:
                XCTFail("\(document.originalName) ended as \(document.status)")
            }
        }
        XCTAssertEqual(documents.first { $0.originalName == "broken.pdf" }?.status, .failed)
    }
}
