import ArgumentParser
import Foundation
import Ingest
import NeuralRuntime
import QZoom
import Raster

/// Where the engine's parts are and how it runs: the options `process`, `bench` and `train` share, and
/// the one way they set up the engine from them.
struct EngineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A qzoom.toml whose [engine] table sets budgets, thresholds and paths.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("The model files (default: $QZOOM_MODELS, ./models, the build's checkout, /usr/local/share/qzoom/models).", valueName: "dir"))
    var models: String?

    @Option(help: ArgumentHelp("The templates folder (default: $QZOOM_TEMPLATES, ./config/templates, the build's checkout, /usr/local/share/qzoom/templates).", valueName: "dir"))
    var templates: String?

    @Option(help: ArgumentHelp("The trained heads folder (default: $QZOOM_HEADS, ./heads, the build's checkout, /usr/local/share/qzoom/heads).", valueName: "dir"))
    var heads: String?

    @Option(help: ArgumentHelp("Threads for the networks (default: every core).", valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be 1…256.") }
    }

    /// Sets the thread count, reads --config, applies the path options, and loads the engine.
    func makeProcessor(limits: RasterLimits? = nil, mode: EngineMode? = nil) throws -> EngineProcessor {
        BLAS.configureThreads(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        var configuration = try config.map { try ConfigurationFile.load(URL(fileURLWithPath: $0)) } ?? DaemonConfiguration()
        if let limits { configuration.rasterLimits = limits }
        if let models { configuration.models = URL(fileURLWithPath: models) }
        if let templates { configuration.templates = URL(fileURLWithPath: templates) }
        if let heads { configuration.heads = URL(fileURLWithPath: heads) }
        return try EngineProcessor.make(configuration: configuration, mode: mode)
    }
}
