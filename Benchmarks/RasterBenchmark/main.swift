// Region render versus whole-page render at 300 dpi, for a text PDF, a scanned-image PDF (both
// made here from the example invoice) and a 300 dpi TIFF scan, timed side by side in one run.
// Usage: raster-benchmark TEXT.pdf WORK-DIR [RUNS]   (scripts/bench-render runs it)
import CPoppler
import Foundation
import QZoomCore
import Raster

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: raster-benchmark TEXT.pdf WORK-DIR [RUNS]\n".utf8))
    exit(2)
}
let textPDF = URL(fileURLWithPath: arguments[1])
let work = URL(fileURLWithPath: arguments[2])
let runs = arguments.count > 3 ? max(3, Int(arguments[3]) ?? 15) : 15
let dpi = 300.0

/// A region with the page's proportions covering 5% of its area, over the invoice's totals.
func fivePercentRegion(of page: Size, origin: Point) -> Rect {
    let side = 0.05.squareRoot()
    return Rect(x: origin.x, y: origin.y, width: page.width * side, height: page.height * side)
}

/// Renders page 1 of the text PDF at 300 dpi as a gray, slightly noisy scan.
func scanImage() throws -> PageImage {
    let page = try openDocument(at: textPDF).render(page: 1, region: nil, scale: dpi / 72).grayscale()
    var state: UInt32 = 2024
    let noisy = page.pixels.map { value -> UInt8 in
        state = state &* 1_103_515_245 &+ 12345
        return UInt8(clamping: Int(value) + Int((state >> 16) % 17) - 8)
    }
    return PageImage(width: page.width, height: page.height, channels: 1, pixels: noisy, region: page.region)
}

/// Embeds the scan as a JPEG (as scanners write PDFs) filling an A4 page.
func writeScannedPDF(_ scan: PageImage, to url: URL) throws {
    let jpeg = try ImageWriter.jpegData(scan, quality: 75)
    let image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(scan.width), Int32(scan.height))
    defer { cairo_surface_destroy(image) }
    let stride = Int(cairo_image_surface_get_stride(image))
    if let data = cairo_image_surface_get_data(image) {
        data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * scan.height) { words in
            for y in 0..<scan.height {
                for x in 0..<scan.width {
                    let g = UInt32(scan.pixels[y * scan.width + x])
                    words[y * (stride / 4) + x] = g << 16 | g << 8 | g
                }
            }
        }
    }
    cairo_surface_mark_dirty(image)
    // cairo embeds the JPEG bytes as they are when the surface carries them as MIME data.
    let bytes = UnsafeMutableRawPointer.allocate(byteCount: jpeg.count, alignment: 1)
    jpeg.copyBytes(to: bytes.assumingMemoryBound(to: UInt8.self), count: jpeg.count)
    cairo_surface_set_mime_data(image, CAIRO_MIME_TYPE_JPEG, bytes.assumingMemoryBound(to: UInt8.self),
                                UInt(jpeg.count), { $0?.deallocate() }, bytes)
    let pdf = cairo_pdf_surface_create(url.path, 595.28, 841.89)
    let cairo = cairo_create(pdf)
    cairo_scale(cairo, 72 / dpi, 72 / dpi)
    cairo_set_source_surface(cairo, image, 0, 0)
    cairo_paint(cairo)
    cairo_show_page(cairo)
    cairo_destroy(cairo)
    cairo_surface_finish(pdf)
    cairo_surface_destroy(pdf)
}

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

struct Row {
    var name: String
    var wholePixels = 0
    var regionPixels = 0
    /// Milliseconds per run: the whole page and a first region, each on a freshly opened document,
    /// and further regions of the same page on the document that rendered the first.
    var whole: [Double] = []
    var firstRegion: [Double] = []
    var furtherRegions: [Double] = []
}

/// Times page 1 at 300 dpi: whole, a first 5% region, then three more 5% regions elsewhere on the page.
func measure(_ name: String, _ url: URL, origin: Point) throws -> Row {
    var row = Row(name: name)
    for run in 0..<(runs + 1) {  // the first round warms the file cache and is not counted
        let info = try openDocument(at: url).info(page: 1)
        let scale = info.scale(forDotsPerInch: dpi)
        let region = fivePercentRegion(of: info.size, origin: origin)

        let fresh = try openDocument(at: url)
        var whole: PageImage?
        let wholeTime = try milliseconds { whole = try fresh.render(page: 1, region: nil, scale: scale) }

        let document = try openDocument(at: url)
        var first: PageImage?
        let firstTime = try milliseconds { first = try document.render(page: 1, region: region, scale: scale) }
        var furtherTimes: [Double] = []
        for shift in [-0.6, -1.2, -1.8] {  // further regions to the left and above
            let next = Rect(x: region.x + shift * region.width, y: region.y + shift * region.height / 2,
                            width: region.width, height: region.height)
            furtherTimes.append(try milliseconds { _ = try document.render(page: 1, region: next, scale: scale) })
        }
        guard run > 0, let whole, let first else { continue }
        row.wholePixels = whole.width * whole.height
        row.regionPixels = first.width * first.height
        row.whole.append(wholeTime)
        row.firstRegion.append(firstTime)
        row.furtherRegions += furtherTimes
    }
    return row
}

try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
let scan = try scanImage()
let scannedPDF = work.appendingPathComponent("scanned.pdf")
try writeScannedPDF(scan, to: scannedPDF)
let scannedTIFF = work.appendingPathComponent("scanned.tif")
try ImageWriter.writeTIFF([scan], to: scannedTIFF, options: TIFFWriteOptions(compression: .lzw, dotsPerInch: dpi))

let totals = Point(x: 380, y: 330)  // page points; the TIFF's origin is the same place in pixels
let rows = [
    try measure("text PDF (example invoice)", textPDF, origin: totals),
    try measure("scanned-image PDF (300 dpi gray JPEG)", scannedPDF, origin: totals),
    try measure("300 dpi TIFF scan (LZW gray)", scannedTIFF,
                origin: Point(x: totals.x * dpi / 72, y: totals.y * dpi / 72)),
]
func cell(_ times: [Double], _ pixels: Int) -> String {
    String(format: "%.1f ms (%.2f MP)", median(times), Double(pixels) / 1e6)
}
func ratio(_ part: [Double], _ whole: [Double]) -> String {
    String(format: "%.3f (%.1f× faster)", median(part) / median(whole), median(whole) / median(part))
}
print("| document | whole page | first 5% region | further 5% regions | first / whole | further / whole |")
print("|---|---|---|---|---|---|")
for row in rows {
    print("| \(row.name) | \(cell(row.whole, row.wholePixels)) | \(cell(row.firstRegion, row.regionPixels)) "
          + "| \(cell(row.furtherRegions, row.regionPixels)) | \(ratio(row.firstRegion, row.whole)) "
          + "| \(ratio(row.furtherRegions, row.whole)) |")
}
print("\nAll at 300 dpi; medians of \(runs) runs (further regions: 3 per run) after one warm-up run.")
