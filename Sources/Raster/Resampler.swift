import QZoomCore

/// Crops and resamples a bitmap of a whole page to a render plan, one axis at a time.
/// Shrinking averages the area each output pixel covers (so thin strokes turn gray instead of
/// vanishing or aliasing, as they would with point sampling); enlarging interpolates bilinearly
/// between pixel centres. A region on whole pixels at the bitmap's own scale is copied as it is.
enum Resampler {
    /// Page point (x, y) is bitmap pixel (x · pixelsPerUnitX, y · pixelsPerUnitY).
    static func render(_ bitmap: RasterBitmap, pixelsPerUnitX: Double, pixelsPerUnitY: Double, plan: RenderPlan) -> PageImage {
        let columns = AxisFilter(sourceStart: plan.region.x * pixelsPerUnitX, sourceSpan: plan.region.width * pixelsPerUnitX,
                                 outputCount: plan.width, sourceCount: bitmap.width)
        let rows = AxisFilter(sourceStart: plan.region.y * pixelsPerUnitY, sourceSpan: plan.region.height * pixelsPerUnitY,
                              outputCount: plan.height, sourceCount: bitmap.height)
        let pixels: [UInt8]
        if let x = columns.exactCopyStart, let y = rows.exactCopyStart {
            pixels = copy(bitmap, x: x, y: y, width: plan.width, height: plan.height)
        } else {
            pixels = filter(bitmap, columns: columns, rows: rows)
        }
        return PageImage(width: plan.width, height: plan.height, channels: bitmap.channels, pixels: pixels, region: plan.region)
    }

    private static func copy(_ bitmap: RasterBitmap, x: Int, y: Int, width: Int, height: Int) -> [UInt8] {
        let channels = bitmap.channels
        var out: [UInt8] = []
        out.reserveCapacity(width * height * channels)
        for row in y..<(y + height) {
            let start = (row * bitmap.width + x) * channels
            out += bitmap.pixels[start..<(start + width * channels)]
        }
        return out
    }

    private static func filter(_ bitmap: RasterBitmap, columns: AxisFilter, rows: AxisFilter) -> [UInt8] {
        let channels = bitmap.channels
        let outWidth = columns.outputCount, outHeight = rows.outputCount
        let firstRow = rows.firstSource, rowCount = rows.lastSource - rows.firstSource + 1
        let rowLength = outWidth * channels

        // Pass 1: every source row the output needs, filtered horizontally.
        var horizontal = [Float](repeating: 0, count: rowCount * rowLength)
        bitmap.pixels.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { target in
                columns.withBuffers { starts, counts, weights in
                    for r in 0..<rowCount {
                        let sourceRow = (firstRow + r) * bitmap.width * channels
                        let targetRow = r * rowLength
                        for x in 0..<outWidth {
                            let taps = x * columns.taps
                            let first = sourceRow + starts[x] * channels
                            if channels == 1 {
                                var sum: Float = 0
                                for k in 0..<counts[x] { sum += weights[taps + k] * Float(source[first + k]) }
                                target[targetRow + x] = sum
                            } else {
                                var red: Float = 0, green: Float = 0, blue: Float = 0
                                for k in 0..<counts[x] {
                                    let p = first + 3 * k, w = weights[taps + k]
                                    red += w * Float(source[p]); green += w * Float(source[p + 1]); blue += w * Float(source[p + 2])
                                }
                                let t = targetRow + 3 * x
                                target[t] = red; target[t + 1] = green; target[t + 2] = blue
                            }
                        }
                    }
                }
            }
        }

        // Pass 2: vertically, into 8-bit pixels.
        var out = [UInt8](repeating: 0, count: outHeight * rowLength)
        var sums = [Float](repeating: 0, count: rowLength)
        horizontal.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                sums.withUnsafeMutableBufferPointer { sums in
                    rows.withBuffers { starts, counts, weights in
                        for y in 0..<outHeight {
                            sums.update(repeating: 0)
                            for k in 0..<counts[y] {
                                let weight = weights[y * rows.taps + k]
                                let row = (starts[y] - firstRow + k) * rowLength
                                for i in 0..<rowLength { sums[i] += weight * source[row + i] }
                            }
                            let targetRow = y * rowLength
                            for i in 0..<rowLength { target[targetRow + i] = UInt8(min(255, max(0, sums[i] + 0.5))) }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// The source pixels and weights that make each output pixel along one axis.
struct AxisFilter {
    let outputCount: Int
    /// Most source pixels any output pixel reads.
    let taps: Int
    /// First source pixel of each output pixel, and how many follow it.
    private var starts: [Int]
    private var counts: [Int]
    /// `taps` weights per output pixel (the unused ones are zero); each output's weights sum to 1.
    private var weights: [Float]
    private(set) var firstSource = Int.max
    private(set) var lastSource = 0
    /// The first source pixel when output pixel i is exactly source pixel start + i.
    let exactCopyStart: Int?

    /// Output pixel i covers the source interval [sourceStart + i·step, sourceStart + (i+1)·step)
    /// with step = sourceSpan / outputCount, in units of source pixels.
    init(sourceStart: Double, sourceSpan: Double, outputCount: Int, sourceCount: Int) {
        self.outputCount = outputCount
        let step = sourceSpan / Double(outputCount)
        let start = Int(sourceStart.rounded())
        exactCopyStart = abs(step - 1) < 1e-9 && abs(sourceStart - Double(start)) < 1e-6
            && start >= 0 && start + outputCount <= sourceCount ? start : nil
        let shrinking = step > 1
        taps = shrinking ? Int(step.rounded(.up)) + 1 : 2
        starts = [Int](repeating: 0, count: outputCount)
        counts = [Int](repeating: 0, count: outputCount)
        weights = [Float](repeating: 0, count: outputCount * taps)
        var contributions: [(index: Int, weight: Double)] = []
        for i in 0..<outputCount {
            let a = sourceStart + Double(i) * step, b = a + step
            contributions.removeAll(keepingCapacity: true)
            if shrinking {
                var j = Int(a.rounded(.down))
                while Double(j) < b {
                    let overlap = min(b, Double(j + 1)) - max(a, Double(j))
                    if overlap > 0 { contributions.append((Self.clamp(j, sourceCount), overlap)) }
                    j += 1
                }
            } else {
                let centre = a + step / 2 - 0.5
                let left = Int(centre.rounded(.down)), t = centre - Double(left)
                contributions.append((Self.clamp(left, sourceCount), 1 - t))
                contributions.append((Self.clamp(left + 1, sourceCount), t))
            }
            set(output: i, contributions)
        }
    }

    func withBuffers<T>(_ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Float>) -> T) -> T {
        starts.withUnsafeBufferPointer { s in counts.withUnsafeBufferPointer { c in weights.withUnsafeBufferPointer { body(s, c, $0) } } }
    }

    /// Stores one output pixel's contributions as a contiguous run of source pixels, merging repeats
    /// that clamping at the image edge produces.
    private mutating func set(output i: Int, _ contributions: [(index: Int, weight: Double)]) {
        let first = contributions.map(\.index).min() ?? 0
        let last = contributions.map(\.index).max() ?? 0
        let total = contributions.reduce(0) { $0 + $1.weight }
        starts[i] = first
        counts[i] = min(taps, last - first + 1)
        for (index, weight) in contributions where index - first < taps {
            weights[i * taps + index - first] += Float(total > 0 ? weight / total : 0)
        }
        firstSource = min(firstSource, first)
        lastSource = max(lastSource, first + counts[i] - 1)
    }

    private static func clamp(_ index: Int, _ count: Int) -> Int { min(max(index, 0), count - 1) }
}
