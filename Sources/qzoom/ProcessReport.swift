import Foundation
import QZoomCore

/// What `qzoom process` prints: per input its file and pages (or why it failed), per page its answers.
struct ProcessReport: Encodable {
    var mode: String
    var engine: String
    var heads: String?
    var documents: [Document] = []

    struct Document: Encodable {
        var file: String
        var template: String?
        var pages: [Page]?
        var error: String?
        var code: String?
    }

    struct Page: Encodable {
        var page: Int
        var size: Size
        var coarseScale: Double
        var megapixels: Double
        var timingsMs: [String: Double]
        var answers: [AnswerRow]
        var linesDetected: Int?
        var linesRead: Int?

        enum CodingKeys: String, CodingKey {
            case page, size, megapixels, answers
            case linesDetected = "lines_detected"
            case linesRead = "lines_read"
            case coarseScale = "coarse_scale"
            case timingsMs = "timings_ms"
        }

        init(_ result: PageResult) {
            page = result.page; size = result.size; coarseScale = result.coarseScale
            megapixels = result.megapixels; timingsMs = milliseconds(result.timings)
            answers = result.answers.map(AnswerRow.init)
            linesDetected = result.linesDetected; linesRead = result.linesRead
        }
    }

    struct AnswerRow: Encodable {
        var answer: Answer

        enum CodingKeys: String, CodingKey {
            case query, value, normalized, currency, confidence, route, roi, box
            case gateProbability = "gate_probability"
            case fineScale = "fine_scale"
            case timingsMs = "timings_ms"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(answer.query, forKey: .query)
            try c.encode(answer.value, forKey: .value)
            try c.encode(answer.normalized, forKey: .normalized)
            try c.encode(answer.currency, forKey: .currency)
            try c.encode(answer.confidence, forKey: .confidence)
            try c.encode(answer.route.rawValue, forKey: .route)
            try c.encode(answer.gateProbability, forKey: .gateProbability)
            try c.encode(answer.roi, forKey: .roi)
            try c.encode(answer.box, forKey: .box)
            try c.encode(answer.fineScale, forKey: .fineScale)
            try c.encode(milliseconds(answer.timings), forKey: .timingsMs)
        }
    }

    func text() -> String {
        var out = ""
        for document in documents {
            guard let pages = document.pages else {
                out += "\(document.file): error: \(document.error ?? "unknown")\n"
                continue
            }
            out += "\(document.file) (template \(document.template ?? "?"), mode \(mode))\n"
            for page in pages {
                out += String(format: "  page %d: %.2f MP, scale %.3f, %d of %d lines read; page stages: %@\n", page.page,
                              page.megapixels, page.coarseScale, page.linesRead ?? 0, page.linesDetected ?? 0,
                              Self.stages(page.timingsMs))
                let rows = page.answers.map { row -> [String] in
                    let a = row.answer
                    return [a.query, a.value ?? "—", a.normalized ?? "—", String(format: "%.2f", a.confidence), a.route.rawValue,
                            a.gateProbability.map { String(format: "%.2f", $0) } ?? "—",
                            a.roi.map(Self.box) ?? "—", a.box.map(Self.box) ?? "—"]
                }
                out += TextTable.render(header: ["query", "value", "normalized", "conf", "route", "gate p", "roi", "box"],
                                        rows: rows, maxWidth: 48)
                    .split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
                for row in page.answers where !row.answer.timings.milliseconds.isEmpty {
                    out += "    \(row.answer.query): \(Self.stages(milliseconds(row.answer.timings)))\n"
                }
            }
        }
        return out
    }

    static func box(_ r: Rect) -> String { String(format: "%.0f,%.0f,%.0f,%.0f", r.x, r.y, r.width, r.height) }

    static func stages(_ timings: [String: Double]) -> String {
        Stage.allCases.compactMap { stage in
            timings[stage.rawValue].map { String(format: "%@ %.1f ms", stage.rawValue, $0) }
        }.joined(separator: ", ")
    }
}

private func milliseconds(_ timings: StageTimings) -> [String: Double] {
    Dictionary(uniqueKeysWithValues: timings.milliseconds.map { ($0.key.rawValue, ($0.value * 100).rounded() / 100) })
}
