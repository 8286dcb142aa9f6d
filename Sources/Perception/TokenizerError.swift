/// Why a tokenizer cannot be built. Every case names the file and what is wrong with it, so the message
/// alone tells a user which model file to re-fetch.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    case vocabularyNotFound(path: String)
    case vocabularyUnreadable(path: String, reason: String)
    case vocabularyNotUTF8(path: String, line: Int)
    case emptyVocabulary(path: String)
    case emptyToken(path: String, line: Int)
    case duplicateToken(path: String, token: String, lines: [Int])
    case missingSpecialToken(path: String, token: String)
    case invalidMaxLength(Int)

    public var description: String {
        switch self {
        case .vocabularyNotFound(let path): "no vocabulary file at \(path)"
        case .vocabularyUnreadable(let path, let reason): "cannot read vocabulary \(path): \(reason)"
        case .vocabularyNotUTF8(let path, let line): "vocabulary \(path) is not UTF-8 text (line \(line))"
        case .emptyVocabulary(let path): "vocabulary \(path) has no tokens"
        case .emptyToken(let path, let line): "vocabulary \(path) has an empty token on line \(line)"
        case .duplicateToken(let path, let token, let lines):
            "vocabulary \(path) lists \"\(token)\" twice (lines \(lines.map(String.init).joined(separator: " and ")))"
        case .missingSpecialToken(let path, let token): "vocabulary \(path) lacks the special token \(token)"
        case .invalidMaxLength(let length):
            "a maximum sequence length of \(length) leaves no room for [CLS] and [SEP] (it must be at least 2)"
        }
    }
}
