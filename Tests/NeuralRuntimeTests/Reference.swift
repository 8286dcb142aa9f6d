import Foundation

/// Straightforward loops, written for clarity, that the optimised operators are checked against.
enum Reference {
    /// NCHW convolution with explicit pads (top, left, bottom, right), groups and dilations.
    static func conv(_ x: [Float], _ shape: [Int], weights: [Float], weightShape: [Int], bias: [Float]?,
                     strides: (Int, Int) = (1, 1), pads: (Int, Int, Int, Int) = (0, 0, 0, 0), dilations: (Int, Int) = (1, 1),
                     group: Int = 1) -> (values: [Float], shape: [Int]) {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (m, cg, kh, kw) = (weightShape[0], weightShape[1], weightShape[2], weightShape[3])
        let oh = (h + pads.0 + pads.2 - (dilations.0 * (kh - 1) + 1)) / strides.0 + 1
        let ow = (w + pads.1 + pads.3 - (dilations.1 * (kw - 1) + 1)) / strides.1 + 1
        var y = [Float](repeating: 0, count: n * m * oh * ow)
        let mg = m / group
        precondition(cg * group == c)
        for b in 0..<n { for o in 0..<m { for oy in 0..<oh { for ox in 0..<ow {
            let g = o / mg
            var sum: Double = Double(bias?[o] ?? 0)
            for i in 0..<cg { for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * strides.0 - pads.0 + ky * dilations.0, ix = ox * strides.1 - pads.1 + kx * dilations.1
                if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                sum += Double(x[((b * c + g * cg + i) * h + iy) * w + ix]) * Double(weights[((o * cg + i) * kh + ky) * kw + kx])
            } } }
            y[((b * m + o) * oh + oy) * ow + ox] = Float(sum)
        } } } }
        return (y, [n, m, oh, ow])
    }

    /// ConvTranspose, group 1, no padding: weights [in, out, kh, kw].
    static func convTranspose(_ x: [Float], _ shape: [Int], weights: [Float], weightShape: [Int], bias: [Float], strides: (Int, Int)) -> [Float] {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (m, kh, kw) = (weightShape[1], weightShape[2], weightShape[3])
        let oh = (h - 1) * strides.0 + kh, ow = (w - 1) * strides.1 + kw
        var y = [Float](repeating: 0, count: n * m * oh * ow)
        for b in 0..<n { for o in 0..<m { for i in 0..<oh * ow { y[(b * m + o) * oh * ow + i] = bias[o] } } }
        for b in 0..<n { for i in 0..<c { for iy in 0..<h { for ix in 0..<w { for o in 0..<m { for ky in 0..<kh { for kx in 0..<kw {
            let oy = iy * strides.0 + ky, ox = ix * strides.1 + kx
            y[((b * m + o) * oh + oy) * ow + ox] += x[((b * c + i) * h + iy) * w + ix] * weights[((i * m + o) * kh + ky) * kw + kx]
        } } } } } } }
        return y
    }

    static func matmul(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var sum: Double = 0
            for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
            c[i * n + j] = Float(sum)
        } }
        return c
    }

    static func gelu(_ x: Float) -> Float { Float(0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))) }
    static func sigmoid(_ x: Float) -> Float { Float(1 / (1 + Foundation.exp(-Double(x)))) }
}
