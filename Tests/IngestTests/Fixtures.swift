import CCairo
import Foundation
import XCTest

/// Small documents the tests make themselves.
enum Fixtures {
    /// A real PDF of `pages` A6 pages, each with a line of text that makes its content unique.
    static func pdf(at url: URL, pages: Int, label: String) throws {
        guard let surface = cairo_pdf_surface_create(url.path, 298, 420) else {
            throw FixtureError("cairo could not create \(url.path)")
        }
        let context = cairo_create(surface)
        for page in 1...pages {
            cairo_set_source_rgb(context, 0, 0, 0)
            cairo_select_font_face(context, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
            cairo_set_font_size(context, 14)
            cairo_move_to(context, 20, 40)
            cairo_show_text(context, "\(label) — page \(page) of \(pages)")
            cairo_rectangle(context, 20, 60, 200, 30)
            cairo_stroke(context)
            cairo_show_page(context)
        }
        cairo_destroy(context)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw FixtureError("cairo failed writing \(url.path)") }
    }

    static func pdfData(pages: Int, label: String) throws -> Data {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString).pdf")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try pdf(at: temporary, pages: pages, label: label)
        return try Data(contentsOf: temporary)
    }

    /// The shared corpus (read-only; copied before use), beside the project as ../shared/data.
    static var sharedData: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
