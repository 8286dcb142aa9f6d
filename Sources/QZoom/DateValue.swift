import Foundation

/// The order in which a document's locale writes day, month and year, used when a printed date
/// such as 03/04/2018 reads two ways.
public enum DateOrder: String, Sendable, CaseIterable {
    case dayMonthYear = "DMY"
    case monthDayYear = "MDY"
    case yearMonthDay = "YMD"
}

/// A calendar date read from a line of text.
public struct DateValue: Sendable, Equatable {
    public var printed: String
    /// Half-open character range of `printed` in the line.
    public var range: Range<Int>
    public var year: Int
    public var month: Int
    public var day: Int
    /// True when the printed date also reads as another valid date (day and month swapped); the
    /// preferred order decided.
    public var isAmbiguous: Bool
    /// True when the year was printed with two digits (taken as 20yy below 70, else 19yy).
    public var hasTwoDigitYear: Bool
    /// True for 8 digits without separators (20180304), which could also be an id.
    public var isCompact: Bool

    /// ISO 8601 (`YYYY-MM-DD`).
    public var iso: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// Finds dates in text: numeric dates with `/`, `-` or `.` (day-month-year, month-day-year or
/// year-month-day), dates with a month name (5 Mar 2018, 05-MAR-18, March 5, 2018), and 8-digit
/// compact dates (20180304, 25032018). Only valid calendar dates are returned.
public enum DateParser {
    public static func dates(in text: String, order: DateOrder = .dayMonthYear) -> [DateValue] {
        let characters = Array(text)
        var found: [DateValue] = []
        var position = 0
        while position < characters.count {
            if startsToken(characters, position), let date = date(at: position, in: characters, order: order) {
                found.append(date)
                position = date.range.upperBound
            } else {
                position += 1
            }
        }
        return found
    }

    /// The ISO 8601 form of a printed date, nil when `text` is not exactly one date.
    public static func normalize(_ text: String, order: DateOrder = .dayMonthYear) -> String? {
        let found = dates(in: text, order: order)
        return found.count == 1 ? found[0].iso : nil
    }

    static let monthNames: [String: Int] = [
        "JAN": 1, "JANUARY": 1, "FEB": 2, "FEBRUARY": 2, "MAR": 3, "MARCH": 3, "APR": 4, "APRIL": 4, "MAY": 5,
        "JUN": 6, "JUNE": 6, "JUL": 7, "JULY": 7, "AUG": 8, "AUGUST": 8, "SEP": 9, "SEPT": 9, "SEPTEMBER": 9,
        "OCT": 10, "OCTOBER": 10, "NOV": 11, "NOVEMBER": 11, "DEC": 12, "DECEMBER": 12,
    ]

    private static func startsToken(_ characters: [Character], _ position: Int) -> Bool {
        position == 0 || !(characters[position - 1].isLetter || characters[position - 1].isNumber)
    }

    /// A token of the date: digits or letters, with where it ends.
    private struct Piece {
        var text: String
        var end: Int
        var isNumber: Bool
    }

    private static func piece(_ characters: [Character], _ position: Int) -> Piece? {
        guard position < characters.count else { return nil }
        let isNumber = characters[position].isASCII && characters[position].isNumber
        var end = position
        while end < characters.count,
              isNumber ? (characters[end].isASCII && characters[end].isNumber) : characters[end].isLetter { end += 1 }
        guard end > position else { return nil }
        return Piece(text: String(characters[position..<end]), end: end, isNumber: isNumber)
    }

    private static func date(at start: Int, in characters: [Character], order: DateOrder) -> DateValue? {
        guard let first = piece(characters, start) else { return nil }
        // Up to three pieces joined by a separator of one or two characters (", " after a month's day),
        // or by nothing where digits meet letters ("05MAR2018").
        var pieces = [first], separators: [String] = []
        var position = first.end
        while pieces.count < 3 {
            var separatorEnd = position
            while separatorEnd < characters.count, separatorEnd - position < 2,
                  " /-.,".contains(characters[separatorEnd]) { separatorEnd += 1 }
            guard let next = piece(characters, separatorEnd),
                  separatorEnd > position || next.isNumber != pieces[pieces.count - 1].isNumber else { break }
            separators.append(String(characters[position..<separatorEnd]))
            pieces.append(next)
            position = next.end
        }
        if pieces.count == 3, let year = yearBeforeRunOnTime(pieces[2], characters) { pieces[2] = year }
        // The date must not run on into a word ("12/03/2018X").
        if pieces.count == 3, let end = pieces.last?.end, !(end < characters.count && characters[end].isLetter),
           let parsed = parse(pieces, separators, order: order) {
            return make(parsed, characters, start, end)
        }
        if first.isNumber, first.text.count == 8, let parsed = parseCompact(first.text, order: order),
           !(first.end < characters.count && characters[first.end].isLetter) {
            return make(parsed, characters, start, first.end)
        }
        return nil
    }

