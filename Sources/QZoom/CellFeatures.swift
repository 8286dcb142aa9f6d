import Foundation
import QZoomCore

/// A box in page coordinates with a score: a read line with its question similarity, or a typed
/// answer candidate with its candidate score.
public struct ScoredBox: Equatable, Sendable {
    public var box: Rect
    public var score: Float
    public init(box: Rect, score: Float) { self.box = box; self.score = score }
}

/// The layout of a cell's feature vector (version 1). `P` is the pooled detector width: the projected
/// width when a projection is used, else the detector's channel count.
///
///     0 ..< P   detector features averaged over the cell (then projected)        page
///     P + 0     text density: mean of the text-probability map over the cell     page
///     P + 1     x of the cell centre / page width                                page
///     P + 2     y of the cell centre / page height                               page
///     P + 3     distance to the nearest page edge, 2·min(x, 1−x, y, 1−y)         page
///     P + 4     best question similarity of the lines touching the cell (≥ 0)    query
///     P + 5     that similarity minus the page's best line similarity (≤ 0)      query
///     P + 6     best similarity of a line to the left in the same row band       query
///     P + 7     best similarity of a line just above (within 1.5 line heights)   query
///     P + 8     best score of the typed answer candidates touching the cell      query
///
/// P + 6 and P + 7 mirror the answerer's layout rules (value to the right of its key line, or below
/// it), so that a cell can know it sits where an answer would be without seeing its neighbours.
public struct CellFeatureLayout: Codable, Equatable, Sendable {
    public static let currentVersion = 1
    public static let pageScalars = 4
    public static let queryScalars = 5

    public var version: Int
    public var cellSize: Int
    public var detectorChannels: Int
    /// nil: the pooled channels are used as they are.
    public var projectedChannels: Int?

    public init(cellSize: Int = 32, detectorChannels: Int, projectedChannels: Int? = 16) {
        version = Self.currentVersion
        self.cellSize = cellSize; self.detectorChannels = detectorChannels; self.projectedChannels = projectedChannels
    }

    public var pooledWidth: Int { projectedChannels ?? detectorChannels }
    public var pageWidth: Int { pooledWidth + Self.pageScalars }
    public var width: Int { pageWidth + Self.queryScalars }
}

/// Turns the coarse pass's plain arrays into cell feature vectors. The fixed projection (a seeded
/// Gaussian matrix, which keeps distances between pooled vectors in expectation) cuts the detector's
/// channels to a few, so that the head stays small and trains on a few hundred pages; it is saved
/// with the RoI head, because the head's weights only make sense with it.
public struct CellFeatureExtractor: Equatable, Sendable {
    public let layout: CellFeatureLayout
    /// [projectedChannels, detectorChannels], or nil.
    public let projection: Matrix?

    public init(layout: CellFeatureLayout, seed: UInt64) {
        self.layout = layout
        projection = layout.projectedChannels.map { outputs in
            var random = SeededRandom(seed: seed ^ 0xCE11)
            let scale = 1 / Double(outputs).squareRoot()
            let values = (0..<(outputs * layout.detectorChannels)).map { _ in Float(random.nextGaussian() * scale) }
            return Matrix(rows: outputs, columns: layout.detectorChannels, values: values)
        }
    }

    /// An extractor with a saved projection; shapes are the caller's to check.
    init(layout: CellFeatureLayout, projection: Matrix?) {
        self.layout = layout; self.projection = projection
    }

