import CPoppler
import Foundation
import QZoomCore

/// A PDF through poppler-glib. Page coordinates are PDF points from the top-left corner of the page
/// as displayed: the crop box, with the page's rotation applied (poppler applies both).
///
/// Only the requested region is rendered: cairo's transform maps the region onto an image the size
/// of the region at the requested scale, and its clip lets poppler skip everything outside it.
///
/// That saves little on a scanned page: poppler decodes the whole page image for every render,
/// whatever the clip. So pages that are mostly one image are rendered whole once, at the scale
/// asked for, kept, and regions at that scale or below are cut from the kept pixels, as for TIFF.
/// One lock serialises all use of the poppler handle, which is not thread-safe.
final class PDFDocument: PageSource, @unchecked Sendable {
    private let document: OpaquePointer
    private let limits: RasterLimits
    private let lock = NSLock()
    private var sizes: [Int: Size] = [:]
    private var imagePages: [Int: Bool] = [:]
    /// The last whole image page rendered, kept for the regions that follow.
    private var keptPage: (number: Int, scale: Double, bitmap: RasterBitmap)?
    /// How many times poppler drew a page; lets tests see that kept pages are reused.
    private(set) var drawCount = 0
    let pageCount: Int

    /// A page is an image page when one image covers at least this share of it.
    static let imagePageCoverage = 0.8

    /// Installed once per process, before the first document is opened.
    private static let logSilenced: Void = qz_poppler_silence_log()

