import QZoomCore
import Testing
@testable import Perception

/// `LineImage.resized` computes each source row's horizontal interpolation once; these tests hold it to
/// the direct per-pixel formula (OpenCV's INTER_LINEAR sampling, float weights, rounded half away from
/// zero): the bound is exact equality, byte for byte.
@Suite struct LineImageTests {
    /// The direct formula, one output pixel at a time.
    static func referenceResize(_ image: PageImage, width: Int, height: Int) -> [UInt8] {
        func taps(_ out: Int, _ input: Int) -> [(Int, Int, Float)] {
            let scale = Double(input) / Double(out)
            return (0..<out).map { d in
                let f = (Double(d) + 0.5) * scale - 0.5
                var s = Int(f.rounded(.down))
                var w = Float(f - Double(s))
                if s < 0 { s = 0; w = 0 }
                if s >= input - 1 { s = input - 1; w = 0 }
                return (s, min(s + 1, input - 1), w)
            }
        }
        let c = image.channels, xs = taps(width, image.width), ys = taps(height, image.height)
        var out = [UInt8](repeating: 0, count: width * height * c)
        for (dy, (y0, y1, wy)) in ys.enumerated() {
            for (dx, (x0, x1, wx)) in xs.enumerated() {
                for k in 0..<c {
                    func p(_ x: Int, _ y: Int) -> Float { Float(image.pixels[(y * image.width + x) * c + k]) }
                    let top = p(x0, y0) * (1 - wx) + p(x1, y0) * wx
                    let bottom = p(x0, y1) * (1 - wx) + p(x1, y1) * wx
                    let v = top * (1 - wy) + bottom * wy
                    out[(dy * width + dx) * c + k] = UInt8(min(255, max(0, v.rounded())))
                }
            }
        }
        return out
    }

    static func randomImage(width: Int, height: Int, channels: Int, seed: UInt64) -> PageImage {
        var state = seed
        let pixels = (0..<(width * height * channels)).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        return PageImage(width: width, height: height, channels: channels, pixels: pixels,
                         region: Rect(x: 0, y: 0, width: Double(width), height: Double(height)))
    }

    @Test(arguments: [
        (463, 101, 3, 736, 160),   // the detector's stretch of a receipt, up
        (97, 51, 1, 96, 32),       // down, to sides a multiple of 32
        (50, 30, 3, 301, 48),      // a short line fitted to the recognizer's height
        (400, 60, 3, 320, 48),     // a long one shrunk
        (1, 1, 3, 5, 4), (7, 1, 1, 3, 9), (3, 5, 3, 3, 2),
    ])
    func separableResizeEqualsTheDirectFormula(_ w: Int, _ h: Int, _ channels: Int, _ outW: Int, _ outH: Int) {
        let image = Self.randomImage(width: w, height: h, channels: channels, seed: UInt64(w * 31 + h))
        #expect(LineImage.resized(image, width: outW, height: outH).pixels == Self.referenceResize(image, width: outW, height: outH))
    }

    @Test func roundedByteMatchesRoundedAndClamped() {
        // Every 1/64 from −3 to 260, and the floats on either side of every half.
        var values = (-192...(260 * 64)).map { Float($0) / 64 }
        for half in (-3...259).map({ Float($0) + 0.5 }) { values += [half.nextDown, half, half.nextUp] }
        let wrong = values.filter { LineImage.roundedByte($0) != UInt8(min(255, max(0, $0.rounded()))) }
        #expect(wrong.isEmpty, "differs at \(wrong.prefix(5))")
    }
}
