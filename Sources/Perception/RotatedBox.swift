import QZoomCore

/// Rotated rectangles around point sets, and the corner orders that DB post-processing uses.
/// These follow OpenCV's `minAreaRect` (convex hull, then the hull edge whose aligned rectangle has
/// the least area) and rapidocr's `get_mini_boxes` / `order_points_clockwise`.
enum RotatedBox {
    /// The smallest-area rectangle that holds `points`, as four corners (in no particular order) and the
    /// length of its shorter side. Fewer than two distinct points give a degenerate rectangle of side 0.
    static func minimumAreaRectangle(_ points: [Point]) -> (corners: [Point], shortSide: Double) {
        let hull = convexHull(points)
        guard hull.count >= 2 else {
            let p = hull.first ?? Point(x: 0, y: 0)
            return ([p, p, p, p], 0)
        }
        var best: (area: Double, corners: [Point], shortSide: Double)?
        for i in hull.indices {
            let a = hull[i], b = hull[(i + 1) % hull.count]
            let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            guard length > 0 else { continue }
            // u runs along the edge, v across it; the rectangle is the hull's extent in both.
            let ux = (b.x - a.x) / length, uy = (b.y - a.y) / length
            var minU = Double.infinity, maxU = -Double.infinity, minV = Double.infinity, maxV = -Double.infinity
            for p in hull {
                let u = p.x * ux + p.y * uy, v = -p.x * uy + p.y * ux
                minU = min(minU, u); maxU = max(maxU, u); minV = min(minV, v); maxV = max(maxV, v)
            }
            let area = (maxU - minU) * (maxV - minV)
            if area < (best?.area ?? .infinity) - 1e-9 {
                func corner(_ u: Double, _ v: Double) -> Point { Point(x: u * ux - v * uy, y: u * uy + v * ux) }
                best = (area, [corner(minU, minV), corner(maxU, minV), corner(maxU, maxV), corner(minU, maxV)],
                        min(maxU - minU, maxV - minV))
            }
        }
        guard let best else { return ([hull[0], hull[0], hull[0], hull[0]], 0) }
        return (best.corners, best.shortSide)
    }

    /// Convex hull by Andrew's monotone chain, counter-clockwise in y-up terms, without collinear points.
    static func convexHull(_ points: [Point]) -> [Point] {
        let sorted = Set(points).sorted { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }
        guard sorted.count > 2 else { return sorted }
        func cross(_ o: Point, _ a: Point, _ b: Point) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower: [Point] = [], upper: [Point] = []
        for p in sorted {
            while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 { lower.removeLast() }
            lower.append(p)
        }
        for p in sorted.reversed() {
            while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 { upper.removeLast() }
            upper.append(p)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }

    /// rapidocr's `get_mini_boxes`: the minimum-area rectangle with its corners as
    /// top-left, top-right, bottom-right, bottom-left (image coordinates, y down).
    static func miniBox(_ points: [Point]) -> (box: [Point], shortSide: Double) {
        let rectangle = minimumAreaRectangle(points)
        let p = stableSorted(rectangle.corners) { $0.x < $1.x }
        let (first, fourth) = p[1].y > p[0].y ? (0, 1) : (1, 0)
        let (second, third) = p[3].y > p[2].y ? (2, 3) : (3, 2)
        return ([p[first], p[second], p[third], p[fourth]], rectangle.shortSide)
    }

    /// rapidocr's `order_points_clockwise`: the two left-most points become top-left and bottom-left by
    /// their y, the two right-most top-right and bottom-right.
    static func orderedClockwise(_ points: [Point]) -> [Point] {
        let byX = stableSorted(points) { $0.x < $1.x }
        let left = stableSorted(Array(byX[0..<2])) { $0.y < $1.y }
        let right = stableSorted(Array(byX[2..<4])) { $0.y < $1.y }
        return [left[0], right[0], right[1], left[1]]
    }

    /// Python's `sorted` is stable; Swift's `sorted` does not promise it, and ties decide corner roles here.
    private static func stableSorted(_ points: [Point], by less: (Point, Point) -> Bool) -> [Point] {
        points.enumerated().sorted { a, b in
            less(a.element, b.element) || (!less(b.element, a.element) && a.offset < b.offset)
        }.map(\.element)
    }
}
