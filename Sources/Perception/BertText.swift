import Foundation

/// The text steps that HF `tokenizers` runs before WordPiece for an uncased BERT `tokenizer.json`:
/// BertNormalizer (clean text, space out CJK ideographs, strip accents, lowercase) and BertPreTokenizer
/// (split at whitespace, isolate punctuation). Like the reference, which works on Rust `char`s, every step
/// works on Unicode scalars, never on Swift `Character`s: a grapheme cluster such as "e\u{301}" must be
/// split into its scalars for accent stripping to see the mark.
enum BertText {
    /// BertNormalizer, in the reference's order. Lowercasing comes last, after accent stripping, which is
    /// why "İ" becomes "i" and not "i\u{307}".
    static func normalize(_ input: some Sequence<Unicode.Scalar>) -> [Unicode.Scalar] {
        var cleaned: [Unicode.Scalar] = []
        cleaned.reserveCapacity(input.underestimatedCount)
        for scalar in input {
            // Deletion is checked first: U+000B, U+000C and U+0085 are whitespace but also controls.
            if BertCharacterTables.contains(BertCharacterTables.removed, scalar) { continue }
            if scalar.properties.isWhitespace {
                cleaned.append(" ")
            } else if BertCharacterTables.contains(BertCharacterTables.chinese, scalar) {
                cleaned.append(contentsOf: [" ", scalar, " "])
            } else {
                cleaned.append(scalar)
            }
        }
        var normalized: [Unicode.Scalar] = []
        normalized.reserveCapacity(cleaned.count)
        for scalar in canonicalDecomposition(cleaned)
        where !BertCharacterTables.contains(BertCharacterTables.nonspacingMarks, scalar) {
            appendLowercase(of: scalar, to: &normalized)
        }
        return normalized
    }

    /// BertPreTokenizer: whitespace ends a word and is dropped; each punctuation scalar is a word of its own.
    static func words(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var wordStart: Int?
        for (index, scalar) in scalars.enumerated() {
            let isSpace = scalar.properties.isWhitespace
            if isSpace || isPunctuation(scalar) {
                if let start = wordStart { words.append(scalars[start..<index]) }
                wordStart = nil
                if !isSpace { words.append(scalars[index...index]) }
            } else if wordStart == nil {
                wordStart = index
            }
        }
        if let start = wordStart { words.append(scalars[start...]) }
        return words
    }

    /// BERT's punctuation: every ASCII symbol (so "$", "+", "^" and "`" count too) and the P* categories.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: true
        case 0..<0x80: false
        default: BertCharacterTables.contains(BertCharacterTables.punctuation, scalar)
        }
    }

    /// Scalars whose canonical decomposition the reference's normalization tables do not know yet
    /// (U+11938 DIVES AKURU VOWEL SIGN O, decomposable since Unicode 13); the reference keeps them whole.
    private static let undecomposed: Set<UInt32> = [0x11938]

    /// NFD: each scalar's canonical decomposition, then canonical ordering of combining marks. Scalars
    /// below U+00C0 have no decomposition, which keeps ASCII text off the slow path.
    static func canonicalDecomposition(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var decomposed: [Unicode.Scalar] = []
        decomposed.reserveCapacity(scalars.count)
        for scalar in scalars {
            if scalar.value < 0xC0 || undecomposed.contains(scalar.value) {
                decomposed.append(scalar)
            } else {
                decomposed.append(contentsOf: String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars)
            }
        }
        // Canonical ordering: a stable sort by combining class within each run of non-starters.
        for index in decomposed.indices {
            let combiningClass = decomposed[index].properties.canonicalCombiningClass.rawValue
            guard combiningClass != 0 else { continue }
            var position = index
            while position > 0,
                  decomposed[position - 1].properties.canonicalCombiningClass.rawValue > combiningClass {
                decomposed.swapAt(position - 1, position)
                position -= 1
            }
        }
        return decomposed
    }

    /// Full (possibly multi-scalar) lowercase mapping of one scalar, without context, as Rust's
    /// `char::to_lowercase` does: a final "Σ" becomes "σ", not "ς".
    private static func appendLowercase(of scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        if scalar.value < 0x80 {
            let isUpper = scalar.value >= 0x41 && scalar.value <= 0x5A
            output.append(isUpper ? Unicode.Scalar(UInt8(scalar.value + 0x20)) : scalar)
        } else if scalar.properties.changesWhenLowercased {
            output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        } else {
            output.append(scalar)
        }
    }
}

extension BertCharacterTables {
    /// Binary search in a table of (first, last) pairs.
    static func contains(_ table: [UInt32], _ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        var low = 0
        var high = table.count / 2
        while low < high {
            let middle = (low + high) / 2
            if table[2 * middle + 1] < value { low = middle + 1 } else { high = middle }
        }
        return low < table.count / 2 && table[2 * low] <= value
    }
}
