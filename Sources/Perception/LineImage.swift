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
    ///
    /// Separable but exact: each output pixel is `top · (1 − wy) + bottom · wy`, where `top` and
    /// `bottom` are the horizontal interpolations of its two source rows. Those are computed once per
    /// source row and kept while consecutive output rows read the same rows, so the per-pixel work is
    /// one vertical blend; the arithmetic, and so every pixel, is that of the direct formula.
    static func resized(_ image: PageImage, width: Int, height: Int) -> PageImage {
        if image.width == width && image.height == height { return image }
        let channels = image.channels, rowLength = width * channels
        let xs = bilinearTaps(output: width, input: image.width), ys = bilinearTaps(output: height, input: image.height)
        var out = [UInt8](repeating: 0, count: width * height * channels)
        // Per output element: the source offsets of its left and right samples and the right weight.
        var left = [Int](repeating: 0, count: rowLength), right = left
        var weight = [Float](repeating: 0, count: rowLength)
        for (dx, tap) in xs.enumerated() {
            for c in 0..<channels {
                left[dx * channels + c] = tap.first * channels + c
                right[dx * channels + c] = tap.second * channels + c
                weight[dx * channels + c] = tap.weight
            }
        }
        var rows = [Float](repeating: 0, count: 2 * rowLength)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { out in
                rows.withUnsafeMutableBufferPointer { rows in
                    left.withUnsafeBufferPointer { left in
                        right.withUnsafeBufferPointer { right in
                            weight.withUnsafeBufferPointer { weight in
                                guard let srcBase = src.baseAddress, let outBase = out.baseAddress,
                                      let rowsBase = rows.baseAddress, let left = left.baseAddress,
                                      let right = right.baseAddress, let weight = weight.baseAddress else { return }
                                var top = rowsBase, bottom = rowsBase + rowLength
                                var topRow = -1, bottomRow = -1
                                func interpolate(_ y: Int, into row: UnsafeMutablePointer<Float>) {
                                    let line = srcBase + y * image.width * channels
                                    for i in 0..<rowLength {
                                        let w = weight[i]
                                        row[i] = Float(line[left[i]]) * (1 - w) + Float(line[right[i]]) * w
                                    }
                                }
                                for (dy, tap) in ys.enumerated() {
                                    if topRow != tap.first {
                                        if bottomRow == tap.first {
                                            swap(&top, &bottom)
                                            swap(&topRow, &bottomRow)
                                        } else {
                                            interpolate(tap.first, into: top)
                                            topRow = tap.first
                                        }
                                    }
                                    if bottomRow != tap.second {
                                        interpolate(tap.second, into: bottom)
                                        bottomRow = tap.second
                                    }
                                    let wy = tap.weight, destination = outBase + dy * rowLength
                                    for i in 0..<rowLength {
                                        destination[i] = roundedByte(top[i] * (1 - wy) + bottom[i] * wy)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return PageImage(width: width, height: height, channels: channels, pixels: out, region: image.region)
    }

    /// For each of `output` positions, OpenCV's two source samples and the weight of the second.
    private static func bilinearTaps(output: Int, input: Int) -> [(first: Int, second: Int, weight: Float)] {
        let scale = Double(input) / Double(output)
        return (0..<output).map { d in
            let f = (Double(d) + 0.5) * scale - 0.5
            var s = Int(f.rounded(.down))
            var w = Float(f - Double(s))
            if s < 0 { s = 0; w = 0 }
            if s >= input - 1 { s = input - 1; w = 0 }
            return (s, min(s + 1, input - 1), w)
        }
    }

    /// `v` rounded half away from zero and clamped to 0...255, as `UInt8(min(255, max(0, v.rounded())))`
    /// but without a libm call (for v ≥ 0, v − trunc(v) is exact) and without a branch on the fraction,
    /// which image data mispredicts half the time (that branch made this loop five times slower).
    @inline(__always)
    static func roundedByte(_ v: Float) -> UInt8 {
        let clamped = min(max(v, 0), 255)
        let whole = Int32(clamped)
        return UInt8(truncatingIfNeeded: whole &+ (clamped - Float(whole) >= 0.5 ? 1 : 0))
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
