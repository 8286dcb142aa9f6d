import Testing
@testable import QZoom

/// The embedding cache: a text is embedded once while cached, and clearing it between pages keeps
/// the questions, which every page asks again.
@Suite struct EmbeddingSimilarityTests {
    /// Embeds a text as the unit vector of its length parity, and records every text it was given.
    final class RecordingEmbedder: TextEmbedder {
        var embedded: [String] = []
        func embed(_ texts: [String]) throws -> [[Float]] {
            embedded += texts
            return texts.map { $0.count % 2 == 0 ? [1, 0] : [0, 1] }
        }
    }

    @Test func clearingBetweenPagesKeepsTheQuestions() throws {
        let embedder = RecordingEmbedder()
        let similarity = EmbeddingSimilarity(embedder: embedder)
        let question = "What is the total?"
        #expect(try similarity.similarities(of: question, to: ["TOTAL", "CASH"]) == [0, 1])
        #expect(embedder.embedded.sorted() == ["CASH", "TOTAL", question].sorted())

        similarity.removeAll(keeping: [question])
        embedder.embedded = []
        #expect(try similarity.similarities(of: question, to: ["TOTAL", "RM 9.00"]) == [0, 0])
        #expect(embedder.embedded.sorted() == ["RM 9.00", "TOTAL"], "the question stays cached, the lines do not")
    }
}
