import Foundation

/// Add, Sub, Mul, Div and Pow with NumPy broadcasting. Integer inputs (shape arithmetic) are computed
/// while planning; float inputs run a loop whose innermost axis is contiguous or broadcast.
struct BinaryOperator: Operator {
    enum Function: Sendable { case add, sub, mul, div, pow }
    let function: Function

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        guard inputs.count == 2 else { throw .shapeMismatch(node: node, reason: "expects two inputs") }
        let shape = try broadcastShapes(inputs[0].shape, inputs[1].shape, node: node)
        if let a = inputs[0].ints, let b = inputs[1].ints {
            let layout = BroadcastLayout(output: shape, a: inputs[0].shape, b: inputs[1].shape)
            var out: [Int] = []
            layout.forEachRow { o, ia, ib, n, sa, sb in
                for i in 0..<n {
                    let x = a[ia + i * sa], y = b[ib + i * sb]
                    switch function {
                    case .add: out.append(x + y)
                    case .sub: out.append(x - y)
                    case .mul: out.append(x * y)
                    case .div: out.append(y == 0 ? 0 : x / y)
                    case .pow: out.append(Int(Foundation.pow(Double(x), Double(y))))
                    }
                }
            }
            return [.ints(shape: shape, values: out)]
        }
        guard inputs[0].isFloat, inputs[1].isFloat else {
            throw .shapeMismatch(node: node, reason: "mixes integer and float inputs")
        }
        return [.floats(shape: shape)]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let layout = BroadcastLayout(output: outputs[0].shape, a: inputs[0].shape, b: inputs[1].shape)
        let function = function
        let rows = layout.rowCount, length = layout.rowLength, sa = layout.rowStrideA, sb = layout.rowStrideB
        // Split over the workers: a same-shape Add (the residual connections) is one long row, cut into
        // pieces; otherwise whole rows.
        return { buffers in
            let a = buffers.input(0), b = buffers.input(1), out = buffers.outputs[0]
            if rows == 1 {
                Parallel.chunks(length, minimumPerChunk: 1 << 15, alignment: 16) { range in
                    let start = range.lowerBound
                    BinaryOperator.row(function, a + start * sa, sa, b + start * sb, sb, out + start, range.count)
                }
            } else {
                Parallel.chunks(rows, minimumPerChunk: max(1, (1 << 15) / max(length, 1))) { range in
                    for row in range {
                        let (ia, ib) = layout.offsets(ofRow: row)
                        BinaryOperator.row(function, a + ia, sa, b + ib, sb, out + row * length, length)
                    }
                }
            }
        }
    }

    /// out[i] = a[i·sa] ∘ b[i·sb], where each stride is 0 (broadcast) or 1.
    @inline(__always)
    static func row(_ f: Function, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
                    _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        @inline(__always) func loop(_ op: (Float, Float) -> Float) {
            switch (sa, sb) {
            case (1, 1): for i in 0..<n { out[i] = op(a[i], b[i]) }
            case (1, 0): let y = b[0]; for i in 0..<n { out[i] = op(a[i], y) }
            case (0, 1): let x = a[0]; for i in 0..<n { out[i] = op(x, b[i]) }
            default: let v = op(a[0], b[0]); for i in 0..<n { out[i] = v }
            }
        }
        switch f {
        case .add: loop(+)
        case .sub: loop(-)
        case .mul: loop(*)
        case .div: loop(/)
        case .pow:
            if sb == 0 && b[0] == 2 { loop { x, _ in x * x } } else { loop { Foundation.pow($0, $1) } }
        }
    }
}


/// Walks an output shape as rows along its last (coalesced) axis, with the matching offsets and
/// strides (0 or 1 along the row) of two broadcast inputs.
struct BroadcastLayout: Sendable {
    let outerShape: [Int]
    let outerStridesA: [Int], outerStridesB: [Int]
    let rowLength: Int, rowStrideA: Int, rowStrideB: Int

    init(output: [Int], a: [Int], b: [Int]) {
        let rank = output.count
        func strides(_ shape: [Int]) -> [Int] {
            let padded = [Int](repeating: 1, count: rank - shape.count) + shape
            let contiguous = Tensor.contiguousStrides(padded)
            return (0..<rank).map { padded[$0] == 1 ? 0 : contiguous[$0] }
        }
        var dims: [Int] = [], sa: [Int] = [], sb: [Int] = []
        let fullA = strides(a), fullB = strides(b)
        for axis in 0..<rank where output[axis] != 1 {
            let x = fullA[axis], y = fullB[axis]
            // Merge with the previous axis when both inputs continue their layout across the boundary.
            if let d = dims.last, let px = sa.last, let py = sb.last,
               (px == 0 && x == 0) || (x != 0 && px == x * output[axis]),
               (py == 0 && y == 0) || (y != 0 && py == y * output[axis]) {
                dims[dims.count - 1] = d * output[axis]
                sa[sa.count - 1] = x; sb[sb.count - 1] = y
            } else {
                dims.append(output[axis]); sa.append(x); sb.append(y)
            }
        }
        if dims.isEmpty { dims = [1]; sa = [0]; sb = [0] }
        rowLength = dims.last!
        rowStrideA = sa.last! == 0 ? 0 : 1
        rowStrideB = sb.last! == 0 ? 0 : 1
        outerShape = Array(dims.dropLast())
        outerStridesA = Array(sa.dropLast())
        outerStridesB = Array(sb.dropLast())
    }

    var rowCount: Int { outerShape.reduce(1, *) }

    /// Where row `row` starts in the two inputs.
    func offsets(ofRow row: Int) -> (a: Int, b: Int) {
        var rest = row, a = 0, b = 0
        for axis in outerShape.indices.reversed() {
            let index = rest % outerShape[axis]
            rest /= outerShape[axis]
            a += index * outerStridesA[axis]
            b += index * outerStridesB[axis]
        }
        return (a, b)
    }

    /// body(outputOffset, aOffset, bOffset, rowLength, aRowStride, bRowStride)
    @inline(__always)
    func forEachRow(_ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let rows = outerShape.reduce(1, *)
        if outerShape.isEmpty { body(0, 0, 0, rowLength, rowStrideA, rowStrideB); return }
        var index = [Int](repeating: 0, count: outerShape.count)
        var offsetA = 0, offsetB = 0
        for row in 0..<rows {
            body(row * rowLength, offsetA, offsetB, rowLength, rowStrideA, rowStrideB)
            var axis = outerShape.count - 1
            while axis >= 0 {
                index[axis] += 1
                offsetA += outerStridesA[axis]; offsetB += outerStridesB[axis]
                if index[axis] < outerShape[axis] { break }
                offsetA -= outerStridesA[axis] * outerShape[axis]; offsetB -= outerStridesB[axis] * outerShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
