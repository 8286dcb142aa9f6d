import Foundation
import QZoomCore

/// Outward offset of a closed polygon with round joins, computed as Clipper 6.4 (`pyclipper`'s
/// `PyclipperOffset` with `JT_ROUND`, `ET_CLOSEDPOLYGON`) computes it, because DB post-processing
/// grows ("unclips") each text kernel this way and the grown box must match rapidocr's.
///
/// Clipper works on integers: the input is truncated towards zero (as pyclipper converts Python floats)
/// and every output vertex is rounded half away from zero. Arcs are approximated with Clipper's default
/// arc tolerance of 0.25. Only the vertices are returned; the union Clipper runs afterwards to tidy the
/// result does not change its convex hull, which is all the callers use.
enum PolygonOffset {
    static let arcTolerance = 0.25

    static func roundOffset(_ polygon: [Point], by delta: Double) -> [Point] {
        var path: [Point] = []
        for p in polygon {
            let q = Point(x: p.x.rounded(.towardZero), y: p.y.rounded(.towardZero))
            if path.last != q { path.append(q) }
        }
        while path.count > 1 && path.first == path.last { path.removeLast() }
        guard path.count >= 3 else { return [] }      // Clipper drops degenerate polygons
        guard delta > 0 else { return path }
        // Clipper orients closed polygons to positive area so that a positive delta grows them.
        if signedArea(path) < 0 { path.reverse() }

        let stepCount = min(Double.pi / acos(1 - min(arcTolerance, delta * arcTolerance) / delta), delta * Double.pi)
        let stepSin = sin(2 * Double.pi / stepCount), stepCos = cos(2 * Double.pi / stepCount)
        let stepsPerRadian = stepCount / (2 * Double.pi)

        let normals = path.indices.map { unitNormal(path[$0], path[($0 + 1) % path.count]) }
        var out: [Point] = []
        func emit(_ p: Point, _ n: Point) {
            out.append(Point(x: clipperRound(p.x + n.x * delta), y: clipperRound(p.y + n.y * delta)))
        }
        var k = path.count - 1
        for j in path.indices {
            let p = path[j], nk = normals[k], nj = normals[j]
            var sinA = nk.x * nj.y - nj.x * nk.y
            let cosA = nk.x * nj.x + nk.y * nj.y
            if abs(sinA * delta) < 1 && cosA > 0 {
                emit(p, nk)                             // almost straight on: one vertex does
                k = j
                continue
            }
            sinA = max(-1, min(1, sinA))
            if sinA * delta < 0 {                       // concave corner
                emit(p, nk); out.append(p); emit(p, nj)
            } else {                                    // convex corner: an arc from nk to nj
                let steps = max(Int(clipperRound(stepsPerRadian * abs(atan2(sinA, cosA)))), 1)
                var x = nk.x, y = nk.y
                for _ in 0..<steps {
                    emit(p, Point(x: x, y: y))
                    (x, y) = (x * stepCos - stepSin * y, x * stepSin + y * stepCos)
                }
                emit(p, nj)
            }
            k = j
        }
        return out
    }

    /// Shoelace area; positive for counter-clockwise polygons in y-up terms (Clipper's `Area`).
    static func signedArea(_ polygon: [Point]) -> Double {
        var twice = 0.0
        for i in polygon.indices {
            let a = polygon[i], b = polygon[(i + 1) % polygon.count]
            twice += a.x * b.y - b.x * a.y
        }
        return twice / 2
    }

    static func perimeter(_ polygon: [Point]) -> Double {
        polygon.indices.reduce(0) { sum, i in
            let a = polygon[i], b = polygon[(i + 1) % polygon.count]
            return sum + ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
        }
    }

    private static func unitNormal(_ a: Point, _ b: Point) -> Point {
        let dx = b.x - a.x, dy = b.y - a.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return Point(x: 0, y: 0) }
        return Point(x: dy / length, y: -dx / length)
    }

    /// Clipper's `Round`: half away from zero.
    private static func clipperRound(_ v: Double) -> Double { v.rounded(.toNearestOrAwayFromZero) }
}
