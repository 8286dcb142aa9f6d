import Foundation
import Testing
@testable import Perception

@Suite struct BertTextTests {
    static let digestFixture = Result { try MiniLMFixtures.load(ScalarDigestFixture.self, from: "minilm-scalar-digests.json") }

    /// Proves parity with the reference for every Unicode scalar on its own, block by block: the normalised
    /// text (clean text, CJK spacing, NFD, accent stripping, lowercase), whether the pre-tokenizer treats
    /// the raw scalar as punctuation or whitespace, and the WordPiece ids. This is what pins down the frozen
    /// character tables, the NFD exception and the lowercase mapping for all 1,112,064 scalars.
    @Test(arguments: 0..<0x110)
    func everyScalarMatchesTheReference(block: Int) throws {
        let fixture = try Self.digestFixture.get()
        #expect(fixture.blockSize == 0x1000 && fixture.digests.count == 0x110)
        let tokenizer = try MiniLMFixtures.untruncatedTokenizer.get()
        var digest = FNV1a64()
        for value in UInt32(block * fixture.blockSize)..<UInt32((block + 1) * fixture.blockSize) {
            guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates are not scalars
            digest.add(String(String.UnicodeScalarView(BertText.normalize([scalar]))).utf8)
            digest.add([0xFF])
            let kind = scalar.properties.isWhitespace ? "S" : BertText.isPunctuation(scalar) ? "P" : "-"
            digest.add(kind.utf8)
            digest.add([0xFF])
            digest.add(tokenizer.pieceIDs(String(scalar)).map(String.init).joined(separator: ",").utf8)
            digest.add([0xFF])
        }
        let first = String(block * fixture.blockSize, radix: 16, uppercase: true)
        let last = String((block + 1) * fixture.blockSize - 1, radix: 16, uppercase: true)
        #expect(digest.hex == fixture.digests[block], "a scalar in U+\(first)…U+\(last) differs from the reference")
    }

    /// Proves the order of the normaliser's steps on sequences, which single scalars cannot show:
    /// marks are reordered canonically before they are stripped, and CJK spacing splits words.
    @Test func normalisesSequencesInTheReferenceOrder() {
        let text = { (input: String) in String(String.UnicodeScalarView(BertText.normalize(input.unicodeScalars))) }
        #expect(text("A\u{301}\u{316}B") == "ab")
        #expect(text("İSTANBUL") == "istanbul")
        #expect(text("ΟΔΟΣ") == "οδοσ")
        #expect(text("合计Total") == " 合  计 total")
        #expect(text("a\u{0}b\u{200B}c\td") == "abc d")
        #expect(BertText.words(Array("rm12.50, ok!".unicodeScalars)).map { String(String.UnicodeScalarView($0)) }
                == ["rm12", ".", "50", ",", "ok", "!"])
    }
}

/// 64-bit FNV-1a, the digest the reference script writes.
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
