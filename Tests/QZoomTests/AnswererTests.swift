import Testing
@testable import QZoom
import QZoomCore

/// The answerer on small hand-made pages: a key to the right, a key above, no key, distractors.
@Suite struct AnswererTests {
    static let pageSize = Size(width: 600, height: 1000)

    /// A line of text at (x, y) whose width follows its length, 20 units high.
    static func line(_ text: String, x: Double, y: Double, height: Double = 20, confidence: Float = 0.98) -> TextLine {
        let rect = Rect(x: x, y: y, width: Double(text.count) * height * 0.55, height: height)
        return TextLine(quad: Quad(rect), text: text, confidence: Double(confidence),
                        characterConfidences: [Float](repeating: confidence, count: text.count))
    }

    static func page(_ lines: [TextLine]) -> PageText { PageText(lines: lines, size: pageSize) }

    let totalQuery = Query(name: "total", question: "What is the total amount paid?", type: .amount,
                           keys: ["total rounded", "total"],
                           exclude: ["subtotal", "total qty", "cash", "change", "total tax", "rounding"])

    @Test func readsTheValueRightOfItsKeyOnTheSameLine() throws {
        let page = Self.page([
            Self.line("SUBTOTAL 11.00", x: 20, y: 500),
            Self.line("TOTAL: 12.50", x: 20, y: 530),
            Self.line("CASH 20.00", x: 20, y: 560),
            Self.line("CHANGE 7.50", x: 20, y: 590),
        ])
        let answer = Answerer().answer(totalQuery, on: page)
        #expect(answer.value == "12.50")
        #expect(answer.normalized == "12.50")
        let box = try #require(answer.box), keyBox = try #require(answer.keyBox)
        #expect(keyBox.maxX <= box.minX + 1, "the key is left of the value")
        #expect(box.minY == 530 && keyBox.minY == 530)
        #expect(answer.candidates.first { $0.value == "20.00" }?.features.isExcluded == true)
    }

    @Test func readsTheValueInTheSameRowAcrossTheGap() throws {
        let page = Self.page([
            Self.line("TOTAL", x: 20, y: 640),
            Self.line("RM 33.92", x: 450, y: 641),
            Self.line("ROUNDING ADJUSTMENT", x: 20, y: 665),
            Self.line("-RM 0.02", x: 450, y: 664),
            Self.line("TOTAL ROUNDED", x: 20, y: 690),
            Self.line("RM 33.90", x: 450, y: 690),
            Self.line("CASH", x: 20, y: 715),
            Self.line("RM 50.00", x: 450, y: 716),
        ])
        let answer = Answerer().answer(totalQuery, on: page)
        #expect(answer.value == "RM 33.90")
        #expect(answer.normalized == "33.90")
        #expect(answer.currency == "MYR")
        #expect(answer.keyBox?.minY == 690, "read next to TOTAL ROUNDED, the first key")
    }

    @Test func aTaxSummaryRowLosesToTheLabelledTotal() {
        let page = Self.page([
            Self.line("TOTAL (RM) :", x: 20, y: 600),
            Self.line("8.00", x: 450, y: 600),
            Self.line("CASH :", x: 20, y: 625),
            Self.line("8.00", x: 450, y: 625),
            Self.line("GST SUMMARY", x: 20, y: 700),
            Self.line("TOTAL :", x: 20, y: 730),
            Self.line("7.55", x: 300, y: 730),
            Self.line("0.45", x: 450, y: 730),
        ])
        #expect(Answerer().answer(totalQuery, on: page).value == "8.00")
    }

    @Test func linesFromAStopPhraseDownAreNotRead() {
        var query = totalQuery
        query.stop = ["gst summary"]
        let page = Self.page([
            Self.line("TOTAL :", x: 20, y: 600),
            Self.line("99.00", x: 450, y: 590),
            Self.line("GST SUMMARY", x: 20, y: 700),
            Self.line("TOTAL:", x: 200, y: 760),
            Self.line("93.40", x: 300, y: 755),
        ])
        #expect(Answerer().answer(totalQuery, on: page).value == "93.40", "without the stop, the later total wins")
        let answer = Answerer().answer(query, on: page)
        #expect(answer.value == "99.00")
        #expect(answer.candidates.first { $0.value == "93.40" }?.features.isExcluded == true)
    }