    /// OCR often drops the space between a date and the time printed after it: "03/02/201815:28". A
    /// 5- or 6-digit last piece followed by ":MM" is a 4-digit year run on into an hour (0–23); the
    /// year alone is returned.
    private static func yearBeforeRunOnTime(_ piece: Piece, _ characters: [Character]) -> Piece? {
        let digits = Array(piece.text)
        guard piece.isNumber, (5...6).contains(digits.count), piece.end + 2 < characters.count,
              characters[piece.end] == ":",
              characters[piece.end + 1].isASCII, characters[piece.end + 1].isNumber,
              characters[piece.end + 2].isASCII, characters[piece.end + 2].isNumber,
              let hour = Int(String(digits[4...])), hour <= 23 else { return nil }
        return Piece(text: String(digits[..<4]), end: piece.end - (digits.count - 4), isNumber: true)
    }

    private struct Parsed {
        var year: Int, month: Int, day: Int
        var ambiguous: Bool, twoDigitYear: Bool, compact: Bool
    }

    private static func make(_ parsed: Parsed, _ characters: [Character], _ start: Int, _ end: Int) -> DateValue {
        DateValue(printed: String(characters[start..<end]), range: start..<end, year: parsed.year,
                  month: parsed.month, day: parsed.day, isAmbiguous: parsed.ambiguous,
                  hasTwoDigitYear: parsed.twoDigitYear, isCompact: parsed.compact)
    }

    private static func parse(_ pieces: [Piece], _ separators: [String], order: DateOrder) -> Parsed? {
        let numbers = pieces.map { $0.isNumber ? Int($0.text) : nil }
        let months = pieces.map { $0.isNumber ? nil : monthNames[$0.text.uppercased()] }
        if pieces.allSatisfy(\.isNumber) {
            // Numeric dates use one separator, written the same twice, and no spaces ("12 31 00" is a time).
            let trimmed = separators.map { $0.trimmingCharacters(in: .whitespaces) }
            guard trimmed[0].count == 1, trimmed[0] == trimmed[1], separators[0] == separators[1],
                  trimmed[0] != "," else { return nil }
            guard let a = numbers[0], let b = numbers[1], let c = numbers[2] else { return nil }
            let lengths = pieces.map(\.text.count)
            if lengths[0] == 4 {
                guard lengths[1] <= 2, lengths[2] <= 2 else { return nil }
                return valid(year: a, month: b, day: c, twoDigitYear: false)
            }
            guard lengths[0] <= 2, lengths[1] <= 2, lengths[2] == 2 || lengths[2] == 4 else { return nil }
            let year = expandYear(c, digits: lengths[2])
            let dayFirst = valid(year: year, month: b, day: a, twoDigitYear: lengths[2] == 2)
            let monthFirst = valid(year: year, month: a, day: b, twoDigitYear: lengths[2] == 2)
            if order == .yearMonthDay, lengths[2] == 2, lengths[0] == 2,
               let ymd = valid(year: expandYear(a, digits: 2), month: b, day: c, twoDigitYear: true) {
                return Parsed(year: ymd.year, month: ymd.month, day: ymd.day,
                              ambiguous: dayFirst != nil || monthFirst != nil, twoDigitYear: true, compact: false)
            }
            switch (dayFirst, monthFirst) {
            case let (d?, m?):
                let ambiguous = d.month != m.month
                var chosen = order == .monthDayYear ? m : d
                chosen.ambiguous = ambiguous
                return chosen
            case let (d?, nil): return d
            case let (nil, m?): return m
            default: return nil
            }
        }
        // With a month name: D MON Y or MON D Y.
        if let month = months[1], let day = numbers[0], let year = numbers[2], pieces[2].text.count != 3 {
            return valid(year: expandYear(year, digits: pieces[2].text.count), month: month, day: day,
                         twoDigitYear: pieces[2].text.count == 2)
        }
        if let month = months[0], let day = numbers[1], let year = numbers[2], pieces[2].text.count == 4 {
            return valid(year: year, month: month, day: day, twoDigitYear: false)
        }
        return nil
    }

    /// YYYYMMDD when it starts with 19 or 20 and is valid, else DDMMYYYY (or MMDDYYYY by `order`).
    private static func parseCompact(_ digits: String, order: DateOrder) -> Parsed? {
        let values = Array(digits).map { Int(String($0)) ?? 0 }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + values[$1] } }
        if let ymd = valid(year: number(0..<4), month: number(4..<6), day: number(6..<8), twoDigitYear: false),
           (1900...2099).contains(ymd.year) {
            var result = ymd
            result.compact = true
            return result
        }
        let year = number(4..<8)
        guard (1900...2099).contains(year) else { return nil }
        let first = order == .monthDayYear ? valid(year: year, month: number(0..<2), day: number(2..<4), twoDigitYear: false)
                                           : valid(year: year, month: number(2..<4), day: number(0..<2), twoDigitYear: false)
        guard var result = first else { return nil }
        result.compact = true
        return result
    }

    private static func expandYear(_ year: Int, digits: Int) -> Int {
        digits == 2 ? (year < 70 ? 2000 + year : 1900 + year) : year
    }

    private static func valid(year: Int, month: Int, day: Int, twoDigitYear: Bool) -> Parsed? {
        guard (1900...2099).contains(year), (1...12).contains(month), day >= 1,
              day <= daysIn(month: month, year: year) else { return nil }
        return Parsed(year: year, month: month, day: day, ambiguous: false, twoDigitYear: twoDigitYear, compact: false)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
