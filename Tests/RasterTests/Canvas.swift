import QZoomCore
import Testing

/// A white page image to paint known shapes on, and measurements of rendered images.
struct Canvas {
    let width: Int
    let height: Int
    let channels: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, channels: Int, fill: UInt8 = 255) {
        self.width = width
        self.height = height
        self.channels = channels
        pixels = [UInt8](repeating: fill, count: width * height * channels)
    }

    /// Paints the pixels x..<x+w, y..<y+h; `color` has one value per channel.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ color: [UInt8]) {
        for row in y..<(y + h) {
            for column in x..<(x + w) {
                for channel in 0..<channels { pixels[(row * width + column) * channels + channel] = color[channel] }
            }
        }
    }

    var image: PageImage {
        PageImage(width: width, height: height, channels: channels, pixels: pixels,
                  region: Rect(x: 0, y: 0, width: Double(width), height: Double(height)))
    }
}

extension PageImage {
    /// The bounding box, in page coordinates, of the pixels darker than `threshold`; nil if none.
    func darkBounds(threshold: UInt8 = 128) -> Rect? {
        var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
        for y in 0..<height {
            for x in 0..<width where gray(x: x, y: y) < threshold {
                minX = min(minX, x); maxX = max(maxX, x)
                minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else { return nil }
        return pixelToPage(Rect(minX: Double(minX), minY: Double(minY), maxX: Double(maxX + 1), maxY: Double(maxY + 1)))
    }

    /// The pixel at page point `p`, one value per channel.
    func pixel(atPage p: Point) -> [UInt8] {
        let q = pageToPixel(p)
        let x = min(width - 1, max(0, Int(q.x))), y = min(height - 1, max(0, Int(q.y)))
        let i = (y * width + x) * channels
        return Array(pixels[i..<(i + channels)])
    }

    /// The mean absolute difference of the samples of two images of the same shape.
    func meanDifference(to other: PageImage) -> Double {
        precondition(width == other.width && height == other.height && channels == other.channels)
        var total = 0
        for i in 0..<pixels.count { total += abs(Int(pixels[i]) - Int(other.pixels[i])) }
        return Double(total) / Double(pixels.count)
    }
}

/// Whether two rectangles agree to within `tolerance` on every edge.
func isClose(_ a: Rect?, _ b: Rect, tolerance: Double) -> Bool {
    guard let a else { return false }
    return abs(a.minX - b.minX) <= tolerance && abs(a.minY - b.minY) <= tolerance
        && abs(a.maxX - b.maxX) <= tolerance && abs(a.maxY - b.maxY) <= tolerance
}

extension Rect {
    func offsetBy(dx: Double = 0, dy: Double = 0) -> Rect { Rect(x: x + dx, y: y + dy, width: width, height: height) }
}

extension PageImage {
    /// The part of this image that shows `region` (page coordinates), at this image's scale.
    func crop(_ region: Rect) -> PageImage {
        let box = pageToPixel(region)
        let x0 = Int(box.minX.rounded()), y0 = Int(box.minY.rounded())
        let w = Int(box.width.rounded()), h = Int(box.height.rounded())
        var out = [UInt8]()
        out.reserveCapacity(w * h * channels)
        for y in y0..<(y0 + h) {
            let start = (y * width + x0) * channels
            out += pixels[start..<(start + w * channels)]
        }
        return PageImage(width: w, height: h, channels: channels, pixels: out, region: pixelToPage(Rect(x: Double(x0), y: Double(y0), width: Double(w), height: Double(h))))
    }
}

/// Failure messages show an image's shape, not its pixels.
extension PageImage: CustomTestStringConvertible {
    public var testDescription: String { "\(width)×\(height)×\(channels) image of \(region)" }
}
