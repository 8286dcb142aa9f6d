import Foundation
import QZoomCore

/// One line of JSON from a worker to the daemon, on the worker's descriptor 3.
/// A worker sends `opened`, then one `page` per page, then `finished` or `failed`.
public struct WorkerMessage: Codable, Sendable {
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

    func encodedLine() throws -> Data {
        var data = try JSONEncoder().encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}

/// The protocol descriptor: the daemon maps the worker's pipe onto it (stdout stays free for logs).
let workerMessageDescriptor: Int32 = 3
