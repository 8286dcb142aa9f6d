import Foundation
import QZoom
import Raster
import TOMLKit

/// Reads `qzoom.toml`. Every key the daemon owns is checked for type and range, and an unknown key in
/// those tables is an error (a typo would otherwise silently keep the default); `[engine]` is checked
/// by the engine's own reader (`EngineConfiguration(table:)`).
public enum ConfigurationFile {
    public static func load(_ url: URL) throws -> DaemonConfiguration {
        let file = url.path
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: file, key: "", reason: "cannot read the file (\(error.localizedDescription))")
        }
        var config = try parse(text, file: file, relativeTo: url.deletingLastPathComponent())
        config.file = url
        return config
    }

    public static func parse(_ text: String, file: String, relativeTo folder: URL) throws -> DaemonConfiguration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(file: file, key: "", reason: "not valid TOML: \(error.debugDescription)")
        }
        var config = DaemonConfiguration()
        var reader = Reader(file: file, table: table)

        try reader.knownTables(["paths", "daemon", "worker", "raster", "engine"])
        try reader.section("paths", keys: ["root", "db"]) { r in
            if let root = try r.string("root") { config.root = Self.resolve(root, relativeTo: folder) }
            if let db = try r.string("db") {
                config.database = Self.resolve(db, relativeTo: folder)
                config.databaseIsConfigured = true
            }
        }
        try reader.section("daemon", keys: ["workers", "max_attempts", "stability_delay_ms", "rescan_interval_seconds",
                                            "polling", "poll_interval_ms", "transient_retries",
                                            "shutdown_grace_seconds"]) { r in
            try r.int("workers", 1...64, into: &config.workers)
            try r.int("max_attempts", 1...100, into: &config.maxAttempts)
            try r.int("stability_delay_ms", 0...3_600_000, into: &config.stabilityDelayMilliseconds)
            try r.int("rescan_interval_seconds", 1...86_400, into: &config.rescanIntervalSeconds)
            if let polling = try r.bool("polling") { config.polling = polling }
            try r.int("poll_interval_ms", 50...3_600_000, into: &config.pollIntervalMilliseconds)
            try r.int("transient_retries", 0...100, into: &config.transientRetries)
            try r.int("shutdown_grace_seconds", 0...3600, into: &config.shutdownGraceSeconds)
        }
        try reader.section("worker", keys: ["timeout_seconds", "memory_limit_mb", "documents_per_worker"]) { r in
            try r.int("timeout_seconds", 1...86_400, into: &config.workerTimeoutSeconds)
            try r.int("memory_limit_mb", 256...1_048_576, into: &config.workerMemoryLimitMegabytes)
            try r.int("documents_per_worker", 1...1_000_000, into: &config.documentsPerWorker)
        }
        try reader.section("raster", keys: ["max_pixels_per_render", "max_pages"]) { r in
            try r.int("max_pixels_per_render", 10_000...2_000_000_000, into: &config.rasterLimits.maxPixelsPerRender)
            try r.int("max_pages", 1...1_000_000, into: &config.rasterLimits.maxPages)
        }
        if let engine = table["engine"] {
            guard let engineTable = engine.table else {
                throw ConfigurationError(file: file, key: "engine", reason: "must be a table ([engine])")
            }
            do {
                config.engine = try EngineConfiguration(table: engineTable)
            } catch {
                throw ConfigurationError(file: file, key: "engine.\(error.key)", reason: error.reason)
            }
            for key in EngineConfiguration.pathKeys.sorted() {
                guard let value = engineTable[key] else { continue }
                guard let path = value.string, !path.isEmpty else {
                    throw ConfigurationError(file: file, key: "engine.\(key)", reason: "must be a path")
                }
                let url = Self.resolve(path, relativeTo: folder)
                switch key {
                case "models": config.models = url
                case "templates": config.templates = url
                default: config.heads = url
                }
            }
        }
        return config
    }

    /// Relative paths in the file are relative to the file, so a config can travel with its tree.
    static func resolve(_ path: String, relativeTo folder: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path).standardizedFileURL
    }

    private struct Reader {
        let file: String
        let table: TOMLTable
        var prefix = ""
        var current: TOMLTable?

        init(file: String, table: TOMLTable) { self.file = file; self.table = table }

        func knownTables(_ names: Set<String>) throws {
            for key in table.keys where !names.contains(key) {
                throw ConfigurationError(file: file, key: key,
                                         reason: "unknown setting (expected one of: \(names.sorted().joined(separator: ", ")))")
            }
        }

        mutating func section(_ name: String, keys: Set<String>, _ body: (inout Reader) throws -> Void) throws {
            guard let value = table[name] else { return }
            guard let section = value.table else {
                throw ConfigurationError(file: file, key: name, reason: "must be a table ([\(name)])")
            }
            for key in section.keys where !keys.contains(key) {
                throw ConfigurationError(file: file, key: "\(name).\(key)",
                                         reason: "unknown setting (expected one of: \(keys.sorted().joined(separator: ", ")))")
            }
            var inner = Reader(file: file, table: table)
            inner.prefix = name + "."
            inner.current = section
            try body(&inner)
        }

        func int(_ key: String, _ range: ClosedRange<Int>, into target: inout Int) throws {
            guard let value = current?[key] else { return }
            guard let number = value.int else { throw error(key, "must be an integer") }
            guard range.contains(number) else {
                throw error(key, "must be between \(range.lowerBound) and \(range.upperBound) (got \(number))")
            }
            target = number
        }

        func bool(_ key: String) throws -> Bool? {
            guard let value = current?[key] else { return nil }
            guard let flag = value.bool else { throw error(key, "must be true or false") }
            return flag
        }

        func string(_ key: String) throws -> String? {
            guard let value = current?[key] else { return nil }
            guard let text = value.string, !text.isEmpty else { throw error(key, "must be a non-empty string") }
            return text
        }

        private func error(_ key: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(file: file, key: prefix + key, reason: reason)
        }
    }
}