    @Test func readsADateBelowItsKeyAndSkipsExcludedDates() throws {
        let query = Query(name: "date", question: "What is the invoice date?", type: .date,
                          keys: ["invoice date", "date"], exclude: ["due"])
        let page = Self.page([
            Self.line("Due Date", x: 350, y: 100),
            Self.line("30/04/2018", x: 350, y: 125),
            Self.line("Invoice Date", x: 20, y: 100),
            Self.line("03/04/2018", x: 20, y: 125),
        ])
        let answer = Answerer().answer(query, on: page)
        #expect(answer.value == "03/04/2018")
        #expect(answer.normalized == "2018-04-03")
        #expect(answer.best?.isAmbiguous == true, "03/04 also reads as 4 March")
        #expect(answer.keyBox?.minX == 20)
        #expect(Answerer(dateOrder: .monthDayYear).answer(query, on: page).normalized == "2018-03-04")
    }

    @Test func withoutAKeyTheCuesAndThePositionDecide() {
        let query = Query(name: "company", question: "Which company issued the receipt?", type: .text,
                          cues: ["sdn bhd", "enterprise"], exclude: ["tel", "gst"], hint: PositionHint(named: "top"), maxLines: 3, dropsIdentifiers: true)
        let page = Self.page([
            Self.line("WELCOME", x: 200, y: 40, height: 30),
            Self.line("ACME TRADING SDN BHD (123456-X)", x: 100, y: 80, height: 24),
            Self.line("TEL: 03-1234 5678", x: 150, y: 110),
            Self.line("BEST ENTERPRISE PENS 2.00", x: 20, y: 700),
        ])
        let answer = Answerer().answer(query, on: page)
        #expect(answer.value == "ACME TRADING SDN BHD")
    }

    @Test func aNumberOrAMisreadLogoAboveTheNameIsNotAName() {
        let query = Query(name: "company", question: "Which company issued the receipt?", type: .text,
                          exclude: ["tel"], hint: PositionHint(named: "top"), maxLines: 3)
        let page = Self.page([
            Self.line("31812012", x: 200, y: 20, height: 30),
            Self.line("t1o10.81", x: 200, y: 60, height: 30),
            Self.line("SYARIKAT PERNIAGAAN GIN KEE", x: 100, y: 110, height: 24),
            Self.line("TEL: 03-1234 5678", x: 150, y: 140),
        ])
        #expect(Answerer().answer(query, on: page).value == "SYARIKAT PERNIAGAAN GIN KEE")
        #expect(TextCleaning.isWordy("99 SPEED MART") && TextCleaning.isWordy("7-ELEVEN"))
        #expect(!TextCleaning.isWordy("L10 10 81 E") && !TextCleaning.isWordy("318") && !TextCleaning.isWordy("A1"))
    }

    @Test func positionIsScoredOnTheWholeTextAreaWhenOnlyPartOfThePageIsRead() {
        let query = Query(name: "note", question: "What does the footer say?", type: .text,
                          hint: PositionHint(named: "bottom"), maxLines: 1)
        // Two lines read of a page whose text runs from y = 0 to 900: both lie in its top half, so
        // neither is at the bottom; over the read lines alone the lower one would be.
        let lines = [Self.line("FIRST NOTE", x: 100, y: 100), Self.line("SECOND NOTE", x: 100, y: 300)]
        let whole = PageText(lines: lines, size: Self.pageSize, textArea: Rect(x: 50, y: 0, width: 500, height: 900))
        let alone = Self.page(lines)
        let onWhole = Answerer().answer(query, on: whole), onRead = Answerer().answer(query, on: alone)
        #expect(onRead.value == "SECOND NOTE")
        #expect((onWhole.best?.features.position ?? 1) < (onRead.best?.features.position ?? 0))
    }

