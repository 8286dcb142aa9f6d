import QZoomCore

/// Pixels per unit along each axis, as a raster file states them.
struct PixelDensity: Equatable {
    var x: Double
    var y: Double
    /// False when the file gives only the pixel aspect ratio (TIFF and PNG unit "none", JFIF unit 0).
    var isPerInch: Bool

    static func perInch(x: Double, y: Double) -> PixelDensity { PixelDensity(x: x, y: y, isPerInch: true) }
    static func perCentimetre(x: Double, y: Double) -> PixelDensity {
        PixelDensity(x: x * 2.54, y: y * 2.54, isPerInch: true)
    }
    static func aspectOnly(x: Double, y: Double) -> PixelDensity { PixelDensity(x: x, y: y, isPerInch: false) }

    /// Resolutions outside this range are treated as unstated: files carry 0, 1 or garbage here.
    static let plausibleDotsPerInch = 10.0...20_000.0
    /// Non-square pixels are honoured up to this aspect ratio (fax is about 2:1); beyond it the
    /// tags are more likely wrong than the pixels.
    static let plausibleAspect = 0.2...5.0
}

/// How a raster page's stored pixels become a page: the orientation tag is applied, and non-square
/// pixels (fax at 204×98 dpi) are stretched vertically, so that page units are square and equal to
/// the upright image's horizontal pixels.
struct RasterLayout: Equatable {
    let storedWidth: Int
    let storedHeight: Int
    let orientation: Orientation
    let info: PageInfo
    /// Upright pixel rows per page unit (1 for square pixels).
    let verticalPixelsPerUnit: Double

    var uprightWidth: Int { orientation.swapsAxes ? storedHeight : storedWidth }
    var uprightHeight: Int { orientation.swapsAxes ? storedWidth : storedHeight }
    var storedPixelCount: Int { storedWidth * storedHeight }

    init(storedWidth: Int, storedHeight: Int, orientation: Orientation, density stored: PixelDensity?) {
        self.storedWidth = storedWidth
        self.storedHeight = storedHeight
        self.orientation = orientation
        var density = stored.flatMap { d in d.x.isFinite && d.y.isFinite && d.x > 0 && d.y > 0 ? d : nil }
        if orientation.swapsAxes, let d = density { density = PixelDensity(x: d.y, y: d.x, isPerInch: d.isPerInch) }

        let aspect = density.map { $0.y / $0.x } ?? 1
        verticalPixelsPerUnit = PixelDensity.plausibleAspect.contains(aspect) ? aspect : 1
        let width = orientation.swapsAxes ? storedHeight : storedWidth
        let height = orientation.swapsAxes ? storedWidth : storedHeight
        var unitsPerInch: Double?
        if let d = density, d.isPerInch, PixelDensity.plausibleDotsPerInch.contains(d.x) { unitsPerInch = d.x }
        info = PageInfo(size: Size(width: Double(width), height: Double(height) / verticalPixelsPerUnit),
                        unit: .pixel, unitsPerInch: unitsPerInch)
    }

    /// Decoding the page holds all its pixels at once, so it is bound by the same limit as a render.
    func checkDecodable(within limits: RasterLimits) throws {
        guard storedWidth > 0, storedHeight > 0 else {
            throw InputError.corrupt(detail: "the image has a size of \(storedWidth)×\(storedHeight) pixels")
        }
        guard storedWidth <= limits.maxPixelsPerRender / storedHeight else {
            throw InputError.tooManyPixels(width: storedWidth, height: storedHeight, limit: limits.maxPixelsPerRender)
        }
    }
}

/// Upright 8-bit pixels of a whole raster page, gray (1 channel) or RGB (3), rows packed.
struct RasterBitmap {
    let width: Int
    let height: Int
    let channels: Int
    let pixels: [UInt8]

    var byteCount: Int { pixels.count }

    /// The pixels of a rendered page image.
    init(_ image: PageImage) {
        width = image.width
        height = image.height
        channels = image.channels
        pixels = image.pixels
    }

    /// Applies the orientation to pixels decoded in stored order.
    init(stored pixels: [UInt8], layout: RasterLayout, channels: Int) {
        let upright = layout.orientation.upright(pixels, width: layout.storedWidth,
                                                 height: layout.storedHeight, channels: channels)
        self.width = upright.width
        self.height = upright.height
        self.channels = channels
        self.pixels = upright.pixels
    }
}
