import QZoomCore

/// The raster steps of DB post-processing: the binary text mask, its regions (what OpenCV's
/// `findContours(RETR_LIST)` returns, reduced to what `minAreaRect` needs), and the mean probability
/// inside a box (rapidocr's `box_score_fast`, which fills the box with `cv2.fillPoly`).
enum TextRegions {
    /// `probability > threshold`, then, when `dilate` is set, OpenCV's dilation with a 2×2 kernel
    /// (anchor at its centre, so a pixel also lights its right, lower and lower-right neighbours).
    static func binarize(_ probabilities: UnsafeBufferPointer<Float>, width: Int, height: Int,
                         threshold: Float, dilate: Bool) -> [UInt8] {
        let mask = probabilities.prefix(width * height).map { $0 > threshold ? UInt8(1) : 0 }
        guard dilate else { return mask }
        var grown = mask
        mask.withUnsafeBufferPointer { mask in
            grown.withUnsafeMutableBufferPointer { grown in
                for y in 0..<height {
                    let row = y * width, above = row - width
                    for x in 0..<width where mask[row + x] == 0 {
                        let left = x > 0 && mask[row + x - 1] != 0
                        let up = y > 0 && (mask[above + x] != 0 || x > 0 && mask[above + x - 1] != 0)
                        if left || up { grown[row + x] = 1 }
                    }
                }
            }
        }
        return grown
    }

    /// One border of the mask: the outer border of an 8-connected foreground region, or the border around
    /// a hole in one (a 4-connected background region that does not reach the image edge).
    struct Border {
        /// Border pixel positions; their convex hull is the hull of OpenCV's contour.
        var points: [Point]
        /// Where a raster scan meets the border first; OpenCV lists borders last-found first.
        var discovery: Int
    }

    /// Every border in OpenCV's order (the reverse of the raster scan that finds them).
    static func borders(of mask: [UInt8], width: Int, height: Int) -> [Border] {
        guard width > 0, height > 0, mask.count == width * height else { return [] }
        var scan = RegionScan(mask: mask, width: width, height: height)
        return scan.borders().sorted { $0.discovery > $1.discovery }
    }

    /// The flood fills behind `borders`, over a copy of the mask with one background pixel of padding
    /// on every side: no neighbour needs a bounds check, and the padding ring joins every background
    /// pixel that reaches the image edge into one region, the outside, filled from a single seed.
    /// (A struct with mutating methods rather than nested functions: captured variables would be checked
    /// for exclusive access at run time on every pixel.)
    private struct RegionScan {
        static let foreground: UInt8 = 1, visited: UInt8 = 2
        let width: Int, height: Int, stride: Int
        /// `foreground` and `visited` bits per padded pixel.
        var state: [UInt8]
        var stack: [Int32] = []

        init(mask: [UInt8], width: Int, height: Int) {
            (self.width, self.height, stride) = (width, height, width + 2)
            state = [UInt8](repeating: 0, count: (width + 2) * (height + 2))
            for y in 0..<height {
                for x in 0..<width where mask[y * width + x] != 0 { state[(y + 1) * stride + x + 1] = Self.foreground }
            }
            stack.reserveCapacity(1 << 16)
        }

        func point(_ i: Int) -> Point { Point(x: Double(i % stride - 1), y: Double(i / stride - 1)) }

        mutating func borders() -> [Border] {
            var borders: [Border] = []
            // Foreground: 8-connected regions, in raster order.
            for sy in 1...height {
                for sx in 1...width where state[sy * stride + sx] == Self.foreground {
                    borders.append(Border(points: fillForeground(sy * stride + sx), discovery: (sy - 1) * width + sx - 1))
                }
            }
            // Background: 4-connected. What reaches the padding is outside; the rest are holes.
            fillOutside()
            for sy in 1...height {
                for sx in 1...width where state[sy * stride + sx] == 0 {
                    // The scan finds a hole at the foreground pixel just left of its first pixel.
                    borders.append(Border(points: fillHole(sy * stride + sx), discovery: (sy - 1) * width + sx - 2))
                }
            }
            return borders
        }

        /// Marks the region of `seed`; returns its border pixels (those with a 4-neighbour outside it).
        mutating func fillForeground(_ seed: Int) -> [Point] {
            var points: [Point] = []
            let s = stride
            state[seed] |= Self.visited
            stack.append(Int32(seed))
            while let top = stack.popLast() {
                let i = Int(top)
                if state[i - 1] & Self.foreground == 0 || state[i + 1] & Self.foreground == 0
                    || state[i - s] & Self.foreground == 0 || state[i + s] & Self.foreground == 0 {
                    points.append(point(i))
                }
                for n in [i - s - 1, i - s, i - s + 1, i - 1, i + 1, i + s - 1, i + s, i + s + 1]
                where state[n] == Self.foreground {
                    state[n] |= Self.visited
                    stack.append(Int32(n))
                }
            }
            return points
        }

        /// Marks the background that reaches the padding (most of a page), a run of a row at a time:
        /// each run is extended to both sides, and the background runs just above and below it are seeded.
        mutating func fillOutside() {
            stack.append(0)
            while let top = stack.popLast() {
                let seed = Int(top)
                guard state[seed] == 0 else { continue }
                let rowStart = seed / stride * stride, rowEnd = rowStart + stride
                var left = seed, right = seed
                while left > rowStart && state[left - 1] == 0 { left -= 1 }
                while right + 1 < rowEnd && state[right + 1] == 0 { right += 1 }
                for i in left...right { state[i] = Self.visited }
                for row in [rowStart - stride, rowStart + stride] where row >= 0 && row < state.count {
                    let first = row + left - rowStart, last = row + right - rowStart
                    for i in first...last where state[i] == 0 && (i == first || state[i - 1] != 0) {
                        stack.append(Int32(i))
                    }
                }
            }
        }

