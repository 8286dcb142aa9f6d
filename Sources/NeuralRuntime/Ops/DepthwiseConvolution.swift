/// A depthwise convolution (one input channel per output channel) as a direct loop: im2col would
/// multiply a k²×pixels matrix by a single row, so sgemm brings nothing. Each channel is copied into a
/// zero-padded plane so that the inner loop has no bounds checks; for stride 1 it works on eight output
/// pixels at a time, with the accumulator in a register across all taps.
struct DepthwiseConvolution {
    let channels: Int, batch: Int
    let height: Int, width: Int, outH: Int, outW: Int
    let pads: (t: Int, l: Int, b: Int, r: Int)
    let geometry: ConvolutionGeometry

    /// The padded plane is large enough for every tap of every output pixel.
    static func paddedSize(height: Int, width: Int, outH: Int, outW: Int, pads: (t: Int, l: Int, b: Int, r: Int),
                           geometry: ConvolutionGeometry) -> (h: Int, w: Int) {
        let needH = (outH - 1) * geometry.strides.h + (geometry.kernel.h - 1) * geometry.dilations.h + 1
        let needW = (outW - 1) * geometry.strides.w + (geometry.kernel.w - 1) * geometry.dilations.w + 1
        // Eight spare columns let the vector loop read a full vector past the last output pixel.
        return (max(needH, pads.t + height), max(needW, pads.l + width) + 8)
    }

    static func workspaceCount(height: Int, width: Int, outH: Int, outW: Int, pads: (t: Int, l: Int, b: Int, r: Int),
                               geometry: ConvolutionGeometry) -> Int {
        let (h, w) = paddedSize(height: height, width: width, outH: outH, outW: outW, pads: pads, geometry: geometry)
        return Parallel.workers * h * w
    }

    func run(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
             activation: Activation?, output: UnsafeMutablePointer<Float>, workspace: UnsafeMutablePointer<Float>) {
        let (padH, padW) = DepthwiseConvolution.paddedSize(height: height, width: width, outH: outH, outW: outW,
                                                           pads: pads, geometry: geometry)
        let planes = batch * channels
        let workers = min(Parallel.workers, planes)
        let perWorker = (planes + workers - 1) / workers
        Parallel.chunks(workers, minimumPerChunk: planes * outH * outW > (1 << 14) ? 1 : workers) { workerRange in
            for worker in workerRange {
                let padded = workspace + worker * padH * padW
                padded.update(repeating: 0, count: padH * padW)
                for plane in (worker * perWorker)..<min(planes, (worker + 1) * perWorker) {
                    let c = plane % channels
                    let source = input + plane * height * width
                    for y in 0..<height {
                        (padded + (y + pads.t) * padW + pads.l).update(from: source + y * width, count: width)
                    }
                    convolvePlane(padded, padW: padW, weights: weights + c * geometry.kernel.h * geometry.kernel.w,
                                  bias: bias[c], activation: activation, output: output + plane * outH * outW)
                }
            }
        }
    }

    private func convolvePlane(_ padded: UnsafePointer<Float>, padW: Int, weights: UnsafePointer<Float>, bias: Float,
                               activation: Activation?, output: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        let (kh, kw) = geometry.kernel, (sh, sw) = geometry.strides, (dh, dw) = geometry.dilations
        if (kh, kw, sh, sw, dh, dw) == (3, 3, 1, 1, 1, 1) {
            convolvePlane3x3(padded, padW: padW, weights: weights, bias: bias, activation: activation, output: output)
            return
        }
        if (kw, sh, sw, dh, dw) == (7, 1, 1, 1, 1) {
            convolvePlaneSevenWide(padded, padW: padW, weights: weights, bias: bias, activation: activation, output: output)
            return
        }
        for oy in 0..<outH {
            let row = output + oy * outW
            let top = padded + oy * sh * padW
            if sw == 1 {
                var ox = 0
                while ox < outW {
                    var acc = V(repeating: bias)
                    for ky in 0..<kh {
                        let line = top + ky * dh * padW + ox
                        for kx in 0..<kw {
                            let x = UnsafeRawPointer(line + kx * dw).loadUnaligned(as: V.self)
                            acc = acc.addingProduct(x, V(repeating: weights[ky * kw + kx]))
                        }
                    }
                    if ox + 8 <= outW {
                        UnsafeMutableRawPointer(row + ox).storeBytes(of: acc, as: V.self)
                    } else {
                        for j in 0..<(outW - ox) { row[ox + j] = acc[j] }
                    }
                    ox += 8
                }
            } else {
                for ox in 0..<outW {
                    var acc = bias
                    for ky in 0..<kh {
                        let line = top + ky * dh * padW + ox * sw
                        for kx in 0..<kw { acc += line[kx * dw] * weights[ky * kw + kx] }
                    }
                    row[ox] = acc
                }
            }
            activation?.apply(row, row, count: outW)
        }
    }

