/// Conv: 1×1 convolutions are one sgemm on the input as it lies; other kernels go through im2col and
/// sgemm; depthwise convolutions (one input channel per group) use the direct loop in `DepthwiseConvolution`.
/// Bias and activation (folded at load) are applied per output plane right after the product.
struct ConvolutionOperator: Operator {
    /// [outChannels, inChannels / group, kh, kw], with any BatchNorm already folded in.
    let weights: [Float]
    let weightShape: [Int]
    let bias: [Float]
    let group: Int
    let geometry: ConvolutionGeometry
    let activation: Activation?

    var isDepthwise: Bool { weightShape[1] == 1 && group == weightShape[0] }

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let shape = inputs[0].shape
        guard shape.count == 4, inputs[0].isFloat else { throw .shapeMismatch(node: node, reason: "Conv expects an NCHW input, got \(shape)") }
        guard shape[1] == weightShape[1] * group, weightShape[0] % group == 0 else {
            throw .shapeMismatch(node: node, reason: "input has \(shape[1]) channels; weights \(weightShape) with group \(group) need \(weightShape[1] * group)")
        }
        let (outH, outW, _) = geometry.resolve(height: shape[2], width: shape[3])
        guard outH > 0, outW > 0 else { throw .shapeMismatch(node: node, reason: "input \(shape) is smaller than the kernel") }
        return [.floats(shape: [shape[0], weightShape[0], outH, outW])]
    }

    private func isPointwise(_ shape: [Int]) -> Bool {
        let (_, _, pads) = geometry.resolve(height: shape[2], width: shape[3])
        return geometry.kernel == (1, 1) && geometry.strides == (1, 1) && pads == (0, 0, 0, 0)
    }

    func workspaceCount(_ inputs: [PlannedValue]) -> Int {
        let shape = inputs[0].shape
        let (outH, outW, pads) = geometry.resolve(height: shape[2], width: shape[3])
        if isDepthwise {
            return DepthwiseConvolution.workspaceCount(height: shape[2], width: shape[3], outH: outH, outW: outW, pads: pads, geometry: geometry)
        }
        if isPointwise(shape) { return 0 }
        return weightShape[1] * geometry.kernel.h * geometry.kernel.w * outH * outW
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let input = inputs[0].shape, output = outputs[0].shape
        let (batch, height, width) = (input[0], input[2], input[3])
        let (outChannels, outH, outW) = (output[1], output[2], output[3])
        let (_, _, pads) = geometry.resolve(height: height, width: width)
        let weights = weights, bias = bias, activation = activation, geometry = geometry
        if isDepthwise {
            let plan = DepthwiseConvolution(channels: outChannels, batch: batch, height: height, width: width,
                                            outH: outH, outW: outW, pads: pads, geometry: geometry)
            return { buffers in
                weights.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        plan.run(input: buffers.input(0), weights: w.baseAddress!, bias: b.baseAddress!,
                                 activation: activation, output: buffers.outputs[0], workspace: buffers.workspace!)
                    }
                }
            }
        }
        let inPerGroup = weightShape[1], outPerGroup = outChannels / group, group = group
        let k = inPerGroup * geometry.kernel.h * geometry.kernel.w
        let pixels = outH * outW, inPlane = height * width
        let pointwise = isPointwise(input)
        return { buffers in
            let x = buffers.input(0), y = buffers.outputs[0]
            weights.withUnsafeBufferPointer { w in
                for n in 0..<batch {
                    for g in 0..<group {
                        let source = x + (n * group + g) * inPerGroup * inPlane
                        let columns: UnsafeMutablePointer<Float>
                        if pointwise {
                            columns = source
                        } else {
                            columns = buffers.workspace!
                            Im2Col.fill(source, channels: inPerGroup, height: height, width: width,
                                        outH: outH, outW: outW, pads: pads, geometry: geometry, into: columns)
                        }
                        BLAS.sgemm(m: outPerGroup, n: pixels, k: k, a: w.baseAddress! + g * outPerGroup * k,
                                   b: columns, c: y + (n * outChannels + g * outPerGroup) * pixels)
                    }
                }
            }
            bias.withUnsafeBufferPointer { b in
                Epilogue.apply(y, planes: batch * outChannels, planeSize: pixels, channels: outChannels,
                               bias: b.baseAddress!, activation: activation)
            }
        }
    }
}

/// Bias plus activation over whole output planes, in place, two workers when it pays.
enum Epilogue {
    static func apply(_ data: UnsafeMutablePointer<Float>, planes: Int, planeSize: Int, channels: Int,
                      bias: UnsafePointer<Float>?, activation: Activation?) {
        if bias == nil && activation == nil { return }
        Parallel.chunks(planes, minimumPerChunk: max(1, (1 << 15) / max(planeSize, 1))) { range in
            for plane in range {
                let p = data + plane * planeSize
                let b = bias.map { $0[plane % channels] } ?? 0
                if let activation {
                    activation.apply(p, p, count: planeSize, bias: b)
                } else if b != 0 {
                    for i in 0..<planeSize { p[i] += b }
                }
            }
        }
    }
}

/// Unfolds convolution windows into a [channels·kh·kw, outH·outW] matrix so that a convolution is one sgemm.
enum Im2Col {
    static func fill(_ source: UnsafePointer<Float>, channels: Int, height: Int, width: Int, outH: Int, outW: Int,
                     pads: (t: Int, l: Int, b: Int, r: Int), geometry: ConvolutionGeometry,
                     into columns: UnsafeMutablePointer<Float>) {
        let (kh, kw) = geometry.kernel, (sh, sw) = geometry.strides, (dh, dw) = geometry.dilations
        let rows = channels * kh * kw
        Parallel.chunks(rows, minimumPerChunk: max(1, (1 << 14) / max(outH * outW, 1))) { range in
            for row in range {
                let c = row / (kh * kw), ky = (row / kw) % kh, kx = row % kw
                let plane = source + c * height * width
                var destination = columns + row * outH * outW
                // Output columns whose input x lies inside the image: ox in [first, last).
                let shift = kx * dw - pads.l
                let first = min(outW, max(0, (-shift + sw - 1) / sw))
                let last = max(first, min(outW, (width - shift + sw - 1) / sw))
                for oy in 0..<outH {
                    let iy = oy * sh - pads.t + ky * dh
                    if iy < 0 || iy >= height {
                        destination.update(repeating: 0, count: outW)
                    } else {
                        let line = plane + iy * width + shift
                        if first > 0 { destination.update(repeating: 0, count: first) }
                        if sw == 1 {
                            (destination + first).update(from: line + first, count: last - first)
                        } else {
                            for ox in first..<last { destination[ox] = line[ox * sw] }
                        }
                        if last < outW { (destination + last).update(repeating: 0, count: outW - last) }
                    }
                    destination += outW
                }
            }
        }
    }
}
