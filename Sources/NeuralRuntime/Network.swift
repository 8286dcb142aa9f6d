import Foundation

/// An ONNX network loaded, checked and optimised once, then run many times.
///
/// Loading parses the file, rewrites the graph (BatchNorm folded into convolutions, bias adds and
/// activations fused into the producing product, GELU and hard-swish recognised) and builds every
/// operator, so an unsupported operator or a malformed file fails here, never during a run.
/// Planning (shapes, integer shape arithmetic, buffer offsets) happens once per distinct set of input
/// shapes and is cached; all intermediate tensors live in one arena that is reused by every run.
/// `run` is serialised by a lock: one network runs one input at a time.
public final class Network: @unchecked Sendable {
    public let name: String
    /// `metadata_props` of the model (the recognizer keeps its character list there).
    public let metadata: [String: String]
    public let inputNames: [String]
    public let outputNames: [String]

    let graph: NetworkGraph
    private struct PlanKey: Hashable {
        let shapes: [[Int]]
        let features: [Int]
    }
    private var plans: [PlanKey: ExecutionPlan] = [:]
    private var planOrder: [PlanKey] = []
    private var arena = TensorStorage(count: 0)
    /// The storage of each graph output of the last run, reused by the next run once the caller has let
    /// go of it: the recognizer's probabilities are up to 40 MB, and fresh pages would cost a page fault
    /// per 4 KiB on every run.
    private var recycledOutputs: [TensorStorage?] = []
    private let lock = NSLock()
    private static let cachedPlans = 16

    /// - Parameters:
    ///   - features: intermediate values (by ONNX name) to keep readable after a run, e.g. feature maps.
    ///   - probeShapes: input shapes planned once at load, so shape errors in the file surface at load too.
    public init(contentsOf url: URL, features: [String] = [], probeShapes: [[Int]]? = nil) throws(RuntimeError) {
        BLAS.ensureConfigured()
        let model = try ONNXModel(contentsOf: url)
        name = url.lastPathComponent
        metadata = model.metadata
        let graph = try NetworkGraph(model, name: name, keep: features)
        self.graph = graph
        inputNames = graph.inputs.map { graph.valueNames[$0] }
        outputNames = graph.outputs.map { graph.valueNames[$0] }
        if let probeShapes { _ = try plan(for: PlanKey(shapes: probeShapes, features: [])) }
    }

    /// Runs the network on one tensor per declared input (in `inputNames` order) and returns the graph
    /// outputs plus the requested `features`, by name.
    public func run(_ inputs: [Tensor], features: [String] = []) throws(RuntimeError) -> [String: Tensor] {
        try execute(inputs, features: features, timing: nil)
    }

    /// As `run`, and adds the seconds spent in each operator type to `timing`.
    public func run(_ inputs: [Tensor], features: [String] = [], timing: inout [String: Double]) throws(RuntimeError) -> [String: Tensor] {
        var collected: [String: Double] = [:]
        let result = try execute(inputs, features: features, timing: &collected)
        timing.merge(collected, uniquingKeysWith: +)
        return result
    }

