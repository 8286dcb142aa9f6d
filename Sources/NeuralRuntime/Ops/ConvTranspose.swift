/// ConvTranspose (group 1) as sgemm into columns and a col2im scatter: for each input pixel,
/// Wᵀ·x gives its kh×kw contribution to every output channel.
struct ConvTransposeOperator: Operator {
    /// [inChannels, outChannels, kh, kw]
    let weights: [Float]
    let weightShape: [Int]
    let bias: [Float]
    let geometry: ConvolutionGeometry
    let activation: Activation?

    func outputSize(_ shape: [Int]) -> (Int, Int) {
        let g = geometry, p = g.pads
        return ((shape[2] - 1) * g.strides.h - p.t - p.b + (g.kernel.h - 1) * g.dilations.h + 1,
                (shape[3] - 1) * g.strides.w - p.l - p.r + (g.kernel.w - 1) * g.dilations.w + 1)
    }

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let shape = inputs[0].shape
        guard shape.count == 4, inputs[0].isFloat, shape[1] == weightShape[0] else {
            throw .shapeMismatch(node: node, reason: "ConvTranspose of \(shape) with weights \(weightShape)")
        }
        let (h, w) = outputSize(shape)
        return [.floats(shape: [shape[0], weightShape[1], h, w])]
    }

    func multiplyAdds(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Int {
        inputs[0].count * weightShape[1] * geometry.kernel.h * geometry.kernel.w
    }

    func workspaceCount(_ inputs: [PlannedValue]) -> Int {
        let shape = inputs[0].shape
        return weightShape[1] * geometry.kernel.h * geometry.kernel.w * shape[2] * shape[3]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let shape = inputs[0].shape
        let (batch, inChannels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let (outH, outW) = outputSize(shape)
        let outChannels = weightShape[1]
        let (kh, kw) = geometry.kernel, (sh, sw) = geometry.strides, (dh, dw) = geometry.dilations
        let (pt, pl) = (geometry.pads.t, geometry.pads.l)
        let weights = weights, bias = bias, activation = activation
        let pixels = height * width, rows = outChannels * kh * kw
        return { buffers in
            let columns = buffers.workspace!
            weights.withUnsafeBufferPointer { w in
                for n in 0..<batch {
                    let x = buffers.input(0) + n * inChannels * pixels
                    let y = buffers.outputs[0] + n * outChannels * outH * outW
                    // columns[(co, ky, kx), pixel] = Σ_ci W[ci, (co, ky, kx)] · x[ci, pixel]
                    BLAS.parallelSgemm(m: rows, n: pixels, k: inChannels, a: w.baseAddress!, transposeA: true, b: x, c: columns)
                    Parallel.chunks(outChannels, minimumPerChunk: max(1, (1 << 15) / max(outH * outW, 1))) { range in
                        for co in range {
                            let plane = y + co * outH * outW
                            plane.update(repeating: bias[co], count: outH * outW)
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let source = columns + ((co * kh + ky) * kw + kx) * pixels
                                    for iy in 0..<height {
                                        let oy = iy * sh - pt + ky * dh
                                        if oy < 0 || oy >= outH { continue }
                                        let line = plane + oy * outW
                                        for ix in 0..<width {
                                            let ox = ix * sw - pl + kx * dw
                                            if ox >= 0 && ox < outW { line[ox] += source[iy * width + ix] }
                                        }
                                    }
                                }
                            }
                            activation?.apply(plane, plane, count: outH * outW)
                        }
                    }
                }
            }
        }
    }
}
