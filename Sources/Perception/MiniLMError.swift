import NeuralRuntime

/// Why the MiniLM sentence encoder cannot be built. Every case names the file at fault.
public enum MiniLMError: Error, Equatable, Sendable, CustomStringConvertible {
    case configurationUnreadable(path: String, reason: String)
    /// `config.json` is not a BERT configuration this encoder can run.
    case invalidConfiguration(path: String, reason: String)
    case weights(SafetensorsError)
    case vocabulary(TokenizerError)
    /// `vocab.txt` and `config.json` disagree on the number of tokens, so ids would index the wrong rows.
    case vocabularySizeMismatch(vocabularyPath: String, tokens: Int, configurationPath: String, vocabularySize: Int)
    /// The requested token limit does not fit the model's position table.
    case invalidMaxLength(Int, maxPositions: Int)

    public var description: String {
        switch self {
        case .configurationUnreadable(let path, let reason): "cannot read MiniLM configuration \(path): \(reason)"
        case .invalidConfiguration(let path, let reason): "MiniLM configuration \(path) is not usable: \(reason)"
        case .weights(let error): error.description
        case .vocabulary(let error): error.description
        case .vocabularySizeMismatch(let vocabularyPath, let tokens, let configurationPath, let vocabularySize):
            "vocabulary \(vocabularyPath) has \(tokens) tokens but \(configurationPath) says vocab_size \(vocabularySize)"
        case .invalidMaxLength(let length, let maxPositions):
            "a limit of \(length) tokens does not fit MiniLM's \(maxPositions) positions (use 2…\(maxPositions))"
        }
    }
}
