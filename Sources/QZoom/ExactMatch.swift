/// The one definition of "exact match after normalisation" that every benchmark scores with
/// (docs/answerer.md, "Scoring"). Both sides go through the same rules:
/// - amount: compared as decimals ("RM 3.90" = "3.9" = "$3.90"); the currency is not compared; a value
///   that is only a currency (a currency query's answer) is compared as its ISO 4217 code ("£" = "GBP");
/// - date: compared as ISO 8601 dates read with the template's date order ("12-01-19" = "12/01/2019");
/// - integer: compared as whole numbers ("007" = "7");
/// - text, id, region: case and whitespace are ignored ("27,JALAN" = "27, jalan"), and so are
///   separators at the very end (",", ";", ":" — the punctuation that joins a line to the next);
///   every other character must match.
/// A value that is not exactly one value of its type (a date field holding "N/A", two amounts) is
/// compared as text.
///
/// `matchesLettersAndDigits` is a looser, secondary view for text that also ignores punctuation
/// ("NO.53,JALAN" = "NO 53, JALAN"): reported beside exact match, never instead of it.
public enum ExactMatch {
    public static func comparable(_ value: String, type: AnswerType, dateOrder: DateOrder = .dayMonthYear) -> String {
        switch type {
        case .amount:
            if let decimal = AmountParser.normalize(value) { return canonicalDecimal(decimal) }
            if let code = AmountParser.currencyOnly(value) { return code }
        case .integer:
            let amounts = AmountParser.amounts(in: value)
            if amounts.count == 1, amounts[0].fractionDigits == 0 { return canonicalDecimal(amounts[0].decimal) }
        case .date:
            if let iso = DateParser.normalize(value, order: dateOrder) { return iso }
        case .text, .id, .region:
            break
        }
        return textKey(value)
    }

    /// True when `predicted` equals `expected` after normalisation; a missing prediction never matches.
    public static func matches(_ predicted: String?, _ expected: String, type: AnswerType,
                               dateOrder: DateOrder = .dayMonthYear) -> Bool {
        guard let predicted else { return false }
        return comparable(predicted, type: type, dateOrder: dateOrder) == comparable(expected, type: type, dateOrder: dateOrder)
    }

    /// Text compared on its letters and digits only (case-insensitive); other types as `matches`.
    public static func matchesLettersAndDigits(_ predicted: String?, _ expected: String, type: AnswerType,
                                               dateOrder: DateOrder = .dayMonthYear) -> Bool {
        guard let predicted else { return false }
        switch type {
        case .text, .id, .region:
            func key(_ text: String) -> String { String(text.uppercased().filter { $0.isLetter || $0.isNumber }) }
            return key(predicted) == key(expected)
        case .amount, .date, .integer:
            return matches(predicted, expected, type: type, dateOrder: dateOrder)
        }
    }

    /// For a `region` query, whose answer is the text read in a region: true when that text holds the
    /// expected value (compared on letters and digits, case-insensitive), as "the small print says
    /// REF/5594/4937" holds "REF/5594/4937".
    public static func regionHolds(_ predicted: String?, _ expected: String) -> Bool {
        guard let predicted else { return false }
        func key(_ text: String) -> String { String(text.uppercased().filter { $0.isLetter || $0.isNumber }) }
        let wanted = key(expected)
        return !wanted.isEmpty && key(predicted).contains(wanted)
    }

    static func textKey(_ value: String) -> String {
        var key = String(value.uppercased().filter { !$0.isWhitespace })
        while let last = key.last, ",;:".contains(last) { key.removeLast() }
        return key
    }

    /// "0012.500" → "12.5", "-0.020" → "-0.02", "9.000" → "9".
    static func canonicalDecimal(_ decimal: String) -> String {
        var sign = "", digits = Substring(decimal)
        if digits.hasPrefix("-") { sign = "-"; digits = digits.dropFirst() }
        var integer = String(digits.prefix { $0 != "." })
        var fraction = digits.contains(".") ? String(digits.drop { $0 != "." }.dropFirst()) : ""
        while integer.count > 1, integer.hasPrefix("0") { integer.removeFirst() }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if integer.isEmpty { integer = "0" }
        let number = fraction.isEmpty ? integer : integer + "." + fraction
        return number == "0" ? number : sign + number
    }
}
