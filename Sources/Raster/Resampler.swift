import QZoomCore

/// Crops and resamples a decoded raster page to a render plan, one axis at a time.
/// Shrinking averages the area each output pixel covers (so thin strokes turn gray instead of
/// vanishing or aliasing, as they would with nearest-neighbour sampling); enlarging interpolates
/// bilinearly between pixel centres.
enum Resampler {
    /// Page x is the bitmap's column; page y is its row divided by `verticalPixelsPerUnit`.
    static func render(_ bitmap: RasterBitmap, verticalPixelsPerUnit: Double, plan: RenderPlan) -> PageImage {
        let columns = AxisFilter(sourceStart: plan.region.x, sourceSpan: plan.region.width,
                                 outputCount: plan.width, sourceCount: bitmap.width)
        let rows = AxisFilter(sourceStart: plan.region.y * verticalPixelsPerUnit,
                              sourceSpan: plan.region.height * verticalPixelsPerUnit,
                              outputCount: plan.height, sourceCount: bitmap.height)
        let channels = bitmap.channels
        let firstRow = rows.firstSource, rowCount = rows.lastSource - rows.firstSource + 1
        let outRowLength = plan.width * channels

        // Pass 1: every source row the output needs, filtered horizontally.
        var horizontal = [Float](repeating: 0, count: rowCount * outRowLength)
        bitmap.pixels.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { target in
                for r in 0..<rowCount {
                    let sourceRow = (firstRow + r) * bitmap.width * channels
                    let targetRow = r * outRowLength
                    for x in 0..<plan.width {
                        let start = columns.starts[x], taps = columns.counts[x], weightBase = x * columns.taps
                        for channel in 0..<channels {
                            var sum: Float = 0
                            for k in 0..<taps {
                                sum += columns.weights[weightBase + k] * Float(source[sourceRow + (start + k) * channels + channel])
                            }
                            target[targetRow + x * channels + channel] = sum
                        }
                    }
                }
            }
        }

        // Pass 2: vertically, into 8-bit pixels.
        var out = [UInt8](repeating: 0, count: plan.height * outRowLength)
        horizontal.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                var sums = [Float](repeating: 0, count: outRowLength)
                for y in 0..<plan.height {
                    for i in 0..<outRowLength { sums[i] = 0 }
                    let start = rows.starts[y] - firstRow, weightBase = y * rows.taps
                    for k in 0..<rows.counts[y] {
                        let weight = rows.weights[weightBase + k], sourceRow = (start + k) * outRowLength
                        for i in 0..<outRowLength { sums[i] += weight * source[sourceRow + i] }
                    }
                    let targetRow = y * outRowLength
                    for i in 0..<outRowLength { target[targetRow + i] = UInt8(min(255, max(0, sums[i].rounded()))) }
                }
            }
        }
        return PageImage(width: plan.width, height: plan.height, channels: channels, pixels: out, region: plan.region)
    }
}

/// The source pixels and weights that make each output pixel along one axis.
struct AxisFilter {
    /// Most source pixels any output pixel reads.
    let taps: Int
    /// First source pixel of each output pixel, and how many follow it.
    private(set) var starts: [Int]
    private(set) var counts: [Int]
    /// `taps` weights per output pixel (the unused ones are zero); each output's weights sum to 1.
    private(set) var weights: [Float]
    private(set) var firstSource = Int.max
    private(set) var lastSource = 0

    /// Output pixel i covers the source interval [sourceStart + i·step, sourceStart + (i+1)·step)
    /// with step = sourceSpan / outputCount, in units of source pixels.
    init(sourceStart: Double, sourceSpan: Double, outputCount: Int, sourceCount: Int) {
        let step = sourceSpan / Double(outputCount)
        let shrinking = step > 1
        taps = shrinking ? Int(step.rounded(.up)) + 1 : 2
        starts = [Int](repeating: 0, count: outputCount)
        counts = [Int](repeating: 0, count: outputCount)
        weights = [Float](repeating: 0, count: outputCount * taps)
        for i in 0..<outputCount {
            let a = sourceStart + Double(i) * step, b = a + step
            var contributions: [(index: Int, weight: Double)] = []
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
                contributions = [(Self.clamp(left, sourceCount), 1 - t), (Self.clamp(left + 1, sourceCount), t)]
            }
            set(output: i, contributions)
        }
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
