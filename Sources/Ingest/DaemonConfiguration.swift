import Foundation
import QZoom
import Raster

/// Everything the daemon, its workers and the CLI read from `config/qzoom.toml`. The defaults here are
/// the documented defaults (docs/daemon.md and the shipped config file say the same).
public struct DaemonConfiguration: Sendable, Equatable {
    /// The drop tree: `inbox/`, `processing/`, `done/`, `failed/` below it.
    public var root = URL(fileURLWithPath: "/srv/qzoom")
    /// The results database (systemd's StateDirectory).
    public var database = URL(fileURLWithPath: "/var/lib/qzoom/qzoom.sqlite")
    /// Whether `database` was set by a file (else `--root` alone puts the database in the root).
    public var databaseIsConfigured = false

    /// How many documents are processed at once, one per worker process.
    public var workers = 2
    /// Attempts (hand-overs to a worker) before a file that keeps crashing or timing out goes to failed/.
    public var maxAttempts = 3
    /// A file is taken once its size and mtime have not changed for this long.
    public var stabilityDelayMilliseconds = 2000
    /// Full rescan of the inbox, for whatever inotify missed.
    public var rescanIntervalSeconds = 60
    /// Scan every `pollIntervalMilliseconds` instead of using inotify (NFS, SMB).
    public var polling = false
    public var pollIntervalMilliseconds = 2000
    /// Retries of a transient failure (disk full, database locked) before the document fails.
    public var transientRetries = 5
    /// On SIGTERM, how long workers get to finish their current page before they are killed.
    public var shutdownGraceSeconds = 20

    /// A worker that runs longer than this on one document is killed (counts as an attempt).
    public var workerTimeoutSeconds = 600
    /// Address-space limit of a worker (RLIMIT_AS).
    public var workerMemoryLimitMegabytes = 4096
    /// A worker process takes this many documents, one after another, before a fresh one replaces it
    /// (bounds whatever a long-lived process might accumulate; a failed document also retires it).
    public var documentsPerWorker = 100

    public var rasterLimits = RasterLimits()

    /// The engine's budgets and thresholds (`[engine]`).
    public var engine = EngineConfiguration()
    /// `[engine]` `models`, `templates`, `heads`: nil finds them as `InstallLocation` says.
    public var models: URL?
    public var templates: URL?
    public var heads: URL?

    /// The file these settings came from (nil: built-in defaults). Workers are given it and read the
    /// same settings.
    public var file: URL?

    public init() {}
}

/// A setting that cannot be used, with where it came from and why.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let key: String
    public let reason: String

    public init(file: String, key: String, reason: String) {
        self.file = file; self.key = key; self.reason = reason
    }

    public var description: String { key.isEmpty ? "\(file): \(reason)" : "\(file): \(key): \(reason)" }
}
