import ArgumentParser
import Foundation
import QZoomCore
import Store

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export every document with its pages and answers (JSON) or one row per answer (CSV).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Output format: json or csv.") var format: ResultFormat = .json
    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file"))
    var output: String?

    func validate() throws {
        if format == .table { throw ValidationError("export writes json or csv") }
    }

    struct ExportedPage: Encodable {
        var page: PageRecord
        var answers: [Answer]
    }

    struct ExportedDocument: Encodable {
        var document: DocumentRecord
        var pages: [ExportedPage]
    }

    func run() throws {
        let store = try database.open()
        let answers = Dictionary(grouping: try store.answers(), by: { "\($0.documentID)/\($0.page)" })
        var exported: [ExportedDocument] = []
        for document in try store.documents() {
            let pages = try store.pages(documentID: document.id).map { page in
                ExportedPage(page: page, answers: (answers["\(document.id)/\(page.page)"] ?? []).map(\.answer))
            }
            exported.append(ExportedDocument(document: document, pages: pages))
        }
        let text: String
        if format == .json {
            text = try jsonText(exported)
        } else {
            let header = ["document", "file", "status", "template", "page", "width", "height"] + AnswerRows.header.dropFirst(3)
            var rows: [[String]] = []
            for entry in exported {
                let d = entry.document
                for page in entry.pages {
                    let prefix = [String(d.id), d.originalName, d.status.rawValue, d.template ?? "", String(page.page.page),
                                  String(page.page.size.width), String(page.page.size.height)]
                    let records = answers["\(d.id)/\(page.page.page)"] ?? []
                    if records.isEmpty { rows.append(prefix + Array(repeating: "", count: AnswerRows.header.count - 3)) }
                    for record in records { rows.append(prefix + AnswerRows.cells(record).dropFirst(3)) }
                }
            }
            text = TextTable.csv(header: Array(header), rows: rows)
        }
        if let output {
            try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } else {
            emit(text)
        }
    }
}
