import Foundation
import QZoomCore

/// What a raster format (TIFF, PNG, JPEG) provides: page layouts from the headers, and upright pixels.
protocol RasterDecoder: AnyObject {
    var pageCount: Int { get }
    /// Pages from 1; the caller has checked the range.
    func layout(page: Int) throws -> RasterLayout
    /// Upright pixels of a whole page; the caller has checked the layout against the limits.
    func decode(page: Int, layout: RasterLayout) throws -> RasterBitmap
}

/// A raster document as a page source: regions are cut from the decoded page and resampled.
///
/// The engine renders a coarse view of a page and then several small fine regions of the same page,
/// so decoded pages are kept in a small cache instead of being decoded again for every region.
/// One lock serialises all use of the decoder's C handles and of the cache.
final class RasterDocument: PageSource, @unchecked Sendable {
    private let decoder: RasterDecoder
    private let limits: RasterLimits
    private let lock = NSLock()
    private var cache: DecodedPageCache
    /// How many times a page was decoded; lets tests see that the cache works.
    private(set) var decodeCount = 0

    init(decoder: RasterDecoder, limits: RasterLimits, cacheBytes: Int = 256 << 20) {
        self.decoder = decoder
        self.limits = limits
        cache = DecodedPageCache(byteBudget: cacheBytes)
    }

    var pageCount: Int { decoder.pageCount }

    func info(page: Int) throws -> PageInfo {
        try checkPageNumber(page, count: pageCount)
        return try lock.withLock { try decoder.layout(page: page).info }
    }

    func render(page: Int, region: Rect?, scale: Double) throws -> PageImage {
        try checkPageNumber(page, count: pageCount)
        return try lock.withLock {
            let layout = try decoder.layout(page: page)
            let plan = try RenderPlan(page: layout.info.bounds, region: region, scale: scale, limits: limits)
            let bitmap = try cache.bitmap(page: page) {
                try layout.checkDecodable(within: limits)
                decodeCount += 1
                return try decoder.decode(page: page, layout: layout)
            }
            return Resampler.render(bitmap, pixelsPerUnitX: 1, pixelsPerUnitY: layout.verticalPixelsPerUnit, plan: plan)
        }
    }
}

func checkPageNumber(_ page: Int, count: Int) throws {
    guard (1...max(1, count)).contains(page), count > 0 else {
        throw InputError.pageOutOfRange(page: page, count: count)
    }
}

/// The most recently used decoded pages, at most `maxPages`, and beyond the newest one only while
/// they fit in `byteBudget` (the newest is always kept: it is the one the next region needs).
struct DecodedPageCache {
    let byteBudget: Int
    var maxPages = 2
    private var entries: [(page: Int, bitmap: RasterBitmap)] = []  // newest first

    init(byteBudget: Int) { self.byteBudget = byteBudget }

    mutating func bitmap(page: Int, decode: () throws -> RasterBitmap) rethrows -> RasterBitmap {
        if let index = entries.firstIndex(where: { $0.page == page }) {
            let entry = entries.remove(at: index)
            entries.insert(entry, at: 0)
            return entry.bitmap
        }
        let bitmap = try decode()
        entries.insert((page, bitmap), at: 0)
        var bytes = 0
        entries = entries.enumerated().filter { index, entry in
            bytes += entry.bitmap.byteCount
            return index == 0 || (index < maxPages && bytes <= byteBudget)
        }.map(\.element)
        return bitmap
    }
}
