import ArgumentParser
import Foundation
import Ingest

struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Watch a drop folder and process every file dropped into it (runs in the foreground).",
        discussion: """
            Files dropped into ROOT/inbox/ (or ROOT/inbox/TEMPLATE/) are claimed into processing/, processed \
            in worker processes, and moved to done/ or failed/ (with NAME.error.json). Results go to the \
            database. SIGTERM or SIGINT stops it cleanly (exit 0). See docs/daemon.md.
            """)

    @Option(help: ArgumentHelp("Configuration file (TOML; see config/qzoom.toml). Without it, built-in defaults.",
                               valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Drop tree holding inbox/, processing/, done/, failed/ (created when missing); overrides paths.root.",
                               valueName: "dir"))
    var root: String?

    @Option(help: ArgumentHelp("Results database; overrides paths.db. With --root and no database set anywhere, ROOT/qzoom.sqlite.",
                               valueName: "path"))
    var db: String?

    func run() throws {
        var settings: DaemonConfiguration
        do {
            settings = try config.map { try ConfigurationFile.load(URL(fileURLWithPath: $0)) } ?? DaemonConfiguration()
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("qzoom daemon: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG: systemd's unit does not restart on it
        }
        if let root { settings.root = URL(fileURLWithPath: root).standardizedFileURL }
        if let db {
            settings.database = URL(fileURLWithPath: db).standardizedFileURL
        } else if root != nil && !settings.databaseIsConfigured {
            settings.database = settings.root.appendingPathComponent("qzoom.sqlite")
        }
        let daemon = try Daemon(configuration: settings, executable: try Self.ownExecutable())
        throw ExitCode(try daemon.run())
    }

    /// Workers are this same binary; /proc/self/exe names it whatever the working folder or PATH.
    static func ownExecutable() throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }
}
