import Foundation
import Testing
@testable import Perception

/// The real all-MiniLM-L6-v2 (from `models/minilm`, fetched by `scripts/fetch-models`) against the
/// sentence-transformers embeddings in `Fixtures/minilm-embeddings.json`.
@Suite struct SentenceEncoderTests {
    /// Loaded once: the weights are 90 MB.
    static let encoder = Result { () throws(MiniLMError) in
        try SentenceEncoder(modelsDirectory: MiniLMFixtures.modelDirectory.deletingLastPathComponent())
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var (dot, aa, bb) = (0.0, 0.0, 0.0)
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            aa += Double(x) * Double(x)
            bb += Double(y) * Double(y)
        }
        return dot / (aa.squareRoot() * bb.squareRoot())
    }

    @Test func reproducesTheSentenceTransformersEmbeddings() throws {
        let encoder = try Self.encoder.get()
        let fixture = try EmbeddingFixture.load()
        #expect(encoder.tokenizer.maxLength == fixture.maxLength)
        #expect(encoder.dimension == fixture.dimension)
        let embeddings = try encoder.embed(fixture.cases.map(\.text))
        #expect(embeddings.count == fixture.cases.count)
        var worst = 1.0
        for (reference, embedding) in zip(fixture.cases, embeddings) {
            let cosine = Self.cosine(reference.embedding, embedding)
            worst = min(worst, cosine)
            #expect(cosine >= 0.9999, "cosine \(cosine) for \(reference.text.debugDescription)")
            let norm = embedding.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
        print("MiniLM parity: worst cosine \(worst) over \(fixture.cases.count) texts")
    }

    /// A text's embedding is the same alone, in a batch with shorter and longer texts, and in a batch large
    /// enough to be split over several forward passes.
    @Test func batchingDoesNotChangeAnEmbedding() throws {
        let encoder = try Self.encoder.get()
        let texts = try EmbeddingFixture.load().cases.map(\.text)
        let probes = ["TOTAL   RM 47.25", "", "What is the date of the receipt?", texts[texts.count - 1]]
        let alone = try probes.map { try encoder.embed([$0])[0] }
        let batch = texts + probes
        let tokens = batch.map { encoder.tokenizer.encode($0).count }.reduce(0, +)
        let repeats = SentenceEncoder.tokensPerPass / tokens + 1
        let many = Array(repeating: batch, count: repeats).flatMap { $0 }
        let embeddings = try encoder.embed(many)
        #expect(embeddings.count == many.count)
        for copy in 0..<repeats {
            for (p, expected) in alone.enumerated() {
                let got = embeddings[copy * batch.count + texts.count + p]
                let difference = zip(got, expected).map { abs($0 - $1) }.max() ?? 1
                #expect(difference <= 1e-5, "\(probes[p].prefix(20).debugDescription), copy \(copy): \(difference)")
            }
        }
    }

    @Test func embedsNothingAsNothing() throws {
        #expect(try Self.encoder.get().embed([]).isEmpty)
    }
}
