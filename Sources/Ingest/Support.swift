import Foundation
import Glibc

/// Seconds on a clock that never jumps (deadlines, stability, rates).
func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

/// The daemon's log lines go to stderr, which systemd sends to the journal.
func log(_ message: String) {
    FileHandle.standardError.write(Data("qzoomd: \(message)\n".utf8))
}

/// Pages stored in the last minute, for STATUS= and `qzoom status`.
struct Throughput {
    private var stamps: [Double] = []
    let window = 60.0

    mutating func record(at time: Double = monotonicSeconds()) {
        stamps.append(time)
        prune(now: time)
    }

    mutating func pagesPerMinute(now: Double = monotonicSeconds()) -> Double {
        prune(now: now)
        return Double(stamps.count) * 60 / window
    }

    private mutating func prune(now: Double) {
        if let firstFresh = stamps.firstIndex(where: { $0 >= now - window }) {
            stamps.removeFirst(firstFresh)
        } else {
            stamps.removeAll()
        }
    }
}

/// The error document written beside a file in failed/ (`NAME.error.json`).
struct ErrorReport: Codable {
    var code: String
    var message: String
    var attempts: Int
    var time: String
    var document: Int64?
    var originalName: String
    var sha256: String?

    /// Written with O_EXCL: an existing report (left by a finish that a crash interrupted) is kept.
    func write(besides path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        let target = path + ".error.json"
        let fd: Int32
        do {
            fd = try systemCall("open", target) { open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        } catch let error as SystemError where error.errno == EEXIST {
            return
        }
        defer { close(fd) }
        try writeAll(data, to: fd, target)
        try systemCall("fsync", target) { fsync(fd) }
    }

    static func timestamp(_ date: Date = Date()) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
