import QZoomCore
import Testing
@testable import QZoom

/// The cell grid and the cell feature vectors, on a hand-made 100×50 page seen at 2 px per unit:
/// a 200×100 coarse image, 32 px cells (16 page units), 7 columns and 4 rows.
struct CellGridTests {
    static let grid = try! CellGrid(pageSize: Size(width: 100, height: 50), coarseScale: 2, cellSize: 32)

    @Test func gridCoversThePageAndClipsTheLastCells() throws {
        let grid = Self.grid
        #expect(grid.columns == 7 && grid.rows == 4 && grid.cellSide == 16)
        #expect(grid.rect(ofCell: grid.index(column: 6, row: 3)) == Rect(minX: 96, minY: 48, maxX: 100, maxY: 50))
        let span = try #require(grid.cells(overlapping: Rect(x: 10, y: 10, width: 10, height: 10)))
        #expect(span.columns == 0...1 && span.rows == 0...1)
        let aligned = try #require(grid.cells(overlapping: Rect(x: 16, y: 0, width: 16, height: 16)))
        #expect(aligned.columns == 1...1 && aligned.rows == 0...0)
        #expect(grid.cells(overlapping: Rect(x: 120, y: 0, width: 5, height: 5)) == nil)
    }

    @Test func invalidGridsAreRefused() {
        #expect(throws: HeadError.self) { try CellGrid(pageSize: Size(width: 0, height: 50), coarseScale: 2) }
        #expect(throws: HeadError.self) { try CellGrid(pageSize: Size(width: 10, height: 50), coarseScale: .nan) }
        #expect(throws: HeadError.self) { try CellGrid(pageSize: Size(width: 10, height: 50), coarseScale: 1, cellSize: 0) }
        #expect(throws: HeadError.self) { try CellGrid(pageSize: Size(width: 1e300, height: 1e300), coarseScale: 1) }
        #expect(throws: HeadError.inputShape(what: "feature map values", expected: 6, found: 5)) {
            try CoarseMap(channels: 1, height: 2, width: 3, stride: 1, values: [1, 2, 3, 4, 5])
        }
    }

    /// Channel 0 holds the map column, channel 1 ten times the map row, at stride 16 (2×2 map pixels
    /// per cell); a cell's pool is the mean of the pixels whose centres it holds.
    @Test func detectorFeaturesAreAveragedPerCell() throws {
        let (width, height) = (13, 7)
        var values = [Float](repeating: 0, count: 2 * width * height)
        for y in 0..<height { for x in 0..<width { values[y * width + x] = Float(x); values[width * height + y * width + x] = Float(10 * y) } }
        let map = try CoarseMap(channels: 2, height: height, width: width, stride: 16, values: values)
        let pooled = map.averagePooled(over: Self.grid)
        #expect(pooled[0, 0] == 0.5 && pooled[0, 1] == 5)
        let last = Self.grid.index(column: 6, row: 3)
        #expect(pooled[last, 0] == 12 && pooled[last, 1] == 60)   // only pixel (12, 6) has its centre inside
        // A map coarser than the cells: each cell takes the pixel under its centre.
        let coarse = try CoarseMap(channels: 1, height: 2, width: 4, stride: 64, values: [0, 1, 2, 3, 4, 5, 6, 7])
        let pooledCoarse = coarse.averagePooled(over: Self.grid)
        #expect((0..<7).map { pooledCoarse[$0, 0] } == [0, 0, 1, 1, 2, 2, 3])
    }

    static func pageFeatures(projected: Int? = nil) throws -> PageCellFeatures {
        let extractor = CellFeatureExtractor(layout: CellFeatureLayout(detectorChannels: 2, projectedChannels: projected), seed: 1)
        let detector = try CoarseMap(channels: 2, height: 7, width: 13, stride: 16,
                                      values: (0..<(2 * 7 * 13)).map { Float($0 % 13) })
        var probability = [Float](repeating: 0, count: 200 * 100)
        for y in 0..<32 { for x in 0..<32 { probability[y * 200 + x] = 1 } }
        let text = try CoarseMap(channels: 1, height: 100, width: 200, stride: 1, values: probability)
        return try extractor.pageFeatures(grid: Self.grid, detectorFeatures: detector, textProbability: text)
    }

    @Test func vectorLayoutHoldsDensityPositionAndQueryEvidence() throws {
        let page = try Self.pageFeatures()
        let lines = [ScoredBox(box: Rect(x: 20, y: 18, width: 20, height: 10), score: 0.8),
                     ScoredBox(box: Rect(x: 0, y: 40, width: 10, height: 8), score: -0.2)]
        let candidates = [ScoredBox(box: Rect(x: 50, y: 20, width: 8, height: 6), score: 0.6)]
        let cells = page.forQuery(lines: lines, candidates: candidates)
        let p = 2
        #expect(cells.layout.width == p + 9 && cells.values.columns == p + 9)
        func value(_ column: Int, _ row: Int, _ feature: Int) -> Float { cells.values[Self.grid.index(column: column, row: row), feature] }
        #expect(value(0, 0, p) == 1 && value(1, 0, p) == 0)                        // text density
        #expect(abs(value(0, 0, p + 1) - 0.08) < 1e-6 && abs(value(0, 0, p + 2) - 0.16) < 1e-6)
        #expect(abs(value(0, 0, p + 3) - 0.16) < 1e-6 && abs(value(6, 3, p + 3) - 0.04) < 1e-5)
        #expect(value(1, 1, p + 4) == 0.8 && value(2, 1, p + 4) == 0.8 && value(3, 1, p + 4) == 0)   // touching
        #expect(value(0, 2, p + 4) == 0)                                            // negative similarity stays 0
        #expect(value(1, 1, p + 5) == 0 && value(4, 3, p + 5) == -0.8)            // gap to the page's best
        #expect(value(6, 1, p + 6) == 0.8 && value(0, 1, p + 6) == 0 && value(6, 2, p + 6) == 0)  // row to the right
        #expect(value(2, 2, p + 7) == 0.8 && value(3, 2, p + 7) == 0 && value(1, 3, p + 7) == 0)  // just below the line
        #expect(value(3, 1, p + 8) == 0.6 && value(4, 1, p + 8) == 0)              // typed candidate
    }

    @Test func projectionIsSeededAndApplied() throws {
        let a = try Self.pageFeatures(projected: 3), b = try Self.pageFeatures(projected: 3)
        #expect(a.values == b.values && a.layout.pooledWidth == 3 && a.values.columns == 3 + 4)
        let extractor = CellFeatureExtractor(layout: CellFeatureLayout(detectorChannels: 2, projectedChannels: 3), seed: 1)
        let projection = try #require(extractor.projection)
        // Cell 0 pools columns 0 and 1 of both channels: 0.5 each.
        let expected = projection.values[0] * 0.5 + projection.values[1] * 0.5
        #expect(abs(a.values[0, 0] - expected) < 1e-6)
    }

    @Test func mismatchedInputsAreRefused() throws {
        let extractor = CellFeatureExtractor(layout: CellFeatureLayout(detectorChannels: 4), seed: 1)
        let map = try CoarseMap(channels: 2, height: 1, width: 1, stride: 1, values: [0, 0])
        let text = try CoarseMap(channels: 1, height: 1, width: 1, stride: 1, values: [0])
        #expect(throws: HeadError.inputShape(what: "detector channels", expected: 4, found: 2)) {
            try extractor.pageFeatures(grid: Self.grid, detectorFeatures: map, textProbability: text)
        }
        let two = CellFeatureExtractor(layout: CellFeatureLayout(detectorChannels: 2, projectedChannels: nil), seed: 1)
        let broken = try CoarseMap(channels: 2, height: 1, width: 1, stride: 1, values: [0, .nan])
        #expect(throws: HeadError.nonFinite("detector features")) {
            try two.pageFeatures(grid: Self.grid, detectorFeatures: broken, textProbability: text)
        }
    }
}
