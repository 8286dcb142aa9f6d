import Foundation
import QZoomCore
import Raster

/// The seam between the daemon and the engine. A worker opens a document with `open`, then asks for
/// each page in turn, sending every `PageResult` to the daemon (which commits it) before the next page
/// starts; between pages it checks for a shutdown request. `WorkerMain.makeProcessor` is the one line
/// that chooses the implementation.
public protocol DocumentProcessor {
    /// Stored with every page and answer, so results can be traced to the code that made them.
    var engineVersion: String { get }
    /// The version of the trained heads, when the processor uses them.
    var headsVersion: String? { get }
    /// Opens `url` and decides the template: `requested` (the inbox folder) when given, else the
    /// processor's own choice (the engine's match rules), else `generic`.
    func open(_ url: URL, requestedTemplate requested: String?) throws -> OpenedDocument
    func process(page: Int, of document: OpenedDocument) throws -> PageResult
}

/// A document a processor has opened: its pages and the template whose queries apply.
public struct OpenedDocument {
    public let source: PageSource
    public let template: String

    public init(source: PageSource, template: String) {
        self.source = source
        self.template = template
    }

    public var pageCount: Int { source.pageCount }
}

/// All pages of one document, for callers that run a processor directly (the benchmark's baseline).
public struct ProcessedDocument: Codable, Sendable {
    public var template: String
    public var pages: [PageResult]
}

extension DocumentProcessor {
    public func processAll(_ url: URL, requestedTemplate: String? = nil) throws -> ProcessedDocument {
        let document = try open(url, requestedTemplate: requestedTemplate)
        let pages = try (0..<document.pageCount).map { try process(page: $0 + 1, of: document) }
        return ProcessedDocument(template: document.template, pages: pages)
    }
}
