import ArgumentParser
import Store

struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Process a document again (also a duplicate, or a failed one); the running daemon picks it up.",
        discussion: "The daemon moves the file from done/ or failed/ back into processing/ within a second or so, with a fresh budget of attempts.")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: ArgumentHelp("The document: its id (12 or #12) or its file name.", valueName: "document"))
    var document: String?
    @Flag(help: "Retry every failed document.") var failed = false

    func validate() throws {
        if (document == nil) == !failed { throw ValidationError("give a DOCUMENT or --failed") }
    }

    func run() throws {
        let store = try database.open()
        if failed {
            emit("marked \(try store.requestRetryOfFailed()) failed documents for retry")
            return
        }
        guard let document else { return }
        let record = try store.document(named: document)
        guard record.status.isFinal else {
            emit("document #\(record.id) is \(record.status.rawValue); nothing to retry yet")
            return
        }
        try store.requestRetry(documentID: record.id)
        emit("marked document #\(record.id) (\(record.originalName)) for retry")
    }
}
