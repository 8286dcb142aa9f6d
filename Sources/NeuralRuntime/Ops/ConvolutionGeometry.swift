/// Kernel size, strides, dilations and padding of a 2-D convolution or pooling window, and the output
/// size they give for an input size. `auto_pad` SAME_UPPER/SAME_LOWER pads are resolved per input size.
struct ConvolutionGeometry: Sendable {
    enum AutoPad: Sendable { case explicit, sameUpper, sameLower, valid }
    var kernel: (h: Int, w: Int)
    var strides: (h: Int, w: Int)
    var dilations: (h: Int, w: Int)
    /// top, left, bottom, right (used when `autoPad` is `.explicit`).
    var pads: (t: Int, l: Int, b: Int, r: Int)
    var autoPad: AutoPad

    init(_ attributes: Attributes, kernel: [Int]) throws(RuntimeError) {
        guard kernel.count == 2, kernel.allSatisfy({ $0 > 0 }) else { throw attributes.unsupported("only 2-D kernels are supported, got \(kernel)") }
        self.kernel = (kernel[0], kernel[1])
        let s = try attributes.ints("strides") ?? [1, 1]
        let d = try attributes.ints("dilations") ?? [1, 1]
        let p = try attributes.ints("pads") ?? [0, 0, 0, 0]
        guard s.count == 2, d.count == 2, p.count == 4, s.allSatisfy({ $0 > 0 }), d.allSatisfy({ $0 > 0 }), p.allSatisfy({ $0 >= 0 }) else {
            throw attributes.unsupported("strides \(s), dilations \(d), pads \(p) are not 2-D")
        }
        strides = (s[0], s[1])
        dilations = (d[0], d[1])
        // ONNX pads are [x1_begin, x2_begin, x1_end, x2_end].
        pads = (p[0], p[1], p[2], p[3])
        switch try attributes.string("auto_pad", default: "NOTSET") {
        case "NOTSET": autoPad = .explicit
        case "SAME_UPPER": autoPad = .sameUpper
        case "SAME_LOWER": autoPad = .sameLower
        case "VALID": autoPad = .valid; pads = (0, 0, 0, 0)
        case let other: throw attributes.unsupported("auto_pad \(other)")
        }
    }

    /// Output size and the pads actually applied, for an input of `height` × `width`.
    func resolve(height: Int, width: Int) -> (outH: Int, outW: Int, pads: (t: Int, l: Int, b: Int, r: Int)) {
        var pads = self.pads
        if autoPad == .sameUpper || autoPad == .sameLower {
            func same(_ size: Int, _ k: Int, _ s: Int, _ d: Int) -> (Int, Int) {
                let out = (size + s - 1) / s
                let total = max(0, (out - 1) * s + (k - 1) * d + 1 - size)
                let small = total / 2
                return autoPad == .sameUpper ? (small, total - small) : (total - small, small)
            }
            let (t, b) = same(height, kernel.h, strides.h, dilations.h)
            let (l, r) = same(width, kernel.w, strides.w, dilations.w)
            pads = (t, l, b, r)
        }
        let outH = (height + pads.t + pads.b - ((kernel.h - 1) * dilations.h + 1)) / strides.h + 1
        let outW = (width + pads.l + pads.r - ((kernel.w - 1) * dilations.w + 1)) / strides.w + 1
        return (outH, outW, pads)
    }
}
