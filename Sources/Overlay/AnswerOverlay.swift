import CCairo
import QZoomCore

/// Draws a page's answers over its image, so a person can check an answer at a glance: the region the
/// engine re-read (RoI) as a dashed blue frame, the place the answer was read as a green box, and a
/// label `query: value (confidence)` beside each answer box.
public enum AnswerOverlay {
    public enum OverlayError: Error, CustomStringConvertible {
        case cairo(String)
        public var description: String { "cannot draw the overlay: \(self)" }
    }

    public static func draw(_ answers: [Answer], on image: PageImage) throws -> PageImage {
        let canvas = try Canvas(image)
        let lineWidth = max(2, Double(max(image.width, image.height)) / 600)
        let fontSize = max(12, Double(max(image.width, image.height)) / 60)
        for answer in answers {
            if let roi = answer.roi {
                canvas.frame(image.pageToPixel(roi), red: 0.1, green: 0.35, blue: 0.95, width: lineWidth, dashed: true)
            }
            guard let box = answer.box else { continue }
            let pixels = image.pageToPixel(box)
            canvas.frame(pixels, red: 0.05, green: 0.6, blue: 0.1, width: lineWidth, dashed: false)
            canvas.label(Self.label(for: answer), above: pixels, size: fontSize)
        }
        return canvas.image(region: image.region)
    }

    static func label(for answer: Answer) -> String {
        let value = answer.value ?? "—"
        let route = answer.route == .zoom ? ", zoom" : ""
        return "\(answer.query): \(value) (\(Int((answer.confidence * 100).rounded()))%\(route))"
    }
}

/// One cairo image surface and its context; the surface and context are freed with the canvas.
private final class Canvas {
    private let surface: OpaquePointer
    private let context: OpaquePointer
    let width: Int, height: Int

    init(_ image: PageImage) throws {
        width = image.width
        height = image.height
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw AnswerOverlay.OverlayError.cairo("no surface of \(image.width)×\(image.height)")
        }
        self.surface = surface
        guard let context = cairo_create(surface), cairo_status(context) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw AnswerOverlay.OverlayError.cairo("no drawing context")
        }
        self.context = context
        // RGB24 keeps each pixel in a native-endian 32-bit word 0x00RRGGBB.
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        if let data = cairo_image_surface_get_data(surface) {
            for y in 0..<height {
                let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<width {
                    let i = (y * width + x) * image.channels
                    let r = UInt32(image.pixels[i])
                    let g = UInt32(image.channels == 3 ? image.pixels[i + 1] : image.pixels[i])
                    let b = UInt32(image.channels == 3 ? image.pixels[i + 2] : image.pixels[i])
                    row[x] = r << 16 | g << 8 | b
                }
            }
        }
        cairo_surface_mark_dirty(surface)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    func frame(_ rect: Rect, red: Double, green: Double, blue: Double, width lineWidth: Double, dashed: Bool) {
        cairo_save(context)
        cairo_set_source_rgb(context, red, green, blue)
        cairo_set_line_width(context, lineWidth)
        if dashed {
            var pattern = [lineWidth * 4, lineWidth * 2]
            cairo_set_dash(context, &pattern, 2, 0)
        }
        cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        cairo_stroke(context)
        cairo_restore(context)
    }

    /// White text on a green band just above the box (below it when the box touches the top edge).
    func label(_ text: String, above rect: Rect, size: Double) {
        cairo_save(context)
        cairo_select_font_face(context, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(context, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        let padding = size * 0.25
        let bandHeight = size + 2 * padding
        let top = rect.minY - bandHeight >= 0 ? rect.minY - bandHeight : rect.maxY
        let left = min(max(0, rect.minX), max(0, Double(width) - extents.x_advance - 2 * padding))
        cairo_set_source_rgba(context, 0.05, 0.45, 0.08, 0.85)
        cairo_rectangle(context, left, top, extents.x_advance + 2 * padding, bandHeight)
        cairo_fill(context)
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_move_to(context, left + padding, top + padding + size * 0.8)
        cairo_show_text(context, text)
        cairo_restore(context)
    }

    func image(region: Rect) -> PageImage {
        cairo_surface_flush(surface)
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        let stride = Int(cairo_image_surface_get_stride(surface))
        if let data = cairo_image_surface_get_data(surface) {
            for y in 0..<height {
                let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<width {
                    let word = row[x], i = (y * width + x) * 3
                    pixels[i] = UInt8(truncatingIfNeeded: word >> 16)
                    pixels[i + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    pixels[i + 2] = UInt8(truncatingIfNeeded: word)
                }
            }
        }
        return PageImage(width: width, height: height, channels: 3, pixels: pixels, region: region)
    }
}