    init(path: String, limits: RasterLimits) throws {
        _ = Self.logSilenced
        self.limits = limits
        var error: UnsafeMutablePointer<GError>?
        guard let uri = g_filename_to_uri(path, nil, &error) else {
            throw InputError.unreadable(path: path, reason: Self.consume(&error) ?? "not a local path")
        }
        defer { g_free(uri) }
        guard let document = poppler_document_new_from_file(uri, nil, &error) else {
            let encrypted = error.map { $0.pointee.domain == poppler_error_quark()
                && $0.pointee.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) } ?? false
            let message = Self.consume(&error) ?? "poppler cannot open the file"
            throw encrypted ? InputError.encrypted : InputError.corrupt(detail: "PDF: \(message)")
        }
        self.document = document
        pageCount = Int(poppler_document_get_n_pages(document))
        guard pageCount > 0 else { throw InputError.noPages }
        guard pageCount <= limits.maxPages else {
            throw InputError.tooManyPages(count: pageCount, limit: limits.maxPages)
        }
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(document)) }

    func info(page: Int) throws -> PageInfo {
        try checkPageNumber(page, count: pageCount)
        return try lock.withLock {
            PageInfo(size: try withPage(page) { try size(of: $0, number: page) }, unit: .point, unitsPerInch: 72)
        }
    }

    func render(page: Int, region: Rect?, scale: Double) throws -> PageImage {
        try checkPageNumber(page, count: pageCount)
        return try lock.withLock {
            try withPage(page) { handle in
                let bounds = Rect(size: try size(of: handle, number: page))
                let plan = try RenderPlan(page: bounds, region: region, scale: scale, limits: limits)
                guard isImagePage(handle, number: page, bounds: bounds),
                      let kept = try keptBitmap(handle, number: page, bounds: bounds, scale: scale) else {
                    return try draw(handle, plan: plan)
                }
                return Resampler.render(kept, pixelsPerUnitX: Double(kept.width) / bounds.width,
                                        pixelsPerUnitY: Double(kept.height) / bounds.height, plan: plan)
            }
        }
    }

    /// The kept whole-page pixels of an image page at `scale` or finer, rendering them if needed;
    /// nil when the whole page at `scale` would exceed the pixel limit (the region is drawn instead).
    private func keptBitmap(_ page: OpaquePointer, number: Int, bounds: Rect, scale: Double) throws -> RasterBitmap? {
        if let kept = keptPage, kept.number == number, kept.scale >= scale * (1 - 1e-9) { return kept.bitmap }
        guard let whole = try? RenderPlan(page: bounds, region: nil, scale: scale, limits: limits) else { return nil }
        let bitmap = RasterBitmap(try draw(page, plan: whole))
        keptPage = (number, scale, bitmap)
        return bitmap
    }

    /// Whether one image covers most of the page (a scan). Poppler lists the page's images without
    /// decoding them.
    private func isImagePage(_ page: OpaquePointer, number: Int, bounds: Rect) -> Bool {
        if let known = imagePages[number] { return known }
        let mappings = poppler_page_get_image_mapping(page)
        defer { poppler_page_free_image_mapping(mappings) }
        var largest = 0.0
        var item = mappings
        while let node = item {
            if let mapping = node.pointee.data?.assumingMemoryBound(to: PopplerImageMapping.self).pointee {
                let area = Rect(minX: min(mapping.area.x1, mapping.area.x2), minY: min(mapping.area.y1, mapping.area.y2),
                                maxX: max(mapping.area.x1, mapping.area.x2), maxY: max(mapping.area.y1, mapping.area.y2))
                largest = max(largest, area.intersection(bounds)?.area ?? 0)
            }
            item = node.pointee.next
        }
        let isImagePage = largest >= Self.imagePageCoverage * bounds.area
        imagePages[number] = isImagePage
        return isImagePage
    }

    private func draw(_ page: OpaquePointer, plan: RenderPlan) throws -> PageImage {
        drawCount += 1
        // cairo image surfaces are at most 32767 pixels on a side.
        guard plan.width <= 32767, plan.height <= 32767 else {
            throw InputError.invalidRegion(detail: "a PDF render is at most 32767 pixels on a side, not \(plan.width)×\(plan.height)")
        }
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(plan.width), Int32(plan.height))
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw InputError.tooManyPixels(width: plan.width, height: plan.height, limit: limits.maxPixelsPerRender)
        }
        let cairo = cairo_create(surface)
        cairo_set_source_rgb(cairo, 1, 1, 1)  // paper: PDFs do not paint their own background
        cairo_paint(cairo)
        cairo_scale(cairo, plan.scaleX, plan.scaleY)
        cairo_translate(cairo, -plan.region.x, -plan.region.y)
        cairo_rectangle(cairo, plan.region.x, plan.region.y, plan.region.width, plan.region.height)
        cairo_clip(cairo)
        poppler_page_render(page, cairo)
        let status = cairo_status(cairo)
        cairo_destroy(cairo)
        cairo_surface_flush(surface)
        guard status == CAIRO_STATUS_SUCCESS, let data = cairo_image_surface_get_data(surface) else {
            throw InputError.corrupt(detail: "PDF: the page cannot be drawn (\(String(cString: cairo_status_to_string(status))))")
        }
        return PageImage(width: plan.width, height: plan.height, channels: 3,
                         pixels: Self.rgb(fromCairo: data, stride: Int(cairo_image_surface_get_stride(surface)),
                                          width: plan.width, height: plan.height),
                         region: plan.region)
    }

    private func withPage<T>(_ number: Int, _ body: (OpaquePointer) throws -> T) throws -> T {
        guard let page = poppler_document_get_page(document, Int32(number - 1)) else {
            throw InputError.corrupt(detail: "PDF: page \(number) cannot be read")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        return try body(page)
    }

    private func size(of page: OpaquePointer, number: Int) throws -> Size {
        if let known = sizes[number] { return known }
        var width = 0.0, height = 0.0
        poppler_page_get_size(page, &width, &height)
        guard width.isFinite, height.isFinite, width >= 1, height >= 1 else {
            throw InputError.corrupt(detail: "PDF: page \(number) has a size of \(width)×\(height) points")
        }
        sizes[number] = Size(width: width, height: height)
        return Size(width: width, height: height)
    }

    /// cairo's RGB24 pixels are native-endian 0x00RRGGBB words.
    private static func rgb(fromCairo data: UnsafeMutablePointer<UInt8>, stride: Int, width: Int, height: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
            data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * height) { words in
                var target = 0
                for y in 0..<height {
                    let row = words + y * (stride / 4)
                    for x in 0..<width {
                        let word = row[x]
                        buffer[target] = UInt8(truncatingIfNeeded: word >> 16)
                        buffer[target + 1] = UInt8(truncatingIfNeeded: word >> 8)
                        buffer[target + 2] = UInt8(truncatingIfNeeded: word)
                        target += 3
                    }
                }
            }
            count = width * height * 3
        }
    }

    private static func consume(_ error: inout UnsafeMutablePointer<GError>?) -> String? {
        guard let e = error else { return nil }
        defer { g_error_free(e); error = nil }
        return e.pointee.message.map { String(cString: $0) }
    }
}