    /// The features every query of a page shares: pooled detector features, text density, position.
    public func pageFeatures(grid: CellGrid, detectorFeatures: CoarseMap,
                             textProbability: CoarseMap) throws(HeadError) -> PageCellFeatures {
        guard grid.cellSize == layout.cellSize else {
            throw .inputShape(what: "grid cell size", expected: layout.cellSize, found: grid.cellSize)
        }
        guard detectorFeatures.channels == layout.detectorChannels else {
            throw .inputShape(what: "detector channels", expected: layout.detectorChannels, found: detectorFeatures.channels)
        }
        guard textProbability.channels == 1 else {
            throw .inputShape(what: "text-probability channels", expected: 1, found: textProbability.channels)
        }
        var pooled = detectorFeatures.averagePooled(over: grid)
        if let projection {
            var projected = [Float](repeating: 0, count: grid.count * projection.rows)
            multiply(m: grid.count, n: projection.rows, k: projection.columns, pooled.values,
                     projection.values, transposeB: true, into: &projected)
            pooled = Matrix(rows: grid.count, columns: projection.rows, values: projected)
        }
        let density = textProbability.averagePooled(over: grid)
        // Checked on the pooled values: a NaN anywhere in a map reaches its cell's mean.
        guard pooled.values.allSatisfy(\.isFinite) else { throw .nonFinite("detector features") }
        guard density.values.allSatisfy(\.isFinite) else { throw .nonFinite("text probability") }
        let width = layout.pageWidth, p = layout.pooledWidth
        var values = [Float](repeating: 0, count: grid.count * width)
        for cell in 0..<grid.count {
            let base = cell * width
            for j in 0..<p { values[base + j] = pooled.values[cell * p + j] }
            let centre = grid.rect(ofCell: cell).center
            let x = centre.x / grid.pageSize.width, y = centre.y / grid.pageSize.height
            values[base + p] = density.values[cell]
            values[base + p + 1] = Float(x)
            values[base + p + 2] = Float(y)
            values[base + p + 3] = Float(2 * min(x, 1 - x, y, 1 - y))
        }
        return PageCellFeatures(grid: grid, layout: layout, values: Matrix(rows: grid.count, columns: width, values: values))
    }
}

/// The page part of every cell's feature vector, computed once per page.
public struct PageCellFeatures: Sendable {
    public let grid: CellGrid
    public let layout: CellFeatureLayout
    /// [grid.count, layout.pageWidth]
    public let values: Matrix

    /// The full feature vectors for one query: `lines` are the read lines with their question
    /// similarity, `candidates` the typed answer candidates with their scores (page coordinates).
    public func forQuery(lines: [ScoredBox], candidates: [ScoredBox]) -> CellFeatures {
        let n = grid.count
        var touching = [Float](repeating: 0, count: n), left = touching, above = touching, typed = touching
        for line in lines {
            raise(&touching, over: line.box, to: line.score)
            let rightward = Rect(minX: line.box.minX, minY: line.box.minY, maxX: grid.pageSize.width, maxY: line.box.maxY)
            raise(&left, over: rightward, to: line.score)
            let below = Rect(x: line.box.minX, y: line.box.maxY, width: line.box.width, height: 1.5 * line.box.height)
            raise(&above, over: below, to: line.score)
        }
        for candidate in candidates { raise(&typed, over: candidate.box, to: candidate.score) }
        let pageBest = max(0, lines.map(\.score).max() ?? 0)

        let pageWidth = layout.pageWidth, width = layout.width
        var values = [Float](repeating: 0, count: n * width)
        for cell in 0..<n {
            let base = cell * width
            for j in 0..<pageWidth { values[base + j] = self.values.values[cell * pageWidth + j] }
            values[base + pageWidth] = touching[cell]
            values[base + pageWidth + 1] = touching[cell] - pageBest
            values[base + pageWidth + 2] = left[cell]
            values[base + pageWidth + 3] = above[cell]
            values[base + pageWidth + 4] = typed[cell]
        }
        return CellFeatures(grid: grid, layout: layout, values: Matrix(rows: n, columns: width, values: values))
    }

    /// Per-cell maximum of `score` over the cells `box` overlaps (scores below 0 leave cells at 0;
    /// a non-finite score, which no similarity or candidate score can be, is skipped).
    private func raise(_ map: inout [Float], over box: Rect, to score: Float) {
        guard score.isFinite, let span = grid.cells(overlapping: box) else { return }
        for row in span.rows {
            for column in span.columns {
                let cell = grid.index(column: column, row: row)
                map[cell] = max(map[cell], score)
            }
        }
    }
}

/// The feature vectors of all cells of a page for one query: [grid.count, layout.width].
public struct CellFeatures: Sendable {
    public let grid: CellGrid
    public let layout: CellFeatureLayout
    public let values: Matrix
}
