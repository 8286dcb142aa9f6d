import Perception

/// What the answerer needs from a sentence encoder: L2-normalised embeddings, so that a dot
/// product is a cosine similarity. `SentenceEncoder` (MiniLM) is the real one.
public protocol TextEmbedder: AnyObject {
    func embed(_ texts: [String]) throws -> [[Float]]
}

extension SentenceEncoder: TextEmbedder {}

/// An embedder broke its contract.
public enum EmbeddingError: Error, Equatable, CustomStringConvertible {
    case wrongCount(texts: Int, embeddings: Int)

    public var description: String {
        switch self {
        case .wrongCount(let texts, let embeddings): "the encoder returned \(embeddings) embeddings for \(texts) texts"
        }
    }
}

/// Question-to-line similarities with an embedding cache: a page's lines are embedded once and
/// shared by every query, and a question is embedded once per run.
public final class EmbeddingSimilarity {
    public let embedder: TextEmbedder
    private var cache: [String: [Float]] = [:]

    public init(embedder: TextEmbedder) {
        self.embedder = embedder
    }

    /// Embeddings of `texts`, computing only those not seen before (in one batch).
    public func embeddings(_ texts: [String]) throws -> [[Float]] {
        let missing = Set(texts.filter { cache[$0] == nil }).sorted()
        if !missing.isEmpty {
            let computed = try embedder.embed(missing)
            guard computed.count == missing.count else {
                throw EmbeddingError.wrongCount(texts: missing.count, embeddings: computed.count)
            }
            for (text, embedding) in zip(missing, computed) { cache[text] = embedding }
        }
        return texts.map { cache[$0] ?? [] }
    }

    /// The cosine similarity of `question` to each text, in order.
    public func similarities(of question: String, to texts: [String]) throws -> [Double] {
        let all = try embeddings([question] + texts)
        let q = all[0]
        return all.dropFirst().map { line in
            guard line.count == q.count else { return 0 }
            var dot: Float = 0
            for i in 0..<q.count { dot += q[i] * line[i] }
            return Double(dot)
        }
    }

    /// Drops cached embeddings (between pages, to bound memory), but those of `kept` (the questions,
    /// asked again on the next page).
    public func removeAll(keeping kept: [String] = []) {
        let keep = Set(kept)
        cache = cache.filter { keep.contains($0.key) }
    }
}
