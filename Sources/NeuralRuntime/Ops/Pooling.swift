/// MaxPool, AveragePool, GlobalAveragePool and ReduceMean.

struct PoolOperator: Operator {
    enum Kind: Sendable { case max, average(countIncludePad: Bool) }
    let kind: Kind
    let geometry: ConvolutionGeometry

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let shape = inputs[0].shape
        guard shape.count == 4, inputs[0].isFloat else { throw .shapeMismatch(node: node, reason: "pooling expects NCHW, got \(shape)") }
        let (outH, outW, _) = geometry.resolve(height: shape[2], width: shape[3])
        guard outH > 0, outW > 0 else { throw .shapeMismatch(node: node, reason: "input \(shape) is smaller than the window") }
        return [.floats(shape: [shape[0], shape[1], outH, outW])]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let shape = inputs[0].shape
        let (height, width) = (shape[2], shape[3])
        let (outH, outW, pads) = geometry.resolve(height: height, width: width)
        let geometry = geometry, kind = kind
        let planes = shape[0] * shape[1]
        return { buffers in
            let x = buffers.input(0), y = buffers.outputs[0]
            Parallel.chunks(planes, minimumPerChunk: max(1, (1 << 15) / max(outH * outW, 1))) { range in
                for plane in range {
                    let source = x + plane * height * width, destination = y + plane * outH * outW
                    for oy in 0..<outH {
                        let y0 = oy * geometry.strides.h - pads.t
                        let ys = max(0, y0)..<min(height, y0 + geometry.kernel.h)
                        let row = destination + oy * outW
                        // Windows wholly inside the image need no clipping: ox in [inner.lowerBound, inner.upperBound).
                        let firstInside = min(outW, (pads.l + geometry.strides.w - 1) / geometry.strides.w)
                        let lastInside = max(firstInside, min(outW, (width + pads.l - geometry.kernel.w) / geometry.strides.w + 1))
                        // The interior in one vector call, and only the clipped windows at either end one by one
                        // (looping over every pixel to skip the interior cost more than the interior itself).
                        let inside = ys.count == geometry.kernel.h && firstInside < lastInside ? firstInside..<lastInside : outW..<outW
                        if !inside.isEmpty {
                            PoolOperator.interior(kind, source: source + ys.lowerBound * width, width: width,
                                                  firstX: inside.lowerBound * geometry.strides.w - pads.l, geometry: geometry,
                                                  count: inside.count, into: row + inside.lowerBound)
                        }
                        var ox = 0
                        while ox < outW {
                            if ox == inside.lowerBound { ox = inside.upperBound; continue }
                            defer { ox += 1 }
                            let x0 = ox * geometry.strides.w - pads.l
                            let xs = max(0, x0)..<min(width, x0 + geometry.kernel.w)
                            switch kind {
                            case .max:
                                // Padding never wins a max: only pixels inside the image are compared.
                                var best = -Float.infinity
                                for iy in ys { for ix in xs { best = Swift.max(best, source[iy * width + ix]) } }
                                row[ox] = best
                            case let .average(countIncludePad):
                                var sum: Float = 0
                                for iy in ys { for ix in xs { sum += source[iy * width + ix] } }
                                let count = countIncludePad ? geometry.kernel.h * geometry.kernel.w : ys.count * xs.count
                                row[ox] = sum / Float(Swift.max(count, 1))
                            }
                        }
                    }
                }
            }
        }
    }

    /// `count` outputs whose windows lie wholly inside the image; `source` is the window's top row.
    @inline(__always)
    static func interior(_ kind: Kind, source: UnsafePointer<Float>, width: Int, firstX: Int, geometry: ConvolutionGeometry,
                         count: Int, into row: UnsafeMutablePointer<Float>) {
        let (kh, kw, sw) = (geometry.kernel.h, geometry.kernel.w, geometry.strides.w)
        switch kind {
        case .max where sw == 1:
            // Eight outputs at a time; every window is inside the image, so all loads are valid.
            typealias V = FastMath.Vector
            var i = 0
            while i + V.scalarCount <= count {
                var best = UnsafeRawPointer(source + firstX + i).loadUnaligned(as: V.self)
                for ky in 0..<kh {
                    for kx in 0..<kw where ky > 0 || kx > 0 {
                        let v = UnsafeRawPointer(source + ky * width + firstX + kx + i).loadUnaligned(as: V.self)
                        best = best.replacing(with: v, where: v .> best)
                    }
                }
                UnsafeMutableRawPointer(row + i).storeBytes(of: best, as: V.self)
                i += V.scalarCount
            }
            for j in i..<count {
                var best = source[firstX + j]
                for ky in 0..<kh { for kx in 0..<kw { best = Swift.max(best, source[ky * width + firstX + kx + j]) } }
                row[j] = best
            }
        case .max:
            for i in 0..<count { row[i] = source[firstX + i * sw] }
            for ky in 0..<kh {
                for kx in 0..<kw where ky > 0 || kx > 0 {
                    let line = source + ky * width + firstX + kx
                    for i in 0..<count { row[i] = Swift.max(row[i], line[i * sw]) }
                }
            }
        case .average:
            for i in 0..<count { row[i] = 0 }
            for ky in 0..<kh {
                for kx in 0..<kw {
                    let line = source + ky * width + firstX + kx
                    for i in 0..<count { row[i] += line[i * sw] }
                }
            }
            let scale = 1 / Float(kh * kw)
            for i in 0..<count { row[i] *= scale }
        }
    }
}

