import ArgumentParser
import Foundation
import Ingest
import Raster

/// Started by the daemon, which hands it documents on standard input; not for people (hidden from --help).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Process documents and report their pages as JSON lines on descriptor 3 (started by the daemon).",
        discussion: "Reads one JSON job per line on standard input ({\"file\": PATH, \"template\": NAME}) until it closes; --file processes that one document instead.",
        shouldDisplay: false)

    @Option(help: "Process this one document instead of reading jobs from standard input.") var file: String?
    @Option(help: "The template the --file document's inbox folder asked for.") var template: String?
    @Option(name: .customLong("memory-limit-mb"), help: "Address-space limit of this process (RLIMIT_AS), in MiB.")
    var memoryLimitMegabytes: Int?
    @Option(name: .customLong("max-pixels"), help: "Most pixels in one render.") var maxPixels = RasterLimits().maxPixelsPerRender
    @Option(name: .customLong("max-pages"), help: "Most pages in one document.") var maxPages = RasterLimits().maxPages
    @Option(help: "The daemon's configuration file (the engine reads its [engine] table).") var config: String?
    @Option(name: .customLong("daemon-pid"), help: "The daemon that started this worker.") var daemonPID: Int32?

    func run() throws {
        let options = WorkerMain.Options(
            file: file.map { URL(fileURLWithPath: $0) }, requestedTemplate: template, memoryLimitMegabytes: memoryLimitMegabytes,
            rasterLimits: RasterLimits(maxPixelsPerRender: maxPixels, maxPages: maxPages),
            configFile: config.map { URL(fileURLWithPath: $0) }, daemonPID: daemonPID)
        throw ExitCode(WorkerMain.run(options))
    }
}
