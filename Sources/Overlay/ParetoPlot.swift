import CCairo
import Foundation

/// A scatter plot of accuracy against speed, one labelled point per engine setting, written as a PNG:
/// the benchmark's coarse-budget sweep. Points of one series are joined in order.
public enum ParetoPlot {
    public struct Point: Sendable {
        public var series: String
        public var label: String
        /// Pages per second.
        public var x: Double
        /// Mean exact match, 0...1.
        public var y: Double
        public init(series: String, label: String, x: Double, y: Double) {
            self.series = series; self.label = label; self.x = x; self.y = y
        }
    }

    public static func write(_ points: [Point], title: String, to url: URL) throws {
        let width = 900, height = 600, left = 80.0, right = 30.0, top = 50.0, bottom = 60.0
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS,
              let cr = cairo_create(surface) else {
            throw AnswerOverlay.OverlayError.cairo("no surface for the plot")
        }
        defer { cairo_destroy(cr); cairo_surface_destroy(surface) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)

        let xs = points.map(\.x), ys = points.map(\.y)
        let xMax = (xs.max() ?? 1) * 1.15, xMin = 0.0
        let yMin = max(0, (ys.min() ?? 0) - 0.05), yMax = min(1, (ys.max() ?? 1) + 0.05)
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        func px(_ x: Double) -> Double { left + (x - xMin) / max(xMax - xMin, 1e-9) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - yMin) / max(yMax - yMin, 1e-9)) * plotH }

        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, 13)
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2)
        cairo_set_line_width(cr, 1)
        cairo_rectangle(cr, left, top, plotW, plotH)
        cairo_stroke(cr)
        for i in 0...5 {
            let x = xMin + (xMax - xMin) * Double(i) / 5, y = yMin + (yMax - yMin) * Double(i) / 5
            text(cr, String(format: "%.2f", x), at: px(x) - 14, Double(height) - bottom + 20)
            text(cr, String(format: "%.2f", y), at: left - 45, py(y) + 4)
        }
        text(cr, "pages per second", at: left + plotW / 2 - 50, Double(height) - 15)
        text(cr, "mean exact match", at: 8, top - 12)
        cairo_set_font_size(cr, 16)
        text(cr, title, at: left + 120, 28)
        cairo_set_font_size(cr, 12)

        let colours: [(Double, Double, Double)] = [(0.1, 0.35, 0.9), (0.85, 0.25, 0.1), (0.1, 0.6, 0.2), (0.6, 0.2, 0.7), (0.5, 0.5, 0.5)]
        var seriesNames: [String] = []
        for p in points where !seriesNames.contains(p.series) { seriesNames.append(p.series) }
        for (index, name) in seriesNames.enumerated() {
            let (r, g, b) = colours[index % colours.count]
            cairo_set_source_rgb(cr, r, g, b)
            let series = points.filter { $0.series == name }
            cairo_set_line_width(cr, 1.5)
            for (i, p) in series.enumerated() {
                i == 0 ? cairo_move_to(cr, px(p.x), py(p.y)) : cairo_line_to(cr, px(p.x), py(p.y))
            }
            cairo_stroke(cr)
            for p in series {
                cairo_arc(cr, px(p.x), py(p.y), 5, 0, 2 * Double.pi)
                cairo_fill(cr)
                text(cr, p.label, at: px(p.x) + 7, py(p.y) - 7)
            }
            text(cr, "● " + name, at: left + plotW - 160, top + 20 + 18 * Double(index))
        }
        cairo_surface_flush(surface)
        guard cairo_surface_write_to_png(surface, url.path) == CAIRO_STATUS_SUCCESS else {
            throw AnswerOverlay.OverlayError.cairo("cannot write \(url.path)")
        }
    }

    private static func text(_ cr: OpaquePointer, _ string: String, at x: Double, _ y: Double) {
        cairo_move_to(cr, x, y)
        cairo_show_text(cr, string)
    }
}
