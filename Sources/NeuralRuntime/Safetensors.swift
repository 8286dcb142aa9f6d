import Foundation

/// A safetensors file (https://github.com/huggingface/safetensors): an 8-byte little-endian header length,
/// a JSON header mapping tensor names to dtype, shape and byte offsets, then the raw little-endian data.
///
/// The header is validated strictly when the file is opened, so that a corrupted or mismatched model
/// fails at load with a message naming the file and the tensor, never later as garbage numbers:
/// every offset lies inside the data, every tensor's shape × element size equals its byte length,
/// tensors neither overlap nor leave holes, and nothing follows the last one.
/// The file is memory-mapped; tensors are converted to `Float` only when asked for.
public struct SafetensorsFile: Sendable {
    /// The element types of the format, with their size in bytes.
    public enum DType: String, Sendable, CaseIterable {
        case bool = "BOOL", u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
        case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
        case i32 = "I32", u32 = "U32", f32 = "F32"
        case i64 = "I64", u64 = "U64", f64 = "F64"

        public var size: Int {
            switch self {
            case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
            case .i16, .u16, .f16, .bf16: 2
            case .i32, .u32, .f32: 4
            case .i64, .u64, .f64: 8
            }
        }
    }

    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// Byte range within the data section (after the header).
        public let byteRange: Range<Int>

        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The reference implementation refuses headers above 100 MB; so do we, before allocating anything.
    public static let maxHeaderLength = 100_000_000

    public let path: String
    /// The free-form `__metadata__` strings.
    public let metadata: [String: String]
    /// Every tensor, by name.
    public let tensors: [String: TensorInfo]
    private let data: Data
    private let dataStart: Int

    public init(contentsOf url: URL) throws(SafetensorsError) {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadable(path: path, reason: "it is a directory") }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        try self.init(data: data, path: path)
    }

    /// Parses safetensors bytes; `path` only names the source in errors.
    public init(data: Data, path: String) throws(SafetensorsError) {
        guard data.count >= 8 else {
            throw .truncated(path: path, reason: "\(data.count) bytes, fewer than the 8 of the header length")
        }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(Self.maxHeaderLength) else {
            throw .invalidHeader(path: path, reason: "a header length of \(headerLength) bytes is over the limit "
                                 + "of \(Self.maxHeaderLength)")
        }
        let dataStart = 8 + Int(headerLength)
        guard data.count >= dataStart else {
            throw .truncated(path: path, reason: "the header needs \(headerLength) bytes, the file has "
                             + "\(data.count - 8) after the length")
        }
        let header = try Self.parseHeader(data[data.startIndex + 8..<data.startIndex + dataStart], path: path)
        let tensors = try Self.validate(header.entries, dataLength: data.count - dataStart, path: path)
        self.path = path
        self.metadata = header.metadata
        self.tensors = tensors
        self.data = data
        self.dataStart = dataStart
    }

    /// Checks that the file holds every `required` tensor and nothing outside `required ∪ optional`,
    /// so a model never runs on a checkpoint of a different architecture.
    public func checkNames(required: Set<String>, optional: Set<String> = []) throws(SafetensorsError) {
        if let missing = required.subtracting(tensors.keys).min() {
            throw .missingTensor(path: path, tensor: missing)
        }
        let unexpected = Set(tensors.keys).subtracting(required).subtracting(optional)
        guard unexpected.isEmpty else { throw .unexpectedTensors(path: path, tensors: unexpected.sorted()) }
    }

    /// The tensor's elements as `Float`, row-major, after checking its shape. F32 is copied; F16, BF16 and
    /// F64 are converted. Integer and 8-bit float tensors are refused.
    public func floats(_ name: String, shape expected: [Int]) throws(SafetensorsError) -> [Float] {
        guard let info = tensors[name] else { throw .missingTensor(path: path, tensor: name) }
        guard info.shape == expected else {
            throw .wrongShape(path: path, tensor: name, expected: expected, actual: info.shape)
        }
        let count = info.elementCount
        let start = dataStart + info.byteRange.lowerBound
        let bytes = data[data.startIndex + start..<data.startIndex + start + info.byteRange.count]
        switch info.dtype {
        case .f32: return Self.convert(bytes, count: count) { (b: UInt32) in Float(bitPattern: b) }
        case .f16: return Self.convert(bytes, count: count) { (b: UInt16) in Self.floatFromHalf(b) }
        case .bf16: return Self.convert(bytes, count: count) { (b: UInt16) in Float(bitPattern: UInt32(b) << 16) }
        case .f64: return Self.convert(bytes, count: count) { (b: UInt64) in Float(Double(bitPattern: b)) }
        default: throw .notFloatingPoint(path: path, tensor: name, dtype: info.dtype.rawValue)
        }
    }

    private static func convert<Bits: FixedWidthInteger>(
        _ data: Data, count: Int, _ transform: (Bits) -> Float
    ) -> [Float] {
        data.withUnsafeBytes { bytes in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                for i in 0..<count {
                    out[i] = transform(Bits(littleEndian: bytes.loadUnaligned(fromByteOffset: i * Bits.bitWidth / 8,
                                                                               as: Bits.self)))
                }
                initialized = count
            }
        }
    }

    /// IEEE 754 binary16 → binary32, exactly (every half is a float), including subnormals, infinities
    /// and NaN payloads. Done by hand because `Float16` does not exist on every platform Swift runs on.
    static func floatFromHalf(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits) & 0x3FF
        switch exponent {
        case 0x1F: return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        case 0 where mantissa == 0: return Float(bitPattern: sign)
        case 0:
            // A subnormal half, mantissa × 2⁻²⁴, is a normal float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        default: return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }
}

