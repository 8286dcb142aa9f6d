import Foundation
import QZoomCore

/// Why a ground-truth file cannot be used.
public struct GroundTruthError: Error, Equatable, CustomStringConvertible {
    public var file: String
    /// From 1; 0 when the problem is not on one line.
    public var line: Int
    public var reason: String

    public var description: String { line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)" }
}

/// Readers for labelled documents, as in sroie-dev: `key/NAME.json` holds the expected value of each
/// query; `box/NAME.csv` holds the true text lines (the oracle OCR of the answerer benchmark).
public enum GroundTruth {
    /// A JSON object of query name → expected value (sroie-dev), or the synthetic generator's truth,
    /// whose `fields` object holds each field's value as `printed`. Non-string values are rejected.
    public static func labels(at url: URL) throws(GroundTruthError) -> [String: String] {
        let data = try read(url)
        guard var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw GroundTruthError(file: url.path, line: 0, reason: "not a JSON object")
        }
        if let fields = object["fields"] as? [String: Any] {
            object = fields.mapValues { ($0 as? [String: Any])?["printed"] ?? $0 }
        }
        var labels: [String: String] = [:]
        for (key, value) in object {
            guard let string = value as? String else {
                throw GroundTruthError(file: url.path, line: 0, reason: "the value of \"\(key)\" is not a string")
            }
            labels[key] = string
        }
        return labels
    }

    /// One text line per row: `x1,y1,x2,y2,x3,y3,x4,y4,transcript` (clockwise from the top-left; the
    /// transcript is everything after the eighth comma and may hold commas). Blank rows are skipped.
    /// Each line gets confidence 1, as it is the truth.
    public static func lines(csvAt url: URL) throws(GroundTruthError) -> [TextLine] {
        let text = String(decoding: try read(url), as: UTF8.self)
        var lines: [TextLine] = []
        // Rows end with LF or CRLF ("\r\n" is one Character, so split on every newline character).
        for (index, row) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = row.trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}"))
            guard !trimmed.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let fields = trimmed.split(separator: ",", maxSplits: 8, omittingEmptySubsequences: false)
            let coordinates = fields.prefix(8).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard fields.count == 9, coordinates.count == 8, coordinates.allSatisfy(\.isFinite) else {
                throw GroundTruthError(file: url.path, line: index + 1,
                                       reason: "expected eight coordinates and a transcript")
            }
            let points = stride(from: 0, to: 8, by: 2).map { Point(x: coordinates[$0], y: coordinates[$0 + 1]) }
            let transcript = String(fields[8])
            lines.append(TextLine(quad: Quad(points), text: transcript, confidence: 1,
                                  characterConfidences: [Float](repeating: 1, count: transcript.count)))
        }
        return lines
    }

    private static func read(_ url: URL) throws(GroundTruthError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw GroundTruthError(file: url.path, line: 0, reason: error.localizedDescription)
        }
    }
}
