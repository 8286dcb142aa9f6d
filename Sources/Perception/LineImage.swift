import NeuralRuntime
import QZoomCore

/// Pixel preparation shared by the PP-OCR networks, as rapidocr 3.10.0 does it: the networks were
/// trained on OpenCV's BGR order, normalised to (v / 255 − 0.5) / 0.5, laid out CHW.
enum LineImage {
    /// Writes `image` (gray or RGB) into a [3, height, rowStride] float plane set at `destination`,
    /// columns 0..<image.width, in BGR order and normalised.
    static func writeNormalizedBGR(_ image: PageImage, into destination: UnsafeMutablePointer<Float>, rowStride: Int, planeStride: Int) {
        let pixels = image.pixels
        for c in 0..<3 {
            let source = image.channels == 1 ? 0 : 2 - c
            for y in 0..<image.height {
                let row = destination + c * planeStride + y * rowStride
                let base = y * image.width * image.channels
                for x in 0..<image.width {
                    row[x] = Float(pixels[base + x * image.channels + source]) * (2 / 255) - 1
                }
            }
        }
    }

    /// Bilinear resize with OpenCV's INTER_LINEAR sampling (pixel centres aligned, edges clamped),
    /// rounded back to 8 bits as `cv2.resize` does on uint8 images.
    static func resized(_ image: PageImage, width: Int, height: Int) -> PageImage {
        if image.width == width && image.height == height { return image }
        let channels = image.channels
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
        let xs = taps(width, image.width), ys = taps(height, image.height)
        var out = [UInt8](repeating: 0, count: width * height * channels)
        image.pixels.withUnsafeBufferPointer { src in
            for (dy, (y0, y1, wy)) in ys.enumerated() {
                for (dx, (x0, x1, wx)) in xs.enumerated() {
                    for c in 0..<channels {
                        func p(_ x: Int, _ y: Int) -> Float { Float(src[(y * image.width + x) * channels + c]) }
                        let top = p(x0, y0) * (1 - wx) + p(x1, y0) * wx
                        let bottom = p(x0, y1) * (1 - wx) + p(x1, y1) * wx
                        let v = top * (1 - wy) + bottom * wy
                        out[(dy * width + dx) * channels + c] = UInt8(min(255, max(0, v.rounded())))
                    }
                }
            }
        }
        return PageImage(width: width, height: height, channels: channels, pixels: out, region: image.region)
    }

    /// A batch [count, 3, height, width] of resized lines, each left-aligned and zero-padded on the right.
    static func batch(_ lines: [PageImage], height: Int, width: Int) -> Tensor {
        Tensor(zeros: [lines.count, 3, height, width]) { buffer in
            guard let base = buffer.baseAddress else { return }
            for (index, line) in lines.enumerated() {
                writeNormalizedBGR(line, into: base + index * 3 * height * width, rowStride: width, planeStride: height * width)
            }
        }
    }

    /// `line` resized to `height` keeping its aspect (at most `maxWidth` wide); an empty crop becomes a
    /// one-pixel white line, which reads as nothing.
    static func fitted(_ line: PageImage, height: Int, maxWidth: Int) -> PageImage {
        guard line.width > 0, line.height > 0 else {
            return PageImage(width: 1, height: height, channels: 1, pixels: [UInt8](repeating: 255, count: height), region: line.region)
        }
        return resized(line, width: resizedWidth(line, height: height, maxWidth: maxWidth), height: height)
    }

    /// rapidocr's width for a line resized to `height`: ceil(height · aspect), at most `maxWidth`.
    static func resizedWidth(_ image: PageImage, height: Int, maxWidth: Int) -> Int {
        let ratio = Double(image.width) / Double(max(image.height, 1))
        return max(1, min(maxWidth, Int((Double(height) * ratio).rounded(.up))))
    }
}
