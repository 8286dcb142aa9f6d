/// Operators that move or relabel data: Shape, Reshape, Squeeze, Unsqueeze, Identity, Cast, Slice,
/// Concat, Transpose. On integer tensors they run while planning; Reshape-like ones are zero-copy.

struct ShapeOperator: Operator {
    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let shape = inputs[0].shape
        return [.ints(shape: [shape.count], values: shape)]
    }
    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel { { _ in } }
}

/// Reshape (shape from input 1), Squeeze/Unsqueeze (axes attribute, opset 11), Identity and Cast.
/// The output is the input under another shape: a view, never a copy.
struct ViewOperator: Operator {
    enum Kind: Sendable { case reshape, squeeze(axes: [Int]?), unsqueeze(axes: [Int]), identity }
    let kind: Kind
    var aliasesInput: Bool { true }

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let input = inputs[0].shape
        var shape: [Int]
        switch kind {
        case .identity: shape = input
        case .reshape:
            guard inputs.count == 2, let target = inputs[1].ints else {
                throw .shapeMismatch(node: node, reason: "Reshape needs a shape known while planning")
            }
            shape = target.enumerated().map { $1 == 0 && $0 < input.count ? input[$0] : $1 }
            if let free = shape.firstIndex(of: -1) {
                let known = shape.enumerated().filter { $0.offset != free }.map(\.element).reduce(1, *)
                guard known > 0, inputs[0].count % known == 0 else {
                    throw .shapeMismatch(node: node, reason: "cannot reshape \(input) to \(target)")
                }
                shape[free] = inputs[0].count / known
            }
        case let .squeeze(axes):
            if let axes {
                let resolved = try Set(axes.map { a throws(RuntimeError) in try normalizedAxis(a, rank: input.count, node: node) })
                guard resolved.allSatisfy({ input[$0] == 1 }) else {
                    throw .shapeMismatch(node: node, reason: "cannot squeeze axes \(axes) of \(input)")
                }
                shape = input.enumerated().filter { !resolved.contains($0.offset) }.map(\.element)
            } else {
                shape = input.filter { $0 != 1 }
            }
        case let .unsqueeze(axes):
            let rank = input.count + axes.count
            let resolved = try Set(axes.map { a throws(RuntimeError) in try normalizedAxis(a, rank: rank, node: node) })
            var source = input.makeIterator()
            shape = (0..<rank).map { resolved.contains($0) ? 1 : (source.next() ?? 1) }
        }
        guard shape.reduce(1, *) == inputs[0].count else {
            throw .shapeMismatch(node: node, reason: "cannot view \(input) as \(shape)")
        }
        if let values = inputs[0].ints { return [.ints(shape: shape, values: values)] }
        return [.floats(shape: shape)]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel { { _ in } }
}

/// Cast between the integer types the graphs use for shapes (int32/int64), or float to float.
struct CastOperator: Operator {
    let toFloat: Bool
    var aliasesInput: Bool { true }

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        switch (inputs[0], toFloat) {
        case (.floats, true), (.ints, false): return [inputs[0]]
        default: throw .unsupportedOperator(op: "Cast", node: node, reason: "only float→float and int→int casts are supported")
        }
    }
    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel { { _ in } }
}

