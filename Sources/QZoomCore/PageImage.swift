/// A rendered region of a page: 8-bit grayscale or RGB pixels, row-major, tightly packed.
///
/// The image knows which part of the page it shows, so any pixel position can be mapped back to
/// page coordinates; that is how fine passes over small regions report boxes in the page's frame.
public struct PageImage: Sendable {
    public let width: Int
    public let height: Int
    /// 1 (grayscale) or 3 (RGB, interleaved).
    public let channels: Int
    public var pixels: [UInt8]
    /// The region of the page, in page coordinates, that the image covers edge to edge.
    public let region: Rect

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8], region: Rect) {
        precondition(channels == 1 || channels == 3, "PageImage holds gray or RGB pixels")
        precondition(pixels.count == width * height * channels, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
        self.region = region
    }

    /// Pixels per page unit horizontally and vertically (equal up to rounding of the size).
    public var scaleX: Double { Double(width) / region.width }
    public var scaleY: Double { Double(height) / region.height }

    public var megapixels: Double { Double(width * height) / 1_000_000 }

    public func pageToPixel(_ p: Point) -> Point {
        Point(x: (p.x - region.x) * scaleX, y: (p.y - region.y) * scaleY)
    }

    public func pixelToPage(_ p: Point) -> Point {
        Point(x: region.x + p.x / scaleX, y: region.y + p.y / scaleY)
    }

    public func pixelToPage(_ r: Rect) -> Rect {
        Rect(x: region.x + r.x / scaleX, y: region.y + r.y / scaleY,
             width: r.width / scaleX, height: r.height / scaleY)
    }

    public func pageToPixel(_ r: Rect) -> Rect {
        Rect(x: (r.x - region.x) * scaleX, y: (r.y - region.y) * scaleY,
             width: r.width * scaleX, height: r.height * scaleY)
    }

    /// Luminance of pixel (x, y), 0...255. Uses BT.601 weights for RGB.
    @inlinable public func gray(x: Int, y: Int) -> UInt8 {
        let i = (y * width + x) * channels
        if channels == 1 { return pixels[i] }
        let r = Int(pixels[i]), g = Int(pixels[i + 1]), b = Int(pixels[i + 2])
        return UInt8((299 * r + 587 * g + 114 * b + 500) / 1000)
    }

    /// A grayscale copy (or self, when already gray).
    public func grayscale() -> PageImage {
        if channels == 1 { return self }
        var out = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height { for x in 0..<width { out[y * width + x] = gray(x: x, y: y) } }
        return PageImage(width: width, height: height, channels: 1, pixels: out, region: region)
    }
}
