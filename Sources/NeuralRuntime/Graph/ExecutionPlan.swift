/// Everything about one run that depends only on the input shapes: each value's shape (and, for
/// integer values, its contents), where each float value lives, and the kernels in order. Made once per
/// distinct set of input shapes and requested features, and cached by `Network`.
struct ExecutionPlan {
    /// `output` buffers are allocated per run and handed to the caller as they are, so graph outputs
    /// (the recognizer's is 18 710 floats per time step) are written once and never copied.
    enum Location { case arena(offset: Int), constant(UnsafeMutablePointer<Float>), input(Int), output(Int), none }

    struct Step {
        let node: Int
        let kernel: Kernel
        let inputs: [Int]
        let outputs: [Int]
        let workspace: Int?
    }

    var values: [PlannedValue?]
    var locations: [Location]
    var steps: [Step] = []
    var arenaCount = 0
    var multiplyAdds = 0

    /// `features`: the kept values (see `NetworkGraph.keptValues`) this run reads after it ends; their
    /// buffers are never reused. The others are ordinary intermediates, so an unread feature map costs
    /// no memory of its own.
    init(network: NetworkGraph, inputShapes: [[Int]], features: [Int]) throws(RuntimeError) {
        values = [PlannedValue?](repeating: nil, count: network.valueNames.count)
        locations = [Location](repeating: .none, count: network.valueNames.count)
        for (id, constant) in network.constants {
            values[id] = constant.planned
            if case let .floats(storage) = constant.data { locations[id] = .constant(storage.pointer) }
        }
        for (index, id) in network.inputs.enumerated() {
            values[id] = .floats(shape: inputShapes[index])
            locations[id] = .input(index)
        }

        // 1. Shapes, integer values, and the kernels, node by node.
        var root = Array(0..<network.valueNames.count)   // the value whose buffer a view shares
        var pending: [(node: Int, kernel: Kernel, workspace: Int)] = []
        for (index, node) in network.nodes.enumerated() {
            let inputs = try node.inputs.map { id throws(RuntimeError) -> PlannedValue in
                guard let value = values[id] else {
                    throw .malformedModel(file: network.name, reason: "node \(node.name) reads \(network.valueNames[id]) before it is computed")
                }
                return value
            }
            let outputs = try node.op.infer(inputs, node: node.name)
            guard outputs.count >= node.outputs.count else {
                throw .unsupportedOperator(op: node.opType, node: node.name, reason: "\(node.outputs.count) outputs requested, \(outputs.count) produced")
            }
            for (id, value) in zip(node.outputs, outputs) { values[id] = value }
            guard outputs.contains(where: \.isFloat) else { continue }
            if node.op.aliasesInput {
                root[node.outputs[0]] = root[node.inputs[0]]
                locations[node.outputs[0]] = locations[root[node.inputs[0]]]
                continue
            }
            pending.append((index, node.op.kernel(inputs, outputs), node.op.workspaceCount(inputs)))
            multiplyAdds += node.op.multiplyAdds(inputs, outputs)
        }

        // 2. Liveness: the last step that reads each buffer (through any view of it).
        let never = Int.max
        var lastUse = [Int](repeating: -1, count: values.count)
        for (stepIndex, step) in pending.enumerated() {
            for id in network.nodes[step.node].inputs { lastUse[root[id]] = max(lastUse[root[id]], stepIndex) }
        }
        for id in network.outputs + features { lastUse[root[id]] = never }

        // 3. Arena offsets: buffers whose lifetimes do not overlap share memory.
        var arena = ArenaAllocator()
        for (stepIndex, step) in pending.enumerated() {
            let node = network.nodes[step.node]
            for id in node.outputs where root[id] == id {
                guard case let .floats(shape)? = values[id] else { continue }
                if let index = network.outputs.firstIndex(of: id) {
                    locations[id] = .output(index)
                    continue
                }
                let offset = arena.allocate(shape.reduce(1, *))
                locations[id] = .arena(offset: offset)
                if lastUse[id] < 0 { lastUse[id] = stepIndex }   // computed but never read
            }
            for id in node.outputs where root[id] != id { locations[id] = locations[root[id]] }
            var workspace: Int?
            if step.workspace > 0 {
                workspace = arena.allocate(step.workspace)
                arena.release(workspace!, step.workspace)
            }
            steps.append(Step(node: step.node, kernel: step.kernel, inputs: node.inputs, outputs: node.outputs, workspace: workspace))
            for id in Set(node.inputs.map { root[$0] } + node.outputs.map { root[$0] }) where lastUse[id] == stepIndex {
                if case let .arena(offset) = locations[id], case let .floats(shape)? = values[id] {
                    arena.release(offset, shape.reduce(1, *))
                }
            }
        }
        // Views of arena buffers resolve to their root's offset.
        for id in locations.indices where root[id] != id { locations[id] = locations[root[id]] }
        arenaCount = arena.high
    }
}

/// First-fit allocation of float ranges, in units of 16 floats (64 bytes) so every buffer is aligned.
struct ArenaAllocator {
    private var free: [(offset: Int, count: Int)] = []
    private(set) var high = 0

    private static func rounded(_ count: Int) -> Int { max(16, (count + 15) / 16 * 16) }

    mutating func allocate(_ count: Int) -> Int {
        let size = ArenaAllocator.rounded(count)
        // Best fit among the free ranges; otherwise grow at the top.
        if let best = free.indices.filter({ free[$0].count >= size }).min(by: { free[$0].count < free[$1].count }) {
            let offset = free[best].offset
            if free[best].count == size { free.remove(at: best) } else { free[best] = (offset + size, free[best].count - size) }
            return offset
        }
        if let last = free.last, last.offset + last.count == high {
            free.removeLast()
            high = last.offset + size
            return last.offset
        }
        defer { high += size }
        return high
    }

    mutating func release(_ offset: Int, _ count: Int) {
        let size = ArenaAllocator.rounded(count)
        let index = free.firstIndex { $0.offset > offset } ?? free.count
        free.insert((offset, size), at: index)
        // Merge with the neighbours so large buffers can be placed again later.
        if index + 1 < free.count, free[index].offset + free[index].count == free[index + 1].offset {
            free[index].count += free[index + 1].count
            free.remove(at: index + 1)
        }
        if index > 0, free[index - 1].offset + free[index - 1].count == free[index].offset {
            free[index - 1].count += free[index].count
            free.remove(at: index)
        }
    }
}
