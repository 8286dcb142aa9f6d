/// Resize, nearest neighbour, as the detector's FPN uses it: scales from a constant input,
/// `asymmetric` coordinates and `floor` rounding (other modes are rejected at load).
struct ResizeOperator: Operator {
    let scales: [Float]

    init(_ attributes: Attributes, scales: [Float]?) throws(RuntimeError) {
        guard try attributes.string("mode", default: "nearest") == "nearest" else { throw attributes.unsupported("only mode=nearest is supported") }
        guard try attributes.string("coordinate_transformation_mode", default: "half_pixel") == "asymmetric" else {
            throw attributes.unsupported("only coordinate_transformation_mode=asymmetric is supported")
        }
        guard try attributes.string("nearest_mode", default: "round_prefer_floor") == "floor" else {
            throw attributes.unsupported("only nearest_mode=floor is supported")
        }
        guard let scales, scales.allSatisfy({ $0 > 0 }) else { throw attributes.unsupported("scales must be a positive constant (sizes are not supported)") }
        self.scales = scales
    }

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let shape = inputs[0].shape
        guard shape.count == 4, scales.count == 4, scales[0] == 1, scales[1] == 1, inputs[0].isFloat else {
            throw .shapeMismatch(node: node, reason: "Resize of \(shape) by \(scales): only spatial scaling of NCHW")
        }
        return [.floats(shape: [shape[0], shape[1], Int((Float(shape[2]) * scales[2]).rounded(.down)),
                                Int((Float(shape[3]) * scales[3]).rounded(.down))])]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let shape = inputs[0].shape, out = outputs[0].shape
        let (height, width, outH, outW) = (shape[2], shape[3], out[2], out[3])
        let (sy, sx) = (scales[2], scales[3])
        // asymmetric + floor: source index = floor(destination / scale).
        let columns = (0..<outW).map { min(width - 1, Int((Float($0) / sx).rounded(.down))) }
        let rowsFrom = (0..<outH).map { min(height - 1, Int((Float($0) / sy).rounded(.down))) }
        let planes = shape[0] * shape[1]
        return { buffers in
            let x = buffers.input(0), y = buffers.outputs[0]
            Parallel.chunks(planes, minimumPerChunk: max(1, (1 << 15) / max(outH * outW, 1))) { range in
                for plane in range {
                    let source = x + plane * height * width, destination = y + plane * outH * outW
                    for oy in 0..<outH {
                        let row = destination + oy * outW
                        if oy > 0 && rowsFrom[oy] == rowsFrom[oy - 1] {
                            row.update(from: row - outW, count: outW)
                            continue
                        }
                        let line = source + rowsFrom[oy] * width
                        for ox in 0..<outW { row[ox] = line[columns[ox]] }
                    }
                }
            }
        }
    }
}

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
                    BLAS.sgemm(m: rows, n: pixels, k: inChannels, a: w.baseAddress!, transposeA: true, b: x, c: columns)
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

/// A BatchNormalization that could not be folded into a convolution: a per-channel scale and shift.
struct ChannelAffineOperator: Operator {
    let scale: [Float]
    let shift: [Float]

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let shape = inputs[0].shape
        guard shape.count >= 2, shape[1] == scale.count, inputs[0].isFloat else {
            throw .shapeMismatch(node: node, reason: "BatchNormalization of \(shape) with \(scale.count) channels")
        }
        return [.floats(shape: shape)]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let shape = inputs[0].shape
        let channels = shape[1], plane = shape[2...].reduce(1, *), planes = shape[0] * channels
        let scale = scale, shift = shift
        return { buffers in
            let x = buffers.input(0), y = buffers.outputs[0]
            for p in 0..<planes {
                let a = scale[p % channels], b = shift[p % channels]
                for i in 0..<plane { y[p * plane + i] = x[p * plane + i] * a + b }
            }
        }
    }
}
