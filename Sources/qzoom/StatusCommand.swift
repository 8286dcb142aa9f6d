import ArgumentParser
import Foundation
import Store

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the queue, documents in flight, done and failed counts, throughput and the last errors.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "How many of the latest errors to show.") var errors = 5
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        let summary = try database.open().summary(lastErrors: errors)
        if json { emit(try jsonText(summary)); return }
        let counts = summary.countsByStatus
        var lines: [String] = []
        if let daemon = summary.daemon {
            let age = Date().timeIntervalSince(daemon.heartbeatAt)
            if daemon.stoppedAt != nil {
                lines.append("daemon: stopped (pid \(daemon.pid), root \(daemon.root))")
            } else if age > 30 {
                lines.append("daemon: not responding for \(Int(age)) s (pid \(daemon.pid)); not running, or wedged")
            } else {
                lines.append("daemon: running (pid \(daemon.pid), root \(daemon.root), since \(Self.time(daemon.startedAt)))")
                lines.append("queue: \(daemon.queueLength)   in flight: \(daemon.inFlight)   throughput: \(String(format: "%.1f", daemon.pagesPerMinute)) pages/min")
            }
        } else {
            lines.append("daemon: never ran on this database")
        }
        lines.append("documents: \(counts["done"] ?? 0) done, \(counts["failed"] ?? 0) failed, \(counts["duplicate"] ?? 0) duplicates, \(counts["processing"] ?? 0) processing, \(counts["queued"] ?? 0) queued")
        lines.append("stored: \(summary.pagesStored) pages, \(summary.answersStored) answers; last hour \(String(format: "%.1f", summary.pagesPerMinuteLastHour)) pages/min")
        if !summary.lastErrors.isEmpty {
            lines.append("last errors:")
            for document in summary.lastErrors {
                lines.append("  #\(document.id) \(document.originalName): \(document.errorCode ?? "?"): \(document.errorMessage ?? "") (\(document.finishedAt.map(Self.time) ?? ""))")
            }
        }
        emit(lines.joined(separator: "\n"))
    }

    static func time(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
