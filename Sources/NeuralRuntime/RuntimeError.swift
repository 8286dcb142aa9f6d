/// Everything that can go wrong when loading or running a network. Models come from files, so a bad
/// model is an input error, reported with the file, node and operator involved, never a crash.
public enum RuntimeError: Error, Equatable, CustomStringConvertible {
    /// The file cannot be read, or is not a well-formed protobuf (for example, truncated).
    case malformedModel(file: String, reason: String)
    /// The graph uses an operator (or an attribute value of one) that this runtime does not implement.
    case unsupportedOperator(op: String, node: String, reason: String)
    /// A tensor or attribute disagrees with the shape an operator needs.
    case shapeMismatch(node: String, reason: String)
    /// The caller fed an input the graph does not declare, or omitted one it needs.
    case badInput(String)

    public var description: String {
        switch self {
        case let .malformedModel(file, reason): "malformed model \(file): \(reason)"
        case let .unsupportedOperator(op, node, reason): "unsupported operator \(op) at node \(node): \(reason)"
        case let .shapeMismatch(node, reason): "shape mismatch at node \(node): \(reason)"
        case let .badInput(reason): "bad input: \(reason)"
        }
    }
}
