import ArgumentParser
import Foundation
import QZoomCore
import Store

struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Print stored answers (safe while the daemon runs).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Only this file (its name as dropped, or its path now).", valueName: "name")) var file: String?
    @Option(help: ArgumentHelp("Only this document id.", valueName: "id")) var document: Int64?
    @Option(help: ArgumentHelp("Only answers to this query.", valueName: "q")) var query: String?
    @Option(help: ArgumentHelp("Only documents finished since T: ISO 8601 (2026-12-01, 2026-12-01T10:00:00Z) or an age (30m, 2h, 7d).",
                               valueName: "t"))
    var since: String?
    @Option(help: "Output format: table, json or csv.") var format: ResultFormat = .table

    func validate() throws {
        if file != nil && document != nil { throw ValidationError("give --file or --document, not both") }
        if let since, TimeArgument.parse(since) == nil {
            throw ValidationError("--since \(since): expected an ISO 8601 date or an age such as 30m, 2h, 7d")
        }
    }

    func run() throws {
        let filter = ResultStore.AnswerFilter(file: file, documentID: document, query: query,
                                              since: since.flatMap { TimeArgument.parse($0) })
        let records = try database.open().answers(filter)
        switch format {
        case .json: emit(try jsonText(records))
        case .csv: emit(TextTable.csv(header: AnswerRows.header, rows: records.map(AnswerRows.cells)))
        case .table:
            if records.isEmpty { emit("no answers"); return }
            emit(TextTable.render(header: AnswerRows.header, rows: records.map(AnswerRows.cells)))
        }
    }
}

/// One answer as table or CSV cells.
enum AnswerRows {
    static let header = ["document", "file", "page", "query", "value", "normalized", "currency", "confidence", "route",
                         "gate", "roi", "box", "fine_scale", "ms", "engine", "heads"]

    static func cells(_ record: AnswerRecord) -> [String] {
        let a = record.answer
        return [String(record.documentID), record.file, String(record.page), a.query, a.value ?? "", a.normalized ?? "",
                a.currency ?? "", String(format: "%.3f", a.confidence), a.route.rawValue,
                a.gateProbability.map { String(format: "%.3f", $0) } ?? "", a.roi?.description ?? "",
                a.box?.description ?? "", a.fineScale.map { String(format: "%.3f", $0) } ?? "",
                String(format: "%.1f", a.timings.total), record.engineVersion, record.headsVersion ?? ""]
    }
}

/// `--since` values: an ISO 8601 date or date-time, or an age before now.
enum TimeArgument {
    static func parse(_ text: String, now: Date = Date()) -> Date? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let unit = text.last, let seconds = units[unit], let count = Double(text.dropLast()), count >= 0 {
            return now.addingTimeInterval(-count * seconds)
        }
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text)
    }
}