    @Test func joinsANameWrappedOverTwoLinesOnlyWhereTheTextContinues() {
        let query = Query(name: "company", question: "Which company?", type: .text, cues: ["sdn bhd"],
                          hint: PositionHint(named: "top"), maxLines: 3)
        let wrapped = Self.page([
            Self.line("PASARAYA BORONG PINTAR", x: 100, y: 60),
            Self.line("SDN BHD", x: 200, y: 82),
            Self.line("NO 19-G JALAN TASIK", x: 100, y: 104),
        ])
        #expect(Answerer().answer(query, on: wrapped).value == "PASARAYA BORONG PINTAR SDN BHD")
        let separate = Self.page([
            Self.line("JOHN DOE", x: 100, y: 60),
            Self.line("ACME SDN BHD", x: 100, y: 82),
        ])
        #expect(Answerer().answer(query, on: separate).value == "ACME SDN BHD")
    }

    @Test func readsAnAddressAsABlockOfLines() {
        let query = Query(name: "address", question: "What is the address?", type: .text,
                          cues: ["jalan", "taman", "#####"], exclude: ["tel"],
                          hint: PositionHint(named: "top"), maxLines: 6, isBlock: true)
        let page = Self.page([
            Self.line("ACME SDN BHD", x: 100, y: 60),
            Self.line("(123456-X)", x: 120, y: 82),
            Self.line("NO.53, JALAN SAGU 18,", x: 100, y: 104),
            Self.line("TAMAN DAYA,", x: 100, y: 126),
            Self.line("81100 JOHOR BAHRU,", x: 100, y: 148),
            Self.line("JOHOR.", x: 100, y: 170),
            Self.line("TEL: 07-123 4567", x: 100, y: 192),
        ])
        #expect(Answerer().answer(query, on: page).value == "NO.53, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR.")
    }

    @Test func readsTextAfterItsKey() {
        let query = Query(name: "vendor", question: "Who issued the invoice?", type: .text, keys: ["vendor", "from"])
        let page = Self.page([
            Self.line("INVOICE", x: 20, y: 20),
            Self.line("Vendor: Northwind Traders Ltd", x: 20, y: 60),
            Self.line("Bill to: Contoso", x: 20, y: 90),
        ])
        #expect(Answerer().answer(query, on: page).value == "Northwind Traders Ltd")
    }

    @Test func readsIdentifiersAndIntegers() {
        let id = Query(name: "invoice_number", question: "What is the invoice number?", type: .id,
                       keys: ["invoice no", "invoice #"], exclude: ["date"])
        let page = Self.page([
            Self.line("INVOICE # : OR18030302170430", x: 20, y: 60),
            Self.line("DATE: 03/03/2018", x: 20, y: 90),
            Self.line("ITEMS: 4", x: 20, y: 120),
        ])
        #expect(Answerer().answer(id, on: page).value == "OR18030302170430")
        let count = Query(name: "items", question: "How many items?", type: .integer, keys: ["items"])
        #expect(Answerer().answer(count, on: page).value == "4")
    }

    @Test func aRegionQueryReadsTheLinesInsideItsHintInReadingOrder() throws {
        let query = Query(name: "small_print", question: "What does the small print say?", type: .region,
                          hint: PositionHint(named: "footer"))
        let page = Self.page([
            Self.line("TOTAL 12.00", x: 20, y: 500),
            Self.line("Payment within 30 days.", x: 20, y: 920, height: 8),
            Self.line("Ref 4471", x: 400, y: 921, height: 8),
            Self.line("Late fees apply.", x: 20, y: 935, height: 8),
        ])
        let answer = Answerer().answer(query, on: page)
        #expect(answer.value == "Payment within 30 days. Ref 4471 Late fees apply.")
        let box = try #require(answer.box)
        #expect(box.minY == 920 && box.maxY == 943)
    }

    @Test func aCurrencyQueryAnswersWithTheCurrencyOfTheTotal() {
        let query = Query(name: "currency", question: "Which currency?", type: .amount, keys: ["total"],
                          exclude: ["subtotal"], reportsCurrency: true)
        let page = Self.page([
            Self.line("Subtotal USD 1,000.00", x: 20, y: 600),
            Self.line("Total € 1.234,00", x: 20, y: 630),
        ])
        let euro = Answerer().answer(query, on: page)
        #expect(euro.value == "€" && euro.normalized == "EUR", "as printed, and as its ISO code")

        // The currency printed in the total's label, with a bare number beside it.
        let labelled = Self.page([
            Self.line("Subtotal 19,246.22", x: 20, y: 600),
            Self.line("Invoice total (AUD) 21,170.84", x: 20, y: 630),
        ])
        let australian = Answerer().answer(query, on: labelled)
        #expect(australian.value == "AUD" && australian.normalized == "AUD")
    }

