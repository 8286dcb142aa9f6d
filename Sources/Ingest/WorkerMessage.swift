import Foundation
import QZoomCore

/// One line of JSON from a worker to the daemon, on the worker's descriptor 3.
/// For each document a worker sends `opened`, then one `page` per page, then `finished`, `failed` or
/// (when asked to stop) `abandoned`.
public struct WorkerMessage: Codable, Sendable, JSONLine {
    public enum Kind: String, Codable, Sendable { case opened, page, finished, failed, abandoned }

    public var kind: Kind
    public var template: String?
    public var pageCount: Int?
    public var page: PageResult?
    public var engineVersion: String?
    public var headsVersion: String?
    public var errorCode: String?
    public var errorMessage: String?
    /// A failure that may clear up (disk full, out of descriptors): the daemon tries again later.
    public var transient: Bool?

    public init(kind: Kind) { self.kind = kind }
}

/// One line of JSON from the daemon to a worker, on the worker's standard input: a document to process.
public struct WorkerJob: Codable, Sendable, Equatable, JSONLine {
    public var file: String
    /// The template its inbox folder asked for.
    public var template: String?

    public init(file: String, template: String?) { self.file = file; self.template = template }

    /// The next job the daemon sent; nil once it closed the pipe (or sent something unreadable, which
    /// only a broken daemon would: the worker then ends and the daemon sees it gone).
    static func readFromStandardInput() -> WorkerJob? {
        guard let line = readLine(strippingNewline: true) else { return nil }
        return try? JSONDecoder().decode(WorkerJob.self, from: Data(line.utf8))
    }
}

/// The protocol descriptor: the daemon maps the worker's pipe onto it (stdout stays free for logs).
let workerMessageDescriptor: Int32 = 3

/// What crosses a worker's pipes: one JSON object per line.
protocol JSONLine: Encodable {}

extension JSONLine {
    func encodedLine() throws -> Data {
        var data = try JSONEncoder().encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
