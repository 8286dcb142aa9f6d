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
            if rightIsShared {
                // Every batch element uses the same right matrix: stack the left matrices into one.
                BLAS.sgemm(m: batches * m, n: n, k: k, a: x, b: w, c: y)
            } else {
                var batch = 0
                layout.forEachRow { _, ia, ib, count, sa, sb in
                    for i in 0..<count {
                        BLAS.sgemm(m: m, n: n, k: k, a: x + (ia + i * sa) * m * k, b: w + (ib + i * sb) * k * n,
                                   c: y + batch * m * n)
                        batch += 1
                    }
                }
            }
            if bias != nil || activation != nil {
                let rows = batches * m
                Parallel.chunks(rows, minimumPerChunk: max(1, (1 << 15) / max(n, 1))) { range in
                    for row in range {
                        let p = y + row * n
                        if let bias { for j in 0..<n { p[j] += bias[j] } }
                        activation?.apply(p, p, count: n)
                    }
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
    static func row(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        typealias V = FastMath.Vector
        var peak = -Float.infinity
        for i in 0..<count { peak = max(peak, x[i]) }
        var sum: Float = 0
        var i = 0
        var partial = V(repeating: 0)
        while i + V.scalarCount <= count {
            let e = FastMath.exp(V(UnsafeBufferPointer(start: x + i, count: V.scalarCount)) - peak)
            UnsafeMutableRawPointer(y + i).storeBytes(of: e, as: V.self)
            partial += e
            i += V.scalarCount
        }
        sum = partial.sum()
        while i < count {
            let e = FastMath.apply(FastMath.exp, x[i] - peak)
            y[i] = e
            sum += e
            i += 1
        }
        let scale = 1 / sum
        for j in 0..<count { y[j] *= scale }
    }
}
