import GRDB

/// Why the store could not do what was asked.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    /// Readers never create a database: a wrong `--db` should say so, not make an empty file.
    case noDatabase(path: String)
    /// The file is not (yet) a database of this qzoom's schema: being created, from another version,
    /// or not a qzoom database at all.
    case schemaNotCurrent(path: String)
    case noSuchDocument(String)
    /// SQLite failed; `isTransient` tells whether trying again later can help (busy, locked, full disk).
    case sqlite(code: Int32, message: String, isTransient: Bool)

    public var description: String {
        switch self {
        case .noDatabase(let path): "no qzoom database at \(path) (start the daemon, or pass --db)"
        case .schemaNotCurrent(let path):
            "\(path) is not a qzoom database of this version (or the daemon is still creating it); start this version's daemon on it"
        case .noSuchDocument(let key): "no document \(key)"
        case .sqlite(let code, let message, _): "SQLite error \(code): \(message)"
        }
    }

    public var isTransient: Bool {
        if case .sqlite(_, _, let transient) = self { return transient }
        return false
    }

    /// GRDB's errors as ours, so callers can tell a retryable failure from a bug without importing GRDB.
    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            let transient = [ResultCode.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR]
                .contains(error.resultCode.primaryResultCode)
            throw StoreError.sqlite(code: error.extendedResultCode.rawValue,
                                    message: error.message ?? "\(error)", isTransient: transient)
        }
    }
}
