import Foundation
import QZoomCore

/// The layout of a detected line's feature vector (version 1): what the reading head knows of a line
/// before it is read. `C` is the detector's channel count (96 for PP-OCR's neck).
///
///     0 ..< C   detector neck features averaged over the line's box               (glyph texture)
///     C + 0     text density: mean text probability over the box
///     C + 1     left edge, (x − text area x) / text area width
///     C + 2     right edge, likewise
///     C + 3     centre x, likewise
///     C + 4     centre y, (y − text area y) / text area height
///     C + 5     width / text area width
///     C + 6     height / the page's median line height
///     C + 7     log(width / height): roughly, log of the number of characters
///     C + 8     rank from the top (by centre y) / lines
///     C + 9     rank from the bottom / lines
///     C + 10    log(lines on the page)
///     C + 11    other lines in the same row (at most 5)
///     C + 12    1 when no line of its row lies to its left
///     C + 13    1 when no line of its row lies to its right
///     C + 14    gap to the nearest line above / median line height (at most 5)
///     C + 15    gap to the nearest line below, likewise
///
/// Positions are relative to the text area (the box around every detected line) and sizes to the median
/// line, so a receipt photographed with wide margins and an A4 PDF look alike. The neck's channels are
/// kept whole: on sroie-dev a fixed projection to 16 channels lost most of what they tell about where
/// an answer is (docs/heads.md, "Reading head").
public struct LineFeatureLayout: Codable, Equatable, Sendable {
    public static let currentVersion = 1
    public static let geometryScalars = 16

    public var version: Int
    public var detectorChannels: Int

    public init(detectorChannels: Int) {
        version = Self.currentVersion
        self.detectorChannels = detectorChannels
    }

    public var width: Int { detectorChannels + Self.geometryScalars }
}

/// The feature vectors of a page's detected lines: [lines, layout.width], in the order of the boxes
/// they were made from.
public struct LineFeatures: Sendable {
    public let layout: LineFeatureLayout
    public let values: Matrix

    /// `boxes`: every detected line, page coordinates. `textArea`: the box around them. The maps are
    /// over the coarse image, which has `coarseScale` pixels per page unit (`CoarseMap`).
    public init(layout: LineFeatureLayout, boxes: [Rect], textArea: Rect, coarseScale: Double,
                detectorFeatures: CoarseMap, textProbability: CoarseMap) throws(HeadError) {
        guard detectorFeatures.channels == layout.detectorChannels else {
            throw .inputShape(what: "detector channels", expected: layout.detectorChannels, found: detectorFeatures.channels)
        }
        guard textProbability.channels == 1 else {
            throw .inputShape(what: "text-probability channels", expected: 1, found: textProbability.channels)
        }
        guard coarseScale > 0, coarseScale.isFinite else { throw .invalidGrid("coarse scale \(coarseScale)") }
        let n = boxes.count, width = layout.width, channels = layout.detectorChannels
        var values = [Float](repeating: 0, count: n * width)
        let geometry = LineGeometry(boxes: boxes, textArea: textArea)
        // A line without a finite box (none is expected from the detector) keeps a zero vector.
        for (index, box) in boxes.enumerated() where box.isFinite {
            let coarse = box.scaled(by: coarseScale)
            let base = index * width
            detectorFeatures.average(over: coarse, into: &values, at: base)
            var density = [Float](repeating: 0, count: 1)
            textProbability.average(over: coarse, into: &density, at: 0)
            values[base + channels] = density[0]
            for (offset, value) in geometry.scalars(of: index).enumerated() {
                values[base + channels + 1 + offset] = Float(value)
            }
        }
        guard values.allSatisfy(\.isFinite) else { throw .nonFinite("line features (text area \(textArea))") }
        self.layout = layout
        self.values = Matrix(rows: n, columns: width, values: values)
    }

    public var count: Int { values.rows }
}

/// Where each line sits among the others: positions in the text area, its row, its neighbours.
struct LineGeometry {
    let boxes: [Rect]
    let area: Rect
    let medianHeight: Double
    /// Rank of each line from the top, by centre y.
    let rank: [Int]

    init(boxes: [Rect], textArea: Rect) {
        self.boxes = boxes
        let finite = boxes.filter(\.isFinite)
        area = Rect(x: textArea.x, y: textArea.y, width: max(textArea.width, 1e-6), height: max(textArea.height, 1e-6))
        let heights = finite.map { max(min($0.width, $0.height), 1e-6) }.sorted()
        medianHeight = heights.isEmpty ? 1 : heights[heights.count / 2]
        var rank = [Int](repeating: 0, count: boxes.count)
        let placed = boxes.indices.filter { boxes[$0].isFinite }
        for (position, index) in placed.sorted(by: { boxes[$0].midY < boxes[$1].midY }).enumerated() {
            rank[index] = position
        }
        self.rank = rank
    }

    /// The 15 scalars after the density, in the layout's order.
    func scalars(of index: Int) -> [Double] {
        let box = boxes[index], n = Double(boxes.count)
        var sameRow = 0, leftmost = 1.0, rightmost = 1.0
        var gapAbove = 5.0, gapBelow = 5.0
        for (other, neighbour) in boxes.enumerated() where other != index && neighbour.isFinite {
            let overlap = min(box.maxY, neighbour.maxY) - max(box.minY, neighbour.minY)
            if overlap > 0.5 * min(box.height, neighbour.height) {
                sameRow += 1
                if neighbour.minX < box.minX { leftmost = 0 } else { rightmost = 0 }
            } else if neighbour.midY < box.midY {
                gapAbove = min(gapAbove, max(0, box.minY - neighbour.maxY) / medianHeight)
            } else {
                gapBelow = min(gapBelow, max(0, neighbour.minY - box.maxY) / medianHeight)
            }
        }
        return [
            (box.minX - area.minX) / area.width,
            (box.maxX - area.minX) / area.width,
            (box.midX - area.minX) / area.width,
            (box.midY - area.minY) / area.height,
            box.width / area.width,
            box.height / medianHeight,
            log(max(box.width, 1e-6) / max(box.height, 1e-6)),
            Double(rank[index]) / n,
            (n - 1 - Double(rank[index])) / n,
            log(n),
            Double(min(sameRow, 5)),
            leftmost,
            rightmost,
            gapAbove,
            gapBelow,
        ]
    }
}

extension CoarseMap {
    /// Writes the mean of every channel over `rect` (coarse pixels) into `out[offset ..< offset + channels]`:
    /// the map pixels whose centres lie inside it, else the pixel under its centre.
    func average(over rect: Rect, into out: inout [Float], at offset: Int) {
        func span(_ low: Double, _ high: Double, _ length: Int) -> Range<Int> {
            let first = max(0, Int((low / stride - 0.5).rounded(.up))), end = min(length, Int((high / stride - 0.5).rounded(.up)))
            if first < end { return first..<end }
            let centre = min(length - 1, max(0, Int(((low + high) / 2 / stride).rounded(.down))))
            return centre..<(centre + 1)
        }
        let xs = span(rect.minX, rect.maxX, width), ys = span(rect.minY, rect.maxY, height)
        let inverseCount = 1 / Float(xs.count * ys.count)
        values.withUnsafeBufferPointer { map in
            for channel in 0..<channels {
                var sum: Float = 0
                let plane = channel * height * width
                for y in ys {
                    let row = plane + y * width
                    for x in xs { sum += map[row + x] }
                }
                out[offset + channel] = sum * inverseCount
            }
        }
    }
}