        /// Marks the hole (background region off the padding) of `seed` and returns the foreground
        /// pixels 4-adjacent to it, as often as they are met (as OpenCV traces a hole's border).
        mutating func fillHole(_ seed: Int) -> [Point] {
            var points: [Point] = []
            state[seed] |= Self.visited
            stack.append(Int32(seed))
            while let top = stack.popLast() {
                let i = Int(top)
                // A hole never reaches the padding, so every neighbour is on the map.
                for n in [i - 1, i + 1, i - stride, i + stride] {
                    if state[n] & Self.foreground != 0 {
                        points.append(point(n))
                    } else if state[n] == 0 {
                        state[n] |= Self.visited
                        stack.append(Int32(n))
                    }
                }
            }
            return points
        }
    }

    /// Mean probability over the pixels that `cv2.fillPoly` sets for `box` (box_score_fast).
    static func meanScore(_ probabilities: UnsafeBufferPointer<Float>, width: Int, height: Int, box: [Point]) -> Double {
        let xs = box.map(\.x), ys = box.map(\.y)
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { return 0 }
        let x0 = clamp(Int(minX.rounded(.down)), 0, width - 1), x1 = clamp(Int(maxX.rounded(.up)), 0, width - 1)
        let y0 = clamp(Int(minY.rounded(.down)), 0, height - 1), y1 = clamp(Int(maxY.rounded(.up)), 0, height - 1)
        // fillPoly takes the corners relative to the crop, truncated to integers.
        let corners = box.map { (Int(($0.x - Double(x0)).rounded(.towardZero)), Int(($0.y - Double(y0)).rounded(.towardZero))) }
        let cropWidth = x1 - x0 + 1, cropHeight = y1 - y0 + 1
        let filled = PolygonFill.mask(corners, width: cropWidth, height: cropHeight)
        var sum = 0.0, count = 0
        for r in 0..<cropHeight {
            for c in 0..<cropWidth where filled[r * cropWidth + c] {
                sum += Double(probabilities[(y0 + r) * width + x0 + c])
                count += 1
            }
        }
        return count > 0 ? sum / Double(count) : 0
    }

    private static func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { min(max(v, lo), hi) }
}

/// The pixels OpenCV's `fillPoly` (8-connected lines, no sub-pixel shift) sets for an integer polygon:
/// the 8-connected outline of every edge, plus on each scanline the pixels whose centres lie between
/// the edges (crossings in 16.16 fixed point). Pixels outside `width`×`height` are dropped.
/// Checked pixel for pixel against OpenCV on the boxes DB post-processing scores.
enum PolygonFill {
    static func mask(_ polygon: [(Int, Int)], width: Int, height: Int) -> [Bool] {
        var mask = [Bool](repeating: false, count: width * height)
        func set(_ x: Int, _ y: Int) {
            if x >= 0, y >= 0, x < width, y < height { mask[y * width + x] = true }
        }
        struct Edge { var y0: Int, y1: Int, x: Int64, dx: Int64 }
        var edges: [Edge] = []
        for i in polygon.indices {
            let a = polygon[(i + polygon.count - 1) % polygon.count], b = polygon[i]
            line(from: a, to: b, set)
            guard a.1 != b.1 else { continue }
            let (top, bottom) = a.1 < b.1 ? (a, b) : (b, a)
            let dx = (Int64(b.0 - a.0) << 16) / Int64(b.1 - a.1)
            edges.append(Edge(y0: top.1, y1: bottom.1, x: Int64(top.0) << 16, dx: dx))
        }
        guard let yStart = edges.map(\.y0).min(), let yEnd = edges.map(\.y1).max() else { return mask }
        for y in max(yStart, 0)..<min(yEnd, height) {
            let crossings = edges.filter { $0.y0 <= y && y < $0.y1 }
                .map { $0.x + Int64(y - $0.y0) * $0.dx }.sorted()
            var k = 0
            while k + 1 < crossings.count {
                let from = Int((crossings[k] + 0xFFFF) >> 16), to = Int(crossings[k + 1] >> 16)
                if from <= to { for x in from...to { set(x, y) } }
                k += 2
            }
        }
        return mask
    }

    /// OpenCV's 8-connected line, always drawn left to right (its tie-breaking depends on that).
    private static func line(from a: (Int, Int), to b: (Int, Int), _ set: (Int, Int) -> Void) {
        let (p, q) = a.0 <= b.0 ? (a, b) : (b, a)
        var x = p.0, y = p.1
        let stepY = q.1 >= p.1 ? 1 : -1
        var major = q.0 - p.0, minor = abs(q.1 - p.1)
        let steep = minor > major
        if steep { swap(&major, &minor) }
        var error = major - 2 * minor
        for _ in 0...major {
            set(x, y)
            let minorStep = error < 0
            error += minorStep ? 2 * major - 2 * minor : -2 * minor
            if steep { y += stepY; if minorStep { x += 1 } } else { x += 1; if minorStep { y += stepY } }
        }
    }
}