    @Test func questionSimilarityCanStandInForAMissingKeyPhrase() {
        let query = Query(name: "total", question: "What is the amount payable?", type: .amount)
        let page = Self.page([
            Self.line("Deposit 100.00", x: 20, y: 600),
            Self.line("Sum to pay 250.00", x: 20, y: 630),
        ])
        // Without similarities the two values tie on everything but order; the later one wins.
        let similar = Answerer().answer(query, on: page, similarities: [0.1, 0.8])
        #expect(similar.value == "250.00")
        let reversed = Answerer().answer(query, on: page, similarities: [0.8, 0.1])
        #expect(reversed.value == "100.00")
    }

    @Test func confidenceFallsWithAmbiguityAndIsZeroWithoutCandidates() {
        let clear = Self.page([Self.line("TOTAL 12.50", x: 20, y: 530), Self.line("THANK YOU", x: 20, y: 600)])
        let unclear = Self.page([Self.line("12.50", x: 20, y: 530), Self.line("13.70", x: 20, y: 560)])
        let clearAnswer = Answerer().answer(totalQuery, on: clear)
        let unclearAnswer = Answerer().answer(totalQuery, on: unclear)
        #expect(clearAnswer.confidence > 0.5)
        #expect(unclearAnswer.confidence < clearAnswer.confidence / 2)
        #expect(unclearAnswer.margin < clearAnswer.margin)
        #expect((0...1).contains(clearAnswer.confidence) && (0...1).contains(unclearAnswer.confidence))
        let empty = Answerer().answer(totalQuery, on: Self.page([Self.line("THANK YOU", x: 20, y: 600)]))
        #expect(empty.value == nil && empty.confidence == 0 && empty.box == nil)
        #expect(empty.answer().value == nil)
        #expect(clearAnswer.answer(route: .zoom).route == .zoom)
    }

    @Test func lowOCRConfidenceLowersTheAnswerConfidence() {
        let sharp = Self.page([Self.line("TOTAL 12.50", x: 20, y: 530, confidence: 0.99)])
        let blurred = Self.page([Self.line("TOTAL 12.50", x: 20, y: 530, confidence: 0.4)])
        #expect(Answerer().answer(totalQuery, on: blurred).confidence < Answerer().answer(totalQuery, on: sharp).confidence)
    }

    /// OCR output can be anything: empty lines, degenerate or odd quads, NaN, huge numbers, odd Unicode.
    @Test func oddLinesDoNotBreakAnyQueryType() throws {
        let odd: [TextLine] = [
            TextLine(quad: Quad([]), text: "", confidence: 0, characterConfidences: []),
            TextLine(quad: Quad([Point(x: 1, y: 1), Point(x: 2, y: 2), Point(x: 3, y: 1)]), text: "TOTAL 1.00",
                     confidence: 0.5, characterConfidences: [0.5]),
            TextLine(quad: Quad(Rect(x: .nan, y: .nan, width: 10, height: 10)), text: "DATE 31/12/2018",
                     confidence: .nan, characterConfidences: [Float](repeating: .nan, count: 15)),
            Self.line("TOTAL 99999999999999999999999.99 ((((", x: 0, y: 0, height: 0),
            Self.line("e\u{301}\u{301} ß ﬁ 𝟘𝟙 ٣٤ TOTAL: RM", x: 10, y: 10),
            Self.line(String(repeating: "9,", count: 300), x: 10, y: 40),
        ]
        let library = try TemplateLibrary.load(directory: TemplateLoaderTests.projectRoot.appending(path: "config/templates"))
        for template in library.templates {
            for query in template.queries {
                let answer = Answerer().answer(query, on: PageText(lines: odd, size: Size(width: 0, height: 0)))
                #expect((0...1).contains(answer.confidence), "\(template.name).\(query.name)")
                #expect(answer.candidates.allSatisfy { $0.score.isFinite })
            }
        }
    }
}
