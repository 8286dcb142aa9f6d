/// Why a safetensors file cannot be used. Every case names the file, and the tensor when there is one,
/// so the message alone tells a user which model file to re-fetch and what is wrong with it.
public enum SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    /// The file ends before the header or the data the header describes.
    case truncated(path: String, reason: String)
    /// The header is not a JSON object of tensor entries (or its length field is absurd).
    case invalidHeader(path: String, reason: String)
    /// One entry of the header is malformed (missing field, wrong type, negative number, extra field).
    case invalidEntry(path: String, tensor: String, reason: String)
    case unknownDType(path: String, tensor: String, dtype: String)
    /// The shape times the element size is not the number of bytes the offsets span.
    case sizeMismatch(path: String, tensor: String, dtype: String, shape: [Int], byteCount: Int)
    case offsetsOutOfRange(path: String, tensor: String, begin: Int, end: Int, dataLength: Int)
    case overlappingTensors(path: String, tensor: String, other: String)
    /// Bytes of the data section that no tensor covers: a hole, or trailing garbage.
    case unindexedBytes(path: String, begin: Int, end: Int)
    case missingTensor(path: String, tensor: String)
    case unexpectedTensors(path: String, tensors: [String])
    case wrongShape(path: String, tensor: String, expected: [Int], actual: [Int])
    case notFloatingPoint(path: String, tensor: String, dtype: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read safetensors file \(path): \(reason)"
        case .truncated(let path, let reason): "safetensors file \(path) is truncated: \(reason)"
        case .invalidHeader(let path, let reason): "safetensors file \(path) has an invalid header: \(reason)"
        case .invalidEntry(let path, let tensor, let reason):
            "safetensors file \(path): the header entry of tensor \"\(tensor)\" is invalid: \(reason)"
        case .unknownDType(let path, let tensor, let dtype):
            "safetensors file \(path): tensor \"\(tensor)\" has the unknown dtype \"\(dtype)\""
        case .sizeMismatch(let path, let tensor, let dtype, let shape, let byteCount):
            "safetensors file \(path): tensor \"\(tensor)\" of dtype \(dtype) and shape \(shape) "
                + "does not fit the \(byteCount) bytes its offsets span"
        case .offsetsOutOfRange(let path, let tensor, let begin, let end, let dataLength):
            "safetensors file \(path): tensor \"\(tensor)\" spans bytes \(begin)..<\(end), "
                + "outside the \(dataLength) bytes of data after the header (is the file truncated?)"
        case .overlappingTensors(let path, let tensor, let other):
            "safetensors file \(path): tensors \"\(other)\" and \"\(tensor)\" overlap"
        case .unindexedBytes(let path, let begin, let end):
            "safetensors file \(path): data bytes \(begin)..<\(end) belong to no tensor"
        case .missingTensor(let path, let tensor):
            "safetensors file \(path) lacks the tensor \"\(tensor)\""
        case .unexpectedTensors(let path, let tensors):
            "safetensors file \(path) holds tensors the model does not have: "
                + tensors.map { "\"\($0)\"" }.joined(separator: ", ")
        case .wrongShape(let path, let tensor, let expected, let actual):
            "safetensors file \(path): tensor \"\(tensor)\" has shape \(actual), the model needs \(expected)"
        case .notFloatingPoint(let path, let tensor, let dtype):
            "safetensors file \(path): tensor \"\(tensor)\" is \(dtype), not a floating-point type"
        }
    }
}
