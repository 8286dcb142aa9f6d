import Foundation

/// The parts of an ONNX `ModelProto` that the runtime uses, read with `ProtobufReader`.
/// Field numbers are those of onnx.proto (IR version 3 and later).
struct ONNXModel {
    var irVersion = 0
    /// Version of the default ("" or "ai.onnx") operator set.
    var opsetVersion = 0
    var graph = ONNXGraph()
    var metadata: [String: String] = [:]

    init(contentsOf url: URL) throws(RuntimeError) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw .malformedModel(file: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, name: url.lastPathComponent)
    }

    init(data: Data, name: String) throws(RuntimeError) {
        guard !data.isEmpty else { throw .malformedModel(file: name, reason: "empty file") }
        do {
            try data.withUnsafeBytes { bytes in
                let reader = ProtobufReader(bytes)
                for field in try reader.fields() {
                    switch field.number {
                    case 1: irVersion = Int(field.value)
                    case 7: graph = try ONNXGraph(reader.message(field), reader: reader)
                    case 8:
                        var domain = "", version = 0
                        let opset = reader.message(field)
                        for f in try opset.fields() {
                            if f.number == 1 { domain = opset.string(f) } else if f.number == 2 { version = Int(f.value) }
                        }
                        if domain.isEmpty || domain == "ai.onnx" { opsetVersion = version }
                    case 14:
                        var key = "", value = ""
                        let entry = reader.message(field)
                        for f in try entry.fields() {
                            if f.number == 1 { key = entry.string(f) } else if f.number == 2 { value = entry.string(f) }
                        }
                        metadata[key] = value
                    default: break
                    }
                }
            }
        } catch let error as ProtobufError {
            throw .malformedModel(file: name, reason: "not a valid ONNX protobuf (\(error))")
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw .malformedModel(file: name, reason: "\(error)")
        }
        guard !graph.nodes.isEmpty else { throw .malformedModel(file: name, reason: "the graph has no nodes") }
        guard !graph.outputs.isEmpty else { throw .malformedModel(file: name, reason: "the graph has no outputs") }
    }
}

struct ONNXGraph {
    var nodes: [ONNXNode] = []
    var initializers: [String: ConstantTensor] = [:]
    /// Declared inputs that are not initializers, with their declared dims (nil where symbolic).
    var inputs: [(name: String, dims: [Int?])] = []
    var outputs: [String] = []

    init() {}

    init(_ message: ProtobufReader, reader: ProtobufReader) throws {

        var declaredInputs: [(String, [Int?])] = []
        for field in try message.fields() {
            switch field.number {
            case 1: nodes.append(try ONNXNode(message.message(field)))
            case 5:
                let tensor = try ConstantTensor(message.message(field))
                initializers[tensor.name] = tensor
            case 11: declaredInputs.append(try ONNXGraph.valueInfo(message.message(field)))
            case 12: outputs.append(try ONNXGraph.valueInfo(message.message(field)).0)
            default: break
            }
        }
        inputs = declaredInputs.filter { initializers[$0.0] == nil }.map { (name: $0.0, dims: $0.1) }
    }

    /// ValueInfoProto → name and tensor dims (TypeProto.tensor_type.shape.dim.dim_value).
    private static func valueInfo(_ message: ProtobufReader) throws -> (String, [Int?]) {

        var name = ""
        var dims: [Int?] = []
        for field in try message.fields() {
            if field.number == 1 { name = message.string(field) }
            guard field.number == 2 else { continue }
            let type = message.message(field)
            for t in try type.fields() {
                guard t.number == 1 else { continue }
                let tensorType = type.message(t)
                for tt in try tensorType.fields() {
                    guard tt.number == 2 else { continue }
                    let shape = tensorType.message(tt)
                    for s in try shape.fields() {
                        guard s.number == 1 else { continue }
                        let dim = shape.message(s)
                        var value: Int?
                        for d in try dim.fields() { if d.number == 1 { value = Int(Int64(bitPattern: d.value)) } }
                        dims.append(value.flatMap { $0 > 0 ? $0 : nil })
                    }
                }
            }
        }
        return (name, dims)
    }
}

struct ONNXNode {
    var name = ""
    var opType = ""
    var domain = ""
    var inputs: [String] = []
    var outputs: [String] = []
    var attributes: [String: ONNXAttribute] = [:]

    init(name: String, opType: String, inputs: [String], outputs: [String], attributes: [String: ONNXAttribute] = [:]) {
        self.name = name; self.opType = opType; self.inputs = inputs; self.outputs = outputs; self.attributes = attributes
    }

