import Foundation
@testable import NeuralRuntime

/// Writes small ONNX models in the protobuf wire format, so operator tests run through the real
/// loader, rewrites and planner exactly as the bundled models do.
struct ONNXBuilder {
    enum Attribute {
        case int(Int), float(Float), string(String), ints([Int]), floats([Float])
    }
    struct Node { let op: String; let inputs: [String]; let outputs: [String]; let attributes: [String: Attribute]; let name: String }

    var nodes: [Node] = []
    var initializers: [(name: String, dims: [Int], floats: [Float]?, ints: [Int]?)] = []
    var inputs: [(name: String, dims: [Int])] = []
    var outputs: [String] = []
    var opset = 11

    mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [String: Attribute] = [:], name: String? = nil) {
        nodes.append(Node(op: op, inputs: inputs, outputs: outputs, attributes: attributes, name: name ?? "\(op)_\(nodes.count)"))
    }
    mutating func weight(_ name: String, _ dims: [Int], _ values: [Float]) { initializers.append((name, dims, values, nil)) }
    mutating func ints(_ name: String, _ values: [Int]) { initializers.append((name, [values.count], nil, values)) }
    mutating func scalar(_ name: String, _ value: Float) { initializers.append((name, [], [value], nil)) }

    // MARK: wire format

    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        repeat { var byte = UInt8(v & 0x7f); v >>= 7; if v != 0 { byte |= 0x80 }; out.append(byte) } while v != 0
        return out
    }
    static func key(_ field: Int, _ wire: Int) -> [UInt8] { varint(UInt64(field << 3 | wire)) }
    static func int(_ field: Int, _ value: Int) -> [UInt8] { key(field, 0) + varint(UInt64(bitPattern: Int64(value))) }
    static func bytes(_ field: Int, _ payload: [UInt8]) -> [UInt8] { key(field, 2) + varint(UInt64(payload.count)) + payload }
    static func string(_ field: Int, _ s: String) -> [UInt8] { bytes(field, Array(s.utf8)) }
    static func float(_ field: Int, _ f: Float) -> [UInt8] { key(field, 5) + withUnsafeBytes(of: f.bitPattern.littleEndian, Array.init) }
    static func rawFloats(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    static func tensor(name: String, dims: [Int], floats: [Float]?, ints: [Int]?) -> [UInt8] {
        var out = dims.flatMap { int(1, $0) }
        if let floats {
            out += int(2, 1) + string(8, name) + bytes(9, rawFloats(floats))
        } else if let ints {
            out += int(2, 7) + string(8, name) + bytes(7, ints.flatMap { varint(UInt64(bitPattern: Int64($0))) })
        }
        return out
    }

    static func valueInfo(_ name: String, dims: [Int]?) -> [UInt8] {
        var out = string(1, name)
        if let dims {
            let shape = dims.flatMap { bytes(1, $0 > 0 ? int(1, $0) : string(2, "dynamic")) }
            out += bytes(2, bytes(1, int(1, 1) + bytes(2, shape)))
        }
        return out
    }

    func data() -> Data {
        var graph: [UInt8] = []
        for node in nodes {
            var n = node.inputs.flatMap { Self.string(1, $0) } + node.outputs.flatMap { Self.string(2, $0) }
            n += Self.string(3, node.name) + Self.string(4, node.op)
            for (name, value) in node.attributes.sorted(by: { $0.key < $1.key }) {
                var a = Self.string(1, name)
                switch value {
                case let .int(i): a += Self.int(3, i) + Self.int(20, 2)
                case let .float(f): a += Self.float(2, f) + Self.int(20, 1)
                case let .string(s): a += Self.string(4, s) + Self.int(20, 3)
                case let .ints(v): a += v.flatMap { Self.int(8, $0) } + Self.int(20, 7)
                case let .floats(v): a += Self.bytes(7, Self.rawFloats(v)) + Self.int(20, 6)
                }
                n += Self.bytes(5, a)
            }
            graph += Self.bytes(1, n)
        }
        graph += Self.string(2, "test")
        for i in initializers { graph += Self.bytes(5, Self.tensor(name: i.name, dims: i.dims, floats: i.floats, ints: i.ints)) }
        for input in inputs { graph += Self.bytes(11, Self.valueInfo(input.name, dims: input.dims)) }
        for output in outputs { graph += Self.bytes(12, Self.valueInfo(output, dims: nil)) }
        let model = Self.int(1, 7) + Self.bytes(7, graph) + Self.bytes(8, Self.int(2, opset))
        return Data(model)
    }

    /// Writes the model to a temporary file and loads it.
    func network(features: [String] = []) throws -> Network {
        let url = FileManager.default.temporaryDirectory.appending(path: "qzoom-test-\(UUID().uuidString).onnx")
        try data().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try Network(contentsOf: url, features: features)
    }

    /// Loads the model and runs it on `values` (one tensor per declared input); returns output 0.
    func run(_ values: [Tensor]) throws -> Tensor {
        let network = try network()
        let outputs = try network.run(values)
        guard let result = outputs[self.outputs[0]] else { throw RuntimeError.badInput("no output") }
        return result
    }
}

/// Deterministic test data in [-1, 1).
struct Noise {
    var state: UInt32
    init(_ seed: UInt32) { state = seed }
    mutating func next() -> Float { state = 1664525 &* state &+ 1013904223; return Float(Double(state >> 8) / Double(1 << 23) - 1) }
    mutating func values(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
    mutating func tensor(_ shape: [Int]) -> Tensor {
        // The shape is valid by construction.
        (try? Tensor(shape: shape, values: values(shape.reduce(1, *)))) ?? Tensor(zeros: shape)
    }
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "compared arrays differ in length: \(a.count) vs \(b.count)")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
