import Foundation
import QZoomCore
import Raster

/// The processor the workers run until the engine is plugged in: it opens the document with Raster and
/// renders every page small, which is what surfaces corrupt pages, and records each page's size and
/// render time. It answers no queries, so its pages carry no answers.
public struct PageValidator: DocumentProcessor {
    /// The longer side of the check render, in pixels: enough to make the decoder touch every page.
    static let checkRenderLongSide = 256.0

    public let limits: RasterLimits
    public let engineVersion = "page-validator-1"
    public let headsVersion: String? = nil

    public init(limits: RasterLimits) { self.limits = limits }

    public func open(_ url: URL, requestedTemplate requested: String?) throws -> OpenedDocument {
        OpenedDocument(source: try openDocument(at: url, limits: limits), template: requested ?? "generic")
    }

    public func process(page: Int, of document: OpenedDocument) throws -> PageResult {
        let info = try document.source.info(page: page)
        let longSide = max(info.size.width, info.size.height)
        guard longSide > 0 else { throw InputError.corrupt(detail: "page \(page) has no area") }
        let scale = Self.checkRenderLongSide / longSide
        let started = DispatchTime.now()
        let image = try document.source.render(page: page, region: nil, scale: scale)
        let renderMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
        return PageResult(page: page, size: info.size, coarseScale: scale, megapixels: image.megapixels,
                          timings: StageTimings([.render: renderMilliseconds]), answers: [])
    }
}
