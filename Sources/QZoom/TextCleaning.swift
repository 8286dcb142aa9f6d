/// Small text rules of the text answers: whitespace, continuation between lines, trailing ids.
enum TextCleaning {
    /// Runs of whitespace become one space; leading and trailing whitespace go.
    static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Collapsed, without the separators a line ends with before the next one (",", ";", ":").
    static func trimmed(_ text: String) -> String {
        var value = collapsed(text)
        while let last = value.last, ",;:".contains(last) {
            value.removeLast()
            value = collapsed(value)
        }
        return value
    }

    /// The share of letters among the letters and digits of `text` (0 without either).
    static func letterShare(_ text: String) -> Double {
        let letters = text.filter(\.isLetter).count, digits = text.filter(\.isNumber).count
        return letters + digits > 0 ? Double(letters) / Double(letters + digits) : 0
    }

    /// Text that can be a name or an address: two letters or more, and at least as many letters as
    /// digits. A number or an OCR misreading of a logo ("31812012", "t1o10.81") is not.
    static func isWordy(_ text: String) -> Bool {
        let letters = text.filter(\.isLetter).count
        return letters >= 2 && letters >= text.filter(\.isNumber).count
    }

    /// A line that is only a parenthesised reference of at most three words with a digit:
    /// "(81109-A)", "(JM0517726)", "(NO. 193573-M)".
    static func isParenthesisedIdentifier(_ text: String) -> Bool {
        let value = collapsed(text)
        return value.hasPrefix("(") && value.hasSuffix(")") && value.contains(where: \.isNumber)
            && value.split(separator: " ").count <= 3
    }

    /// True when the text of `line` says it goes on in `next`: it ends with `,` `&` `-` or `/`, or
    /// leaves a parenthesis open; or `next` starts with a lowercase letter, `)`, `&` or `,`.
    static func continues(_ line: String, into next: String) -> Bool {
        let trimmed = collapsed(line)
        if let last = trimmed.last, ",&-/".contains(last) { return true }
        if trimmed.filter({ $0 == "(" }).count > trimmed.filter({ $0 == ")" }).count { return true }
        if let first = collapsed(next).first, first.isLowercase || ")&,".contains(first) { return true }
        return false
    }

    /// Removes registration numbers printed after a name: trailing parenthesised groups with a digit,
    /// trailing tokens with four or more digits, and, after the last cue ("SDN BHD"), any trailing
    /// token with a digit. The first token always stays ("99 SPEED MART").
    static func droppingIdentifiers(_ text: String, cues: [MatchText]) -> String {
        var value = trimmed(text)
        let prepared = MatchText(value)
        let cueEnd = cues.compactMap { PhraseMatcher.match($0, in: prepared)?.range.upperBound }.max() ?? value.count
        while true {
            let before = value
            if value.hasSuffix(")"), let open = value.lastIndex(of: "("), open > value.startIndex,
               value[open...].contains(where: \.isNumber) {
                value = trimmed(String(value[..<open]))
            } else if let space = value.lastIndex(of: " ") {
                let last = value[value.index(after: space)...]
                let digits = last.filter(\.isNumber).count
                let start = value.distance(from: value.startIndex, to: space) + 1
                if digits >= 4 || (digits > 0 && start >= cueEnd) {
                    value = trimmed(String(value[..<space]))
                }
            }
            if value == before { return value }
        }
    }
}
