import Testing
@testable import QZoom

/// The amount and date readers: printed forms, OCR look-alikes, separators, ambiguity.
@Suite struct AmountParserTests {
    @Test(arguments: [
        ("TOTAL 9.00", "9.00", nil as String?),
        ("RM 33.90", "33.90", "MYR"),
        ("RM4.00", "4.00", "MYR"),
        ("-RM 0.02", "-0.02", "MYR"),
        ("$8.20", "8.20", "$"),
        ("€ 1.234,56", "1234.56", "EUR"),
        ("1,234.56 USD", "1234.56", "USD"),
        ("12,50 EUR", "12.50", "EUR"),
        ("CHF 1'250.00", "1250.00", "CHF"),
        ("1,000", "1000", nil),
        ("9.000", "9.000", nil),
        ("£12", "12", "GBP"),
        ("TOTAL 1O.5O", "10.50", nil),    // letter O read for zero inside a number
        ("S5.9O", "55.90", nil),          // S before a digit is a five
        ("12.50SR", "12.50", nil),        // tax code after the amount stays a word
    ])
    func readsPrintedAmounts(text: String, decimal: String, currency: String?) throws {
        let amount = try #require(AmountParser.amounts(in: text).last, "no amount in \(text)")
        #expect(amount.decimal == decimal)
        #expect(amount.currency == currency)
    }

    @Test func keepsWhatIsPrintedAndWhere() throws {
        let amount = try #require(AmountParser.amounts(in: "TOTAL RM 12.00").first)
        #expect(amount.printed == "RM 12.00")
        #expect(amount.range == 6..<14)
        #expect(amount.fractionDigits == 2)
        #expect(AmountParser.amounts(in: "T0TAL 1O.00").first?.repairs == 1)
    }

    @Test(arguments: ["TOTAL", "R000027830", "FORM12", "5 STAR", "SO00022185"])
    func findsNoMoneyInWordsAndIdentifiers(text: String) {
        #expect(!AmountParser.amounts(in: text).contains { $0.fractionDigits > 0 || $0.currency != nil }, "\(text)")
    }

    @Test func aLabelNamesItsCurrencyAsAWordOfItsOwn() {
        #expect(AmountParser.currencyCode(in: "Invoice total (AUD)") == "AUD")
        #expect(AmountParser.currencyCode(in: "Amount due, US$") == "USD")
        #expect(AmountParser.currencyCode(in: "Total RM") == "MYR")
        #expect(AmountParser.currencyCode(in: "FORM TOTAL") == nil)   // not the tail of a word
        #expect(AmountParser.currencyCode(in: "Grand total") == nil)
    }

    @Test func aPhoneNumberDashIsNotAMinusSign() {
        #expect(AmountParser.amounts(in: "TEL 07-3507405").map(\.decimal) == ["07", "3507405"])
        #expect(AmountParser.amounts(in: "ROUNDING -0.01").map(\.decimal) == ["-0.01"])
    }

    @Test func normalizesExactlyOneAmount() {
        #expect(AmountParser.normalize("RM 12.50") == "12.50")
        #expect(AmountParser.normalize("12.50 and 3.00") == nil)
        #expect(AmountParser.normalize("no money here") == nil)
    }
}

@Suite struct DateParserTests {
    @Test(arguments: [
        ("25/12/2018", "2018-12-25"),
        ("DATE: 25/12/2018 8:13:39 PM", "2018-12-25"),
        ("12/28/2017", "2017-12-28"),          // only month-day-year is valid
        ("2018-03-23", "2018-03-23"),
        ("2018/02/22", "2018-02-22"),
        ("18.03.2018", "2018-03-18"),
        ("18-11-18 13:58", "2018-11-18"),
        ("5/3/2018", "2018-03-05"),
        ("05 MAR 2018", "2018-03-05"),
        ("28 MAR 18", "2018-03-28"),
        ("05-Mar-2018", "2018-03-05"),
        ("05MAR2018", "2018-03-05"),
        ("March 5, 2018", "2018-03-05"),
        ("Sept 30 2017", "2017-09-30"),
        ("20180304", "2018-03-04"),
        ("25032018", "2018-03-25"),
        ("29/02/2016", "2016-02-29"),
        ("03/02/201815:28", "2018-02-03"),      // OCR dropped the space before the time
        ("29/12/20179:05", "2017-12-29"),
    ])
    func readsPrintedDates(text: String, iso: String) {
        #expect(DateParser.dates(in: text).first?.iso == iso, "\(text)")
    }

    @Test(arguments: ["31/02/2018", "12 31 00", "07-3507405", "1/2", "29/02/2017", "2018-13-01", "TOTAL 12.00",
                      "03/02/201835:28", "03/02/201815"])
    func findsNoDateInNonDates(text: String) {
        #expect(DateParser.dates(in: text).isEmpty, "\(text)")
    }

    @Test func aRunOnTimeIsNotPartOfTheDate() throws {
        let date = try #require(DateParser.dates(in: "Date 03/02/201815:28").first)
        #expect(date.printed == "03/02/2018" && date.range == 5..<15)
    }

