import CPoppler
import Foundation

/// PDFs the tests make themselves: drawn with cairo (shapes and text at known places), written by
/// hand where cairo cannot go (page rotation and crop boxes), and encrypted with qpdf.
enum PDFFixtures {
    /// A black rectangle and a line of text on each page of a US-letter document, in points from
    /// the top-left corner; page n's rectangle moves down by 10 × (n − 1) points.
    static let letter = (width: 612.0, height: 792.0)
    static let rectangle = (x: 100.0, y: 150.0, width: 200.0, height: 50.0)
    static let textOrigin = (x: 72.0, y: 400.0)
    static let text = "QZOOM 42"
    static let fontSize = 24.0

    /// Draws the document with cairo and returns the ink box of the text on the first page.
    @discardableResult
    static func drawLetter(pages: Int = 1, to url: URL) -> (x: Double, y: Double, width: Double, height: Double) {
        let surface = cairo_pdf_surface_create(url.path, letter.width, letter.height)
        let cairo = cairo_create(surface)
        var extents = cairo_text_extents_t()
        for page in 0..<pages {
            cairo_set_source_rgb(cairo, 0, 0, 0)
            cairo_rectangle(cairo, rectangle.x, rectangle.y + 10 * Double(page), rectangle.width, rectangle.height)
            cairo_fill(cairo)
            cairo_select_font_face(cairo, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
            cairo_set_font_size(cairo, fontSize)
            cairo_text_extents(cairo, text, &extents)
            cairo_move_to(cairo, textOrigin.x, textOrigin.y)
            cairo_show_text(cairo, text)
            cairo_show_page(cairo)
        }
        cairo_destroy(cairo)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
        return (textOrigin.x + extents.x_bearing, textOrigin.y + extents.y_bearing, extents.width, extents.height)
    }

    /// A "scanned" US-letter page: one 2-pixels-per-point gray image filling the page, with the
    /// black rectangle painted into the image's pixels.
    static func drawScannedLetter(to url: URL) {
        let scan = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(letter.width * 2), Int32(letter.height * 2))
        let pixels = cairo_create(scan)
        cairo_set_source_rgb(pixels, 0.97, 0.97, 0.97)
        cairo_paint(pixels)
        cairo_set_source_rgb(pixels, 0, 0, 0)
        cairo_rectangle(pixels, rectangle.x * 2, rectangle.y * 2, rectangle.width * 2, rectangle.height * 2)
        cairo_fill(pixels)
        cairo_destroy(pixels)
        let surface = cairo_pdf_surface_create(url.path, letter.width, letter.height)
        let cairo = cairo_create(surface)
        cairo_scale(cairo, 0.5, 0.5)
        cairo_set_source_surface(cairo, scan, 0, 0)
        cairo_paint(cairo)
        cairo_show_page(cairo)
        cairo_destroy(cairo)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
        cairo_surface_destroy(scan)
    }

    /// A one-page PDF written by hand: a black rectangle at `rectangle` in PDF user space
    /// (origin bottom-left, y up), with the given media box, optional crop box and /Rotate.
    static func handWritten(mediaBox: [Double], cropBox: [Double]? = nil, rotate: Int = 0,
                            rectangle: [Double], to url: URL) throws {
        func numbers(_ values: [Double]) -> String { values.map { String(format: "%g", $0) }.joined(separator: " ") }
        let content = "0 0 0 rg \(numbers(rectangle)) re f\n"
        var page = "<< /Type /Page /Parent 2 0 R /MediaBox [\(numbers(mediaBox))] /Contents 4 0 R"
        if let cropBox { page += " /CropBox [\(numbers(cropBox))]" }
        if rotate != 0 { page += " /Rotate \(rotate)" }
        page += " >>"
        let objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page,
                       "<< /Length \(content.utf8.count) >>\nstream\n\(content)endstream"]
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(index + 1) 0 obj\n\(body)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { pdf += String(format: "%010d 00000 n \n", offset) }
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        try Data(pdf.utf8).write(to: url)
    }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
    }

    /// Encrypts `input` with qpdf (AES-256); an empty user password means anyone may open it.
    static func encrypt(_ input: URL, userPassword: String, to output: URL) throws {
        guard let qpdf = ["/usr/bin/qpdf", "/usr/local/bin/qpdf"].first(where: FileManager.default.isExecutableFile) else {
            throw FixtureError(description: "qpdf is not installed (scripts/setup installs it)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: qpdf)
        process.arguments = ["--encrypt", userPassword, "owner-secret", "256", "--", input.path, output.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(description: "qpdf failed with status \(process.terminationStatus)")
        }
    }
}
