import Foundation
import Glibc
import Store
import XCTest

/// What systemd and the people around the service see: notify messages, configuration errors, and a
/// CLI that reads while the daemon writes.
final class ServiceTests: XCTestCase {
    func testReadyStatusAndWatchdogReachTheNotifySocket() throws {
        let daemon = try DaemonHarness(config: "[daemon]\nstability_delay_ms = 100\n")
        let socketPath = daemon.root.appendingPathComponent("notify.sock").path
        let socket = try NotifySocket(path: socketPath)
        try daemon.start(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "600000"])
        try daemon.drop(try Fixtures.pdfData(pages: 2, label: "notify"), as: "n.pdf")
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            messages += socket.receive()
            if messages.contains("READY=1"), messages.filter({ $0 == "WATCHDOG=1" }).count >= 3,
               messages.contains(where: { $0.hasPrefix("STATUS=") && $0.contains("done 1") }) { break }
            usleep(50_000)
        }
        XCTAssertTrue(messages.contains("READY=1"), "\(messages)")
        // WATCHDOG_USEC=600000: pinged at least every 200 ms from the loop.
        XCTAssertGreaterThanOrEqual(messages.filter { $0 == "WATCHDOG=1" }.count, 3, "\(messages)")
        let status = try XCTUnwrap(messages.last { $0.hasPrefix("STATUS=") && $0.contains("done 1") }, "\(messages)")
        XCTAssertTrue(status.contains("queue ") && status.contains("in flight ") && status.contains("pages/min"), status)
        XCTAssertEqual(try daemon.stop(), 0)
        XCTAssertTrue(socket.receive().contains("STOPPING=1") || messages.contains("STOPPING=1"))
    }

    func testAnInvalidSettingStopsTheDaemonWithFileKeyAndReason() throws {
        let daemon = try DaemonHarness(config: "[daemon]\nworkers = 0\n")
        try daemon.start()
        XCTAssertEqual(try daemon.stop(0, timeout: 10), 78)
        XCTAssertTrue(daemon.log.contains("\(daemon.configFile.path): daemon.workers: must be between 1 and 64 (got 0)"), daemon.log)

        try "[daemon]\nwrokers = 2\n".write(to: daemon.configFile, atomically: true, encoding: .utf8)
        try daemon.start()
        XCTAssertEqual(try daemon.stop(0, timeout: 10), 78)
        XCTAssertTrue(daemon.log.contains("daemon.wrokers: unknown setting"), daemon.log)
    }

    func testASecondDaemonOnTheSameTreeRefusesToStart() throws {
        let first = try DaemonHarness(config: "")
        try first.start()
        _ = try first.store()
        let second = try first.cli(["daemon", "--root", first.root.path])
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(second.output.contains("another qzoom daemon is already running on \(first.root.path)"), second.output)
        XCTAssertEqual(try first.stop(), 0)
    }

    func testTheCLIReadsResultsWhileTheDaemonWrites() throws {
        let daemon = try DaemonHarness(config: "[daemon]\nstability_delay_ms = 100\nworkers = 2\n")
        try daemon.start(environment: ["QZOOM_TEST_WORKER_FAULT": "slow:busy"])
        for n in 1...2 { try daemon.drop(try Fixtures.pdfData(pages: 25, label: "busy \(n)"), as: "busy-\(n).pdf") }
        let store = try daemon.store()
        try daemon.wait("writing has begun") { try store.summary().pagesStored > 0 }

        var seenPages: [Int] = []
        let db = daemon.database.path
        while try store.summary().pagesStored < 50 {
            let status = try daemon.cli(["status", "--db", db, "--json"])
            XCTAssertEqual(status.status, 0, status.output)
            let summary = try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any]
            seenPages.append(summary?["pagesStored"] as? Int ?? -1)
            for command in [["results", "--db", db, "--format", "json"], ["results", "--db", db, "--format", "csv"],
                            ["export", "--db", db, "--format", "json"], ["results", "--db", db, "--file", "busy-1.pdf"]] {
                let result = try daemon.cli(command)
                XCTAssertEqual(result.status, 0, "\(command): \(result.output)")
            }
            if seenPages.count > 200 { break }
        }
        XCTAssertGreaterThan(Set(seenPages).count, 2, "the CLI saw the pages grow while the daemon wrote: \(seenPages)")
        XCTAssertEqual(seenPages, seenPages.sorted(), "each read is a consistent snapshot")
        try daemon.wait("both documents done") { daemon.files(in: daemon.done).count == 2 }

        let text = try daemon.cli(["status", "--db", db])
        XCTAssertTrue(text.output.contains("2 done"), text.output)
        let export = try daemon.cli(["export", "--db", db, "--format", "csv"])
        XCTAssertEqual(export.output.split(separator: "\n").count, 1 + 50, "a header and one row per page")
        XCTAssertEqual(try daemon.stop(), 0)
    }
}

/// A datagram socket standing in for systemd's notify socket.
final class NotifySocket {
    let descriptor: Int32

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw FixtureError("socket failed") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw FixtureError("bind \(path) failed") }
    }

    deinit { close(descriptor) }

    func receive() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return messages }
            messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
    }
}
