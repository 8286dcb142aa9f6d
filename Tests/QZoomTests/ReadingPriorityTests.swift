import Testing
@testable import QZoom
import QZoomCore

/// How the coarse pass ranks its unread lines, and when a query needs no more of them.
@Suite struct ReadingPriorityTests {
    let top = PositionHint(named: "top")

    @Test func aHintIsPlacedOnTheTextAreaNotOnThePage() {
        // A receipt whose text fills y = 400...1400 of a 2000-high scan: y = 500 is in its top part.
        let area = Rect(x: 100, y: 400, width: 600, height: 1000)
        let line = Rect(x: 200, y: 490, width: 300, height: 20)
        #expect(ReadingPriority.hintScore(line, top, area) == 1)
        let page = Rect(x: 0, y: 0, width: 800, height: 2000)
        #expect(ReadingPriority.hintScore(line, top, page) == 1)
        let low = Rect(x: 200, y: 1290, width: 300, height: 20)
        #expect(ReadingPriority.hintScore(low, top, area) < 0.05)
        #expect(ReadingPriority.hintScore(low, nil, area) == 0.5)
    }

    @Test func aHintedQueryIsExhaustedWhenNoUnreadLineIsRelevantToIt() {
        let hinted = Query(name: "company", question: "Which company?", type: .text, hint: top)
        let unhinted = Query(name: "date", question: "What date?", type: .date)
        #expect(ReadingPriority.isExhausted(hinted, scores: [0.1, 0.3], readingThreshold: nil))
        #expect(!ReadingPriority.isExhausted(hinted, scores: [0.1, 0.9], readingThreshold: nil))
        #expect(ReadingPriority.isExhausted(hinted, scores: [], readingThreshold: nil))
        #expect(!ReadingPriority.isExhausted(unhinted, scores: [0.1, 0.3], readingThreshold: nil))
    }

    /// A region query reads the detected lines whose centre is in its hint region on the page; other
    /// queries have no such set.
    @Test func aRegionQueryReadsTheLinesOfItsRegion() throws {
        let footer = Query(name: "small_print", question: "What does the small print say?", type: .region,
                           hint: PositionHint(named: "footer"))
        let page = Size(width: 600, height: 1000)
        let boxes = [Rect(x: 50, y: 100, width: 300, height: 20), Rect(x: 50, y: 880, width: 300, height: 10),
                     Rect(x: 50, y: 960, width: 500, height: 10), Rect(x: 50, y: 820, width: 300, height: 20)]
        #expect(ReadingPriority.regionLines(footer, boxes: boxes, pageSize: page) == [1, 2])
        let total = Query(name: "total", question: "How much?", type: .amount, hint: PositionHint(named: "bottom"))
        #expect(ReadingPriority.regionLines(total, boxes: boxes, pageSize: page) == nil)
    }

    /// With the reading head, any query is exhausted when no unread line scores τ_read (the head's
    /// relevance plus the follow score), whatever its hint.
    @Test func withTheReadingHeadAQueryIsExhaustedWhenNoUnreadLineReachesTauRead() {
        let unhinted = Query(name: "total", question: "What total?", type: .amount)
        let hinted = Query(name: "company", question: "Which company?", type: .text, hint: top)
        #expect(ReadingPriority.isExhausted(unhinted, scores: [0.02, 0.05], readingThreshold: 0.1))
        #expect(!ReadingPriority.isExhausted(unhinted, scores: [0.02, 0.15], readingThreshold: 0.1))
        #expect(ReadingPriority.isExhausted(hinted, scores: [0.02, 0.05], readingThreshold: 0.1))
        #expect(!ReadingPriority.isExhausted(unhinted, scores: [0.02, 0.05], readingThreshold: nil))
    }
}

/// The order lines are read in, and when a block answer is finished.
@Suite struct ReadingOrderTests {
    static let boxes = (0..<6).map { Rect(x: 0, y: Double($0) * 20, width: 100, height: 10) }

    /// Open queries take turns: a query whose one relevant line ranks below another query's many
    /// relevant lines still has it read in the first round.
    @Test func queriesTakeTurnsAndTiesGoTopDown() {
        let many = [0.9, 0.95, 0.92, 0.91, 0.1, 0.1], one = [0.1, 0.1, 0.1, 0.1, 0.1, 0.6]
        #expect(ReadingPriority.order(boxes: Self.boxes, unread: Array(0..<6), scores: [many, one]) == [1, 5, 2, 0, 3, 4])
        // Scores are per unread line, in `unread` order; equal scores read from the top down.
        #expect(ReadingPriority.order(boxes: Self.boxes, unread: [4, 2, 0], scores: [[0.5, 0.5, 0.5]]) == [0, 2, 4])
        #expect(ReadingPriority.order(boxes: Self.boxes, unread: [3, 1], scores: []) == [1, 3])
    }

    /// A two-line address read so far (lines 1 and 2) may go on at line 0 or 3, not at line 5, nor at a
    /// line beside it.
    @Test func aBlockAnswerIsContinuedByTheLinesJustAboveAndBelowIt() throws {
        let query = Query(name: "address", question: "Where?", type: .text, maxLines: 6, isBlock: true)
        let best = Candidate(value: "1 Main St Springfield", normalized: "1 Main St Springfield", currency: nil, isAmbiguous: false,
                             box: Rect(x: 0, y: 20, width: 100, height: 30), keyBox: nil, lines: [1, 2],
                             features: CandidateFeatures(), score: 0.9)
        let block = try #require(ReadingPriority.Block(query: query, answer: QueryAnswer(query: "address", candidates: [best], confidence: 0.9)))
        #expect(block.isContinued(by: Self.boxes[0]) && block.isContinued(by: Self.boxes[3]))
        #expect(!block.isContinued(by: Self.boxes[5]) && !block.isContinued(by: Rect(x: 150, y: 60, width: 50, height: 10)))
        #expect(block.isContinued(by: Self.boxes, unread: [0, 5]) && !block.isContinued(by: Self.boxes, unread: [5]))
        let total = Query(name: "total", question: "How much?", type: .amount)
        #expect(ReadingPriority.Block(query: total, answer: QueryAnswer(query: "total", candidates: [best], confidence: 0.9)) == nil)
    }
}
