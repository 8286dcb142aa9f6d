import QZoomCore

/// What a page is measured in: PDF points, or the pixels of a raster file.
public enum PageUnit: String, Codable, Sendable {
    case point
    case pixel
}

/// The size and resolution of one page, after page rotation and orientation tags are applied.
public struct PageInfo: Codable, Sendable, Equatable {
    /// The page's size in page units.
    public var size: Size
    public var unit: PageUnit
    /// Page units per inch: 72 for PDFs, the file's own resolution for raster pages,
    /// nil when a raster file does not state one.
    public var unitsPerInch: Double?

    public init(size: Size, unit: PageUnit, unitsPerInch: Double?) {
        self.size = size
        self.unit = unit
        self.unitsPerInch = unitsPerInch
    }

    public var bounds: Rect { Rect(size: size) }
}

/// Hard limits that keep a hostile or huge file from exhausting memory.
public struct RasterLimits: Sendable, Equatable {
    /// The most pixels a single render (or a decoded raster page) may have.
    public var maxPixelsPerRender: Int
    /// The most pages a document may have.
    public var maxPages: Int

    public init(maxPixelsPerRender: Int = 100_000_000, maxPages: Int = 2000) {
        self.maxPixelsPerRender = maxPixelsPerRender
        self.maxPages = maxPages
    }
}

/// A document whose pages can be rendered region by region at any scale.
/// Pages are numbered from 1, as users number them.
public protocol PageSource: AnyObject {
    var pageCount: Int { get }
    func info(page: Int) throws -> PageInfo
    /// Renders `region` (page coordinates; nil means the whole page) at `scale` pixels per page unit.
    func render(page: Int, region: Rect?, scale: Double) throws -> PageImage
}
