/// The graph as it runs: operators built, values numbered, nodes in topological order.
struct NetworkGraph {
    struct Node {
        let name: String
        let opType: String
        let op: Operator
        let inputs: [Int]
        let outputs: [Int]
    }

    enum ConstantData { case floats(TensorStorage), ints([Int]) }
    struct Constant {
        let planned: PlannedValue
        let data: ConstantData
    }

    let name: String
    var valueNames: [String] = []
    var valueIDs: [String: Int] = [:]
    var nodes: [Node] = []
    var constants: [Int: Constant] = [:]
    var inputs: [Int] = []
    var inputDims: [[Int?]] = []
    var outputs: [Int] = []
    /// Graph outputs and requested features: never overwritten during a run.
    var keptValues: [Int] = []

    init(_ model: ONNXModel, name: String, keep features: [String]) throws(RuntimeError) {
        self.name = name
        var draft = try GraphDraft(model.graph, keep: features)
        draft.optimize()
        for feature in features where draft.producers()[feature] == nil && draft.constants[feature] == nil {
            throw .badInput("\(name) has no value named \(feature)")
        }

        func id(_ name: String) -> Int {
            if let id = valueIDs[name] { return id }
            valueIDs[name] = valueNames.count
            valueNames.append(name)
            return valueNames.count - 1
        }
        for input in draft.inputs {
            inputs.append(id(input.name))
            inputDims.append(input.dims)
        }
        var built: [(node: GraphDraft.Node, op: Operator, reads: [String])] = []
        for node in draft.nodes {
            let (op, reads) = try OperatorRegistry.make(node, draft: draft, opset: model.opsetVersion)
            built.append((node, op, reads.filter { !$0.isEmpty }))
        }
        for read in Set(built.flatMap(\.reads)) {
            guard let constant = draft.constants[read] else { continue }
            let planned: PlannedValue, data: ConstantData
            switch constant.values {
            case let .floats(values):
                let storage = TensorStorage(count: values.count)
                values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: values.count) }
                planned = .floats(shape: constant.dims)
                data = .floats(storage)
            case let .ints(values):
                planned = .ints(shape: constant.dims, values: values)
                data = .ints(values)
            }
            constants[id(read)] = Constant(planned: planned, data: data)
        }

        // Topological order (Kahn); a read of a value nothing produces is a malformed model.
        var available = Set(inputs).union(constants.keys)
        var remaining = built
        while !remaining.isEmpty {
            let before = remaining.count
            remaining.removeAll { entry in
                let reads = entry.reads.map(id)
                guard reads.allSatisfy(available.contains) else { return false }
                let writes = entry.node.onnx.outputs.map(id)
                nodes.append(Node(name: entry.node.name, opType: entry.node.op, op: entry.op, inputs: reads, outputs: writes))
                available.formUnion(writes)
                return true
            }
            if remaining.count == before {
                let stuck = remaining[0]
                let missing = stuck.reads.first { !available.contains(id($0)) } ?? "?"
                throw .malformedModel(file: name, reason: "node \(stuck.node.name) reads \(missing), which no node produces")
            }
        }
        for output in draft.outputs {
            guard let outputID = valueIDs[output], available.contains(outputID) else {
                throw .malformedModel(file: name, reason: "graph output \(output) is never produced")
            }
            outputs.append(outputID)
        }
        keptValues = outputs + features.compactMap { valueIDs[$0] }
    }
}
