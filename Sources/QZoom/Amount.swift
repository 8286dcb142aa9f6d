/// A sum of money read from a line of text.
public struct Amount: Sendable, Equatable {
    /// The characters of the line that hold it (number and adjacent currency), as printed.
    public var printed: String
    /// Half-open character range of `printed` in the line.
    public var range: Range<Int>
    /// A plain decimal: optional "-", digits, optionally "." and the printed decimals ("1234.50").
    public var decimal: String
    /// ISO 4217 code when the printed symbol or code is known ("RM" → "MYR"), else the symbol as printed.
    public var currency: String?
    /// The currency symbol or code as printed ("RM", "€"), when there is one.
    public var currencyPrinted: String?
    /// Digits after the decimal separator (0 for a whole amount).
    public var fractionDigits: Int
    /// Letters read as digits (O → 0, S → 5 …) to make the number.
    public var repairs: Int

    public var isNegative: Bool { decimal.hasPrefix("-") }
}

/// Finds amounts in text: currency symbols and codes before or after the number, thousands
/// separators (`,` `.` `'`; never a space, which separates columns), comma decimals, and letters
/// OCR reads for digits inside numbers.
public enum AmountParser {
    /// Every amount in `text`, left to right.
    public static func amounts(in text: String) -> [Amount] {
        let characters = Array(text)
        var found: [Amount] = []
        var position = 0
        while position < characters.count {
            if let amount = amount(startingAt: position, in: characters) {
                found.append(amount)
                position = amount.range.upperBound
            } else {
                position += 1
            }
        }
        return found
    }

    /// The decimal a printed amount normalises to ("RM 1,234.50" → "1234.50"), nil when it is not one amount.
    public static func normalize(_ text: String) -> String? {
        let found = amounts(in: text)
        return found.count == 1 ? found[0].decimal : nil
    }

    /// The currency a label names as a word of its own ("Total (EUR)", "Amount due RM"), if one.
    public static func currencyCode(in text: String) -> String? { currency(in: text)?.code }

    /// The currency a label names as a word of its own: as printed, and its ISO 4217 code.
    public static func currency(in text: String) -> (printed: String, code: String)? {
        let words = text.split { !($0.isLetter || $0.isCurrencySymbol || $0 == "$") }
        return words.lazy.compactMap { word in currencies[word.uppercased()].map { (String(word), $0) } }.first
    }

    /// The ISO 4217 code of a text that is nothing but a currency symbol or code ("£", " eur "), else nil.
    public static func currencyOnly(_ text: String) -> String? {
        currencies[text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()]
    }

    /// Currency codes and symbols, and the ISO 4217 code each stands for ("$" is left as printed:
    /// too many currencies use it).
    static let currencies: [String: String] = [
        "RM": "MYR", "MYR": "MYR", "USD": "USD", "US$": "USD", "EUR": "EUR", "€": "EUR", "GBP": "GBP", "£": "GBP",
        "SGD": "SGD", "S$": "SGD", "AUD": "AUD", "A$": "AUD", "CAD": "CAD", "CHF": "CHF", "JPY": "JPY", "¥": "JPY",
        "CNY": "CNY", "RMB": "CNY", "INR": "INR", "₹": "INR", "IDR": "IDR", "RP": "IDR", "THB": "THB", "฿": "THB",
        "HKD": "HKD", "HK$": "HKD", "NZD": "NZD", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK", "PLN": "PLN",
        "CZK": "CZK", "ZAR": "ZAR", "BRL": "BRL", "R$": "BRL", "MXN": "MXN", "KRW": "KRW", "₩": "KRW",
        "PHP": "PHP", "₱": "PHP", "VND": "VND", "₫": "VND", "$": "$",
    ]

    /// Letters that OCR reads for digits; replaced only inside a number.
    static let digitLookalikes: [Character: Character] = [
        "O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "S": "5", "s": "5", "B": "8", "Z": "2",
    ]

    private static func amount(startingAt start: Int, in characters: [Character]) -> Amount? {
        // A number starts with a digit (or look-alikes followed by one) that does not continue a word.
        guard start < characters.count,
              isDigit(characters[start]) || lookalikeRun(characters, at: start, afterDigit: false) != nil else { return nil }
        if start > 0, characters[start - 1].isLetter || characters[start - 1].isNumber,
           currencyBefore(characters, at: start) == nil { return nil }
        guard let number = scanNumber(characters, from: start) else { return nil }
        var lower = start, upper = number.end
        var currency: String?, currencyPrinted: String?
        if let prefix = currencyBefore(characters, at: start) {
            currency = prefix.code
            currencyPrinted = String(characters[prefix.start..<(prefix.start + prefix.length)])
            lower = prefix.start
        } else if let suffix = currencyAfter(characters, at: number.end) {
            currency = suffix.code
            currencyPrinted = String(characters[(suffix.end - suffix.length)..<suffix.end])
            upper = suffix.end
        }
        // A minus sign, but not the dash of a phone number or a range ("07-3507405", "10-12").
        var negative = false
        let dash = lower > 0 && characters[lower - 1] == "-" ? lower - 1 : nil
        if let dash, dash == 0 || !(characters[dash - 1].isLetter || characters[dash - 1].isNumber) {
            negative = true
            lower = dash
        }
        return Amount(printed: String(characters[lower..<upper]), range: lower..<upper,
                      decimal: (negative ? "-" : "") + number.decimal, currency: currency, currencyPrinted: currencyPrinted,
                      fractionDigits: number.fractionDigits, repairs: number.repairs)
    }

