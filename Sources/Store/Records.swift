import Foundation
import GRDB
import QZoomCore

/// Where a document is in its life: claimed and waiting, being processed, or finished.
public enum DocumentStatus: String, Codable, Sendable, CaseIterable {
    case queued, processing, done, failed, duplicate

    public var isFinal: Bool { self == .done || self == .failed || self == .duplicate }
}

/// One row of `documents`.
public struct DocumentRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var sha256: String
    public var originalName: String
    public var sizeBytes: Int64
    public var template: String?
    /// Where the file is now (absolute).
    public var path: String
    /// The file's path relative to processing/ while it is claimed.
    public var claimName: String
    public var status: DocumentStatus
    public var duplicateOf: Int64?
    public var pageCount: Int?
    public var attempts: Int
    public var errorCode: String?
    public var errorMessage: String?
    public var retryRequested: Bool
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    init(row: Row) throws {
        id = row["id"]
        sha256 = row["sha256"]
        originalName = row["original_name"]
        sizeBytes = row["size_bytes"]
        template = row["template"]
        path = row["path"]
        claimName = row["claim_name"]
        let rawStatus: String = row["status"]
        guard let status = DocumentStatus(rawValue: rawStatus) else {
            throw StoreError.sqlite(code: 0, message: "unknown document status \(rawStatus)", isTransient: false)
        }
        self.status = status
        duplicateOf = row["duplicate_of"]
        pageCount = row["page_count"]
        attempts = row["attempts"]
        errorCode = row["error_code"]
        errorMessage = row["error_message"]
        retryRequested = row["retry_requested"]
        createdAt = Date(timeIntervalSince1970: row["created_at"])
        startedAt = (row["started_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        finishedAt = (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:))
    }
}

/// A stored page: its size, coarse scale and stage timings.
public struct PageRecord: Codable, Sendable, Equatable {
    public var documentID: Int64
    public var page: Int
    public var size: Size
    public var coarseScale: Double
    public var megapixels: Double
    public var timings: StageTimings
    public var engineVersion: String

    init(row: Row) throws {
        documentID = row["document_id"]
        page = row["page"]
        size = Size(width: row["width"], height: row["height"])
        coarseScale = row["coarse_scale"]
        megapixels = row["megapixels"]
        timings = try TimingsColumn.decode(row["timings"])
        engineVersion = row["engine_version"]
    }
}

/// A stored answer with the document and page it belongs to, as `results` and `export` print it.
public struct AnswerRecord: Codable, Sendable, Equatable {
    public var documentID: Int64
    public var file: String
    public var page: Int
    public var answer: Answer
    public var engineVersion: String
    public var headsVersion: String?

    init(row: Row) throws {
        documentID = row["document_id"]
        file = row["original_name"]
        page = row["page"]
        guard let route = Route(rawValue: row["route"]) else {
            throw StoreError.sqlite(code: 0, message: "unknown route \(row["route"] as String? ?? "")", isTransient: false)
        }
        answer = Answer(query: row["query"], value: row["value"], normalized: row["normalized"],
                        currency: row["currency"], confidence: row["confidence"], route: route,
                        gateProbability: row["gate_probability"],
                        roi: RectColumns.decode(row, prefix: "roi"), box: RectColumns.decode(row, prefix: "box"),
                        fineScale: row["fine_scale"], timings: try TimingsColumn.decode(row["timings"]))
        engineVersion = row["engine_version"]
        headsVersion = row["heads_version"]
    }
}

/// Stage timings are kept as a JSON object `{"detect": 12.5, ...}`: the set of stages grows with the
/// engine, and a column per stage would need a migration each time.
enum TimingsColumn {
    static func encode(_ timings: StageTimings) -> String {
        let entries = timings.milliseconds.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\"\($0.key.rawValue)\":\($0.value.isFinite ? $0.value : 0)" }
        return "{" + entries.joined(separator: ",") + "}"
    }

    static func decode(_ text: String) throws -> StageTimings {
        let raw = try JSONDecoder().decode([String: Double].self, from: Data(text.utf8))
        var timings = StageTimings()
        for (key, ms) in raw { if let stage = Stage(rawValue: key) { timings[stage] = ms } }
        return timings
    }
}

/// A rectangle as four nullable columns `PREFIX_x`, `PREFIX_y`, `PREFIX_width`, `PREFIX_height`.
enum RectColumns {
    static func values(_ rect: Rect?) -> [DatabaseValueConvertible?] {
        guard let rect else { return [nil, nil, nil, nil] }
        return [rect.x, rect.y, rect.width, rect.height]
    }

    static func decode(_ row: Row, prefix: String) -> Rect? {
        guard let x: Double = row["\(prefix)_x"], let y: Double = row["\(prefix)_y"],
              let w: Double = row["\(prefix)_width"], let h: Double = row["\(prefix)_height"] else { return nil }
        return Rect(x: x, y: y, width: w, height: h)
    }
}
