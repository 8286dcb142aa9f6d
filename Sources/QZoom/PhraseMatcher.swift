/// OCR-tolerant phrase search: finds a phrase such as "total rounded" in a line such as
/// "T0TAL ROUNDED (RM):" with a few edits, where letters and digits that OCR confuses (O/0, I/1, S/5…)
/// cost less than other substitutions. Case, punctuation and spacing are ignored. In a phrase, a run
/// of two or more `#` stands for that many digits ("#####" finds a five-digit postcode; a single `#`
/// is punctuation, as in "invoice #"); phrases with wildcards must match exactly.
public struct PhraseMatch: Sendable, Equatable {
    /// 1 for an exact match, down to the acceptance threshold.
    public var score: Double
    /// Characters of the original line that the match covers (half-open, in `Character`s).
    public var range: Range<Int>
}

public enum PhraseMatcher {
    /// The best match of `phrase` in `text`, nil when it needs more edits than the phrase's length allows:
    /// none up to 3 letters, one confusable substitution (T0TAL) up to 7, one edit up to 11, then one
    /// per 6 letters. Words are held tight because one edit turns "SITE" into "suite" and "BORONG"
    /// into "lorong".
    public static func match(_ phrase: String, in text: String) -> PhraseMatch? {
        match(MatchText(phrase: phrase), in: MatchText(text))
    }

    static func allowedEdits(forLength length: Int) -> Double {
        switch length {
        case ...3: 0
        case ...7: 0.35
        case ...11: 1
        default: Double(length) / 6
        }
    }

    /// Approximate substring search (Sellers' algorithm): the pattern must be matched completely,
    /// the text may start and end anywhere, but starting or ending inside a word costs half an edit.
    static func match(_ phrase: MatchText, in text: MatchText) -> PhraseMatch? {
        let pattern = phrase.characters, target = text.characters
        let m = pattern.count, n = target.count
        guard m > 0, n > 0 else { return nil }
        let allowed = pattern.contains(MatchText.wildcard) ? 0 : allowedEdits(forLength: m)
        // cost[j] and start[j]: the cheapest alignment of the pattern's first i characters ending at target j.
        var cost = [Double](repeating: 0, count: n + 1)
        var start = [Int](repeating: 0, count: n + 1)
        for j in 0...n {
            cost[j] = isBoundary(target, j) ? 0 : 0.5
            start[j] = j
        }
        for i in 1...m {
            var diagonalCost = cost[0], diagonalStart = start[0]
            cost[0] = Double(i)
            start[0] = 0
            for j in 1...n {
                let aboveCost = cost[j], aboveStart = start[j]
                var best = diagonalCost + substitutionCost(pattern[i - 1], target[j - 1])
                var bestStart = diagonalStart
                if aboveCost + 1 < best { best = aboveCost + 1; bestStart = aboveStart }
                if cost[j - 1] + 1 < best { best = cost[j - 1] + 1; bestStart = start[j - 1] }
                diagonalCost = aboveCost
                diagonalStart = aboveStart
                cost[j] = best
                start[j] = bestStart
            }
        }
        var bestCost = Double.infinity, bestEnd = 0
        for j in 1...n {
            let total = cost[j] + (isBoundary(target, j) ? 0 : 0.5)
            if total < bestCost { bestCost = total; bestEnd = j }
        }
        guard bestCost <= allowed + 1e-9, start[bestEnd] < bestEnd else { return nil }
        let from = text.offsets[start[bestEnd]], to = text.offsets[bestEnd - 1] + 1
        return PhraseMatch(score: 1 - bestCost / Double(m), range: from..<to)
    }

    private static func isBoundary(_ text: [UInt32], _ position: Int) -> Bool {
        position == 0 || position == text.count || text[position - 1] == MatchText.space || text[position] == MatchText.space
    }

    /// The digit OCR confuses each letter with; substituting one for the other costs 0.3.
    private static func lookalikeDigit(_ letter: UInt32) -> UInt32? {
        switch letter {
        case 0x4F, 0x44, 0x51, 0x55: 0x30  // O D Q U → 0
        case 0x49, 0x4C: 0x31  // I L → 1
        case 0x5A: 0x32  // Z → 2
        case 0x41: 0x34  // A → 4
        case 0x53: 0x35  // S → 5
        case 0x47: 0x36  // G → 6
        case 0x42: 0x38  // B → 8
        default: nil
        }
    }

    private static func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }

    private static func substitutionCost(_ a: UInt32, _ b: UInt32) -> Double {
        if a == b || (a == MatchText.wildcard && isDigit(b)) { return 0 }
        if a == MatchText.space || b == MatchText.space { return 1 }
        if isDigit(a), lookalikeDigit(b) == a { return 0.3 }
        if isDigit(b), lookalikeDigit(a) == b { return 0.3 }
        return 1
    }
}

/// A text prepared for phrase matching: uppercase letters and digits, every run of anything else
/// turned into one space, with each character's offset in the original text.
struct MatchText: Sendable {
    static let space: UInt32 = 0x20
    static let wildcard: UInt32 = 0x23

    /// Unicode scalar values (uppercase letters, digits, spaces and wildcards).
    let characters: [UInt32]
    let offsets: [Int]

    /// A phrase keeps `#`, the digit wildcard.
    init(phrase: String) { self.init(phrase, keepingWildcards: true) }

    init(_ text: String, keepingWildcards: Bool = false) {
        var characters: [UInt32] = [], offsets: [Int] = []
        let original = Array(text)
        func isWildcard(_ offset: Int) -> Bool {
            keepingWildcards && original[offset] == "#"
                && ((offset > 0 && original[offset - 1] == "#") || (offset + 1 < original.count && original[offset + 1] == "#"))
        }
        for (offset, character) in original.enumerated() {
            if character.isLetter || character.isNumber || isWildcard(offset) {
                let upper = character.isASCII ? character.uppercased() : String(character).uppercased()
                characters.append((upper.unicodeScalars.first ?? "?").value)
                offsets.append(offset)
            } else if let last = characters.last, last != Self.space {
                characters.append(Self.space)
                offsets.append(offset)
            }
        }
        if characters.last == Self.space { characters.removeLast(); offsets.removeLast() }
        self.characters = characters
        self.offsets = offsets
    }
}