    private struct ScannedNumber {
        var decimal: String
        var fractionDigits: Int
        var repairs: Int
        var end: Int
    }

    /// Digit groups joined by single separators, interpreted as thousands groups and a decimal part.
    private static func scanNumber(_ characters: [Character], from start: Int) -> ScannedNumber? {
        var groups: [String] = [], separators: [Character] = []
        var current = "", repairs = 0, position = start
        while position < characters.count {
            let c = characters[position]
            if isDigit(c) {
                current.append(c)
                position += 1
            } else if let run = lookalikeRun(characters, at: position, afterDigit: !current.isEmpty) {
                current += run
                repairs += run.count
                position += run.count
            } else if c == "," || c == "." || c == "'", !current.isEmpty, separators.count < 4,
                      position + 1 < characters.count,
                      isDigit(characters[position + 1]) || lookalikeRun(characters, at: position + 1, afterDigit: false) != nil {
                groups.append(current)
                separators.append(c)
                current = ""
                position += 1
            } else {
                break
            }
        }
        groups.append(current)
        guard let parsed = interpret(groups, separators) else { return nil }
        // More repaired letters than half the digits is a word, not a misread number.
        guard repairs * 2 <= parsed.digits.count else { return nil }
        return ScannedNumber(decimal: parsed.decimal, fractionDigits: parsed.fractionDigits, repairs: repairs,
                             end: position)
    }

    /// A run of digit look-alikes at `position`, as digits, when it sits inside a number: followed by a
    /// digit (or a separator and a digit), or after a digit and not followed by a letter. "1O.OO" is
    /// 10.00, but the "S" of "12.50SR" or of "5 STAR" stays a letter.
    private static func lookalikeRun(_ characters: [Character], at position: Int, afterDigit: Bool) -> String? {
        var end = position, digits = ""
        while end < characters.count, let digit = digitLookalikes[characters[end]] {
            digits.append(digit)
            end += 1
        }
        guard !digits.isEmpty else { return nil }
        let next: Character? = end < characters.count ? characters[end] : nil
        if let next, isDigit(next) { return digits }
        if let next, next == "." || next == ",", end + 1 < characters.count, isDigit(characters[end + 1]) { return digits }
        if afterDigit, next.map({ !$0.isLetter }) ?? true { return digits }
        return nil
    }

    private static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    /// Decides which separator, if any, is the decimal one. The last separator is decimal when 1, 2 or
    /// (for ".") 3 digits follow it and it differs from the others; all other separators must split
    /// off groups of exactly three digits. An apostrophe only separates thousands.
    private static func interpret(_ groups: [String], _ separators: [Character]) -> (decimal: String, digits: String, fractionDigits: Int)? {
        guard let lastGroup = groups.last, !lastGroup.isEmpty else { return nil }
        if separators.isEmpty { return (lastGroup, lastGroup, 0) }
        let last = separators[separators.count - 1]
        let earlier = separators.dropLast()
        let lastIsDecimal: Bool
        if last == "'" {
            lastIsDecimal = false
        } else if earlier.contains(last) {
            lastIsDecimal = false
        } else if lastGroup.count == 3 {
            // "1,000" is a thousand; "9.000" is nine with three decimals unless "," was used before it.
            lastIsDecimal = last == "." && earlier.isEmpty
        } else {
            lastIsDecimal = lastGroup.count <= 2
        }
        let integerGroups = lastIsDecimal ? Array(groups.dropLast()) : groups
        let thousandsSeparators = lastIsDecimal ? Array(earlier) : separators
        // Thousands groups: every group after the first has three digits, all with one separator kind.
        guard Set(thousandsSeparators).count <= 1,
              integerGroups.dropFirst().allSatisfy({ $0.count == 3 }),
              let first = integerGroups.first, (1...3).contains(first.count) || integerGroups.count == 1 else {
            return nil
        }
        let integer = integerGroups.joined()
        return lastIsDecimal ? (integer + "." + lastGroup, integer + lastGroup, lastGroup.count) : (integer, integer, 0)
    }




    /// A currency code or symbol ending at `position`, directly or across one space.
    private static func currencyBefore(_ characters: [Character], at position: Int) -> (code: String, start: Int, length: Int)? {
        var end = position
        if end > 0, characters[end - 1] == " " { end -= 1 }
        for length in stride(from: 3, through: 1, by: -1) where end - length >= 0 {
            let token = String(characters[(end - length)..<end]).uppercased()
            guard let code = currencies[token] else { continue }
            let start = end - length
            // A code must not be the tail of a longer word ("FORM 12" is not "RM 12").
            if token.first?.isLetter == true, start > 0, characters[start - 1].isLetter { continue }
            return (code, start, length)
        }
        return nil
    }

    /// A currency code or symbol starting at `position`, directly or after one space.
    private static func currencyAfter(_ characters: [Character], at position: Int) -> (code: String, end: Int, length: Int)? {
        var start = position
        if start < characters.count, characters[start] == " " { start += 1 }
        for length in stride(from: 3, through: 1, by: -1) where start + length <= characters.count {
            let token = String(characters[start..<(start + length)]).uppercased()
            guard let code = currencies[token] else { continue }
            let end = start + length
            if token.last?.isLetter == true, end < characters.count, characters[end].isLetter { continue }
            return (code, end, length)
        }
        return nil
    }
}
