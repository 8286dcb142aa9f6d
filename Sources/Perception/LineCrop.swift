import QZoomCore

/// Cuts detected text lines out of a page image as upright line images for the recognizer.
///
/// A line's quad (top-left, top-right, bottom-right, bottom-left) is warped by the perspective
/// transform that sends it to a `width`×`height` rectangle, as rapidocr's `get_rotate_crop_image`
/// does: the size is the longer of each pair of opposite sides, and a crop at least 1.5 times as tall
/// as wide is turned a quarter counter-clockwise, since it is most likely vertical text or a word
/// read from bottom to top. Sampling is bilinear with the edge pixels replicated; when the crop is
/// shrunk (to `maximumHeight`), each output pixel averages a grid of samples over its footprint so
/// that small print does not alias.
public enum LineCrop {
    /// A crop and the quad it was cut from, in the source image's pixels, with its corners named in
    /// reading order: `quad[0]` is where the crop's top-left came from.
    public struct Line: Sendable {
        public var image: PageImage
        public var quad: [Point]
    }

    /// `quad` is in `image`'s pixels. `maximumHeight` shrinks taller crops (aspect kept); nil keeps the
    /// source resolution, as rapidocr does.
    public static func crop(_ image: PageImage, quad: [Point], maximumHeight: Int? = nil) -> Line {
        precondition(quad.count == 4, "a line quad has four corners")
        var quad = quad
        var width = Int(max(distance(quad[0], quad[1]), distance(quad[2], quad[3])))
        var height = Int(max(distance(quad[0], quad[3]), distance(quad[1], quad[2])))
        if width > 0, Double(height) / Double(width) >= 1.5 {
            quad = [quad[1], quad[2], quad[3], quad[0]]
            swap(&width, &height)
        }
        var outWidth = max(width, 1), outHeight = max(height, 1)
        if let maximumHeight, outHeight > maximumHeight, maximumHeight > 0 {
            outWidth = max(1, Int((Double(outWidth) * Double(maximumHeight) / Double(outHeight)).rounded()))
            outHeight = maximumHeight
        }
        let map = Homography(unitSquareTo: quad)
        let pixels = warp(image, map: map, sourceWidth: Double(max(width, 1)), sourceHeight: Double(max(height, 1)),
                          outWidth: outWidth, outHeight: outHeight)
        let page = quad.map(image.pixelToPage)
        let crop = PageImage(width: outWidth, height: outHeight, channels: image.channels, pixels: pixels,
                             region: Quad(page).boundingRect)
        return Line(image: crop, quad: quad)
    }

    /// The crop turned half a turn (for a line the orientation classifier finds upside down), with its
    /// quad renamed to match.
    public static func rotatedHalfTurn(_ line: Line) -> Line {
        let image = line.image, c = image.channels
        var pixels = [UInt8](repeating: 0, count: image.pixels.count)
        let count = image.width * image.height
        for i in 0..<count {
            for k in 0..<c { pixels[(count - 1 - i) * c + k] = image.pixels[i * c + k] }
        }
        let turned = PageImage(width: image.width, height: image.height, channels: c, pixels: pixels, region: image.region)
        return Line(image: turned, quad: [line.quad[2], line.quad[3], line.quad[0], line.quad[1]])
    }