// MARK: - Header

extension SafetensorsFile {
    /// Decoded with `JSONDecoder` rather than `JSONSerialization` so that a shape of `[1.5]`, `[true]` or
    /// `["3"]` is a type error instead of a silently converted number.
    private struct Header: Decodable {
        struct Entry: Decodable {
            let name: String
            let dtype: String
            let shape: [Int]
            let offsets: [Int]

            init(from decoder: any Decoder) throws {
                name = decoder.codingPath.last?.stringValue ?? ""
                let fields = try decoder.container(keyedBy: Key.self)
                let extra = Set(fields.allKeys.map(\.stringValue)).subtracting(["dtype", "shape", "data_offsets"])
                guard extra.isEmpty else { throw Problem.entry(name, "unknown fields \(extra.sorted())") }
                dtype = try fields.decode(String.self, forKey: Key("dtype"))
                shape = try fields.decode([Int].self, forKey: Key("shape"))
                offsets = try fields.decode([Int].self, forKey: Key("data_offsets"))
                guard shape.allSatisfy({ $0 >= 0 }) else { throw Problem.entry(name, "a negative dimension in \(shape)") }
                guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
                    throw Problem.entry(name, "data_offsets \(offsets) is not a pair [begin, end] with 0 ≤ begin ≤ end")
                }
            }
        }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []

        init(from decoder: any Decoder) throws {
            let fields: KeyedDecodingContainer<Key>
            do {
                fields = try decoder.container(keyedBy: Key.self)
            } catch {
                throw Problem.header("not a JSON object")
            }
            for key in fields.allKeys {
                if key.stringValue == "__metadata__" {
                    do {
                        metadata = try fields.decode([String: String].self, forKey: key)
                    } catch {
                        throw Problem.header("__metadata__ is not an object of strings")
                    }
                    continue
                }
                do {
                    entries.append(try fields.decode(Entry.self, forKey: key))
                } catch let problem as Problem {
                    throw problem
                } catch {
                    throw Problem.entry(key.stringValue, Self.explain(error))
                }
            }
        }

