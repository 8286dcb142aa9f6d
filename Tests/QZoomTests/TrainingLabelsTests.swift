import QZoomCore
import Testing
@testable import QZoom

/// Consistency-aware gate labels and self-distilled RoI targets on hand-made cases.
struct TrainingLabelsTests {
    // MARK: gate

    @Test func laddersAreClassifiedByTheConsistencyRules() {
        #expect(GateLabeler.classify(BudgetLadder(answers: ["9.50", "9.50", "9.50"])) == .easy)
        #expect(GateLabeler.classify(BudgetLadder(answers: [nil, "9.5O", "9.50", "9.50"])) == .transition(firstRight: 2))
        #expect(GateLabeler.classify(BudgetLadder(answers: ["9.50", "9.50", "9.56"])) == .unstable)
        #expect(GateLabeler.classify(BudgetLadder(answers: ["9.50"])) == .unstable)
        #expect(GateLabeler.classify(BudgetLadder(answers: ["1", nil, nil])) == .noAnswer)
        #expect(GateLabeler.classify(BudgetLadder(answers: ["9.50", "1.00", "9.50", "9.50"])) == .notContiguous)
    }

    @Test func anExternalLabelReplacesTheConsensus() {
        // The two highest agree with each other but not with the label: refining cannot help.
        #expect(GateLabeler.classify(BudgetLadder(answers: ["1", "2", "2"], reference: "3")) == .unstable)
        #expect(GateLabeler.classify(BudgetLadder(answers: ["1", "3", "3"], reference: "3")) == .transition(firstRight: 1))
        #expect(GateLabeler.classify(BudgetLadder(answers: [nil, nil, nil], reference: "3")) == .unstable)
    }

    @Test func transitionsLabelTheLastWrongBudgetAndEveryRightOne() {
        let set = GateLabeler.labels(for: [BudgetLadder(answers: [nil, "x", "y", "y"])], seed: 1)
        #expect(set.transitions == 1)
        #expect(set.labels == [GateLabel(sample: 0, budget: 1, refine: true),
                               GateLabel(sample: 0, budget: 2, refine: false),
                               GateLabel(sample: 0, budget: 3, refine: false)])
    }

    @Test func easySamplesAreMixedOneToOneBySeed() {
        let hard = (0..<3).map { _ in BudgetLadder(answers: ["a", "b", "b"]) }
        let easy = (0..<10).map { _ in BudgetLadder(answers: ["c", "c", "c"]) }
        let broken = [BudgetLadder(answers: ["c", "d", "e"]), BudgetLadder(answers: ["b", "a", "b", "b"])]
        let ladders = hard + easy + broken
        let set = GateLabeler.labels(for: ladders, seed: 7)
        #expect(set.transitions == 3 && set.easy == 3 && set.easyLeftOut == 7)
        #expect(set.unstable == 1 && set.notContiguous == 1)
        let easySamples = Set(set.labels.map(\.sample).filter { $0 >= 3 })
        #expect(easySamples.count == 3 && easySamples.allSatisfy { (3..<13).contains($0) })
        #expect(set.labels.filter(\.refine).count == 3)
        #expect(GateLabeler.labels(for: ladders, seed: 7) == set)
        let other = (1...20).map { Set(GateLabeler.labels(for: ladders, seed: UInt64($0)).labels.map(\.sample)) }
        #expect(Set(other).count > 1, "the seed chooses which easy samples are kept")
    }

    // MARK: RoI targets (10×10 cells of 32 units on a 320×320 page)

    static let grid = try! CellGrid(pageSize: Size(width: 320, height: 320), coarseScale: 1, cellSize: 32)

    static func label(_ targets: [CellTarget], _ column: Int, _ row: Int) -> CellTarget {
        targets[grid.index(column: column, row: row)]
    }

    @Test func evidenceGivesForegroundBackgroundAndIgnoredCells() throws {
        // One cell fully covered: it alone is foreground, every other cell background.
        let outcome = RoITargetBuilder.targets(evidence: [Rect(x: 128, y: 128, width: 32, height: 32)], grid: Self.grid)
        guard case .targets(let targets) = outcome else { Issue.record("expected targets, got \(outcome)"); return }
        #expect(Self.label(targets, 4, 4) == .foreground && Self.label(targets, 3, 3) == .background)
        #expect(targets.filter { $0 == .foreground }.count == 1 && targets.filter { $0 == .ignored }.isEmpty)

        // A key line and its answer two cells apart, the answer spilling a fifth into the next cell,
        // and a faint sliver of evidence far away.
        let key = Rect(x: 64, y: 192, width: 32, height: 32)       // cell (2, 6), fully
        let answer = Rect(x: 192, y: 192, width: 38.4, height: 32) // cell (6, 6) fully, (7, 6) a fifth
        let sliver = Rect(x: 0, y: 32, width: 32, height: 3.2)     // cell (0, 1), a tenth
        guard case .targets(let mixed) = RoITargetBuilder.targets(evidence: [key, answer, sliver], grid: Self.grid) else {
            Issue.record("expected targets"); return
        }
        #expect(Self.label(mixed, 2, 6) == .foreground && Self.label(mixed, 6, 6) == .foreground)
        #expect(Self.label(mixed, 4, 6) == .ignored)     // inside the foreground's box, below 0.25·max
        #expect(Self.label(mixed, 7, 6) == .ignored)     // outside the box, 0.2·max: neither
        #expect(Self.label(mixed, 0, 1) == .ignored)     // outside the box, 0.1·max ≥ 0.05·max
        #expect(Self.label(mixed, 2, 5) == .background && Self.label(mixed, 9, 9) == .background)
        #expect(mixed.filter { $0 == .foreground }.count == 2)
    }

    @Test func evidenceOverHalfThePageOrOffThePageIsDropped() {
        let large = [Rect(x: 0, y: 0, width: 320, height: 100), Rect(x: 0, y: 250, width: 20, height: 20)]
        #expect(RoITargetBuilder.targets(evidence: large, grid: Self.grid) == .evidenceTooLarge)
        #expect(RoITargetBuilder.targets(evidence: [Rect(x: 0, y: 0, width: 320, height: 150)], grid: Self.grid) != .evidenceTooLarge)
        #expect(RoITargetBuilder.targets(evidence: [Rect(x: 400, y: 0, width: 10, height: 10)], grid: Self.grid) == .noEvidence)
        #expect(RoITargetBuilder.targets(evidence: [], grid: Self.grid) == .noEvidence)
    }
}