    private func execute(_ inputs: [Tensor], features: [String], timing: UnsafeMutablePointer<[String: Double]>?) throws(RuntimeError) -> [String: Tensor] {
        guard inputs.count == graph.inputs.count else {
            throw .badInput("\(name) takes \(graph.inputs.count) inputs (\(inputNames)), got \(inputs.count)")
        }
        for (index, input) in inputs.enumerated() {
            let declared = graph.inputDims[index]
            let matches = declared.isEmpty || (declared.count == input.rank
                && zip(declared, input.shape).allSatisfy { $0 == nil || $0 == $1 })
            guard matches, input.count > 0 else {
                throw .badInput("\(name) input \(inputNames[index]) has shape \(declared.map { $0.map(String.init) ?? "?" }), got \(input.shape)")
            }
        }
        let requested = try features.map { feature throws(RuntimeError) -> Int in
            guard let id = graph.valueIDs[feature], graph.keptValues.contains(id) else {
                throw .badInput("\(feature) was not asked for as a feature when \(name) was loaded")
            }
            return id
        }
        let packed = inputs.map { $0.isContiguous ? $0 : $0.contiguous() }

        lock.lock()
        defer { lock.unlock() }
        let plan = try plan(for: PlanKey(shapes: packed.map(\.shape), features: Set(requested).sorted()))
        if arena.count < plan.arenaCount {
            // Grown by half at least: the recognizer's batches get wider line by line, and each new arena
            // is fresh memory to fault in. Nothing reads a buffer before writing it, so it is not zeroed.
            arena = TensorStorage(count: max(plan.arenaCount, arena.count + arena.count / 2), zeroed: false)
        }
        let base = arena.pointer
        var direct: [Int: Tensor] = [:]
        for (index, id) in graph.outputs.enumerated() {
            if case .output = plan.locations[id], let value = plan.values[id] {
                direct[index] = Tensor(shape: value.shape, strides: Tensor.contiguousStrides(value.shape),
                                       storage: outputStorage(index, count: value.count), offset: 0)
            }
        }
        let pointers: [UnsafeMutablePointer<Float>?] = plan.locations.map { location in
            switch location {
            case let .arena(offset): base + offset
            case let .constant(pointer): pointer
            case let .input(index): packed[index].storage.pointer + packed[index].offset
            case let .output(index): direct[index]?.storage.pointer
            case .none: nil
            }
        }
        for step in plan.steps {
            let buffers = KernelBuffers(inputs: step.inputs.map { pointers[$0] },
                                        outputs: step.outputs.map { pointers[$0]! },
                                        workspace: step.workspace.map { base + $0 })
            if let timing {
                let start = DispatchTime.now().uptimeNanoseconds
                step.kernel(buffers)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                timing.pointee[graph.nodes[step.node].opType, default: 0] += seconds
            } else {
                step.kernel(buffers)
            }
        }
        var results: [String: Tensor] = [:]
        for id in graph.outputs + requested {
            guard let value = plan.values[id] else { continue }
            if case let .output(index) = plan.locations[id], let tensor = direct[index] {
                results[graph.valueNames[id]] = tensor
                continue
            }
            let tensor = Tensor(uninitialized: value.shape)
            switch value {
            case .floats: if let source = pointers[id] { tensor.storage.pointer.update(from: source, count: value.count) }
            case let .ints(_, values): for (i, v) in values.enumerated() { tensor.storage.pointer[i] = Float(v) }
            }
            results[graph.valueNames[id]] = tensor
        }
        return results
    }

    /// Storage for graph output `index`: last run's when no tensor of the caller still uses it and it is
    /// large enough, otherwise new (and kept for the next run). Callers hold `lock`.
    private func outputStorage(_ index: Int, count: Int) -> TensorStorage {
        if recycledOutputs.count <= index { recycledOutputs += [TensorStorage?](repeating: nil, count: index + 1 - recycledOutputs.count) }
        if isKnownUniquelyReferenced(&recycledOutputs[index]), let storage = recycledOutputs[index], storage.count >= count {
            return storage
        }
        let storage = TensorStorage(count: count, zeroed: false)
        recycledOutputs[index] = storage
        return storage
    }

    /// The plan for these input shapes and features, made on first use. Callers hold `lock` (or are in
    /// `init`).
    private func plan(for key: PlanKey) throws(RuntimeError) -> ExecutionPlan {
        if let plan = plans[key] { return plan }
        let plan = try ExecutionPlan(network: graph, inputShapes: key.shapes, features: key.features)
        plans[key] = plan
        planOrder.append(key)
        if planOrder.count > Network.cachedPlans { plans[planOrder.removeFirst()] = nil }
        return plan
    }

    /// Multiply-adds of the convolutions and matrix products for one run on inputs of these shapes.
    public func multiplyAdds(inputShapes: [[Int]]) throws(RuntimeError) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return try plan(for: PlanKey(shapes: inputShapes, features: [])).multiplyAdds
    }

    /// Operator types after load-time fusion, with how many nodes of each (for docs and tests).
    public var operatorCounts: [String: Int] {
        graph.nodes.reduce(into: [:]) { $0[$1.opType, default: 0] += 1 }
    }
}
