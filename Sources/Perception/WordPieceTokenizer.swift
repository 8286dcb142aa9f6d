import Foundation

/// The uncased BERT WordPiece tokenizer of all-MiniLM-L6-v2, id for id what HF `tokenizers` produces from
/// the model's `tokenizer.json`: special tokens are found verbatim in the raw text, the rest goes through
/// `BertText` (normalise, split into words), each word becomes WordPiece pieces with `##` continuations,
/// and the sequence is cut to `maxLength` and wrapped as `[CLS] … [SEP]`.
public struct WordPieceTokenizer: Sendable {
    /// A word longer than this many scalars (after normalisation) becomes a single `[UNK]`.
    public static let maxInputCharsPerWord = 100
    static let continuationPrefix: [Unicode.Scalar] = ["#", "#"]

    public let vocabulary: WordPieceVocabulary
    /// The longest sequence `encode` returns, `[CLS]` and `[SEP]` included. BERT's position table allows 512.
    public let maxLength: Int
    public let clsID: Int
    public let sepID: Int
    public let padID: Int
    public let unknownID: Int
    private let specialTokens: [(scalars: [Unicode.Scalar], id: Int)]

    public init(vocabulary: WordPieceVocabulary, maxLength: Int = 512) throws(TokenizerError) {
        guard maxLength >= 2 else { throw .invalidMaxLength(maxLength) }
        // WordPieceVocabulary guarantees that every special token is present.
        func id(_ token: String) -> Int {
            guard let id = vocabulary.id(of: token) else { preconditionFailure("vocabulary lacks \(token)") }
            return id
        }
        self.vocabulary = vocabulary
        self.maxLength = maxLength
        clsID = id("[CLS]")
        sepID = id("[SEP]")
        padID = id("[PAD]")
        unknownID = id("[UNK]")
        specialTokens = WordPieceVocabulary.specialTokens.map { (Array($0.unicodeScalars), id($0)) }
    }

    /// Loads `vocab.txt` (for MiniLM: `models/minilm/vocab.txt`).
    public init(vocabularyFile: URL, maxLength: Int = 512) throws(TokenizerError) {
        try self.init(vocabulary: WordPieceVocabulary(contentsOf: vocabularyFile), maxLength: maxLength)
    }

    /// `[CLS] pieces [SEP]`, keeping the first `maxLength − 2` pieces.
    public func encode(_ text: String) -> [Int] {
        [clsID] + pieceIDs(text).prefix(maxLength - 2) + [sepID]
    }

    /// Encodes each text and pads every row with `[PAD]` to the longest one.
    public func encode(_ texts: [String]) -> TokenBatch {
        TokenBatch(rows: texts.map(encode), padID: padID)
    }

    /// The WordPiece ids of a text, with no special tokens around it and no truncation.
    func pieceIDs(_ text: String) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int] = []
        var segmentStart = 0
        var index = 0
        while index < scalars.count {
            if let special = specialToken(at: index, in: scalars) {
                appendPieces(of: scalars[segmentStart..<index], to: &ids)
                ids.append(special.id)
                index += special.length
                segmentStart = index
            } else {
                index += 1
            }
        }
        appendPieces(of: scalars[segmentStart...], to: &ids)
        return ids
    }

    /// The special token that starts at `index`, matched exactly in the raw text (the reference marks them
    /// as not normalised, so "[mask]" is ordinary text but "[MASK]" is the mask token).
    private func specialToken(at index: Int, in scalars: [Unicode.Scalar]) -> (id: Int, length: Int)? {
        guard scalars[index] == "[" else { return nil }
        for special in specialTokens where scalars[index...].starts(with: special.scalars) {
            return (special.id, special.scalars.count)
        }
        return nil
    }

    private func appendPieces(of text: ArraySlice<Unicode.Scalar>, to ids: inout [Int]) {
        guard !text.isEmpty else { return }
        let normalized = BertText.normalize(text)
        for word in BertText.words(normalized) { appendWordPieces(of: word, to: &ids) }
    }

    /// Greedy longest-match-first WordPiece. A word with any part that is not in the vocabulary becomes a
    /// single `[UNK]`, never a partial split.
    private func appendWordPieces(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int]) {
        guard word.count <= Self.maxInputCharsPerWord else {
            ids.append(unknownID)
            return
        }
        var pieces: [Int] = []
        var candidate: [Unicode.Scalar] = []
        var start = word.startIndex
        while start < word.endIndex {
            var end = word.endIndex
            var match: Int?
            while start < end {
                candidate.removeAll(keepingCapacity: true)
                if start > word.startIndex { candidate.append(contentsOf: Self.continuationPrefix) }
                candidate.append(contentsOf: word[start..<end])
                if let id = vocabulary.id(of: candidate) {
                    match = id
                    break
                }
                end -= 1
            }
            guard let id = match else {
                ids.append(unknownID)
                return
            }
            pieces.append(id)
            start = end
        }
        ids.append(contentsOf: pieces)
    }
}

/// Token ids of several texts in one rectangular block, ready for a batched forward pass.
public struct TokenBatch: Sendable, Equatable {
    /// Columns of `ids` and `attentionMask`: the longest encoded text.
    public let sequenceLength: Int
    /// Row-major `count × sequenceLength`, padded with `[PAD]`.
    public let ids: [Int]
    /// Row-major `count × sequenceLength`: 1 for a real token, 0 for padding.
    public let attentionMask: [Int]
    /// Unpadded length of each row.
    public let lengths: [Int]

    public var count: Int { lengths.count }

    init(rows: [[Int]], padID: Int) {
        let width = rows.map(\.count).max() ?? 0
        var ids: [Int] = []
        var mask: [Int] = []
        ids.reserveCapacity(rows.count * width)
        mask.reserveCapacity(rows.count * width)
        for row in rows {
            let padding = width - row.count
            ids += row
            ids += repeatElement(padID, count: padding)
            mask += repeatElement(1, count: row.count)
            mask += repeatElement(0, count: padding)
        }
        sequenceLength = width
        self.ids = ids
        attentionMask = mask
        lengths = rows.map(\.count)
    }

    /// The padded ids of one row.
    public func ids(row: Int) -> ArraySlice<Int> {
        ids[row * sequenceLength..<(row + 1) * sequenceLength]
    }

    /// The mask of one row.
    public func attentionMask(row: Int) -> ArraySlice<Int> {
        attentionMask[row * sequenceLength..<(row + 1) * sequenceLength]
    }
}
