import CCairo
import Foundation
import QZoomCore
import Store
import XCTest

/// `qzoom show` draws a page's RoI and answer boxes where the store says they are.
final class ShowCommandTests: XCTestCase {
    func testShowDrawsTheRoIAndTheAnswerBoxOnThePage() throws {
        let harness = try DaemonHarness()
        let pdf = harness.root.appendingPathComponent("receipt.pdf")
        try Fixtures.pdf(at: pdf, pages: 2, label: "TOTAL 12.50")
        // A store written the way the daemon writes it, with one answer on page 2 (A6: 298×420 pt).
        let store = try ResultStore(path: harness.database.path)
        let id = try store.insertQueued(.init(sha256: "x", originalName: "receipt.pdf", sizeBytes: 1, template: "receipt",
                                              path: pdf.path, claimName: "receipt.pdf"))
        let answer = Answer(query: "total", value: "12.50", normalized: "12.50", confidence: 0.9, route: .zoom,
                            gateProbability: 0.7, roi: Rect(x: 20, y: 200, width: 200, height: 100),
                            box: Rect(x: 60, y: 230, width: 80, height: 30), fineScale: 4)
        for page in 1...2 {
            try store.commitPage(PageResult(page: page, size: Size(width: 298, height: 420), coarseScale: 1, megapixels: 0.1,
                                            timings: StageTimings(), answers: page == 2 ? [answer] : []),
                                 documentID: id, engineVersion: "test", headsVersion: nil)
        }
        try store.complete(id, pageCount: 2, template: "receipt", path: pdf.path)

        let output = harness.root.appendingPathComponent("page.png")
        let result = try harness.cli(["show", "--db", harness.database.path, "receipt.pdf", "--page", "2",
                                      "-o", output.path, "--size", "840"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("1 answers"), result.output)

        let image = try PNGPixels(output)
        XCTAssertEqual(image.width, 596)   // 298 pt at 840/420 px per pt
        XCTAssertEqual(image.height, 840)
        let scale = 2.0
        // The answer box's left edge is green, the RoI's bottom edge is blue, the page elsewhere white.
        let green = image.rgb(x: Int(60 * scale), y: Int(245 * scale))
        XCTAssertTrue(green.g > 100 && green.r < 80 && green.b < 80, "answer box edge: \(green)")
        let blue = (Int(30 * scale)...Int(200 * scale)).map { image.rgb(x: $0, y: Int(300 * scale)) }
        XCTAssertTrue(blue.contains { $0.b > 180 && $0.r < 80 }, "RoI edge should be blue")
        XCTAssertEqual(image.rgb(x: 500, y: 800).r, 255)
        // The label band sits just above the answer box.
        let label = image.rgb(x: Int(62 * scale), y: Int(226 * scale))
        XCTAssertTrue(label.g > label.r && label.g > label.b, "label band: \(label)")

        // A page the document does not have is a clear error, not a crash.
        let missing = try harness.cli(["show", "--db", harness.database.path, String(id), "--page", "9", "-o", output.path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.output.contains("page 9"), missing.output)
    }
}

/// A PNG read back with cairo, for checking drawn pixels.
struct PNGPixels {
    let width: Int, height: Int
    private let words: [UInt32]

    init(_ url: URL) throws {
        guard let surface = cairo_image_surface_create_from_png(url.path),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw FixtureError("cannot read \(url.path)") }
        defer { cairo_surface_destroy(surface) }
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { throw FixtureError("no pixels") }
        var words: [UInt32] = []
        for y in 0..<height {
            for x in 0..<width { words.append(UnsafeRawPointer(data + y * stride).load(fromByteOffset: x * 4, as: UInt32.self)) }
        }
        self.words = words
    }

    func rgb(x: Int, y: Int) -> (r: Int, g: Int, b: Int) {
        let word = words[y * width + x]
        return (Int(word >> 16 & 0xff), Int(word >> 8 & 0xff), Int(word & 0xff))
    }
}
