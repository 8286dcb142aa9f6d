import QZoomCore
import Raster

/// How many pixels a pass spends on a region: the scale, in pixels per page unit, of the render that the
/// text detector sees.
public enum PixelBudget: Sendable, Equatable, CustomStringConvertible {
    /// rapidocr's rule, from the page's natural pixels (see `naturalScale`): shrink so that the long side
    /// is at most `maximum` pixels, then grow so that the short side is at least `minimum` pixels.
    case sideLimits(minimum: Int, maximum: Int)
    /// The long side of the render, in pixels.
    case longSide(Int)
    /// Pixels per page unit (for a PDF, dots per inch / 72).
    case scale(Double)
    /// Dots per inch of the page (an image by the resolution it states, or 300 dpi when it states none).
    case dotsPerInch(Double)

    /// rapidocr 3.10.0's defaults: `max_side_len` 2000, then `limit_side_len` 736 with `limit_type` min.
    public static let rapidOCR = PixelBudget.sideLimits(minimum: 736, maximum: 2000)

    /// Pixels per page unit for a region of `size` page units on a page described by `info`.
    public func scale(for size: Size, on info: PageInfo) -> Double {
        let long = max(size.width, size.height), short = min(size.width, size.height)
        guard long > 0, short > 0 else { return 1 }
        switch self {
        case .scale(let scale):
            return scale
        case .dotsPerInch(let dpi):
            return info.scale(forDotsPerInch: dpi)
        case .longSide(let pixels):
            return Double(pixels) / long
        case .sideLimits(let minimum, let maximum):
            var scale = Self.naturalScale(of: info)
            if long * scale > Double(maximum) { scale = Double(maximum) / long }
            if short * scale < Double(minimum) { scale = Double(minimum) / short }
            return scale
        }
    }

    /// The resolution a page has by nature: a raster page's own pixels; a PDF page as a 300-dpi scan
    /// of it would have, so that `sideLimits` treats a PDF like the scan rapidocr would be given.
    public static func naturalScale(of info: PageInfo) -> Double {
        switch info.unit {
        case .pixel: 1
        case .point: 300.0 / 72.0
        }
    }

    public var description: String {
        switch self {
        case .sideLimits(let minimum, let maximum): "short side ≥ \(minimum) px, long side ≤ \(maximum) px"
        case .longSide(let pixels): "long side \(pixels) px"
        case .scale(let scale): "\(scale) px per page unit"
        case .dotsPerInch(let dpi): "\(dpi) dpi"
        }
    }
}
