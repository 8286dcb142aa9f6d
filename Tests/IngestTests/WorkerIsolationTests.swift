import Foundation
import Glibc
import Store
import XCTest

/// A worker that crashes or hangs takes down only itself; its file fails after bounded attempts.
final class WorkerIsolationTests: XCTestCase {
    func testACrashingAndAHangingWorkerDoNotStopTheOthers() throws {
        let daemon = try DaemonHarness(config: """
            [daemon]
            workers = 2
            stability_delay_ms = 200
            max_attempts = 2
            [worker]
            timeout_seconds = 20
            [engine]
            mode = "coarse"
            """)
        // Test-only fault injection, read by workers only (see FaultInjection.swift).
        try daemon.start(environment: ["QZOOM_TEST_WORKER_FAULT": "crash:boom,hang:stuck"])
        try daemon.drop(try Fixtures.pdfData(pages: 1, label: "boom"), as: "boom.pdf")
        try daemon.drop(try Fixtures.pdfData(pages: 1, label: "stuck"), as: "stuck.pdf")
        for n in 1...4 { try daemon.drop(try Fixtures.pdfData(pages: 2, label: "fine \(n)"), as: "fine-\(n).pdf") }

        try daemon.wait("the good files done") { daemon.files(in: daemon.done).count == 4 }
        try daemon.wait("the bad files failed after two attempts", timeout: 180) {
            daemon.files(in: daemon.failed) == ["boom.pdf", "boom.pdf.error.json", "stuck.pdf", "stuck.pdf.error.json"]
        }
        let store = try daemon.store()
        let boom = try store.document(named: "boom.pdf")
        XCTAssertEqual(boom.errorCode, "worker_crashed")
        XCTAssertEqual(boom.attempts, 2)
        XCTAssertTrue(boom.errorMessage?.contains("signal 11") == true, boom.errorMessage ?? "")
        let stuck = try store.document(named: "stuck.pdf")
        XCTAssertEqual(stuck.errorCode, "worker_timeout")
        XCTAssertEqual(stuck.attempts, 2)
        XCTAssertEqual(try daemon.stop(), 0)
    }

    func testAWorkerTakesDocumentsUntilItsQuotaOrAFailure() throws {
        let daemon = try DaemonHarness(config: """
            [daemon]
            workers = 1
            stability_delay_ms = 200
            [worker]
            documents_per_worker = 3
            [engine]
            mode = "coarse"
            """)
        try daemon.start()
        // One worker at a time: four good documents need two workers (three, then one); the broken file
        // fails cleanly and retires whichever worker had it, so the worker after it is a new one.
        for n in 1...4 { try daemon.drop(try Fixtures.pdfData(pages: 1, label: "doc \(n)"), as: "doc-\(n).pdf") }
        try daemon.wait("four documents done") { daemon.files(in: daemon.done).count == 4 }
        let startsForFour = daemon.log.components(separatedBy: "started worker ").count - 1
        XCTAssertEqual(startsForFour, 2, daemon.log)

        try daemon.drop(Data("%PDF-1.4 this is not a PDF".utf8), as: "broken.pdf")
        try daemon.wait("the broken file failed") { daemon.files(in: daemon.failed).contains("broken.pdf") }
        try daemon.drop(try Fixtures.pdfData(pages: 1, label: "doc 5"), as: "doc-5.pdf")
        try daemon.wait("the fifth document done") { daemon.files(in: daemon.done).count == 5 }
        let starts = daemon.log.components(separatedBy: "started worker ").count - 1
        XCTAssertEqual(starts, 3, daemon.log)  // the one left idle after doc-4 took broken.pdf; doc-5 a new one
        XCTAssertEqual(try daemon.store().documents().filter { $0.status == .done }.count, 5)
        XCTAssertEqual(try daemon.stop(), 0)
    }

    func testAFileThatExceedsTheWorkersMemoryLimitCrashesOnlyItsWorker() throws {
        let daemon = try DaemonHarness(config: """
            [daemon]
            workers = 2
            stability_delay_ms = 200
            max_attempts = 2
            [worker]
            memory_limit_mb = 1024
            timeout_seconds = 120
            [raster]
            max_pixels_per_render = 2000000000
            [engine]
            mode = "coarse"
            """)
        try daemon.start()
        // 20000×20000 RGB: 1.2 GB decoded, more than the whole 1 GiB address space. (A file that only just
        // does not fit can instead leave OpenBLAS retrying its allocations; the worker timeout ends that.)
        let big = daemon.root.appendingPathComponent("big.png")
        try Fixtures.whitePNG(at: big, side: 20000)
        try daemon.drop(try Data(contentsOf: big), as: "big.png")
        for n in 1...3 { try daemon.drop(try Fixtures.pdfData(pages: 1, label: "small \(n)"), as: "small-\(n).pdf") }

        try daemon.wait("the big file failed after two attempts, the others done", timeout: 180) {
            daemon.files(in: daemon.failed) == ["big.png", "big.png.error.json"] && daemon.files(in: daemon.done).count == 3
        }
        let record = try daemon.store().document(named: "big.png")
        XCTAssertEqual(record.errorCode, "worker_crashed")
        XCTAssertEqual(record.attempts, 2)
        XCTAssertTrue(record.errorMessage?.contains("1024 MB memory limit") == true, record.errorMessage ?? "")
        XCTAssertEqual(try daemon.stop(), 0)
    }

    func testAttemptsAreCountedAcrossRestartsSoACrashLoopEnds() throws {
        let daemon = try DaemonHarness(config: """
            [daemon]
            stability_delay_ms = 100
            max_attempts = 2
            """)
        // The worker hangs; the daemon is killed while it does, twice. The third start gives up.
        let environment = ["QZOOM_TEST_WORKER_FAULT": "hang:machine-killer"]
        try daemon.drop(try Fixtures.pdfData(pages: 1, label: "x"), as: "machine-killer.pdf")
        for round in 1...2 {
            try daemon.start(environment: environment)
            let store = try daemon.store()
            try daemon.wait("worker started") {
                let document = try? store.documents().first
                return document?.status == .processing && document?.attempts == round
            }
            try daemon.stop(SIGKILL)
        }
        try daemon.start(environment: environment)
        try daemon.wait("given up") { daemon.files(in: daemon.failed).contains("machine-killer.pdf") }
        XCTAssertEqual(try daemon.stop(), 0)
        let record = try daemon.store().document(named: "machine-killer.pdf")
        XCTAssertEqual(record.errorCode, "too_many_attempts")
        XCTAssertEqual(record.attempts, 2)
    }
}
