import Foundation
import Perception
import QZoomCore
import Raster

/// The fine pass over one RoI: the region re-rendered at a scale that makes the text the coarse pass
/// saw there a comfortable height for the recognizer, then detected and read in full.
struct FinePass {
    let region: Rect
    /// Pixels per page unit of the fine render.
    let scale: Double
    let lines: [TextLine]
    let timings: OCRTimings
    let megapixels: Double

    init(ocr: OCRPipeline, source: PageSource, pass: CoarsePass, region: Rect,
         configuration: EngineConfiguration) throws {
        self.region = region
        scale = Self.scale(for: region, pass: pass, configuration: configuration)
        let result = try ocr.read(source, page: pass.page, region: region, budget: .scale(scale))
        lines = result.lines
        timings = result.timings
        megapixels = region.area * scale * scale / 1e6
    }

    /// The scale that brings the median coarse line in the region to `fineLineHeight` pixels; never
    /// coarser than the coarse pass, never finer than the source's own pixels (a scan) or
    /// `maximumPDFDotsPerInch` (a PDF), and within `maximumFinePixels`.
    static func scale(for region: Rect, pass: CoarsePass, configuration: EngineConfiguration) -> Double {
        let height = pass.medianLineHeight(in: region) ?? (configuration.fineLineHeight / pass.scale)
        var scale = configuration.fineLineHeight / max(height, 1e-6)
        let cap = pass.info.unit == .pixel ? 1 : configuration.maximumPDFDotsPerInch / 72
        scale = min(scale, cap)
        if region.area * scale * scale > Double(configuration.maximumFinePixels) {
            scale = (Double(configuration.maximumFinePixels) / region.area).squareRoot()
        }
        return max(scale, min(pass.scale, cap))
    }

    /// Fusion in page coordinates: the fine lines, and the coarse lines they do not replace. A coarse
    /// line is replaced when its centre lies in the region or a fine line covers half of it.
    func fused(with coarse: [TextLine]) -> [TextLine] {
        let kept = coarse.filter { line in
            let box = line.box
            if region.contains(box.center) { return false }
            return !lines.contains { box.coverage(by: $0.box) >= 0.5 }
        }
        let all = kept + lines
        return ReadingOrder.order(all.map(\.box)).map { all[$0] }
    }
}
