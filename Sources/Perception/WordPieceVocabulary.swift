import Foundation

/// A BERT `vocab.txt`: one token per line, the line number (from 0) is the token's id.
///
/// Tokens are keyed by their exact scalars, not by `String`: Swift compares strings by canonical
/// equivalence, so a decomposed input such as the Jamo of "가" would otherwise find the precomposed
/// vocabulary entry, which the reference never does.
public struct WordPieceVocabulary: Sendable {
    /// The special tokens of a BERT vocabulary, which the tokenizer also recognises verbatim in raw text.
    public static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    /// Tokens by id.
    public let tokens: [String]
    let ids: [[Unicode.Scalar]: Int]

    /// Reads `vocab.txt`. Lines end in LF (a CR before it is dropped); trailing whitespace is not part of a
    /// token, as in the reference's reader. Empty or repeated tokens and missing special tokens are errors,
    /// since they mean the file is not the vocabulary the model was trained with.
    public init(contentsOf url: URL) throws(TokenizerError) {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .vocabularyNotFound(path: path)
        }
        guard !isDirectory.boolValue else { throw .vocabularyUnreadable(path: path, reason: "it is a directory") }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .vocabularyUnreadable(path: path, reason: error.localizedDescription)
        }
        try self.init(data: data, path: path)
    }

    /// Parses vocabulary bytes; `path` only names the source in errors.
    public init(data: Data, path: String) throws(TokenizerError) {
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { throw .emptyVocabulary(path: path) }

        var tokens: [String] = []
        var ids: [[Unicode.Scalar]: Int] = [:]
        tokens.reserveCapacity(lines.count)
        ids.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            guard let text = String(validating: line, as: UTF8.self) else {
                throw .vocabularyNotUTF8(path: path, line: index + 1)
            }
            var scalars = Array(text.unicodeScalars)
            while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
            guard !scalars.isEmpty else { throw .emptyToken(path: path, line: index + 1) }
            let token = String(String.UnicodeScalarView(scalars))
            if let earlier = ids.updateValue(index, forKey: scalars) {
                throw .duplicateToken(path: path, token: token, lines: [earlier + 1, index + 1])
            }
            tokens.append(token)
        }
        for special in Self.specialTokens where ids[Array(special.unicodeScalars)] == nil {
            throw .missingSpecialToken(path: path, token: special)
        }
        self.tokens = tokens
        self.ids = ids
    }

    public var count: Int { tokens.count }

    /// The id of a token, matched scalar by scalar.
    public func id(of token: String) -> Int? { ids[Array(token.unicodeScalars)] }

    func id(of scalars: [Unicode.Scalar]) -> Int? { ids[scalars] }
}
