import Foundation
import QZoomCore

/// A grid over the coarse page. Its cells play the part of Q-Zoom's visual tokens: the RoI head scores
/// each cell, and the RoI is built from cells. Cells are square, `cellSize` coarse pixels on a side; the
/// last column and row may be cut by the page edge.
public struct CellGrid: Equatable, Sendable {
    /// The page in page units (PDF points, or original pixels for raster files).
    public let pageSize: Size
    /// Coarse pixels per page unit.
    public let coarseScale: Double
    public let cellSize: Int
    public let columns: Int
    public let rows: Int

    public init(pageSize: Size, coarseScale: Double, cellSize: Int = 32) throws(HeadError) {
        guard pageSize.width > 0, pageSize.height > 0, pageSize.width.isFinite, pageSize.height.isFinite else {
            throw .invalidGrid("page size \(pageSize.width)×\(pageSize.height)")
        }
        guard coarseScale > 0, coarseScale.isFinite else { throw .invalidGrid("coarse scale \(coarseScale)") }
        guard cellSize > 0 else { throw .invalidGrid("cell size \(cellSize)") }
        let columnCount = (pageSize.width * coarseScale / Double(cellSize)).rounded(.up)
        let rowCount = (pageSize.height * coarseScale / Double(cellSize)).rounded(.up)
        guard columnCount * rowCount <= 1_000_000 else { throw .invalidGrid("\(columnCount)×\(rowCount) cells is too many") }
        let columns = Int(columnCount), rows = Int(rowCount)
        self.pageSize = pageSize; self.coarseScale = coarseScale; self.cellSize = cellSize
        self.columns = columns; self.rows = rows
    }

    public var count: Int { columns * rows }
    public var pageBounds: Rect { Rect(size: pageSize) }
    /// A cell's side in page units.
    public var cellSide: Double { Double(cellSize) / coarseScale }

    /// Cells are numbered row by row from the top-left.
    public func index(column: Int, row: Int) -> Int { row * columns + column }

    /// The page rectangle covered by a block of cells, clipped to the page.
    public func rect(columns: ClosedRange<Int>, rows: ClosedRange<Int>) -> Rect {
        Rect(minX: Double(columns.lowerBound) * cellSide, minY: Double(rows.lowerBound) * cellSide,
             maxX: min(pageSize.width, Double(columns.upperBound + 1) * cellSide),
             maxY: min(pageSize.height, Double(rows.upperBound + 1) * cellSide))
    }

    public func rect(ofCell index: Int) -> Rect {
        let column = index % columns, row = index / columns
        return rect(columns: column...column, rows: row...row)
    }

    /// The columns and rows of the cells that `rect` (page units) overlaps with positive area;
    /// nil when it misses the page.
    public func cells(overlapping rect: Rect) -> (columns: ClosedRange<Int>, rows: ClosedRange<Int>)? {
        guard let inside = rect.intersection(pageBounds) else { return nil }
        func span(_ low: Double, _ high: Double, _ count: Int) -> ClosedRange<Int> {
            let first = min(count - 1, max(0, Int((low / cellSide).rounded(.down))))
            let last = min(count - 1, max(first, Int((high / cellSide).rounded(.up)) - 1))
            return first...last
        }
        return (span(inside.minX, inside.maxX, columns), span(inside.minY, inside.maxY, rows))
    }
}

/// A [channels, height, width] float map over the coarse image (channel-major, rows top-down), one
/// value per `stride` coarse pixels: the detector's neck features (`TextDetection.features[.neckQuarter]`,
/// 96 channels at stride 4) or its text-probability map (1 channel at stride 1). A map may extend past
/// the image (the detector pads to multiples of 32): pixels are placed by their coarse position.
/// Plain arrays, so the heads do not depend on Perception's types.
public struct CoarseMap: Sendable {
    public let channels: Int
    public let height: Int
    public let width: Int
    public let stride: Double
    public let values: [Float]

    public init(channels: Int, height: Int, width: Int, stride: Double, values: [Float]) throws(HeadError) {
        guard channels > 0, height > 0, width > 0, stride > 0, stride.isFinite else {
            throw .invalidGrid("feature map \(channels)×\(height)×\(width) at stride \(stride)")
        }
        guard values.count == channels * height * width else {
            throw .inputShape(what: "feature map values", expected: channels * height * width, found: values.count)
        }
        self.channels = channels; self.height = height; self.width = width; self.stride = stride; self.values = values
    }

    /// The mean of every channel over each cell: [grid.count, channels], row-major.
    /// A map pixel belongs to the cell that holds its centre; a cell that holds no centre (stride larger
    /// than the cell) takes the pixel under its own centre.
    public func averagePooled(over grid: CellGrid) -> Matrix {
        let columnSpans = (0..<grid.columns).map { pixelSpan(cell: $0, grid: grid, length: width) }
        let rowSpans = (0..<grid.rows).map { pixelSpan(cell: $0, grid: grid, length: height) }
        var pooled = [Float](repeating: 0, count: grid.count * channels)
        values.withUnsafeBufferPointer { map in
            for row in 0..<grid.rows {
                let ys = rowSpans[row]
                for column in 0..<grid.columns {
                    let xs = columnSpans[column]
                    let cell = grid.index(column: column, row: row)
                    let inverseCount = 1 / Float(xs.count * ys.count)
                    for channel in 0..<channels {
                        var sum: Float = 0
                        let plane = channel * height * width
                        for y in ys {
                            let line = plane + y * width
                            for x in xs { sum += map[line + x] }
                        }
                        pooled[cell * channels + channel] = sum * inverseCount
                    }
                }
            }
        }
        return Matrix(rows: grid.count, columns: channels, values: pooled)
    }

    private func pixelSpan(cell: Int, grid: CellGrid, length: Int) -> Range<Int> {
        let low = Double(cell * grid.cellSize) / stride, high = Double((cell + 1) * grid.cellSize) / stride
        let first = max(0, Int((low - 0.5).rounded(.up))), end = min(length, Int((high - 0.5).rounded(.up)))
        if first < end { return first..<end }
        let centre = min(length - 1, max(0, Int(((low + high) / 2).rounded(.down))))
        return centre..<(centre + 1)
    }
}
