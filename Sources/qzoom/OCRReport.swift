import Foundation
import Perception
import QZoomCore
import Raster

/// What `qzoom ocr` prints for a file: a readable listing, or one JSON object.
struct OCRReport: Encodable {
    var file: String
    var pages: [Page]

    func text() -> String {
        var out = ""
        for page in pages {
            let t = page.timings
            out += "\(file) — page \(page.page): \(page.lines.count) lines, detected at \(page.imageWidth)×\(page.imageHeight) px, "
                + String(format: "%.0f ms", t.total) + "\n"
            for line in page.lines {
                out += String(format: "  %.2f  ", line.confidence) + line.text + "\n"
            }
            out += String(format: "  timings (ms): render %.0f, detect %.0f, postprocess %.0f, crop %.0f, classify %.0f, recognize %.0f\n",
                          t.render, t.detect, t.postprocess, t.crop, t.classify, t.recognize)
        }
        return out
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

extension OCRReport {
    struct Page: Encodable {
        struct Line: Encodable {
            /// Corners clockwise from the text's top-left, in page coordinates.
            var quad: [[Double]]
            var text: String
            var confidence: Double
            var characterConfidences: [Float]
        }
        struct Timings: Encodable {
            var render, detect, postprocess, crop, classify, recognize, total: Double
        }

        var page: Int
        /// Page size in page units (`unit`: "point" for PDFs, "pixel" for images).
        var width: Double
        var height: Double
        var unit: String
        /// Pixels per page unit of the detector's input (the render stretched to multiples of 32), and its size.
        var scale: Double
        var imageWidth: Int
        var imageHeight: Int
        var lines: [Line]
        var timings: Timings

        init(page: Int, info: PageInfo, result: OCRResult) {
            self.page = page
            width = info.size.width
            height = info.size.height
            unit = info.unit.rawValue
            scale = result.detectionImage.scaleX
            imageWidth = result.detectionImage.width
            imageHeight = result.detectionImage.height
            lines = result.lines.map {
                Line(quad: $0.quad.points.map { [($0.x * 100).rounded() / 100, ($0.y * 100).rounded() / 100] },
                     text: $0.text, confidence: $0.confidence, characterConfidences: $0.characterConfidences)
            }
            let t = result.timings
            timings = Timings(render: t.render, detect: t.detect, postprocess: t.postprocess, crop: t.crop,
                              classify: t.classify, recognize: t.recognize, total: t.total)
        }
    }
}
