import Foundation
import GRDB
import QZoomCore

/// What the daemon writes. Every method is one transaction, and every one can be repeated after a
/// crash without duplicating anything.
extension ResultStore {
    /// A newly claimed file, waiting for a worker.
    public struct NewDocument: Sendable {
        public var sha256: String
        public var originalName: String
        public var sizeBytes: Int64
        public var template: String?
        public var path: String
        public var claimName: String
        public init(sha256: String, originalName: String, sizeBytes: Int64, template: String?,
                    path: String, claimName: String) {
            self.sha256 = sha256; self.originalName = originalName; self.sizeBytes = sizeBytes
            self.template = template; self.path = path; self.claimName = claimName
        }
    }

    public func insertQueued(_ new: NewDocument, now: Date = Date()) throws -> Int64 {
        try insert(new, status: .queued, duplicateOf: nil, now: now)
    }

    /// Records a file whose content was seen before; it is not processed again unless retried.
    public func insertDuplicate(_ new: NewDocument, of original: Int64, now: Date = Date()) throws -> Int64 {
        try insert(new, status: .duplicate, duplicateOf: original, now: now)
    }

    private func insert(_ new: NewDocument, status: DocumentStatus, duplicateOf: Int64?, now: Date) throws -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO documents (sha256, original_name, size_bytes, template, path, claim_name, status,
                                       duplicate_of, created_at, updated_at, finished_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [new.sha256, new.originalName, new.sizeBytes, new.template, new.path,
                                 new.claimName, status.rawValue, duplicateOf, now.unixSeconds, now.unixSeconds,
                                 status.isFinal ? now.unixSeconds : nil])
            return db.lastInsertedRowID
        }
    }

    /// The latest document claimed under this name with this content: after a crash, the record of
    /// the file found in processing/ (the caller checks that it is not an older file of the same name).
    public func document(claimName: String, sha256: String) throws -> DocumentRecord? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM documents WHERE claim_name = ? AND sha256 = ? ORDER BY id DESC LIMIT 1
                """, arguments: [claimName, sha256]).map(DocumentRecord.init(row:))
        }
    }

    /// The first document with this content that was not itself a duplicate.
    public func original(sha256: String) throws -> DocumentRecord? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM documents WHERE sha256 = ? AND status != 'duplicate' ORDER BY id LIMIT 1
                """, arguments: [sha256]).map(DocumentRecord.init(row:))
        }
    }

    /// Counts an attempt before a worker starts, so a file that kills its worker — or the whole
    /// machine — is given up on after a bounded number of tries, across restarts. Returns the count.
    public func beginAttempt(_ id: Int64, now: Date = Date()) throws -> Int {
        try write { db in
            try db.execute(sql: """
                UPDATE documents SET status = 'processing', attempts = attempts + 1, started_at = ?, updated_at = ?
                WHERE id = ?
                """, arguments: [now.unixSeconds, now.unixSeconds, id])
            return try Int.fetchOne(db, sql: "SELECT attempts FROM documents WHERE id = ?", arguments: [id]) ?? 0
        }
    }

    /// Gives back an attempt that the daemon itself cut short (shutdown): it says nothing about the file.
    public func refundAttempt(_ id: Int64) throws {
        try write { db in
            try db.execute(sql: "UPDATE documents SET attempts = max(attempts - 1, 0), status = 'queued' WHERE id = ?",
                           arguments: [id])
        }
    }

    /// Stores one page and its answers in one transaction, replacing whatever an earlier attempt stored.
    public func commitPage(_ result: PageResult, documentID: Int64, engineVersion: String,
                           headsVersion: String?, now: Date = Date()) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM pages WHERE document_id = ? AND page = ?",
                           arguments: [documentID, result.page])
            try db.execute(sql: """
                INSERT INTO pages (document_id, page, width, height, coarse_scale, megapixels, timings, total_ms,
                                   engine_version, processed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [documentID, result.page, result.size.width, result.size.height, result.coarseScale,
                                 result.megapixels, TimingsColumn.encode(result.timings), result.timings.total,
                                 engineVersion, now.unixSeconds])
            for answer in result.answers {
                var values: [DatabaseValueConvertible?] = [
                    documentID, result.page, answer.query, answer.value, answer.normalized, answer.currency,
                    answer.confidence, answer.route.rawValue, answer.gateProbability,
                ]
                values += RectColumns.values(answer.roi) + RectColumns.values(answer.box)
                values += [answer.fineScale, TimingsColumn.encode(answer.timings), answer.timings.total,
                           engineVersion, headsVersion]
                try db.execute(sql: """
                    INSERT INTO answers (document_id, page, query, value, normalized, currency, confidence, route,
                                         gate_probability, roi_x, roi_y, roi_width, roi_height,
                                         box_x, box_y, box_width, box_height, fine_scale, timings, total_ms,
                                         engine_version, heads_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: StatementArguments(values))
            }
            try db.execute(sql: "UPDATE documents SET updated_at = ? WHERE id = ?",
                           arguments: [now.unixSeconds, documentID])
        }
    }

    /// Marks a document done at `path`. Pages beyond `pageCount` (left by an earlier run of a file that
    /// has since been replaced by a retry) are removed, so the stored pages are exactly 1...pageCount.
    public func complete(_ id: Int64, pageCount: Int, template: String, path: String, now: Date = Date()) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM pages WHERE document_id = ? AND page > ?", arguments: [id, pageCount])
            try db.execute(sql: """
                UPDATE documents SET status = 'done', page_count = ?, template = ?, path = ?, error_code = NULL,
                       error_message = NULL, finished_at = ?, updated_at = ? WHERE id = ?
                """, arguments: [pageCount, template, path, now.unixSeconds, now.unixSeconds, id])
        }
    }

    public func fail(_ id: Int64, code: String, message: String, path: String, now: Date = Date()) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE documents SET status = 'failed', error_code = ?, error_message = ?, path = ?,
                       finished_at = ?, updated_at = ? WHERE id = ?
                """, arguments: [code, message, path, now.unixSeconds, now.unixSeconds, id])
        }
    }

    /// Where a finished file now lives (after the move that follows `complete`/`fail`).
    public func setPath(_ id: Int64, path: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE documents SET path = ? WHERE id = ?", arguments: [path, id])
        }
    }

    // MARK: Retry

    /// Asks the daemon to process documents again (`qzoom retry`); it picks them up on its next tick.
    /// Returns how many documents were marked.
    @discardableResult
    public func requestRetry(documentID: Int64) throws -> Int {
        try write { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM documents WHERE id = ?", arguments: [documentID]) == 1
            else { throw StoreError.noSuchDocument("#\(documentID)") }
            try db.execute(sql: "UPDATE documents SET retry_requested = 1 WHERE id = ? AND status IN ('done', 'failed', 'duplicate')",
                           arguments: [documentID])
            return db.changesCount
        }
    }

    @discardableResult
    public func requestRetryOfFailed() throws -> Int {
        try write { db in
            try db.execute(sql: "UPDATE documents SET retry_requested = 1 WHERE status = 'failed'")
            return db.changesCount
        }
    }

    public func retryRequests() throws -> [DocumentRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM documents WHERE retry_requested = 1 ORDER BY id")
                .map(DocumentRecord.init(row:))
        }
    }

    /// The daemon has moved a retried file back into processing/: it starts over with a fresh budget
    /// of attempts. A retried duplicate becomes a document of its own.
    public func adoptRetry(_ id: Int64, claimName: String, path: String, template: String?, now: Date = Date()) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE documents SET status = 'queued', retry_requested = 0, attempts = 0, claim_name = ?, path = ?,
                       template = ?, duplicate_of = NULL, error_code = NULL, error_message = NULL,
                       finished_at = NULL, updated_at = ? WHERE id = ?
                """, arguments: [claimName, path, template, now.unixSeconds, id])
        }
    }

    public func cancelRetry(_ id: Int64) throws {
        try write { db in
            try db.execute(sql: "UPDATE documents SET retry_requested = 0 WHERE id = ?", arguments: [id])
        }
    }

    // MARK: Daemon state

    public struct DaemonState: Codable, Sendable, Equatable {
        public var pid: Int32
        public var root: String
        public var startedAt: Date
        public var heartbeatAt: Date
        public var queueLength: Int
        public var inFlight: Int
        public var pagesPerMinute: Double
        public var stoppedAt: Date?
        public init(pid: Int32, root: String, startedAt: Date, heartbeatAt: Date, queueLength: Int,
                    inFlight: Int, pagesPerMinute: Double, stoppedAt: Date? = nil) {
            self.pid = pid; self.root = root; self.startedAt = startedAt; self.heartbeatAt = heartbeatAt
            self.queueLength = queueLength; self.inFlight = inFlight; self.pagesPerMinute = pagesPerMinute
            self.stoppedAt = stoppedAt
        }
    }

    public func saveDaemonState(_ state: DaemonState) throws {
        try write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO daemon_state (id, pid, root, started_at, heartbeat_at, queue_length, in_flight,
                                                     pages_per_minute, stopped_at)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [state.pid, state.root, state.startedAt.unixSeconds, state.heartbeatAt.unixSeconds,
                                 state.queueLength, state.inFlight, state.pagesPerMinute,
                                 state.stoppedAt?.unixSeconds])
        }
    }
}
