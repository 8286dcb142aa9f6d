/// What the planner knows about one value for a given set of input shapes.
enum PlannedValue {
    /// A float tensor that lives in a buffer (the arena, a weight, or the caller's input).
    case floats(shape: [Int])
    /// An integer tensor (shapes, indices) whose values are known while planning; never touches the arena.
    case ints(shape: [Int], values: [Int])

    var shape: [Int] {
        switch self {
        case let .floats(shape), let .ints(shape, _): shape
        }
    }

    var ints: [Int]? {
        if case let .ints(_, values) = self { return values }
        return nil
    }

    var isFloat: Bool { if case .floats = self { return true } else { return false } }
    var count: Int { shape.reduce(1, *) }
}

/// The buffers one kernel call reads and writes. Integer inputs have no buffer (`nil`).
struct KernelBuffers {
    var inputs: [UnsafeMutablePointer<Float>?]
    var outputs: [UnsafeMutablePointer<Float>]
    var workspace: UnsafeMutablePointer<Float>?

    func input(_ index: Int) -> UnsafeMutablePointer<Float> { inputs[index]! }
}

/// The work of one node for fixed shapes. Shapes and strides are captured when the plan is made.
typealias Kernel = (KernelBuffers) -> Void

/// One operator of the graph, built once at load from its ONNX node. Construction validates the
/// attributes (anything unsupported is rejected there); `infer` checks shapes for a given input.
protocol Operator: Sendable {
    /// Output shapes, and the values of integer outputs, for these inputs. Throws on a shape mismatch.
    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue]
    /// Scratch floats the kernel needs for these inputs.
    func workspaceCount(_ inputs: [PlannedValue]) -> Int
    /// The computation for fixed shapes. Called only for nodes with a float output.
    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel
    /// True when output 0 is input 0 under another shape (Reshape, Squeeze, …): no kernel, no copy.
    var aliasesInput: Bool { get }
    /// Multiply-adds of the matrix work (convolutions, products), for GFLOP/s reporting.
    func multiplyAdds(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Int
}

extension Operator {
    func workspaceCount(_ inputs: [PlannedValue]) -> Int { 0 }
    var aliasesInput: Bool { false }
    func multiplyAdds(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Int { 0 }
}

/// Attribute access with typed errors naming the node.
struct Attributes {
    let node: ONNXNode

    func int(_ name: String, default value: Int? = nil) throws(RuntimeError) -> Int {
        switch node.attributes[name] {
        case let .int(v)?: return v
        case nil: if let value { return value }
        default: break
        }
        throw .unsupportedOperator(op: node.opType, node: node.name, reason: "attribute \(name) missing or not an int")
    }

    func float(_ name: String, default value: Float) throws(RuntimeError) -> Float {
        switch node.attributes[name] {
        case let .float(v)?: return v
        case nil: return value
        default: throw .unsupportedOperator(op: node.opType, node: node.name, reason: "attribute \(name) is not a float")
        }
    }

    func ints(_ name: String) throws(RuntimeError) -> [Int]? {
        switch node.attributes[name] {
        case let .ints(v)?: return v
        case nil: return nil
        default: throw .unsupportedOperator(op: node.opType, node: node.name, reason: "attribute \(name) is not a list of ints")
        }
    }

    func string(_ name: String, default value: String) throws(RuntimeError) -> String {
        switch node.attributes[name] {
        case let .string(v)?: return v
        case nil: return value
        default: throw .unsupportedOperator(op: node.opType, node: node.name, reason: "attribute \(name) is not a string")
        }
    }

    func unsupported(_ reason: String) -> RuntimeError {
        .unsupportedOperator(op: node.opType, node: node.name, reason: reason)
    }
}

/// NumPy broadcasting of two shapes.
func broadcastShapes(_ a: [Int], _ b: [Int], node: String) throws(RuntimeError) -> [Int] {
    let rank = max(a.count, b.count)
    let a = [Int](repeating: 1, count: rank - a.count) + a
    let b = [Int](repeating: 1, count: rank - b.count) + b
    var out = [Int](repeating: 1, count: rank)
    for axis in 0..<rank {
        guard a[axis] == b[axis] || a[axis] == 1 || b[axis] == 1 else {
            throw .shapeMismatch(node: node, reason: "cannot broadcast \(a) with \(b)")
        }
        out[axis] = a[axis] == 1 ? b[axis] : a[axis]
    }
    return out
}

/// Resolves a possibly negative axis against a rank.
func normalizedAxis(_ axis: Int, rank: Int, node: String) throws(RuntimeError) -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    guard resolved >= 0 && resolved < max(rank, 1) else {
        throw .shapeMismatch(node: node, reason: "axis \(axis) out of range for rank \(rank)")
    }
    return resolved
}
