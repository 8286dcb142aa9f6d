import QZoomCore
import Testing
@testable import QZoom

/// The map → box rule on hand-made relevance maps: 10×10 cells of 32 coarse px on a 320×320 page
/// at 1 px per unit. Hot cells have logit +10 (sigmoid ≈ 1), cold ones −10 (≈ 0).
struct RoIProposalTests {
    static let grid = try! CellGrid(pageSize: Size(width: 320, height: 320), coarseScale: 1, cellSize: 32)

    static func logits(hot: [(column: Int, row: Int)], grid: CellGrid = grid) -> [Float] {
        var map = [Float](repeating: -10, count: grid.count)
        for cell in hot { map[grid.index(column: cell.column, row: cell.row)] = 10 }
        return map
    }

    static let blob = [(4, 4), (5, 4), (4, 5), (5, 5)].map { (column: $0.0, row: $0.1) }
    static let bare = RoIProposalConfiguration(threshold: 0.15, minimumSide: 0, margin: 0)

    @Test func singleBlobGivesTheTightBoxOfItsBlurredCells() throws {
        let proposal = try RoIBoxRule.propose(logits: Self.logits(hot: Self.blob), grid: Self.grid, configuration: Self.bare)
        // After the 3×3 blur the blob's edge neighbours hold 2/9 ≥ 0.15 and its corner neighbours 1/9 < 0.15:
        // the passing cells span columns and rows 3…6.
        #expect(proposal.box == Rect(minX: 96, minY: 96, maxX: 224, maxY: 224))
        #expect(abs(proposal.peak - 4.0 / 9) < 1e-3)
        #expect(proposal.relevance.count == Self.grid.count)
    }

    @Test func twoBlobsKeepThePeakComponentOrSpanBoth() throws {
        let strong = [(1, 1), (2, 1), (1, 2), (2, 2)].map { (column: $0.0, row: $0.1) }
        let weak = [(column: 7, row: 8), (column: 8, row: 8)]
        let logits = Self.logits(hot: strong + weak)
        let peak = try RoIBoxRule.propose(logits: logits, grid: Self.grid, configuration: Self.bare)
        let box = try #require(peak.box)
        #expect(box.maxX <= 4 * 32 && box.maxY <= 4 * 32 && box.contains(Point(x: 48, y: 48)))
        var all = Self.bare
        all.selection = .allPassing
        let both = try #require(try RoIBoxRule.propose(logits: logits, grid: Self.grid, configuration: all).box)
        #expect(both.contains(Point(x: 48, y: 48)) && both.contains(Point(x: 8.5 * 32, y: 8.5 * 32)))
    }

    @Test func nothingAboveTheThresholdMeansNoRoI() throws {
        let proposal = try RoIBoxRule.propose(logits: Self.logits(hot: []), grid: Self.grid, configuration: Self.bare)
        #expect(proposal.box == nil && proposal.peak < 1e-3)
        // A single hot cell blurs to 1/9 ≈ 0.11: below τ = 0.15, so still no RoI.
        let lone = try RoIBoxRule.propose(logits: Self.logits(hot: [(column: 5, row: 5)]), grid: Self.grid, configuration: Self.bare)
        #expect(lone.box == nil)
    }

    @Test func minimumSizeGrowsAroundTheCentreAndStaysOnThePage() throws {
        var configuration = Self.bare
        configuration.minimumSide = 200
        let centred = try RoIBoxRule.propose(logits: Self.logits(hot: Self.blob), grid: Self.grid, configuration: configuration)
        #expect(centred.box == Rect(x: 60, y: 60, width: 200, height: 200))
        let corner = [(0, 0), (1, 0), (0, 1), (1, 1)].map { (column: $0.0, row: $0.1) }
        let cornered = try RoIBoxRule.propose(logits: Self.logits(hot: corner), grid: Self.grid, configuration: configuration)
        #expect(cornered.box == Rect(x: 0, y: 0, width: 200, height: 200))
        configuration.minimumSide = 1000   // larger than the page: capped by it
        let capped = try RoIBoxRule.propose(logits: Self.logits(hot: Self.blob), grid: Self.grid, configuration: configuration)
        #expect(capped.box == Rect(x: 0, y: 0, width: 320, height: 320))
    }

