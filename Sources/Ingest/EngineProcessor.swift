import Foundation
import QZoom
import QZoomCore
import Raster

/// The engine behind the `DocumentProcessor` seam: what the workers (and `qzoom process`) run.
/// It loads the networks, templates and heads once, and chooses a document's template as the ingest
/// contract says: the inbox subfolder, else the templates' match rules on the coarse text of page 1,
/// else `generic`.
public final class EngineProcessor: DocumentProcessor {
    public let engine: Engine
    public let library: TemplateLibrary
    public let limits: RasterLimits
    public let mode: EngineMode
    public var engineVersion: String { "\(Engine.version)/\(mode.rawValue)" }
    public var headsVersion: String? { engine.heads.version }

    /// The coarse pass of page 1 made to choose a template, kept for processing that page.
    private var firstPage: CoarsePass?

    public init(engine: Engine, library: TemplateLibrary, limits: RasterLimits, mode: EngineMode? = nil) {
        self.engine = engine
        self.library = library
        self.limits = limits
        self.mode = mode ?? engine.configuration.mode
    }

    /// The processor a configuration describes (`[engine]` and its paths).
    public static func make(configuration: DaemonConfiguration, mode: EngineMode? = nil) throws -> EngineProcessor {
        let templates = InstallLocation.templates(configuration.templates?.path)
        let library = try TemplateLibrary.load(directory: templates)
        let heads = try EngineHeads.load(directory: InstallLocation.heads(configuration.heads?.path))
        let engine = try Engine(modelsDirectory: InstallLocation.models(configuration.models?.path),
                                heads: heads, configuration: configuration.engine)
        return EngineProcessor(engine: engine, library: library, limits: configuration.rasterLimits, mode: mode)
    }

    public func open(_ url: URL, requestedTemplate requested: String?) throws -> OpenedDocument {
        let source = try openDocument(at: url, limits: limits)
        firstPage = nil
        if let requested, let template = library.template(forFolder: requested) {
            return OpenedDocument(source: source, template: template.name)
        }
        guard source.pageCount > 0 else { throw InputError.noPages }
        var pass = try engine.coarsePass(source, page: 1)
        try engine.readAll(&pass)
        firstPage = pass
        let chosen = library.select(folder: nil, coarseText: pass.readLines.map(\.text))
        return OpenedDocument(source: source, template: chosen?.name ?? "generic")
    }

    public func process(page: Int, of document: OpenedDocument) throws -> PageResult {
        guard let template = library.template(named: document.template) else {
            throw EngineProcessorError.noTemplate(document.template)
        }
        let coarse = page == 1 ? firstPage : nil
        if page == 1 { firstPage = nil }
        return try engine.process(document.source, page: page, template: template, mode: mode, coarse: coarse)
    }
}

public enum EngineProcessorError: Error, CustomStringConvertible {
    case noTemplate(String)

    public var description: String {
        switch self {
        case .noTemplate(let name): "no template named \(name) (and no fallback template) in the templates folder"
        }
    }
}
