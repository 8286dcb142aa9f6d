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
        #expect(ReadingPriority.isExhausted(hinted, scores: [0.1, 0.3]))
        #expect(!ReadingPriority.isExhausted(hinted, scores: [0.1, 0.9]))
        #expect(ReadingPriority.isExhausted(hinted, scores: []))
        #expect(!ReadingPriority.isExhausted(unhinted, scores: [0.1, 0.3]))
    }
}