    @Test func marginAddsContextClippedToThePage() throws {
        var configuration = Self.bare
        configuration.margin = 20
        let corner = [(0, 0), (1, 0), (0, 1), (1, 1)].map { (column: $0.0, row: $0.1) }
        let proposal = try RoIBoxRule.propose(logits: Self.logits(hot: corner), grid: Self.grid, configuration: configuration)
        // Passing cells span 0…2 (96 px); the margin adds 20 px on the far sides and is cut at the page edge.
        #expect(proposal.box == Rect(x: 0, y: 0, width: 116, height: 116))
        let centred = try RoIBoxRule.propose(logits: Self.logits(hot: Self.blob), grid: Self.grid, configuration: configuration)
        #expect(centred.box == Rect(minX: 76, minY: 76, maxX: 244, maxY: 244))
    }

    @Test func boxesAreInPageCoordinates() throws {
        // The same map on a 160×160 page seen at 2 px per unit: every coarse length halves.
        let grid = try CellGrid(pageSize: Size(width: 160, height: 160), coarseScale: 2, cellSize: 32)
        var configuration = Self.bare
        configuration.margin = 16
        let proposal = try RoIBoxRule.propose(logits: Self.logits(hot: Self.blob, grid: grid), grid: grid, configuration: configuration)
        #expect(proposal.box == Rect(minX: 40, minY: 40, maxX: 120, maxY: 120))
    }

    @Test func wrongInputsAreRefused() throws {
        #expect(throws: HeadError.inputShape(what: "relevance logits", expected: 100, found: 3)) {
            try RoIBoxRule.propose(logits: [0, 0, 0], grid: Self.grid, configuration: Self.bare)
        }
        let layout = CellFeatureLayout(detectorChannels: 2, projectedChannels: nil)
        let head = RoIHead(extractor: CellFeatureExtractor(layout: layout, seed: 1),
                           network: ConditionedMLP(shape: .init(features: layout.width), seed: 1),
                           proposal: RoIProposalConfiguration())
        let cells = CellFeatures(grid: Self.grid, layout: layout, values: Matrix(rows: 100, columns: layout.width))
        #expect(throws: HeadError.inputShape(what: "question embedding", expected: 384, found: 10)) {
            try head.propose(cells: cells, question: [Float](repeating: 0, count: 10))
        }
        #expect(try head.logits(cells: cells, question: [Float](repeating: 0, count: 384)).count == 100)
    }

    /// The rule without a RoI head, on a 600×800 page: a footer of two rows of small print, of which the
    /// coarse pass has read only the left pieces. A region query's RoI is its whole hinted region (the
    /// coarse detector may have missed the smallest print), grown to hold every detected line whose
    /// centre is in it, so the fine pass does not cut a line in two.
    @Test func theRuleRoIOfARegionQueryHoldsEveryDetectedLineOfItsRegion() {
        let page = Size(width: 600, height: 800)
        let left = Rect(x: 50, y: 760, width: 320, height: 10), right = Rect(x: 410, y: 676, width: 130, height: 10)
        let below = Rect(x: 50, y: 772, width: 260, height: 10), body = Rect(x: 50, y: 400, width: 500, height: 12)
        let read = left.union(below)
        let candidate = Candidate(value: "small print", normalized: "small print", currency: nil, isAmbiguous: false,
                                  box: read, keyBox: nil, lines: [0, 2], features: CandidateFeatures(), score: 0.9)
        let answer = QueryAnswer(query: "small_print", candidates: [candidate], confidence: 0.9)
        func roi(_ type: AnswerType) -> Rect? {
            let query = Query(name: "small_print", question: "What does the small print say?", type: type,
                              hint: PositionHint(named: "footer"))
            return HeadRules.region(for: answer, query: query, detected: [left, right, below, body], pageSize: page,
                                    coarseScale: 1, proposal: Self.bare)
        }
        let footer = Rect(x: 0, y: 680, width: 600, height: 120)
        #expect(roi(.region) == footer.union(right), "the footer and every line centred in it, none of the body")
        #expect(roi(.text) == read, "a typed query keeps the evidence it read")
        let nothing = QueryAnswer(query: "small_print", candidates: [], confidence: 0)
        let query = Query(name: "small_print", question: "What does the small print say?", type: .text,
                          hint: PositionHint(named: "footer"))
        #expect(HeadRules.region(for: nothing, query: query, detected: [], pageSize: page, coarseScale: 1,
                                 proposal: Self.bare) == Rect(x: 0, y: 680, width: 600, height: 120), "the hinted region")
    }
}
