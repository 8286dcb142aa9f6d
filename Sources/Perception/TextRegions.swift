import QZoomCore

/// The raster steps of DB post-processing: the binary text mask, its regions (what OpenCV's
/// `findContours(RETR_LIST)` returns, reduced to what `minAreaRect` needs), and the mean probability
/// inside a box (rapidocr's `box_score_fast`, which fills the box with `cv2.fillPoly`).
enum TextRegions {
    /// `probability > threshold`, then, when `dilate` is set, OpenCV's dilation with a 2×2 kernel
    /// (anchor at its centre, so a pixel also lights its right, lower and lower-right neighbours).
    static func binarize(_ probabilities: UnsafeBufferPointer<Float>, width: Int, height: Int,
                         threshold: Float, dilate: Bool) -> [UInt8] {
        var mask = [UInt8](repeating: 0, count: width * height)
        for i in 0..<(width * height) where probabilities[i] > threshold { mask[i] = 1 }
        guard dilate else { return mask }
        var grown = mask
        for y in 0..<height {
            for x in 0..<width where mask[y * width + x] == 0 {
                let left = x > 0 && mask[y * width + x - 1] != 0
                let up = y > 0 && mask[(y - 1) * width + x] != 0
                let upLeft = x > 0 && y > 0 && mask[(y - 1) * width + x - 1] != 0
                if left || up || upLeft { grown[y * width + x] = 1 }
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
        var borders: [Border] = []
        var seen = [Bool](repeating: false, count: mask.count)
        // Flood fills share one stack of (x, y) pairs, doubled when full: a fill rarely holds more than a
        // few thousand pixels at once, so the stack stays small next to the map.
        var capacity = 1 << 16
        var stack = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        defer { stack.deallocate() }
        mask.withUnsafeBufferPointer { mask in
            seen.withUnsafeMutableBufferPointer { seen in
                do {
                    var top = 0
                    func push(_ x: Int, _ y: Int) {
                        seen[y * width + x] = true
                        if top + 2 > capacity {
                            let grown = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * capacity)
                            grown.update(from: stack, count: top)
                            stack.deallocate()
                            (stack, capacity) = (grown, 2 * capacity)
                        }
                        stack[top] = Int32(x); stack[top + 1] = Int32(y); top += 2
                    }
                    // Foreground: 8-connected regions; a border pixel has a 4-neighbour outside the region.
                    for sy in 0..<height {
                        for sx in 0..<width where mask[sy * width + sx] != 0 && !seen[sy * width + sx] {
                            var points: [Point] = []
                            push(sx, sy)
                            while top > 0 {
                                top -= 2
                                let x = Int(stack[top]), y = Int(stack[top + 1]), i = y * width + x
                                if x == 0 || y == 0 || x == width - 1 || y == height - 1
                                    || mask[i - 1] == 0 || mask[i + 1] == 0 || mask[i - width] == 0 || mask[i + width] == 0 {
                                    points.append(Point(x: Double(x), y: Double(y)))
                                }
                                for ny in max(y - 1, 0)...min(y + 1, height - 1) {
                                    for nx in max(x - 1, 0)...min(x + 1, width - 1) {
                                        let n = ny * width + nx
                                        if mask[n] != 0 && !seen[n] { push(nx, ny) }
                                    }
                                }
                            }
                            borders.append(Border(points: points, discovery: sy * width + sx))
                        }
                    }
                    // Background: 4-connected. What the image edge reaches is outside; the rest are holes,
                    // bordered by the foreground pixels 4-adjacent to them (as OpenCV traces them).
                    func fillBackground(_ sx: Int, _ sy: Int, collect: Bool) -> [Point] {
                        var points: [Point] = []
                        push(sx, sy)
                        while top > 0 {
                            top -= 2
                            let x = Int(stack[top]), y = Int(stack[top + 1])
                            func visit(_ nx: Int, _ ny: Int) {
                                if mask[ny * width + nx] != 0 {
                                    if collect { points.append(Point(x: Double(nx), y: Double(ny))) }
                                } else if !seen[ny * width + nx] {
                                    push(nx, ny)
                                }
                            }
                            if x > 0 { visit(x - 1, y) }
                            if x < width - 1 { visit(x + 1, y) }
                            if y > 0 { visit(x, y - 1) }
                            if y < height - 1 { visit(x, y + 1) }
                        }
                        return points
                    }
                    for x in 0..<width {
                        for y in [0, height - 1] where mask[y * width + x] == 0 && !seen[y * width + x] {
                            _ = fillBackground(x, y, collect: false)
                        }
                    }
                    for y in 0..<height {
                        for x in [0, width - 1] where mask[y * width + x] == 0 && !seen[y * width + x] {
                            _ = fillBackground(x, y, collect: false)
                        }
                    }
                    for sy in 0..<height {
                        for sx in 0..<width where mask[sy * width + sx] == 0 && !seen[sy * width + sx] {
                            let points = fillBackground(sx, sy, collect: true)
                            // The scan finds a hole at the foreground pixel just left of its first pixel.
                            borders.append(Border(points: points, discovery: sy * width + sx - 1))
                        }
                    }
                }
            }
        }
        return borders.sorted { $0.discovery > $1.discovery }
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
