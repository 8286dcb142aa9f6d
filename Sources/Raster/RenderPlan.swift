import QZoomCore

/// What a render will produce: the part of the page it covers and the size of the image.
/// Every page source plans its renders this way, so regions, rounding and the pixel limit behave the
/// same for PDFs and raster files, and the limit is checked before anything is allocated.
struct RenderPlan: Equatable {
    /// The requested region clamped to the page, in page coordinates.
    let region: Rect
    let width: Int
    let height: Int

    /// Output pixels per page unit along each axis. They differ from the requested scale only by the
    /// rounding of the image size, so the image covers `region` exactly, edge to edge.
    var scaleX: Double { Double(width) / region.width }
    var scaleY: Double { Double(height) / region.height }

    init(page: Rect, region requested: Rect?, scale: Double, limits: RasterLimits) throws {
        guard scale.isFinite, scale > 0 else {
            throw InputError.invalidRegion(detail: "the scale must be a positive number, not \(scale)")
        }
        let wanted = requested ?? page
        guard [wanted.x, wanted.y, wanted.width, wanted.height].allSatisfy(\.isFinite),
              wanted.width > 0, wanted.height > 0 else {
            throw InputError.invalidRegion(detail: "\(wanted) is not a rectangle with a positive size")
        }
        guard let clamped = wanted.intersection(page) else {
            throw InputError.invalidRegion(detail: "\(wanted) lies outside the page \(page)")
        }
        region = clamped
        let pixelWidth = (clamped.width * scale).rounded()
        let pixelHeight = (clamped.height * scale).rounded()
        // Compare in floating point first: a huge scale must not overflow Int.
        guard pixelWidth * pixelHeight <= Double(limits.maxPixelsPerRender) else {
            throw InputError.tooManyPixels(width: Int(min(pixelWidth, 1e15)), height: Int(min(pixelHeight, 1e15)),
                                           limit: limits.maxPixelsPerRender)
        }
        width = max(1, Int(pixelWidth))
        height = max(1, Int(pixelHeight))
    }
}
