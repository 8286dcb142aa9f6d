import QZoomCore

/// The text a query is answered from: the page's fused lines in page coordinates and the page size.
public struct PageText: Sendable {
    public var lines: [TextLine]
    public var size: Size
    /// Where the page's text lies, lines not read yet included (the engine reads a page's lines in
    /// rounds): position hints are scored against it. Nil: the box around `lines`.
    public var textArea: Rect?

    public init(lines: [TextLine], size: Size, textArea: Rect? = nil) {
        self.lines = lines
        self.size = size
        self.textArea = textArea
    }
}

/// The page's lines prepared for the answerer: reading order, text heights and the geometric
/// relations candidates are scored by (same row, to the right, the line below).
struct PageLayout {
    struct Line {
        /// Index into `PageText.lines` (and into the similarity array).
        let index: Int
        let source: TextLine
        let characters: [Character]
        let box: Rect
        /// Height of the text (the quad's left and right edges), not of a rotated line's bounding box.
        let height: Double
        var text: String { source.text }
        let matchText: MatchText

        /// The part of the line's box that holds characters `range` (proportional to character count).
        func box(ofCharacters range: Range<Int>) -> Rect {
            let count = max(characters.count, 1)
            guard range.lowerBound > 0 || range.upperBound < count, source.quad.points.count == 4 else { return box }
            let points = source.quad.points
            func along(_ from: Point, _ to: Point, _ f: Double) -> Point {
                Point(x: from.x + (to.x - from.x) * f, y: from.y + (to.y - from.y) * f)
            }
            let f0 = Double(range.lowerBound) / Double(count), f1 = Double(range.upperBound) / Double(count)
            return Quad([along(points[0], points[1], f0), along(points[0], points[1], f1),
                         along(points[3], points[2], f1), along(points[3], points[2], f0)]).boundingRect
        }

        /// Mean recognizer confidence of characters `range`; the line's confidence when there is no
        /// per-character confidence.
        func confidence(ofCharacters range: Range<Int>) -> Double {
            let perCharacter = source.characterConfidences
            let mean = perCharacter.count == characters.count && !range.isEmpty && range.lowerBound >= 0
                && range.upperBound <= perCharacter.count
                ? perCharacter[range].reduce(0) { $0 + Double($1) } / Double(range.count) : source.confidence
            // A recognizer that failed (NaN) has no confidence.
            return mean.isFinite ? min(max(mean, 0), 1) : 0
        }
    }

    let size: Size
    /// In reading order: rows from top to bottom, lines in a row from left to right.
    let lines: [Line]
    let medianHeight: Double
    private let below: [Int?]
    private let above: [Int?]
    private let rows: [[Int]]

    /// Lines without a finite position (a failed detection) cannot be placed and are left out.
    init(_ page: PageText) {
        size = page.size
        let prepared = page.lines.enumerated().compactMap { index, line -> Line? in
            let box = line.box
            guard [box.x, box.y, box.width, box.height].allSatisfy(\.isFinite) else { return nil }
            return Line(index: index, source: line, characters: Array(line.text), box: box,
                        height: Self.textHeight(line), matchText: MatchText(line.text))
        }
        let ordered = Self.readingOrder(prepared)
        lines = ordered
        let known = page.textArea.map { [$0] } ?? []
        let boxes = known + prepared.map(\.box)
        textArea = boxes.dropFirst().reduce(boxes.first ?? Rect(origin: Point(x: 0, y: 0), size: page.size)) { $0.union($1) }
        let heights = prepared.map(\.height).sorted()
        medianHeight = heights.isEmpty ? 1 : max(heights[heights.count / 2], 1e-6)
        rows = ordered.indices.map { position in
            ordered.indices.filter { $0 != position && Self.sameRow(ordered[$0], ordered[position]) }
        }
        below = ordered.indices.map { Self.nearestVerticalNeighbour(of: $0, in: ordered, downwards: true) }
        above = ordered.indices.map { Self.nearestVerticalNeighbour(of: $0, in: ordered, downwards: false) }
    }

    /// The nearest line below (or above) that overlaps horizontally and is within two text heights.
    private static func nearestVerticalNeighbour(of position: Int, in lines: [Line], downwards: Bool) -> Int? {
        let line = lines[position]
        var best: Int?, bestGap = Double.infinity
        for candidate in lines.indices where candidate != position {
            let other = lines[candidate]
            guard !sameRow(line, other) else { continue }
            let isOnSide = downwards ? other.box.midY > line.box.maxY - 0.25 * line.height
                                     : other.box.midY < line.box.minY + 0.25 * line.height
            guard isOnSide else { continue }
            let overlap = min(line.box.maxX, other.box.maxX) - max(line.box.minX, other.box.minX)
            guard overlap > 0 else { continue }
            let gap = downwards ? other.box.minY - line.box.maxY : line.box.minY - other.box.maxY
            guard gap < 2 * max(line.height, other.height), gap < bestGap else { continue }
            best = candidate
            bestGap = gap
        }
        return best
    }

    /// Two lines share a row when their boxes overlap vertically by more than half the smaller height.
    static func sameRow(_ a: Line, _ b: Line) -> Bool {
        let overlap = min(a.box.maxY, b.box.maxY) - max(a.box.minY, b.box.minY)
        return overlap > 0.5 * min(a.box.height, b.box.height)
    }

    /// The nearest line below `position` that overlaps it horizontally, within two text heights.
    func lineBelow(_ position: Int) -> Int? { below[position] }

    /// The nearest line above `position` that overlaps it horizontally, within two text heights.
    func lineAbove(_ position: Int) -> Int? { above[position] }

    /// Positions of the other lines in the same row, left to right.
    func rowMates(_ position: Int) -> [Int] { rows[position] }

    /// The box around all lines: position hints are scored against it, so that a scan's margins
    /// (a small receipt on a large sheet) do not move the "top" of the document.
    let textArea: Rect

    /// The position of a box's centre within the text area, each coordinate in 0...1.
    func relativeCenter(_ box: Rect) -> Point {
        Point(x: textArea.width > 0 ? (box.midX - textArea.minX) / textArea.width : 0.5,
              y: textArea.height > 0 ? (box.midY - textArea.minY) / textArea.height : 0.5)
    }

    private static func textHeight(_ line: TextLine) -> Double {
        let p = line.quad.points
        guard p.count == 4 else { return line.box.height }
        func distance(_ a: Point, _ b: Point) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }
        return max((distance(p[0], p[3]) + distance(p[1], p[2])) / 2, 1e-6)
    }

    private static func readingOrder(_ lines: [Line]) -> [Line] {
        var rows: [[Line]] = []
        for line in lines.sorted(by: { $0.box.midY < $1.box.midY }) {
            if let last = rows.last?.last, sameRow(last, line) {
                rows[rows.count - 1].append(line)
            } else {
                rows.append([line])
            }
        }
        return rows.flatMap { $0.sorted { $0.box.minX < $1.box.minX } }
    }
}
