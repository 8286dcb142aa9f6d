import Foundation
import GRDB
import QZoomCore

/// What the CLI reads. Readers see a consistent snapshot and never block the daemon (WAL).
extension ResultStore {
    public struct AnswerFilter: Sendable {
        /// The original file name (as dropped) or its path now.
        public var file: String?
        public var documentID: Int64?
        public var query: String?
        /// Only documents finished at or after this time.
        public var since: Date?
        public init(file: String? = nil, documentID: Int64? = nil, query: String? = nil, since: Date? = nil) {
            self.file = file; self.documentID = documentID; self.query = query; self.since = since
        }
    }

    public func answers(_ filter: AnswerFilter = AnswerFilter()) throws -> [AnswerRecord] {
        var conditions: [String] = []
        var arguments: [DatabaseValueConvertible?] = []
        if let file = filter.file {
            conditions.append("(d.original_name = ? OR d.path = ?)"); arguments += [file, file]
        }
        if let id = filter.documentID { conditions.append("d.id = ?"); arguments.append(id) }
        if let query = filter.query { conditions.append("a.query = ?"); arguments.append(query) }
        if let since = filter.since { conditions.append("d.finished_at >= ?"); arguments.append(since.unixSeconds) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.*, d.original_name FROM answers a JOIN documents d ON d.id = a.document_id
                \(whereClause) ORDER BY a.document_id, a.page, a.query
                """, arguments: StatementArguments(arguments)).map(AnswerRecord.init(row:))
        }
    }

    public func document(id: Int64) throws -> DocumentRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM documents WHERE id = ?", arguments: [id]).map(DocumentRecord.init(row:))
        }
    }

    /// A document named the way a user would: `#12` or `12` (its id), or the original file name
    /// (the latest document of that name).
    public func document(named key: String) throws -> DocumentRecord {
        let trimmed = key.hasPrefix("#") ? String(key.dropFirst()) : key
        if let id = Int64(trimmed), let record = try document(id: id) { return record }
        let byName = try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM documents WHERE original_name = ? OR path = ? ORDER BY id DESC LIMIT 1",
                             arguments: [key, key]).map(DocumentRecord.init(row:))
        }
        guard let byName else { throw StoreError.noSuchDocument(key) }
        return byName
    }

    public func documents(status: DocumentStatus? = nil) throws -> [DocumentRecord] {
        try read { db in
            if let status {
                return try Row.fetchAll(db, sql: "SELECT * FROM documents WHERE status = ? ORDER BY id",
                                        arguments: [status.rawValue]).map(DocumentRecord.init(row:))
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM documents ORDER BY id").map(DocumentRecord.init(row:))
        }
    }

    public func pages(documentID: Int64) throws -> [PageRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pages WHERE document_id = ? ORDER BY page",
                             arguments: [documentID]).map(PageRecord.init(row:))
        }
    }

    /// Counts for `qzoom status`.
    public struct Summary: Codable, Sendable, Equatable {
        public var countsByStatus: [String: Int]
        public var pagesStored: Int
        public var answersStored: Int
        /// Pages stored in the last hour, per minute.
        public var pagesPerMinuteLastHour: Double
        public var daemon: DaemonState?
        public var lastErrors: [DocumentRecord]
    }

    public func summary(lastErrors: Int = 5, now: Date = Date()) throws -> Summary {
        try read { db in
            var counts: [String: Int] = [:]
            for status in DocumentStatus.allCases { counts[status.rawValue] = 0 }
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM documents GROUP BY status") {
                counts[row["status"]] = row["n"]
            }
            let pages = try Int.fetchOne(db, sql: "SELECT count(*) FROM pages") ?? 0
            let answers = try Int.fetchOne(db, sql: "SELECT count(*) FROM answers") ?? 0
            let recent = try Int.fetchOne(db, sql: "SELECT count(*) FROM pages WHERE processed_at >= ?",
                                          arguments: [now.unixSeconds - 3600]) ?? 0
            let errors = try Row.fetchAll(db, sql: """
                SELECT * FROM documents WHERE status = 'failed' ORDER BY finished_at DESC, id DESC LIMIT ?
                """, arguments: [lastErrors]).map(DocumentRecord.init(row:))
            let daemon = try Row.fetchOne(db, sql: "SELECT * FROM daemon_state WHERE id = 1").map { row in
                DaemonState(pid: row["pid"], root: row["root"],
                            startedAt: Date(timeIntervalSince1970: row["started_at"]),
                            heartbeatAt: Date(timeIntervalSince1970: row["heartbeat_at"]),
                            queueLength: row["queue_length"], inFlight: row["in_flight"],
                            pagesPerMinute: row["pages_per_minute"],
                            stoppedAt: (row["stopped_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
            return Summary(countsByStatus: counts, pagesStored: pages, answersStored: answers,
                           pagesPerMinuteLastHour: Double(recent) / 60, daemon: daemon, lastErrors: errors)
        }
    }
}