    /// The recognizer's case (3×3, stride 1): the nine weights stay in registers for the whole plane and
    /// the taps are unrolled, instead of being re-read and looped over for every eight outputs.
    private func convolvePlane3x3(_ padded: UnsafePointer<Float>, padW: Int, weights w: UnsafePointer<Float>, bias: Float,
                                  activation: Activation?, output: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        let (w0, w1, w2) = (V(repeating: w[0]), V(repeating: w[1]), V(repeating: w[2]))
        let (w3, w4, w5) = (V(repeating: w[3]), V(repeating: w[4]), V(repeating: w[5]))
        let (w6, w7, w8) = (V(repeating: w[6]), V(repeating: w[7]), V(repeating: w[8]))
        for oy in 0..<outH {
            let row = output + oy * outW
            let top = padded + oy * padW, middle = top + padW, bottom = middle + padW
            var ox = 0
            while ox < outW {
                var acc = V(repeating: bias)
                acc = acc.addingProduct(DepthwiseConvolution.load(top, ox), w0)
                acc = acc.addingProduct(DepthwiseConvolution.load(top, ox + 1), w1)
                acc = acc.addingProduct(DepthwiseConvolution.load(top, ox + 2), w2)
                acc = acc.addingProduct(DepthwiseConvolution.load(middle, ox), w3)
                acc = acc.addingProduct(DepthwiseConvolution.load(middle, ox + 1), w4)
                acc = acc.addingProduct(DepthwiseConvolution.load(middle, ox + 2), w5)
                acc = acc.addingProduct(DepthwiseConvolution.load(bottom, ox), w6)
                acc = acc.addingProduct(DepthwiseConvolution.load(bottom, ox + 1), w7)
                acc = acc.addingProduct(DepthwiseConvolution.load(bottom, ox + 2), w8)
                if ox + 8 <= outW {
                    UnsafeMutableRawPointer(row + ox).storeBytes(of: acc, as: V.self)
                } else {
                    for j in 0..<(outW - ox) { row[ox + j] = acc[j] }
                }
                ox += 8
            }
            activation?.apply(row, row, count: outW)
        }
    }

    /// Kernels seven wide at stride 1 (the detector's 7×7, the recognizer's 1×7): 32 outputs at a time
    /// in four accumulators, so each kernel row's seven weights are broadcast once for 28 products
    /// instead of once per product; the rest of the row eight at a time.
    private func convolvePlaneSevenWide(_ padded: UnsafePointer<Float>, padW: Int, weights: UnsafePointer<Float>, bias: Float,
                                        activation: Activation?, output: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        let kh = geometry.kernel.h
        for oy in 0..<outH {
            let row = output + oy * outW
            var ox = 0
            while ox + 32 <= outW {
                var (a0, a1, a2, a3) = (V(repeating: bias), V(repeating: bias), V(repeating: bias), V(repeating: bias))
                for ky in 0..<kh {
                    let line = padded + (oy + ky) * padW + ox, w = weights + ky * 7
                    for kx in 0..<7 {
                        let weight = V(repeating: w[kx])
                        a0 = a0.addingProduct(DepthwiseConvolution.load(line, kx), weight)
                        a1 = a1.addingProduct(DepthwiseConvolution.load(line, kx + 8), weight)
                        a2 = a2.addingProduct(DepthwiseConvolution.load(line, kx + 16), weight)
                        a3 = a3.addingProduct(DepthwiseConvolution.load(line, kx + 24), weight)
                    }
                }
                let out = UnsafeMutableRawPointer(row + ox)
                out.storeBytes(of: a0, as: V.self)
                out.storeBytes(of: a1, toByteOffset: 32, as: V.self)
                out.storeBytes(of: a2, toByteOffset: 64, as: V.self)
                out.storeBytes(of: a3, toByteOffset: 96, as: V.self)
                ox += 32
            }
            while ox < outW {
                var acc = V(repeating: bias)
                for ky in 0..<kh {
                    let line = padded + (oy + ky) * padW + ox, w = weights + ky * 7
                    for kx in 0..<7 { acc = acc.addingProduct(DepthwiseConvolution.load(line, kx), V(repeating: w[kx])) }
                }
                if ox + 8 <= outW {
                    UnsafeMutableRawPointer(row + ox).storeBytes(of: acc, as: V.self)
                } else {
                    for j in 0..<(outW - ox) { row[ox + j] = acc[j] }
                }
                ox += 8
            }
            activation?.apply(row, row, count: outW)
        }
    }

    @inline(__always)
    private static func load(_ line: UnsafePointer<Float>, _ x: Int) -> SIMD8<Float> {
        UnsafeRawPointer(line + x).loadUnaligned(as: SIMD8<Float>.self)
    }
}
