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

    func multiplyAdds(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Int {
        outputs[0].count * weightShape[1] * geometry.kernel.h * geometry.kernel.w
    }

    private func isPointwise(_ shape: [Int]) -> Bool {
        let (_, _, pads) = geometry.resolve(height: shape[2], width: shape[3])
        return geometry.kernel == (1, 1) && geometry.strides == (1, 1) && pads == (0, 0, 0, 0)
    }

    /// Output rows per tile. Tiles are large (up to ~2 MB of unfolded columns) because OpenBLAS packs
    /// the weights again on every call, and small tiles spent much of their time packing (the
    /// recognizer's stem convolution had one 80-pixel row per call). They are also cut so that they
    /// share out evenly: each worker takes whole tiles, and with few tiles a ragged split idles one.
    static func tileRows(k: Int, outW: Int, outH: Int, batch: Int, workers: Int) -> Int {
        let columns = max(256, (512 * 1024) / max(k, 1))
        let largest = min(outH, max(1, columns / max(outW, 1)))
        // Rows the busiest worker gets, relative to an even share of all of them.
        func imbalance(_ rows: Int) -> Double {
            let tiles = batch * ((outH + rows - 1) / rows)
            let tilesPerWorker = (tiles + workers - 1) / workers
            return Double(tilesPerWorker * rows * workers) / Double(batch * outH)
        }
        return (1...largest).reversed().first { imbalance($0) <= 1.1 } ?? largest
    }

    func workspaceCount(_ inputs: [PlannedValue]) -> Int {
        let shape = inputs[0].shape
        let (outH, outW, pads) = geometry.resolve(height: shape[2], width: shape[3])
        if isDepthwise {
            return DepthwiseConvolution.workspaceCount(height: shape[2], width: shape[3], outH: outH, outW: outW, pads: pads, geometry: geometry)
        }
        if isPointwise(shape) { return 0 }
        let k = weightShape[1] * geometry.kernel.h * geometry.kernel.w
        let rows = ConvolutionOperator.tileRows(k: k, outW: outW, outH: outH, batch: shape[0] * group, workers: Parallel.workers)
        return Parallel.workers * k * rows * outW
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
        // Tiles of output rows (or of pixels, for 1×1 convolutions) are the unit of parallel work: each
        // worker unfolds its tile, multiplies it, and applies bias and activation while it is in cache.
        let rowsPerTile = ConvolutionOperator.tileRows(k: k, outW: outW, outH: outH, batch: batch * group, workers: Parallel.workers)
        let tilesPerPlane = (outH + rowsPerTile - 1) / rowsPerTile
        let items = batch * group * tilesPerPlane
        let scratch = k * rowsPerTile * outW
        return { buffers in
            let x = buffers.input(0), y = buffers.outputs[0]
            weights.withUnsafeBufferPointer { w in
                Parallel.chunks(items, minimumPerChunk: max(1, (1 << 22) / max(1, outPerGroup * k * rowsPerTile * outW))) { worker, range in
                    for item in range {
                        let tile = item % tilesPerPlane, g = (item / tilesPerPlane) % group, n = item / (tilesPerPlane * group)
                        let rows = (tile * rowsPerTile)..<min(outH, (tile + 1) * rowsPerTile)
                        let start = rows.lowerBound * outW, count = rows.count * outW
                        let source = x + (n * group + g) * inPerGroup * inPlane
                        let columns: UnsafePointer<Float>, ldb: Int
                        if pointwise {
                            (columns, ldb) = (UnsafePointer(source + start), inPlane)
                        } else {
                            let tileBuffer = buffers.workspace! + worker * scratch
                            Im2Col.fill(source, channels: inPerGroup, height: height, width: width, outRows: rows, outW: outW,
                                        pads: pads, geometry: geometry, into: tileBuffer)
                            (columns, ldb) = (UnsafePointer(tileBuffer), count)
                        }
                        let firstChannel = g * outPerGroup
                        let destination = y + (n * outChannels + firstChannel) * pixels + start
                        // The bias is written first and accumulated onto (beta = 1), which spares
                        // OpenBLAS its pass that zeroes C and us a pass that adds the bias.
                        for channel in 0..<outPerGroup {
                            (destination + channel * pixels).update(repeating: bias[firstChannel + channel], count: count)
                        }
                        BLAS.sgemm(m: outPerGroup, n: count, k: k, a: w.baseAddress! + firstChannel * k,
                                   b: columns, ldb: ldb, c: destination, ldc: pixels, beta: 1)
                        if let activation {
                            for channel in 0..<outPerGroup {
                                let p = destination + channel * pixels
                                activation.apply(p, p, count: count)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Unfolds convolution windows into a [channels·kh·kw, outH·outW] matrix so that a convolution is one sgemm.
enum Im2Col {
    /// Fills the columns of output rows `outRows` only: a [channels·kh·kw, outRows.count·outW] tile.
    static func fill(_ source: UnsafePointer<Float>, channels: Int, height: Int, width: Int, outRows: Range<Int>, outW: Int,
                     pads: (t: Int, l: Int, b: Int, r: Int), geometry: ConvolutionGeometry,
                     into columns: UnsafeMutablePointer<Float>) {
        let (kh, kw) = geometry.kernel, (sh, sw) = geometry.strides, (dh, dw) = geometry.dilations
        let rows = channels * kh * kw
        let tileCount = outRows.count * outW
        for row in 0..<rows {
            let c = row / (kh * kw), ky = (row / kw) % kh, kx = row % kw
            let plane = source + c * height * width
            var destination = columns + row * tileCount
            // Output columns whose input x lies inside the image: ox in [first, last).
            let shift = kx * dw - pads.l
            let first = min(outW, max(0, (-shift + sw - 1) / sw))
            let last = max(first, min(outW, (width - shift + sw - 1) / sw))
            for oy in outRows {
                let iy = oy * sh - pads.t + ky * dh
                if iy < 0 || iy >= height {
                    destination.update(repeating: 0, count: outW)
                } else {
                    let line = plane + iy * width + shift
                    if first > 0 { destination.update(repeating: 0, count: first) }
                    if sw == 1 {
                        (destination + first).update(from: line + first, count: last - first)
                    } else if sw == 2 {
                        Im2Col.gatherEven(line, into: destination, first: first, last: last, lineEnd: width - shift)
                    } else {
                        for ox in first..<last { destination[ox] = line[ox * sw] }
                    }
                    if last < outW { (destination + last).update(repeating: 0, count: outW - last) }
                }
                destination += outW
            }
        }
    }

    /// destination[ox] = line[2·ox] for ox in first..<last, eight at a time (both stems of the
    /// recognizer are stride-2 convolutions). Vector loads stay below `lineEnd`, the end of the row.
    @inline(__always)
    static func gatherEven(_ line: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                           first: Int, last: Int, lineEnd: Int) {
        var ox = first
        while ox + 8 <= last && 2 * ox + 16 <= lineEnd {
            let pair = UnsafeRawPointer(line + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(destination + ox).storeBytes(of: pair.evenHalf, as: SIMD8<Float>.self)
            ox += 8
        }
        while ox < last { destination[ox] = line[2 * ox]; ox += 1 }
    }
}
