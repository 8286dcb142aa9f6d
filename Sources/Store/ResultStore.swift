import Foundation
import GRDB

/// The results database: one SQLite file in WAL mode, so the CLI reads while the daemon writes.
/// The daemon is the only writer; workers send it their results over a pipe.
public final class ResultStore: Sendable {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating when missing) the database at `path` and brings its schema up to date. Only the
    /// daemon (the one writer) migrates; readers use `existing(path:)`.
    public convenience init(path: String) throws {
        try self.init(path: path, migrate: true)
    }

    private init(path: String, migrate: Bool) throws {
        self.path = path
        var configuration = Configuration()
        // A reader holding a snapshot while a checkpoint runs, or a second daemon by mistake, makes
        // SQLite answer BUSY; waiting a little is better than failing a page.
        configuration.busyMode = .timeout(5)
        configuration.label = "qzoom"
        // Every commit reaches the disk before the daemon moves the file it describes, so even a power
        // cut cannot leave a file in done/ that the store still calls unprocessed.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        pool = try StoreError.wrap {
            let pool = try DatabasePool(path: path, configuration: configuration)
            if migrate {
                try Schema.migrator.migrate(pool)
            } else {
                guard try pool.read({ db in try Schema.migrator.hasCompletedMigrations(db) }) else {
                    throw StoreError.schemaNotCurrent(path: path)
                }
            }
            return pool
        }
    }

    /// Opens an existing database for reading; readers never create or migrate one.
    public static func existing(path: String) throws -> ResultStore {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.noDatabase(path: path) }
        return try ResultStore(path: path, migrate: false)
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try StoreError.wrap { try pool.write(body) }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try StoreError.wrap { try pool.read(body) }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    public var journalMode: String {
        get throws { try read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" } }
    }
}

extension Date {
    var unixSeconds: Double { timeIntervalSince1970 }
}
