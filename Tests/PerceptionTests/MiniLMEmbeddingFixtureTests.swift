import Foundation
import Testing

/// The embeddings fixture is the target `SentenceEncoderTests` checks the forward pass against; this proves
/// the fixture itself is well formed, so that a parity failure points at the encoder, not at the file.
@Suite struct MiniLMEmbeddingFixtureTests {
    @Test func fixtureHoldsUnitLengthEmbeddingsOfTokenCases() throws {
        let fixture = try EmbeddingFixture.load()
        let tokens = try MiniLMFixtures.load(TokenFixture.self, from: "minilm-tokens.json")
        let tokenTexts = Set(tokens.cases.map(\.text))
        #expect(fixture.dimension == 384)
        #expect(fixture.maxLength == 256)
        #expect(fixture.cases.count >= 30)
        for reference in fixture.cases {
            #expect(reference.embedding.count == fixture.dimension)
            let norm = reference.embedding.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5, "embedding of \(reference.text.debugDescription) is not L2-normalised")
            #expect(tokenTexts.contains(reference.text))
        }
    }
}
