/// Why a template file was rejected: the file, the line (from 1) and the reason.
public struct TemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        case unreadable(String)
        case syntax(String)
        case missingKey(String)
        case wrongType(key: String, expected: String)
        case unknownKey(String)
        case unknownAnswerType(String)
        case unknownDateOrder(String)
        case duplicateQuery(String)
        case invalidName(String)
        case emptyQuestion
        case noQueries
        case badHint(String)
        case outOfRange(key: String, detail: String)
        case duplicateTemplate(name: String, firstFile: String)
        case secondFallback(firstTemplate: String)

        public var description: String {
            switch self {
            case .unreadable(let detail): "cannot read the file: \(detail)"
            case .syntax(let detail): "TOML syntax error: \(detail)"
            case .missingKey(let key): "missing required key `\(key)`"
            case .wrongType(let key, let expected): "`\(key)` must be \(expected)"
            case .unknownKey(let key): "unknown key `\(key)`"
            case .unknownAnswerType(let type):
                "unknown answer type \"\(type)\" (expected one of: \(AnswerType.allCases.map(\.rawValue).joined(separator: ", ")))"
            case .unknownDateOrder(let order): "unknown date order \"\(order)\" (expected DMY, MDY or YMD)"
            case .duplicateQuery(let name): "duplicate query name \"\(name)\""
            case .invalidName(let name): "invalid name \"\(name)\" (use lowercase letters, digits, - and _)"
            case .emptyQuestion: "the question is empty"
            case .noQueries: "the template has no [[query]]"
            case .badHint(let detail): "bad position hint: \(detail)"
            case .outOfRange(let key, let detail): "`\(key)` \(detail)"
            case .duplicateTemplate(let name, let firstFile): "template \"\(name)\" is already defined in \(firstFile)"
            case .secondFallback(let first): "template \"\(first)\" is already the fallback"
            }
        }
    }

    public var file: String
    /// The line of the offending key, from 1 (the start of its table when the key is missing).
    public var line: Int
    public var reason: Reason

    public init(file: String, line: Int, reason: Reason) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(reason)" }
}
