import Foundation
import Glibc
import Store
import XCTest

/// A real `qzoom daemon` process on a drop tree in a temporary folder.
final class DaemonHarness {
    let root: URL
    let configFile: URL
    var database: URL { root.appendingPathComponent("qzoom.sqlite") }
    var inbox: URL { root.appendingPathComponent("inbox") }
    var processing: URL { root.appendingPathComponent("processing") }
    var done: URL { root.appendingPathComponent("done") }
    var failed: URL { root.appendingPathComponent("failed") }
    private(set) var process: Process?
    let logFile: URL

    /// The built binary next to the test bundle (`swift test` builds it), or $QZOOM_BINARY.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["QZOOM_BINARY"] { return URL(fileURLWithPath: path) }
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var folder = testBundle.deletingLastPathComponent()
        if folder.lastPathComponent == "MacOS" || folder.pathExtension == "xctest" { folder.deleteLastPathComponent() }
        return folder.appendingPathComponent("qzoom")
    }

    /// `config` is the body of qzoom.toml (paths are set by the harness).
    init(config: String = "", name: String = #function) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("qzoom-test-\(name.filter(\.isLetter))-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        configFile = root.appendingPathComponent("qzoom.toml")
        logFile = root.appendingPathComponent("daemon.log")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw FixtureError("no qzoom binary at \(Self.binary.path): build it first (swift build -c release)")
        }
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        if ProcessInfo.processInfo.environment["QZOOM_KEEP_TEST_TREES"] == nil {
            try? FileManager.default.removeItem(at: root)
        }
    }

    func start(environment extra: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["daemon", "--config", configFile.path, "--root", root.path, "--db", database.path]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = nil
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logFile.path) { FileManager.default.createFile(atPath: logFile.path, contents: nil) }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
    }

    /// Sends `signal` and waits for the exit; returns the exit status (or 128+signal).
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, timeout: Double = 30) throws -> Int32 {
        guard let process else { return 0 }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            throw FixtureError("the daemon did not exit within \(timeout) s of signal \(signal)")
        }
        self.process = nil
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Drops a file the way well-behaved writers do: written under a hidden name, then renamed in.
    func drop(_ data: Data, as relative: String) throws {
        let target = inbox.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let hidden = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).part")
        try data.write(to: hidden)
        guard rename(hidden.path, target.path) == 0 else { throw FixtureError("rename into the inbox failed") }
    }

    /// Every regular file below `folder`, relative to it.
    func files(in folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isFolder)
                && !isFolder.boolValue
        }.sorted()
    }

    /// The daemon's database, once the daemon has created it.
    /// Fails with the daemon's log when the daemon exits first or the store is not ready in time.
    func store() throws -> ResultStore {
        let deadline = Date().addingTimeInterval(120)
        while true {
            do {
                return try ResultStore.existing(path: database.path)
            } catch StoreError.noDatabase, StoreError.schemaNotCurrent where Date() < deadline && process?.isRunning != false {
                usleep(100_000)
            } catch {
                throw FixtureError("the store is not ready (\(error))\n--- daemon log ---\n\(log)")
            }
        }
    }

    /// Polls `condition` until it holds; fails the test with the daemon's log when it does not in time.
    func wait(_ what: String, timeout: Double = 180, file: StaticString = #filePath, line: UInt = #line,
              until condition: () throws -> Bool) rethrows {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        XCTFail("timed out waiting for: \(what)\n--- daemon log ---\n\(log)", file: file, line: line)
    }

    /// Runs `qzoom ARGUMENTS` and returns its exit status and stdout.
    func cli(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
