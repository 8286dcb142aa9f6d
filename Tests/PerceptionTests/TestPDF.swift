import Foundation

/// A one-page PDF with lines of Helvetica text, written byte by byte so that a test knows exactly
/// what is on the page. Poppler draws Helvetica with the system's substitute font.
enum TestPDF {
    struct TextRun {
        var text: String
        /// Baseline start in PDF user space (points, y up).
        var x: Double
        var y: Double
        var size: Double
        /// Upside down: the text runs leftwards from (x, y), turned half a turn.
        var upsideDown = false
    }

    static func make(width: Double, height: Double, runs: [TextRun]) -> Data {
        func escaped(_ s: String) -> String {
            s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
                .replacingOccurrences(of: ")", with: "\\)")
        }
        let content = runs.map { run in
            let matrix = run.upsideDown ? "-1 0 0 -1" : "1 0 0 1"
            return "BT /F1 \(run.size) Tf \(matrix) \(run.x) \(run.y) Tm (\(escaped(run.text))) Tj ET"
        }.joined(separator: "\n")
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(width) \(height)] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ]
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
        return Data(pdf.utf8)
    }
}
