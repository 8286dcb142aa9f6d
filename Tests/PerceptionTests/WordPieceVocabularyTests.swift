import Foundation
import Testing
@testable import Perception

@Suite struct WordPieceVocabularyTests {
    private static let specials = WordPieceVocabulary.specialTokens.joined(separator: "\n")

    /// A scratch directory per test, removed afterwards.
    private func withScratch(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "qzoom-vocab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    private func load(_ bytes: [UInt8]) throws(TokenizerError) -> WordPieceVocabulary {
        try WordPieceVocabulary(data: Data(bytes), path: "test-vocab.txt")
    }

    /// Proves the real vocab.txt loads with BERT's ids, the ones tokenizer.json assigns.
    @Test func loadsTheRealVocabulary() throws {
        let vocabulary = try WordPieceVocabulary(contentsOf: MiniLMFixtures.vocabularyFile)
        #expect(vocabulary.count == 30522)
        #expect(vocabulary.id(of: "[PAD]") == 0)
        #expect(vocabulary.id(of: "[UNK]") == 100)
        #expect(vocabulary.id(of: "[CLS]") == 101)
        #expect(vocabulary.id(of: "[SEP]") == 102)
        #expect(vocabulary.id(of: "[MASK]") == 103)
        #expect(vocabulary.tokens[2561] == "total")
    }

    /// Proves that CRLF line ends and trailing blanks are not part of tokens, as in the reference's reader.
    @Test func ignoresCarriageReturnsAndTrailingWhitespace() throws {
        let vocabulary = try load(Array("\(Self.specials.replacingOccurrences(of: "\n", with: "\r\n"))\r\ntotal \r\n##s\t\n".utf8))
        #expect(vocabulary.count == 7)
        #expect(vocabulary.id(of: "total") == 5)
        #expect(vocabulary.id(of: "##s") == 6)
        #expect(vocabulary.id(of: "[MASK]") == 4)
    }

    /// Proves that lookups are exact in scalars: Swift's canonical equivalence would match "é" (U+00E9)
    /// with "e\u{301}", and the reference treats them as different tokens.
    @Test func looksUpTokensScalarByScalar() throws {
        let vocabulary = try load(Array("\(Self.specials)\n\u{E9}\n".utf8))
        #expect(vocabulary.id(of: "\u{E9}") == 5)
        #expect(vocabulary.id(of: "e\u{301}") == nil)
    }

    @Test func missingFileIsAClearError() throws {
        try withScratch { directory in
            let missing = directory.appending(path: "vocab.txt")
            #expect(throws: TokenizerError.vocabularyNotFound(path: missing.path)) {
                try WordPieceVocabulary(contentsOf: missing)
            }
            #expect(throws: TokenizerError.vocabularyNotFound(path: missing.path)) {
                try WordPieceTokenizer(vocabularyFile: missing)
            }
            #expect(throws: TokenizerError.vocabularyUnreadable(path: directory.path, reason: "it is a directory")) {
                try WordPieceVocabulary(contentsOf: directory)
            }
        }
    }

    /// Proves that a binary file given as the vocabulary (here the head of the real model weights, a
    /// likely mix-up) is rejected as not being text, naming the line.
    @Test func binaryFileIsRejected() throws {
        let weights = MiniLMFixtures.modelDirectory.appending(path: "model.safetensors")
        let handle = try FileHandle(forReadingFrom: weights)
        defer { try? handle.close() }
        let head = try #require(try handle.read(upToCount: 64 * 1024))
        let error = #expect(throws: TokenizerError.self) { try WordPieceVocabulary(data: head, path: weights.path) }
        guard case .vocabularyNotUTF8(let path, _) = error else {
            Issue.record("expected vocabularyNotUTF8, got \(String(describing: error))")
            return
        }
        #expect(path == weights.path)
    }

    @Test func garbledVocabulariesAreClearErrors() throws {
        #expect(throws: TokenizerError.emptyVocabulary(path: "test-vocab.txt")) { try load([]) }
        #expect(throws: TokenizerError.vocabularyNotUTF8(path: "test-vocab.txt", line: 6)) {
            try load(Array("\(Self.specials)\n".utf8) + [0x74, 0xC3, 0x28, 0x0A])
        }
        #expect(throws: TokenizerError.emptyToken(path: "test-vocab.txt", line: 6)) {
            try load(Array("\(Self.specials)\n\ntotal\n".utf8))
        }
        #expect(throws: TokenizerError.duplicateToken(path: "test-vocab.txt", token: "total", lines: [6, 8])) {
            try load(Array("\(Self.specials)\ntotal\nsum\ntotal\n".utf8))
        }
        #expect(throws: TokenizerError.missingSpecialToken(path: "test-vocab.txt", token: "[UNK]")) {
            try load(Array("[PAD]\n[CLS]\n[SEP]\n[MASK]\ntotal\n".utf8))
        }
    }

    /// Proves that the wrong model file (the JSON config instead of vocab.txt) does not load silently.
    @Test func wrongModelFileIsRejected() throws {
        let config = MiniLMFixtures.modelDirectory.appending(path: "config.json")
        #expect(throws: TokenizerError.missingSpecialToken(path: config.path, token: "[PAD]")) {
            try WordPieceVocabulary(contentsOf: config)
        }
    }

    @Test func tooShortMaxLengthIsRejected() throws {
        let vocabulary = try load(Array(Self.specials.utf8))
        #expect(throws: TokenizerError.invalidMaxLength(1)) { try WordPieceTokenizer(vocabulary: vocabulary, maxLength: 1) }
        #expect(try WordPieceTokenizer(vocabulary: vocabulary, maxLength: 2).encode("anything").count == 2)
    }
}