/// ReduceMean over any set of axes (GlobalAveragePool is ReduceMean over H and W with keepdims).
struct ReduceMeanOperator: Operator {
    let axes: [Int]?
    let keepDims: Bool

    func resolvedAxes(_ rank: Int, node: String) throws(RuntimeError) -> [Int] {
        guard let axes else { return Array(0..<rank) }
        return try axes.map { a throws(RuntimeError) in try normalizedAxis(a, rank: rank, node: node) }.sorted()
    }

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let shape = inputs[0].shape
        guard inputs[0].isFloat else { throw .shapeMismatch(node: node, reason: "ReduceMean of integers") }
        let axes = Set(try resolvedAxes(shape.count, node: node))
        let out = keepDims ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
                           : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        return [.floats(shape: out)]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let shape = inputs[0].shape
        let axes = Set((try? resolvedAxes(shape.count, node: "")) ?? [])
        // Reduced axes that are contiguous at the end (the case in these graphs) are a row mean;
        // anything else goes through a strided walk.
        let trailing = !axes.isEmpty && axes == Set((shape.count - axes.count)..<shape.count)
        let inner = shape.enumerated().filter { axes.contains($0.offset) }.map(\.element).reduce(1, *)
        let outer = shape.reduce(1, *) / max(inner, 1)
        if trailing {
            return { buffers in
                let x = buffers.input(0), y = buffers.outputs[0]
                Parallel.chunks(outer, minimumPerChunk: max(1, (1 << 15) / max(inner, 1))) { range in
                    for o in range {
                        y[o] = VectorLoop.sum(x + o * inner, count: inner) / Float(inner)
                    }
                }
            }
        }
        let strides = Tensor.contiguousStrides(shape)
        let kept = shape.indices.filter { !axes.contains($0) }
        let reduced = shape.indices.filter { axes.contains($0) }
        return { buffers in
            let x = buffers.input(0), y = buffers.outputs[0]
            for o in 0..<outer {
                var base = 0, rest = o
                for axis in kept.reversed() { base += (rest % shape[axis]) * strides[axis]; rest /= shape[axis] }
                var sum: Float = 0
                for i in 0..<inner {
                    var position = base, r = i
                    for axis in reduced.reversed() { position += (r % shape[axis]) * strides[axis]; r /= shape[axis] }
                    sum += x[position]
                }
                y[o] = sum / Float(inner)
            }
        }
    }
}
