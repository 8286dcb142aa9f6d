import Foundation
import Testing
@testable import Perception

@Suite struct WordPieceTokenizerTests {
    /// Proves id-for-id parity with HF `tokenizers` on the model's own tokenizer.json for every fixture
    /// string: receipts, questions, punctuation, accents, CJK, emoji, controls, long words, special tokens.
    @Test func idsMatchTheReferenceForEveryFixtureString() throws {
        let fixture = try MiniLMFixtures.load(TokenFixture.self, from: "minilm-tokens.json")
        let tokenizer = try MiniLMFixtures.untruncatedTokenizer.get()
        #expect(fixture.cases.count >= 250)
        var mismatches = 0
        for (index, reference) in fixture.cases.enumerated() {
            let ids = tokenizer.encode(reference.text)
            if ids != reference.ids {
                mismatches += 1
                Issue.record("case \(index) \(reference.text.debugDescription): got \(ids), reference \(reference.ids)")
            }
        }
        #expect(mismatches == 0)
    }

    /// Proves that truncation keeps the first `maxLength − 2` pieces inside [CLS] … [SEP], and that batches
    /// pad with [PAD] and mask exactly as the reference does with truncation and padding enabled.
    @Test func batchesPadAndTruncateLikeTheReference() throws {
        let fixture = try MiniLMFixtures.load(TokenFixture.self, from: "minilm-tokens.json")
        let vocabulary = try MiniLMFixtures.untruncatedTokenizer.get().vocabulary
        #expect(fixture.batches.contains { batch in batch.ids.contains { $0.count == batch.maxLength } },
                "some fixture batch must actually be truncated")
        for reference in fixture.batches {
            let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary, maxLength: reference.maxLength)
            let batch = tokenizer.encode(reference.cases.map { fixture.cases[$0].text })
            #expect(batch.count == reference.ids.count)
            #expect(batch.sequenceLength == reference.ids.first?.count)
            for row in 0..<batch.count {
                #expect(Array(batch.ids(row: row)) == reference.ids[row], "maxLength \(reference.maxLength), row \(row)")
                #expect(Array(batch.attentionMask(row: row)) == reference.attentionMask[row])
                #expect(batch.lengths[row] == reference.attentionMask[row].reduce(0, +))
            }
        }
    }

    /// Proves the tokenizer's own contract on known words, independent of the fixture.
    @Test func encodesKnownWordsWithContinuationsAndSpecialTokens() throws {
        let tokenizer = try MiniLMFixtures.untruncatedTokenizer.get()
        let vocabulary = tokenizer.vocabulary
        let tokens = { (text: String) in tokenizer.encode(text).map { vocabulary.tokens[$0] } }
        #expect(tokens("TOTAL: RM 12.50") == ["[CLS]", "total", ":", "rm", "12", ".", "50", "[SEP]"])
        #expect(tokens("Ångström") == ["[CLS]", "ang", "##strom", "[SEP]"])
        #expect(tokens("hello [MASK] [mask]") == ["[CLS]", "hello", "[MASK]", "[", "mask", "]", "[SEP]"])
        #expect(tokens(String(repeating: "a", count: 101)) == ["[CLS]", "[UNK]", "[SEP]"])
        #expect(tokens("") == ["[CLS]", "[SEP]"])
        #expect(WordPieceTokenizer.maxInputCharsPerWord == 100)
        #expect(tokenizer.encode([]) == TokenBatch(rows: [], padID: tokenizer.padID))
    }

    /// Proves that a sequence never exceeds `maxLength` and always keeps its [SEP].
    @Test func truncationKeepsTheEndMarker() throws {
        let vocabulary = try MiniLMFixtures.untruncatedTokenizer.get().vocabulary
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary, maxLength: 4)
        let ids = tokenizer.encode("one two three four five")
        #expect(ids.count == 4)
        #expect(ids.first == tokenizer.clsID && ids.last == tokenizer.sepID)
        let one = try #require(vocabulary.id(of: "one"))
        #expect(tokenizer.encode("one") == [tokenizer.clsID, one, tokenizer.sepID])
    }
}
