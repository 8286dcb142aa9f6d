import Foundation
@testable import Perception

/// The committed reference fixtures (written by `scripts/reference/minilm-reference`) and the real model
/// files (fetched by `scripts/fetch-models`; `QZOOM_MODELS` points elsewhere, as for that script).
enum MiniLMFixtures {
    static let repository = URL(filePath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "Fixtures")

    static var modelDirectory: URL {
        let models = ProcessInfo.processInfo.environment["QZOOM_MODELS"].map { URL(filePath: $0) }
            ?? repository.appending(path: "models")
        return models.appending(path: "minilm")
    }

    static var vocabularyFile: URL { modelDirectory.appending(path: "vocab.txt") }

    /// The real MiniLM tokenizer with truncation out of the way, loaded once for all tests.
    static let untruncatedTokenizer = Result { () throws(TokenizerError) in
        try WordPieceTokenizer(vocabularyFile: vocabularyFile, maxLength: 1_000_000)
    }

    static func load<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: fixtures.appending(path: name)))
    }
}

/// `minilm-tokens.json`: ids from HF `tokenizers` for every string (no truncation, no padding), and a few
/// padded batches truncated to `maxLength`.
struct TokenFixture: Decodable {
    struct Case: Decodable {
        let text: String
        let ids: [Int]
    }
    struct Batch: Decodable {
        let maxLength: Int
        let cases: [Int]             // indices into `cases`
        let ids: [[Int]]             // padded rows
        let attentionMask: [[Int]]
    }
    let reference: String
    let cases: [Case]
    let batches: [Batch]
}

/// `minilm-scalar-digests.json`: per block of `blockSize` scalars, an FNV-1a 64 digest of what the reference
/// makes of each scalar alone (see `record`).
struct ScalarDigestFixture: Decodable {
    let reference: String
    let blockSize: Int
    let record: String
    let digests: [String]
}

/// `minilm-embeddings.json`: sentence-transformers embeddings (mean pooling, L2-normalised, inputs cut to
/// `maxLength` tokens) of a subset of the token strings, floats rounded to 7 significant digits. The BERT
/// forward pass is checked against these (cosine ≥ 0.9999).
struct EmbeddingFixture: Decodable {
    struct Case: Decodable {
        let text: String
        let embedding: [Float]
    }
    let reference: String
    let maxLength: Int
    let dimension: Int
    let cases: [Case]

    static func load() throws -> EmbeddingFixture {
        try MiniLMFixtures.load(EmbeddingFixture.self, from: "minilm-embeddings.json")
    }
}
