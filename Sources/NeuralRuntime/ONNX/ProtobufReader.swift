/// A reader for the protobuf wire format: just enough to walk ONNX messages.
///
/// ONNX needs a handful of messages and fields, so a ~100-line reader is simpler to audit than
/// swift-protobuf plus thousands of lines of generated code. Every read is bounds-checked; a truncated
/// or corrupt file throws `ProtobufError` instead of trapping.
struct ProtobufReader {
    enum WireType: UInt64 { case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5 }

    struct Field {
        let number: Int
        let wireType: WireType
        /// The varint or fixed value, or the payload's byte range for length-delimited fields.
        let value: UInt64
        let range: Range<Int>
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        self.bytes = bytes
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    var isAtEnd: Bool { position >= end }

    mutating func readVarint() throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw .truncated(at: position) }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw .malformed("varint longer than 10 bytes at \(position)") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func nextField() throws(ProtobufError) -> Field {
        let key = try readVarint()
        guard let wireType = WireType(rawValue: key & 7) else {
            throw .malformed("unsupported wire type \(key & 7) at \(position)")
        }
        let number = Int(key >> 3)
        switch wireType {
        case .varint:
            return Field(number: number, wireType: wireType, value: try readVarint(), range: position..<position)
        case .fixed32:
            let value = try readFixed(4)
            return Field(number: number, wireType: wireType, value: value, range: position - 4..<position)
        case .fixed64:
            let value = try readFixed(8)
            return Field(number: number, wireType: wireType, value: value, range: position - 8..<position)
        case .lengthDelimited:
            let length = try readVarint()
            guard length <= UInt64(end - position) else { throw .truncated(at: position) }
            let range = position..<position + Int(length)
            position = range.upperBound
            return Field(number: number, wireType: wireType, value: length, range: range)
        }
    }

    private mutating func readFixed(_ size: Int) throws(ProtobufError) -> UInt64 {
        guard end - position >= size else { throw .truncated(at: position) }
        var value: UInt64 = 0
        for i in 0..<size { value |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += size
        return value
    }

    /// A reader over a length-delimited field's payload (an embedded message).
    func message(_ field: Field) -> ProtobufReader { ProtobufReader(bytes, range: field.range) }

    func string(_ field: Field) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[field.range]), as: UTF8.self)
    }

    /// Repeated varints, packed (one length-delimited field) or not (one varint field per value).
    func varints(_ field: Field) throws(ProtobufError) -> [UInt64] {
        if field.wireType == .varint { return [field.value] }
        var reader = message(field)
        var values: [UInt64] = []
        while !reader.isAtEnd { values.append(try reader.readVarint()) }
        return values
    }

    /// Repeated floats, packed or not.
    func floats(_ field: Field) throws(ProtobufError) -> [Float] {
        switch field.wireType {
        case .fixed32: return [Float(bitPattern: UInt32(truncatingIfNeeded: field.value))]
        case .lengthDelimited:
            guard field.range.count % 4 == 0 else { throw .malformed("packed floats of \(field.range.count) bytes") }
            return littleEndianFloats(field.range)
        default: throw .malformed("field \(field.number) is not a float")
        }
    }

    func littleEndianFloats(_ range: Range<Int>) -> [Float] {
        let count = range.count / 4
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[range.lowerBound..<range.lowerBound + 4 * count]))
            initialized = count
        }
    }

    /// Every field of the message, in order.
    func fields() throws(ProtobufError) -> [Field] {
        var walker = self
        var fields: [Field] = []
        while !walker.isAtEnd { fields.append(try walker.nextField()) }
        return fields
    }
}

enum ProtobufError: Error, Equatable {
    case truncated(at: Int)
    case malformed(String)
}
