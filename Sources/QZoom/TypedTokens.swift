/// A value of the query's type found inside one line, before layout scoring.
struct TypedToken {
    var printed: String
    /// Half-open character range in the line.
    var range: Range<Int>
    var normalized: String
    var currency: String?
    /// The currency as printed ("£"), when `currency` is set.
    var currencyPrinted: String?
    var isAmbiguous = false
    /// 0...1: how well the token fits the type (see docs/answerer.md).
    var validity: Double
}

/// Extraction of amount, date, integer and id tokens from a line's text.
enum TypedTokens {
    static func tokens(in text: String, type: AnswerType, dateOrder: DateOrder) -> [TypedToken] {
        switch type {
        case .amount: amounts(in: text, dateOrder: dateOrder)
        case .date: dates(in: text, dateOrder: dateOrder)
        case .integer: integers(in: text, dateOrder: dateOrder)
        case .id: identifiers(in: text, dateOrder: dateOrder)
        case .text, .region: []
        }
    }

    /// Amounts, except the numbers inside dates and percentages.
    private static func amounts(in text: String, dateOrder: DateOrder) -> [TypedToken] {
        let characters = Array(text)
        let dateRanges = DateParser.dates(in: text, order: dateOrder).map(\.range)
        return AmountParser.amounts(in: text).compactMap { amount in
            guard !dateRanges.contains(where: { $0.overlaps(amount.range) }) else { return nil }
            if amount.range.upperBound < characters.count, characters[amount.range.upperBound] == "%" { return nil }
            var validity: Double = switch amount.fractionDigits {
            case 2: 1
            case 3: 0.6
            case 1: 0.5
            case 0: 0.35
            default: 0.3
            }
            if amount.currency != nil { validity = min(1, validity + 0.1) }
            validity -= 0.2 * Double(amount.repairs)
            if amount.isNegative { validity *= 0.3 }
            if Double(amount.decimal) == 0 { validity *= 0.5 }
            return TypedToken(printed: amount.printed, range: amount.range, normalized: amount.decimal,
                              currency: amount.currency, currencyPrinted: amount.currencyPrinted, validity: max(0, validity))
        }
    }

    private static func dates(in text: String, dateOrder: DateOrder) -> [TypedToken] {
        DateParser.dates(in: text, order: dateOrder).map { date in
            var validity = date.isCompact ? 0.5 : 1
            if date.isAmbiguous { validity -= 0.1 }
            if date.hasTwoDigitYear { validity -= 0.05 }
            return TypedToken(printed: date.printed, range: date.range, normalized: date.iso,
                              isAmbiguous: date.isAmbiguous, validity: validity)
        }
    }

    /// Whole numbers without a currency, outside dates.
    private static func integers(in text: String, dateOrder: DateOrder) -> [TypedToken] {
        let dateRanges = DateParser.dates(in: text, order: dateOrder).map(\.range)
        return AmountParser.amounts(in: text).compactMap { amount in
            guard amount.fractionDigits == 0, amount.currency == nil, !amount.isNegative,
                  !dateRanges.contains(where: { $0.overlaps(amount.range) }) else { return nil }
            return TypedToken(printed: amount.printed, range: amount.range, normalized: amount.decimal,
                              validity: max(0, 1 - 0.2 * Double(amount.repairs)))
        }
    }

    /// Whitespace-separated tokens of letters, digits and `-/._#` with at least one digit; a token that
    /// reads as a date or a two-decimal amount is a weaker id.
    private static func identifiers(in text: String, dateOrder: DateOrder) -> [TypedToken] {
        let characters = Array(text)
        var tokens: [TypedToken] = []
        var start = 0
        while start < characters.count {
            guard !characters[start].isWhitespace else { start += 1; continue }
            var end = start
            while end < characters.count, !characters[end].isWhitespace { end += 1 }
            // Trim the punctuation around a token: "#:", "(…)", a trailing comma.
            var lower = start, upper = end
            while lower < upper, !(characters[lower].isLetter || characters[lower].isNumber) { lower += 1 }
            while upper > lower, !(characters[upper - 1].isLetter || characters[upper - 1].isNumber) { upper -= 1 }
            let token = String(characters[lower..<upper])
            let allowed = token.allSatisfy { $0.isLetter || $0.isNumber || "-/._#".contains($0) }
            let digits = token.filter { $0.isASCII && $0.isNumber }.count
            if allowed, digits > 0, token.count >= 3 {
                var validity = token.count >= 4 ? 1.0 : 0.6
                if !DateParser.dates(in: token, order: dateOrder).isEmpty { validity *= 0.5 }
                if AmountParser.amounts(in: token).contains(where: { $0.fractionDigits == 2 }) { validity *= 0.4 }
                tokens.append(TypedToken(printed: token, range: lower..<upper, normalized: token, validity: validity))
            }
            start = end
        }
        return tokens
    }
}