    @Test func marksDayMonthAmbiguityAndFollowsTheConfiguredOrder() throws {
        let dayFirst = try #require(DateParser.dates(in: "03/04/2018", order: .dayMonthYear).first)
        #expect(dayFirst.iso == "2018-04-03" && dayFirst.isAmbiguous)
        let monthFirst = try #require(DateParser.dates(in: "03/04/2018", order: .monthDayYear).first)
        #expect(monthFirst.iso == "2018-03-04" && monthFirst.isAmbiguous)
        // Equal day and month, or a day above 12, read one way only.
        #expect(DateParser.dates(in: "04/04/2018").first?.isAmbiguous == false)
        #expect(DateParser.dates(in: "13/04/2018", order: .monthDayYear).first?.iso == "2018-04-13")
        #expect(DateParser.dates(in: "13/04/2018").first?.isAmbiguous == false)
        let yearFirst = try #require(DateParser.dates(in: "18/03/12", order: .yearMonthDay).first)
        #expect(yearFirst.iso == "2018-03-12")
    }

    @Test func twoDigitYearsAndCompactDatesAreMarked() throws {
        let short = try #require(DateParser.dates(in: "12-01-19").first)
        #expect(short.iso == "2019-01-12" && short.hasTwoDigitYear && short.isAmbiguous)
        #expect(DateParser.dates(in: "01/01/85").first?.iso == "1985-01-01")
        #expect(DateParser.dates(in: "20180304").first?.isCompact == true)
        #expect(DateParser.normalize("on 25/12/2018") == "2018-12-25")
        #expect(DateParser.normalize("25/12/2018 - 26/12/2018") == nil)
    }
}

@Suite struct PhraseMatcherTests {
    @Test func toleratesOCRConfusionsButNotOtherWords() throws {
        let exact = try #require(PhraseMatcher.match("total", in: "TOTAL:"))
        #expect(exact.score == 1 && exact.range == 0..<5)
        #expect(try #require(PhraseMatcher.match("total", in: "T0TAL RM")).score > 0.9)
        #expect(try #require(PhraseMatcher.match("total rounded", in: "TOTAL ROUNDEO")).score > 0.9)
        #expect(PhraseMatcher.match("suite", in: "SITE: 2395") == nil)
        #expect(PhraseMatcher.match("lorong", in: "PASARAYA BORONG PINTAR") == nil)
        #expect(PhraseMatcher.match("no", in: "NOTE") == nil)
    }

    @Test func prefersWordBoundariesAndIgnoresPunctuation() throws {
        #expect(PhraseMatcher.match("total", in: "SUBTOTAL") == nil, "a short key inside a longer word is no match")
        #expect(try #require(PhraseMatcher.match("total rounded", in: "TOTALROUNDED")).score < 1)
        #expect(try #require(PhraseMatcher.match("s/b", in: "99 SPEED MART S/B (519537-X)")).score == 1)
        #expect(try #require(PhraseMatcher.match("inclusive of gst", in: "TOTAL SALES(INCLUSIVE OF GST) :")).range == 12..<28)
    }

    @Test func hashRunsAreDigitWildcards() {
        #expect(PhraseMatcher.match("#####", in: "81100 JOHOR BAHRU") != nil)
        #expect(PhraseMatcher.match("#####", in: "TEL 1234") == nil)
        #expect(PhraseMatcher.match("#####", in: "ABCDE") == nil)
        #expect(PhraseMatcher.match("invoice #", in: "INVOICE # : OR18") != nil)
    }
}

@Suite struct ExactMatchTests {
    @Test func comparesEachTypeAsDocumented() {
        #expect(ExactMatch.matches("RM 3.90", "3.9", type: .amount))
        #expect(ExactMatch.matches("$8.20", "8.20", type: .amount))
        #expect(!ExactMatch.matches("8.21", "8.20", type: .amount))
        // A currency query's answer: the currency as printed or its code.
        #expect(ExactMatch.matches("£", "GBP", type: .amount) && ExactMatch.matches("RM", "MYR", type: .amount))
        #expect(!ExactMatch.matches("€", "GBP", type: .amount))
        #expect(ExactMatch.matches("12-01-19", "12/01/2019", type: .date))
        #expect(!ExactMatch.matches("12/01/2019", "01/12/2019", type: .date))
        #expect(ExactMatch.matches("12/01/2019", "01/12/2019", type: .date, dateOrder: .dayMonthYear) == false)
        #expect(ExactMatch.matches("007", "7", type: .integer))
        #expect(ExactMatch.matches("27,JALAN DEDAP 13,", "27, jalan dedap 13", type: .text))
        #expect(!ExactMatch.matches("NO.53", "NO 53", type: .text))
        #expect(ExactMatch.matchesLettersAndDigits("NO.53", "NO 53", type: .text))
        #expect(!ExactMatch.matches(nil, "x", type: .text))
        #expect(ExactMatch.matches("N/A", "n/a", type: .date))
    }

    @Test func canonicalDecimals() {
        #expect(ExactMatch.canonicalDecimal("0012.500") == "12.5")
        #expect(ExactMatch.canonicalDecimal("-0.020") == "-0.02")
        #expect(ExactMatch.canonicalDecimal("9.000") == "9")
        #expect(ExactMatch.canonicalDecimal("-0.00") == "0")
    }
}