        private static func explain(_ error: any Error) -> String {
            guard let error = error as? DecodingError else { return "\(error)" }
            switch error {
            case .keyNotFound(let key, _): return "no \"\(key.stringValue)\" field"
            case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
                let field = context.codingPath.dropFirst().first?.stringValue ?? "entry"
                return "\"\(field)\" is not of type \(type)"
            case .dataCorrupted(let context): return context.debugDescription
            @unknown default: return "\(error)"
            }
        }
    }

    private enum Problem: Error {
        case header(String)
        case entry(String, String)
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static func parseHeader(_ bytes: Data, path: String) throws(SafetensorsError) -> Header {
        do {
            return try JSONDecoder().decode(Header.self, from: bytes)
        } catch Problem.header(let reason) {
            throw .invalidHeader(path: path, reason: reason)
        } catch Problem.entry(let tensor, let reason) {
            throw .invalidEntry(path: path, tensor: tensor, reason: reason)
        } catch {
            throw .invalidHeader(path: path, reason: "not JSON (\(error.localizedDescription))")
        }
    }

    private static func validate(
        _ entries: [Header.Entry], dataLength: Int, path: String
    ) throws(SafetensorsError) -> [String: TensorInfo] {
        var tensors: [String: TensorInfo] = [:]
        for entry in entries {
            let (name, dtypeName, shape, offsets) = (entry.name, entry.dtype, entry.shape, entry.offsets)
            guard let dtype = DType(rawValue: dtypeName) else {
                throw .unknownDType(path: path, tensor: name, dtype: dtypeName)
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard end <= dataLength else {
                throw .offsetsOutOfRange(path: path, tensor: name, begin: begin, end: end, dataLength: dataLength)
            }
            var bytes = dtype.size
            for dimension in shape {
                let (product, overflow) = bytes.multipliedReportingOverflow(by: dimension)
                guard !overflow else {
                    throw .sizeMismatch(path: path, tensor: name, dtype: dtypeName, shape: shape, byteCount: end - begin)
                }
                bytes = product
            }
            guard bytes == end - begin else {
                throw .sizeMismatch(path: path, tensor: name, dtype: dtypeName, shape: shape, byteCount: end - begin)
            }
            tensors[name] = TensorInfo(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
        }
        // Sorted by position, each tensor must start exactly where the previous one ended.
        var covered = 0
        var previous: String?
        for info in tensors.values.sorted(by: { ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name)
                                                 < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name) }) {
            if info.byteRange.lowerBound < covered, let previous {
                throw .overlappingTensors(path: path, tensor: info.name, other: previous)
            }
            if info.byteRange.lowerBound > covered {
                throw .unindexedBytes(path: path, begin: covered, end: info.byteRange.lowerBound)
            }
            covered = info.byteRange.upperBound
            previous = info.name
        }
        guard covered == dataLength else { throw .unindexedBytes(path: path, begin: covered, end: dataLength) }
        return tensors
    }
}

// MARK: - Writing

extension SafetensorsFile {
    /// A float32 tensor to write.
    public struct FloatTensor: Sendable {
        public let shape: [Int]
        public let values: [Float]

        public init(shape: [Int], values: [Float]) {
            self.shape = shape
            self.values = values
        }
    }

    /// The bytes of a safetensors file holding `tensors` as F32, in name order, back to back, with the
    /// header padded with spaces to a multiple of 8 bytes as the reference writer does. This is the format
    /// for weights the project makes itself (and for checkpoints that tests build).
    public static func encode(_ tensors: [String: FloatTensor], metadata: [String: String] = [:]) -> Data {
        precondition(tensors.values.allSatisfy { $0.shape.reduce(1, *) == $0.values.count },
                     "a tensor's values must fill its shape")
        var header: [String] = []
        if !metadata.isEmpty { header.append("\"__metadata__\":" + json(metadata)) }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            guard let tensor = tensors[name] else { continue }
            let end = offset + tensor.values.count * 4
            header.append(json(name) + ":{\"dtype\":\"F32\",\"shape\":\(tensor.shape),\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var headerBytes = Array(("{" + header.joined(separator: ",") + "}").utf8)
        headerBytes += repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)
        var out = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for name in names {
            guard let tensor = tensors[name] else { continue }
            for value in tensor.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
        return out
    }

    private static func json(_ metadata: [String: String]) -> String {
        "{" + metadata.sorted { $0.key < $1.key }.map { json($0.key) + ":" + json($0.value) }.joined(separator: ",") + "}"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    private static func json(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
