/// The graph between parsing and planning: ONNX nodes addressed by value name, plus the constants
/// (initializers and Constant nodes). Load-time rewrites (`GraphDraft+Fusion.swift`) work on this form.
struct GraphDraft {
    struct Node {
        var onnx: ONNXNode
        /// An activation absorbed from the node that followed (Conv, ConvTranspose, MatMul only).
        var activation: Activation?
        var removed = false
        var name: String { onnx.name }
        var op: String { onnx.opType }
    }

    var nodes: [Node]
    var constants: [String: ConstantTensor]
    var inputs: [(name: String, dims: [Int?])]
    /// Values that must survive the rewrites: graph outputs and the intermediate features callers asked for.
    var protected: Set<String>
    var outputs: [String]

    init(_ graph: ONNXGraph, keep: [String]) throws(RuntimeError) {
        constants = graph.initializers
        inputs = graph.inputs
        outputs = graph.outputs
        protected = Set(graph.outputs).union(keep)
        nodes = []
        var rename: [String: String] = [:]
        func resolved(_ name: String) -> String { rename[name] ?? name }
        for node in graph.nodes {
            var onnx = node
            onnx.inputs = onnx.inputs.map(resolved)
            guard onnx.domain.isEmpty || onnx.domain == "ai.onnx" else {
                throw .unsupportedOperator(op: "\(onnx.domain).\(onnx.opType)", node: onnx.name, reason: "custom operator domains are not supported")
            }
            switch onnx.opType {
            case "Constant":
                guard let output = onnx.outputs.first, case let .tensor(tensor)? = onnx.attributes["value"] else {
                    throw .unsupportedOperator(op: "Constant", node: onnx.name, reason: "only tensor-valued Constant nodes are supported")
                }
                constants[output] = ConstantTensor(name: output, dims: tensor.dims, values: tensor.values)
            case "Identity" where !protected.contains(onnx.outputs.first ?? ""):
                // Identity only renames a value; later nodes read the original directly.
                if let output = onnx.outputs.first, let input = onnx.inputs.first { rename[output] = input }
            default:
                nodes.append(Node(onnx: onnx))
            }
        }
    }

    // MARK: - Queries used by the rewrites

    func producers() -> [String: Int] {
        var map: [String: Int] = [:]
        for (index, node) in nodes.enumerated() where !node.removed {
            for output in node.onnx.outputs { map[output] = index }
        }
        return map
    }

    /// How many times each value is read (a protected value counts as read once more).
    func consumerCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for node in nodes where !node.removed { for input in node.onnx.inputs where !input.isEmpty { counts[input, default: 0] += 1 } }
        for name in protected { counts[name, default: 0] += 1 }
        return counts
    }

    func consumers() -> [String: [Int]] {
        var map: [String: [Int]] = [:]
        for (index, node) in nodes.enumerated() where !node.removed {
            for input in node.onnx.inputs where !input.isEmpty { map[input, default: []].append(index) }
        }
        return map
    }

    func floats(_ name: String) -> [Float]? {
        if case let .floats(values)? = constants[name]?.values { return values }
        return nil
    }

    func ints(_ name: String) -> [Int]? {
        if case let .ints(values)? = constants[name]?.values { return values }
        return nil
    }

    /// A single-element float constant, if `name` is one.
    func scalar(_ name: String) -> Float? {
        guard let values = floats(name), values.count == 1 else { return nil }
        return values[0]
    }

    /// Replaces every read of `old` with `new`.
    mutating func renameReads(_ old: String, to new: String) {
        for index in nodes.indices where !nodes[index].removed {
            nodes[index].onnx.inputs = nodes[index].onnx.inputs.map { $0 == old ? new : $0 }
        }
    }

    /// Removes nodes that nothing protected depends on.
    mutating func removeDeadNodes() {
        var live = protected
        for index in nodes.indices.reversed() where !nodes[index].removed {
            if nodes[index].onnx.outputs.contains(where: live.contains) {
                live.formUnion(nodes[index].onnx.inputs)
            } else {
                nodes[index].removed = true
            }
        }
        nodes.removeAll(where: \.removed)
    }
}
