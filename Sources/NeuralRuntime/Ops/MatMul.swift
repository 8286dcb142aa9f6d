/// MatMul with NumPy batch broadcasting. A constant right-hand matrix (a linear layer) turns the whole
/// batch into one sgemm; a following bias Add and activation are folded in at load.
struct MatMulOperator: Operator {
    /// A bias over the last axis and an activation, fused from the nodes that follow.
    var bias: [Float]? = nil
    var activation: Activation? = nil

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let a = inputs[0].shape, b = inputs[1].shape
        guard a.count >= 2, b.count >= 2, inputs[0].isFloat, inputs[1].isFloat else {
            throw .shapeMismatch(node: node, reason: "MatMul of \(a) and \(b): only float matrices of rank ≥ 2")
        }
        guard a[a.count - 1] == b[b.count - 2] else { throw .shapeMismatch(node: node, reason: "MatMul of \(a) and \(b)") }
        let batch = try broadcastShapes(Array(a.dropLast(2)), Array(b.dropLast(2)), node: node)
        if let bias, bias.count != b[b.count - 1] {
            throw .shapeMismatch(node: node, reason: "bias of \(bias.count) for \(b[b.count - 1]) columns")
        }
        return [.floats(shape: batch + [a[a.count - 2], b[b.count - 1]])]
    }

    func multiplyAdds(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Int {
        outputs[0].count * inputs[0].shape[inputs[0].shape.count - 1]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let a = inputs[0].shape, b = inputs[1].shape, out = outputs[0].shape
        let (m, k, n) = (a[a.count - 2], a[a.count - 1], b[b.count - 1])
        let batchShape = Array(out.dropLast(2))
        let batches = batchShape.reduce(1, *)
        let layout = BroadcastLayout(output: batchShape + [1], a: Array(a.dropLast(2)) + [1], b: Array(b.dropLast(2)) + [1])
        let rightIsShared = b.dropLast(2).reduce(1, *) == 1
        let bias = bias, activation = activation
        return { buffers in
            let x = buffers.input(0), w = buffers.input(1), y = buffers.outputs[0]
            let rows = batches * m
            if let bias {
                // Rows start as the bias and the product accumulates onto them (beta = 1): no separate pass.
                // Split over the workers: the recognizer's last product writes 18 710 columns per row.
                bias.withUnsafeBufferPointer { b in
                    Parallel.chunks(rows, minimumPerChunk: max(1, (1 << 15) / max(n, 1))) { range in
                        for row in range { (y + row * n).update(from: b.baseAddress!, count: n) }
                    }
                }
            }
            let beta: Float = bias == nil ? 0 : 1
            if rightIsShared {
                // Every batch element uses the same right matrix: stack the left matrices into one.
                BLAS.parallelSgemm(m: rows, n: n, k: k, a: x, b: w, c: y, beta: beta)
            } else {
                var batch = 0
                layout.forEachRow { _, ia, ib, count, sa, sb in
                    for i in 0..<count {
                        BLAS.sgemm(m: m, n: n, k: k, a: x + (ia + i * sa) * m * k, b: w + (ib + i * sb) * k * n,
                                   c: y + batch * m * n, beta: beta)
                        batch += 1
                    }
                }
            }
            if let activation {
                Parallel.chunks(rows, minimumPerChunk: max(1, (1 << 15) / max(n, 1))) { range in
                    for row in range { activation.apply(y + row * n, y + row * n, count: n) }
                }
            }
        }
    }
}

/// Softmax. Opset < 13 flattens to [∏ dims before axis, ∏ dims from axis] and normalises each row;
/// opset 13 normalises along the axis alone. In these graphs both mean the last axis.
struct SoftmaxOperator: Operator {
    let axis: Int
    let coerceTo2D: Bool

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        guard inputs[0].isFloat else { throw .shapeMismatch(node: node, reason: "Softmax of integers") }
        let axis = try normalizedAxis(self.axis, rank: inputs[0].shape.count, node: node)
        if !coerceTo2D && axis != inputs[0].shape.count - 1 {
            throw .unsupportedOperator(op: "Softmax", node: node, reason: "only the last axis is supported")
        }
        return [.floats(shape: inputs[0].shape)]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let shape = inputs[0].shape
        let axis = axis < 0 ? axis + shape.count : axis
        let inner = coerceTo2D ? shape[axis...].reduce(1, *) : shape[shape.count - 1]
        let rows = shape.reduce(1, *) / max(inner, 1)
        return { buffers in
            let x = buffers.input(0), y = buffers.outputs[0]
            Parallel.chunks(rows, minimumPerChunk: max(1, (1 << 14) / max(inner, 1))) { range in
                for row in range { Softmax.row(x + row * inner, y + row * inner, count: inner) }
            }
        }
    }
}

enum Softmax {
    /// y = exp(x − max x) / Σ exp(x − max x), with the max, the exponentials and the scaling vectorised.
    static func row(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        typealias V = FastMath.Vector
        let width = V.scalarCount
        let vectorEnd = count - count % width
        var peaks = V(repeating: -.infinity)
        var i = 0
        while i < vectorEnd {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            peaks = peaks.replacing(with: v, where: v .> peaks)
            i += width
        }
        var peak = peaks.max()
        for j in vectorEnd..<count { peak = max(peak, x[j]) }
        var sums = V(repeating: 0)
        i = 0
        while i < vectorEnd {
            let e = FastMath.exp(UnsafeRawPointer(x + i).loadUnaligned(as: V.self) - peak)
            UnsafeMutableRawPointer(y + i).storeBytes(of: e, as: V.self)
            sums += e
            i += width
        }
        var sum = sums.sum()
        for j in vectorEnd..<count {
            let e = FastMath.apply(FastMath.exp, x[j] - peak)
            y[j] = e
            sum += e
        }
        let scale = 1 / sum
        i = 0
        while i < vectorEnd {
            let p = UnsafeMutableRawPointer(y + i)
            p.storeBytes(of: p.loadUnaligned(as: V.self) * scale, as: V.self)
            i += width
        }
        for j in vectorEnd..<count { y[j] *= scale }
    }
}