    /// Output pixel (u, v) has its centre at crop coordinates ((u + ½)·sx − ½, (v + ½)·sy − ½) in the
    /// `sourceWidth`×`sourceHeight` crop frame (integer coordinates are pixel centres, as in OpenCV),
    /// which the homography sends, divided by the frame size, into the image. The sample positions of
    /// each column and row are computed once; the channels of a pixel accumulate side by side in one
    /// vector, each lane with the arithmetic a scalar would do.
    static func warp(_ image: PageImage, map: Homography, sourceWidth: Double, sourceHeight: Double,
                             outWidth: Int, outHeight: Int) -> [UInt8] {
        let c = image.channels
        let sx = sourceWidth / Double(outWidth), sy = sourceHeight / Double(outHeight)
        let samplesX = max(1, Int(sx.rounded(.up))), samplesY = max(1, Int(sy.rounded(.up)))
        let weight = 1 / Double(samplesX * samplesY)
        // Sample positions in the unit square: column u's i-th sample, row v's j-th.
        func unit(_ n: Int, samples: Int, step: Double, side: Double) -> Double {
            let offset: Double = (Double(n % samples) + 0.5) / Double(samples)
            let position: Double = (Double(n / samples) + offset) * step - 0.5
            return position / side
        }
        let unitX = (0..<(outWidth * samplesX)).map { unit($0, samples: samplesX, step: sx, side: sourceWidth) }
        let unitY = (0..<(outHeight * samplesY)).map { unit($0, samples: samplesY, step: sy, side: sourceHeight) }
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * c)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { out in
                var o = 0
                for v in 0..<outHeight {
                    for u in 0..<outWidth {
                        var accumulator = SIMD4<Double>(repeating: 0)
                        for j in 0..<samplesY {
                            let y = unitY[v * samplesY + j]
                            for i in 0..<samplesX {
                                let p = map.apply(unitX[u * samplesX + i], y)
                                accumulator += weight * bilinear(src, image.width, image.height, c, p.x, p.y)
                            }
                        }
                        for k in 0..<c { out[o + k] = UInt8(min(max(accumulator[k].rounded(), 0), 255)) }
                        o += c
                    }
                }
            }
        }
        return out
    }

    /// The bilinear sample at (x, y), edges replicated; channel k in lane k.
    @inline(__always)
    private static func bilinear(_ src: UnsafeBufferPointer<UInt8>, _ width: Int, _ height: Int, _ c: Int,
                                 _ x: Double, _ y: Double) -> SIMD4<Double> {
        let cx = min(max(x, 0), Double(width - 1)), cy = min(max(y, 0), Double(height - 1))
        let x0 = Int(cx), y0 = Int(cy)
        let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        let fx = cx - Double(x0), fy = cy - Double(y0)
        func pixel(_ x: Int, _ y: Int) -> SIMD4<Double> {
            let i = (y * width + x) * c
            return c == 1 ? SIMD4(repeating: Double(src[i]))
                : SIMD4(Double(src[i]), Double(src[i + 1]), Double(src[i + 2]), 0)
        }
        let a = pixel(x0, y0), b = pixel(x1, y0), d = pixel(x0, y1), e = pixel(x1, y1)
        return (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy
    }

    private static func distance(_ a: Point, _ b: Point) -> Double {
        ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
    }
}

/// The projective map from the unit square (0,0)→q0, (1,0)→q1, (1,1)→q2, (0,1)→q3 (Heckbert's
/// square-to-quad construction); an affine map when the quad is a parallelogram.
struct Homography {
    private let a, b, c, d, e, f, g, h: Double

    init(unitSquareTo q: [Point]) {
        let dx1 = q[1].x - q[2].x, dx2 = q[3].x - q[2].x, sx = q[0].x - q[1].x + q[2].x - q[3].x
        let dy1 = q[1].y - q[2].y, dy2 = q[3].y - q[2].y, sy = q[0].y - q[1].y + q[2].y - q[3].y
        let det = dx1 * dy2 - dx2 * dy1
        if abs(sx) < 1e-12 && abs(sy) < 1e-12 || abs(det) < 1e-12 {
            (g, h) = (0, 0)
        } else {
            g = (sx * dy2 - dx2 * sy) / det
            h = (dx1 * sy - sx * dy1) / det
        }
        a = q[1].x - q[0].x + g * q[1].x
        b = q[3].x - q[0].x + h * q[3].x
        c = q[0].x
        d = q[1].y - q[0].y + g * q[1].y
        e = q[3].y - q[0].y + h * q[3].y
        f = q[0].y
    }

    @inline(__always)
    func apply(_ u: Double, _ v: Double) -> Point {
        let w = g * u + h * v + 1
        return Point(x: (a * u + b * v + c) / w, y: (d * u + e * v + f) / w)
    }
}