    init(_ message: ProtobufReader) throws {

        for field in try message.fields() {
            switch field.number {
            case 1: inputs.append(message.string(field))
            case 2: outputs.append(message.string(field))
            case 3: name = message.string(field)
            case 4: opType = message.string(field)
            case 5:
                let (key, value) = try ONNXAttribute.parse(message.message(field))
                attributes[key] = value
            case 7: domain = message.string(field)
            default: break
            }
        }
        if name.isEmpty { name = "\(opType)→\(outputs.first ?? "?")" }
    }
}

enum ONNXAttribute {
    case int(Int)
    case float(Float)
    case string(String)
    case ints([Int])
    case floats([Float])
    case tensor(ConstantTensor)
    case other

    static func parse(_ message: ProtobufReader) throws -> (String, ONNXAttribute) {

        var name = ""
        var type = 0
        var i = 0, f: Float = 0, s = "", ints: [Int] = [], floats: [Float] = []
        var tensor: ConstantTensor?
        for field in try message.fields() {
            switch field.number {
            case 1: name = message.string(field)
            case 2: f = Float(bitPattern: UInt32(truncatingIfNeeded: field.value))
            case 3: i = Int(Int64(bitPattern: field.value))
            case 4: s = message.string(field)
            case 5: tensor = try ConstantTensor(message.message(field))
            case 7: floats += try message.floats(field)
            case 8: ints += try message.varints(field).map { Int(Int64(bitPattern: $0)) }
            case 20: type = Int(field.value)
            default: break
            }
        }
        // AttributeProto.AttributeType: FLOAT=1 INT=2 STRING=3 TENSOR=4 FLOATS=6 INTS=7.
        switch type {
        case 1: return (name, .float(f))
        case 2: return (name, .int(i))
        case 3: return (name, .string(s))
        case 4: return (name, tensor.map { .tensor($0) } ?? .other)
        case 6: return (name, .floats(floats))
        case 7: return (name, .ints(ints))
        default: return (name, .other)
        }
    }
}

/// A constant tensor from an initializer or a Constant node: float32 weights or int64 shape data.
struct ConstantTensor {
    enum Values { case floats([Float]), ints([Int]) }
    var name = ""
    var dims: [Int]
    var values: Values

    init(name: String, dims: [Int], values: Values) {
        self.name = name; self.dims = dims; self.values = values
    }

    init(_ message: ProtobufReader) throws {

        var dims: [Int] = []
        var dataType = 0
        var raw: Range<Int>?
        var floatData: [Float] = [], int64Data: [Int] = [], int32Data: [Int] = []
        var external = false
        for field in try message.fields() {
            switch field.number {
            case 1: dims += try message.varints(field).map { Int(Int64(bitPattern: $0)) }
            case 2: dataType = Int(field.value)
            case 4: floatData += try message.floats(field)
            case 5: int32Data += try message.varints(field).map { Int(Int32(truncatingIfNeeded: Int64(bitPattern: $0))) }
            case 7: int64Data += try message.varints(field).map { Int(Int64(bitPattern: $0)) }
            case 8: name = message.string(field)
            case 9: raw = field.range
            case 14: external = field.value == 1
            default: break
            }
        }
        self.dims = dims
        guard !external else { throw ProtobufError.malformed("tensor \(name) keeps its data in an external file") }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw ProtobufError.malformed("tensor \(name) has negative dims \(dims)") }
        let count = dims.reduce(1, *)
        // TensorProto.DataType: FLOAT=1 INT32=6 INT64=7.
        switch dataType {
        case 1:
            let floats = raw.map { message.littleEndianFloats($0) } ?? floatData
            guard raw == nil || raw!.count == 4 * count else {
                throw ProtobufError.malformed("tensor \(name): \(raw!.count) bytes of data for dims \(dims)")
            }
            guard floats.count == count else { throw ProtobufError.malformed("tensor \(name): \(floats.count) floats for dims \(dims)") }
            values = .floats(floats)
        case 6, 7:
            var ints = dataType == 7 ? int64Data : int32Data
            if let raw {
                let width = dataType == 7 ? 8 : 4
                guard raw.count == width * count else {
                    throw ProtobufError.malformed("tensor \(name): \(raw.count) bytes of data for dims \(dims)")
                }
                ints = (0..<count).map { index in
                    var value: UInt64 = 0
                    for byte in 0..<width { value |= UInt64(message.bytes[raw.lowerBound + index * width + byte]) << (8 * UInt64(byte)) }
                    return width == 8 ? Int(Int64(bitPattern: value)) : Int(Int32(truncatingIfNeeded: value))
                }
            }
            guard ints.count == count else { throw ProtobufError.malformed("tensor \(name): \(ints.count) ints for dims \(dims)") }
            values = .ints(ints)
        default:
            throw ProtobufError.malformed("tensor \(name) has data type \(dataType); only float32, int32 and int64 are supported")
        }
    }
}