/// Slice (opset 10+: starts, ends, axes, steps as inputs, all known while planning).
struct SliceOperator: Operator {
    func ranges(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> (starts: [Int], steps: [Int], shape: [Int]) {
        let shape = inputs[0].shape
        guard inputs.count >= 3, let starts = inputs[1].ints, let ends = inputs[2].ints else {
            throw .shapeMismatch(node: node, reason: "Slice needs starts and ends known while planning")
        }
        let axes = inputs.count > 3 ? (inputs[3].ints ?? []) : Array(0..<starts.count)
        let steps = inputs.count > 4 ? (inputs[4].ints ?? []) : [Int](repeating: 1, count: starts.count)
        guard axes.count == starts.count, ends.count == starts.count, steps.count == starts.count else {
            throw .shapeMismatch(node: node, reason: "Slice starts, ends, axes and steps differ in length")
        }
        var first = [Int](repeating: 0, count: shape.count)
        var step = [Int](repeating: 1, count: shape.count)
        var out = shape
        for i in axes.indices {
            let axis = try normalizedAxis(axes[i], rank: shape.count, node: node)
            let size = shape[axis]
            guard steps[i] > 0 else { throw .unsupportedOperator(op: "Slice", node: node, reason: "only positive steps are supported") }
            func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + size : v, 0), size) }
            let start = clamp(starts[i]), end = clamp(ends[i])
            first[axis] = start
            step[axis] = steps[i]
            out[axis] = end > start ? (end - start + steps[i] - 1) / steps[i] : 0
        }
        return (first, step, out)
    }

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let (starts, steps, shape) = try ranges(inputs, node: node)
        guard let values = inputs[0].ints else { return [.floats(shape: shape)] }
        let strides = Tensor.contiguousStrides(inputs[0].shape)
        var out: [Int] = []
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<shape.reduce(1, *) {
            var position = 0
            for axis in shape.indices { position += (starts[axis] + index[axis] * steps[axis]) * strides[axis] }
            out.append(values[position])
            var axis = shape.count - 1
            while axis >= 0 { index[axis] += 1; if index[axis] < shape[axis] { break }; index[axis] = 0; axis -= 1 }
        }
        return [.ints(shape: shape, values: out)]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        // `infer` has already validated these inputs.
        guard let (starts, steps, shape) = try? ranges(inputs, node: "") else { return { _ in } }
        let strides = Tensor.contiguousStrides(inputs[0].shape)
        let offset = zip(starts, strides).map(*).reduce(0, +)
        let sourceStrides = zip(strides, steps).map(*)
        return { buffers in
            StridedCopy.copy(shape: shape, source: buffers.input(0) + offset, sourceStrides: sourceStrides,
                             destination: buffers.outputs[0], destinationStrides: Tensor.contiguousStrides(shape))
        }
    }
}

struct ConcatOperator: Operator {
    let axis: Int

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        guard let first = inputs.first else { throw .shapeMismatch(node: node, reason: "Concat of nothing") }
        let axis = try normalizedAxis(self.axis, rank: first.shape.count, node: node)
        var shape = first.shape
        shape[axis] = 0
        for input in inputs {
            var other = input.shape
            guard other.count == shape.count else { throw .shapeMismatch(node: node, reason: "Concat of ranks \(inputs.map(\.shape))") }
            shape[axis] += other[axis]
            other[axis] = shape[axis]
            guard other == shape else { throw .shapeMismatch(node: node, reason: "Concat of \(inputs.map(\.shape)) along \(axis)") }
        }
        if inputs.allSatisfy({ $0.ints != nil }) {
            let outer = shape[..<axis].reduce(1, *)
            var values: [Int] = []
            for o in 0..<outer {
                for input in inputs {
                    let inner = input.shape[axis...].reduce(1, *)
                    values += input.ints![(o * inner)..<((o + 1) * inner)]
                }
            }
            return [.ints(shape: shape, values: values)]
        }
        guard inputs.allSatisfy(\.isFloat) else { throw .shapeMismatch(node: node, reason: "Concat mixes integer and float inputs") }
        return [.floats(shape: shape)]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let shape = outputs[0].shape
        let axis = axis < 0 ? axis + shape.count : axis
        let outer = shape[..<axis].reduce(1, *)
        let outputInner = shape[axis...].reduce(1, *)
        let inners = inputs.map { $0.shape[axis...].reduce(1, *) }
        return { buffers in
            var start = 0
            for (index, inner) in inners.enumerated() {
                let source = buffers.input(index)
                for o in 0..<outer {
                    (buffers.outputs[0] + o * outputInner + start).update(from: source + o * inner, count: inner)
                }
                start += inner
            }
        }
    }
}

struct TransposeOperator: Operator {
    let permutation: [Int]?

    func perm(_ rank: Int) -> [Int] { permutation ?? Array((0..<rank).reversed()) }

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let shape = inputs[0].shape
        let perm = perm(shape.count)
        guard perm.sorted() == Array(0..<shape.count) else {
            throw .shapeMismatch(node: node, reason: "permutation \(perm) for shape \(shape)")
        }
        guard inputs[0].isFloat else { throw .unsupportedOperator(op: "Transpose", node: node, reason: "integer input") }
        return [.floats(shape: perm.map { shape[$0] })]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let shape = inputs[0].shape
        let perm = perm(shape.count)
        let strides = Tensor.contiguousStrides(shape)
        let outShape = outputs[0].shape
        let sourceStrides = perm.map { strides[$0] }
        let destinationStrides = Tensor.contiguousStrides(outShape)
        return { buffers in
            StridedCopy.copy(shape: outShape, source: buffers.input(0), sourceStrides: sourceStrides,
                             destination: buffers.outputs[0], destinationStrides: destinationStrides)
        }
    }
}
