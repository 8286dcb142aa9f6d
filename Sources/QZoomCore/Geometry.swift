import Foundation

/// Geometry in page coordinates: PDF points for PDFs, original pixels for raster files.
/// Every stage after Raster reports boxes in these coordinates, whatever scale it worked at.

public struct Point: Hashable, Codable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

public struct Size: Hashable, Codable, Sendable {
    public var width: Double
    public var height: Double
    public init(width: Double, height: Double) { self.width = width; self.height = height }
    public var area: Double { width * height }
}

/// An axis-aligned rectangle; `y` grows downwards, as on a page image.
public struct Rect: Hashable, Codable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.init(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }

    public init(origin: Point = Point(x: 0, y: 0), size: Size) {
        self.init(x: origin.x, y: origin.y, width: size.width, height: size.height)
    }

    public var minX: Double { x }
    public var minY: Double { y }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var midX: Double { x + width / 2 }
    public var midY: Double { y + height / 2 }
    public var center: Point { Point(x: midX, y: midY) }
    public var size: Size { Size(width: width, height: height) }
    public var area: Double { max(0, width) * max(0, height) }
    public var isEmpty: Bool { !(width > 0 && height > 0) }
    public var isFinite: Bool { x.isFinite && y.isFinite && width.isFinite && height.isFinite }

    public func intersection(_ other: Rect) -> Rect? {
        let x0 = max(minX, other.minX), y0 = max(minY, other.minY)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        guard x1 > x0, y1 > y0 else { return nil }
        return Rect(minX: x0, minY: y0, maxX: x1, maxY: y1)
    }

    public func union(_ other: Rect) -> Rect {
        Rect(minX: min(minX, other.minX), minY: min(minY, other.minY),
             maxX: max(maxX, other.maxX), maxY: max(maxY, other.maxY))
    }

    /// Intersection over union; 0 when the rectangles do not overlap.
    public func iou(_ other: Rect) -> Double {
        guard let overlap = intersection(other) else { return 0 }
        let union = area + other.area - overlap.area
        return union > 0 ? overlap.area / union : 0
    }

    /// The share of this rectangle's area that lies inside `other`.
    public func coverage(by other: Rect) -> Double {
        guard area > 0, let overlap = intersection(other) else { return 0 }
        return overlap.area / area
    }

    public func contains(_ point: Point) -> Bool {
        point.x >= minX && point.x <= maxX && point.y >= minY && point.y <= maxY
    }

    /// Grown by `dx` on the left and right and `dy` on the top and bottom (negative values shrink).
    public func expanded(dx: Double, dy: Double) -> Rect {
        Rect(x: x - dx, y: y - dy, width: width + 2 * dx, height: height + 2 * dy)
    }

    public func clamped(to bounds: Rect) -> Rect? { intersection(bounds) }

    public func scaled(by factor: Double) -> Rect {
        Rect(x: x * factor, y: y * factor, width: width * factor, height: height * factor)
    }

    public var description: String {
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        return "\(f(x)),\(f(y)),\(f(width)),\(f(height))"
    }
}

/// A quadrilateral, for text lines that are not axis-aligned.
/// Points run clockwise from the top-left corner of the text.
public struct Quad: Hashable, Codable, Sendable {
    public var points: [Point]

    public init(_ points: [Point]) { self.points = points }

    public init(_ rect: Rect) {
        points = [Point(x: rect.minX, y: rect.minY), Point(x: rect.maxX, y: rect.minY),
                  Point(x: rect.maxX, y: rect.maxY), Point(x: rect.minX, y: rect.maxY)]
    }

    public var boundingRect: Rect {
        let xs = points.map(\.x), ys = points.map(\.y)
        return Rect(minX: xs.min() ?? 0, minY: ys.min() ?? 0, maxX: xs.max() ?? 0, maxY: ys.max() ?? 0)
    }
}
