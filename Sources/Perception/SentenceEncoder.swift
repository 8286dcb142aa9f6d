import Foundation
import NeuralRuntime

/// Sentence embeddings from all-MiniLM-L6-v2, as sentence-transformers computes them: WordPiece ids
/// (cut to 256 tokens), the BERT encoder, the mean of the token states over the real tokens, and L2
/// normalisation. Two texts' cosine similarity is the dot product of their embeddings.
public final class SentenceEncoder: Sendable {
    /// sentence-transformers' `max_seq_length` for all-MiniLM-L6-v2: longer texts are cut, `[SEP]` kept.
    public static let defaultMaxLength = 256
    /// Tokens per forward pass. Texts are packed into passes of about this many tokens, which bounds the
    /// activations (about 15 KB per token) while keeping the matrices large enough for BLAS.
    static let tokensPerPass = 2048

    public let tokenizer: WordPieceTokenizer
    public let network: MiniLM

    public var dimension: Int { network.configuration.hiddenSize }

    /// Reads `minilm/config.json`, `minilm/vocab.txt` and `minilm/model.safetensors` under `modelsDirectory`.
    public convenience init(modelsDirectory: URL, maxLength: Int = SentenceEncoder.defaultMaxLength) throws(MiniLMError) {
        let folder = modelsDirectory.appending(path: "minilm")
        let configurationFile = folder.appending(path: "config.json")
        let vocabularyFile = folder.appending(path: "vocab.txt")
        let configuration = try MiniLM.Configuration(contentsOf: configurationFile)
        guard (2...configuration.maxPositions).contains(maxLength) else {
            throw .invalidMaxLength(maxLength, maxPositions: configuration.maxPositions)
        }
        let tokenizer: WordPieceTokenizer
        do {
            tokenizer = try WordPieceTokenizer(vocabularyFile: vocabularyFile, maxLength: maxLength)
        } catch {
            throw .vocabulary(error)
        }
        guard tokenizer.vocabulary.count == configuration.vocabularySize else {
            throw .vocabularySizeMismatch(vocabularyPath: vocabularyFile.path, tokens: tokenizer.vocabulary.count,
                                          configurationPath: configurationFile.path,
                                          vocabularySize: configuration.vocabularySize)
        }
        let network: MiniLM
        do {
            let weights = try SafetensorsFile(contentsOf: folder.appending(path: "model.safetensors"))
            network = try MiniLM(configuration: configuration, weights: weights)
        } catch {
            throw .weights(error)
        }
        self.init(tokenizer: tokenizer, network: network)
    }

    /// Pairs a tokenizer with a network; the tokenizer's ids and lengths must fit the network.
    public init(tokenizer: WordPieceTokenizer, network: MiniLM) {
        precondition(tokenizer.vocabulary.count <= network.configuration.vocabularySize
                     && tokenizer.maxLength <= network.configuration.maxPositions, "tokenizer does not fit the network")
        self.tokenizer = tokenizer
        self.network = network
    }

    /// One L2-normalised embedding of `dimension` floats per text, in order. An empty text embeds
    /// `[CLS] [SEP]`, as in the reference. The result of a text does not depend on the other texts.
    /// Nothing in a text can make this fail; it throws only to keep the perception networks' shape.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        let sequences = texts.map { tokenizer.encode($0) }
        var embeddings: [[Float]] = []
        embeddings.reserveCapacity(texts.count)
        var start = 0
        while start < sequences.count {
            var end = start
            var tokens = 0
            while end < sequences.count, end == start || tokens + sequences[end].count <= Self.tokensPerPass {
                tokens += sequences[end].count
                end += 1
            }
            embeddings += pooledEmbeddings(Array(sequences[start..<end]))
            start = end
        }
        return embeddings
    }

    /// The mean of each sequence's token states, divided by its L2 norm floored at 1e-12, as torch's
    /// `F.normalize` does. Sums run in Double so that long texts lose nothing to rounding.
    private func pooledEmbeddings(_ sequences: [[Int]]) -> [[Float]] {
        let width = dimension
        let states = network.hiddenStates(sequences)
        var row = 0
        return sequences.map { sequence in
            var sum = [Double](repeating: 0, count: width)
            for _ in sequence {
                for i in 0..<width { sum[i] += Double(states[row * width + i]) }
                row += 1
            }
            let norm = max(sum.reduce(0) { $0 + $1 * $1 }.squareRoot() / Double(sequence.count), 1e-12)
            return sum.map { Float($0 / Double(sequence.count) / norm) }
        }
    }
}
