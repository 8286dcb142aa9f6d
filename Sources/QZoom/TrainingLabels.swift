import Foundation
import QZoomCore

// MARK: - Gate labels (consistency-aware, paper §1)

/// One sample (a query on a page) answered at ascending budgets.
public struct BudgetLadder: Equatable, Sendable {
    /// Normalised answers, lowest budget first; nil where nothing was found.
    public var answers: [String?]
    /// An external label (ground truth). It replaces the consensus of the highest budgets.
    public var reference: String?

    public init(answers: [String?], reference: String? = nil) { self.answers = answers; self.reference = reference }
}

/// What the consistency rules make of a ladder.
public enum LadderClass: Equatable, Sendable {
    /// Right from budget `firstRight` on, wrong below it.
    case transition(firstRight: Int)
    /// Right at every budget.
    case easy
    /// The two highest budgets disagree, with each other or with the label (or there are fewer than two).
    case unstable
    /// No label, and the highest budgets found nothing to agree on.
    case noAnswer
    /// Wrong answers do not form one run at the lowest budgets.
    case notContiguous
}

/// One training example for the gate: the coarse state of `sample` at `budget` should give `refine`.
public struct GateLabel: Equatable, Sendable {
    public var sample: Int
    public var budget: Int
    public var refine: Bool
}

public struct GateLabelSet: Equatable, Sendable {
    public var labels: [GateLabel] = []
    /// How many ladders fell in each class (`easy` counts the kept ones; `easyLeftOut` the rest).
    public var transitions = 0, easy = 0, easyLeftOut = 0, unstable = 0, noAnswer = 0, notContiguous = 0
}

public enum GateLabeler {
    /// How many wrong budgets just below the transition are labelled "refine" (the paper labels the last
    /// wrong one; earlier wrong budgets are left out, far from the decision boundary).
    public static let refineBudgets = 1

    public static func classify(_ ladder: BudgetLadder) -> LadderClass {
        let answers = ladder.answers, n = answers.count
        guard n >= 2 else { return .unstable }
        let reference: String
        if let label = ladder.reference {
            reference = label
        } else {
            guard answers[n - 1] == answers[n - 2] else { return .unstable }
            guard let consensus = answers[n - 1] else { return .noAnswer }
            reference = consensus
        }
        let right = answers.map { $0 == reference }
        guard right[n - 1], right[n - 2] else { return .unstable }
        let firstRight = (right.lastIndex(of: false) ?? -1) + 1
        guard right[..<firstRight].allSatisfy({ !$0 }) else { return .notContiguous }
        return firstRight == 0 ? .easy : .transition(firstRight: firstRight)
    }

    /// Labels for every usable ladder: a transition gives "enough" (0) at every right budget and
    /// "refine" (1) at the last wrong one; easy ladders are subsampled (seeded) to as many as there
    /// are transitions and give "enough" at every budget.
    public static func labels(for ladders: [BudgetLadder], seed: UInt64) -> GateLabelSet {
        var set = GateLabelSet()
        var easySamples: [Int] = []
        for (sample, ladder) in ladders.enumerated() {
            switch classify(ladder) {
            case .transition(let firstRight):
                set.transitions += 1
                for budget in max(0, firstRight - refineBudgets)..<firstRight {
                    set.labels.append(GateLabel(sample: sample, budget: budget, refine: true))
                }
                for budget in firstRight..<ladder.answers.count {
                    set.labels.append(GateLabel(sample: sample, budget: budget, refine: false))
                }
            case .easy: easySamples.append(sample)
            case .unstable: set.unstable += 1
            case .noAnswer: set.noAnswer += 1
            case .notContiguous: set.notContiguous += 1
            }
        }
        var random = SeededRandom(seed: seed ^ 0xEA5E)
        random.shuffle(&easySamples)
        let kept = easySamples.prefix(set.transitions).sorted()
        set.easy = kept.count
        set.easyLeftOut = easySamples.count - kept.count
        for sample in kept {
            for budget in ladders[sample].answers.indices {
                set.labels.append(GateLabel(sample: sample, budget: budget, refine: false))
            }
        }
        return set
    }
}

// MARK: - RoI targets (self-distilled, paper §1 transposed to cells)

public enum CellTarget: UInt8, Sendable {
    case background, foreground, ignored
}

public enum RoITargetOutcome: Equatable, Sendable {
    case targets([CellTarget])
    /// The evidence covers more than half the page: no useful localisation to learn (dropped).
    case evidenceTooLarge
    /// No evidence box touches the page (dropped).
    case noEvidence
}

public enum RoITargetBuilder {
    public static let foregroundShare: Float = 0.25
    public static let backgroundShare: Float = 0.05
    public static let maximumPageShare = 0.5

    /// Targets from the evidence of the engine's own high-budget pass (the answer box and its key-line
    /// box, page coordinates). The soft evidence map is each cell's coverage by the boxes; cells
    /// ≥ 0.25·max are foreground, cells outside the foreground's box and < 0.05·max background, the
    /// rest (the gap between a key line and its value, cells the evidence barely grazes) ignored.
    /// The map is not blurred: a blurred target dilates the foreground into cells whose features show
    /// no evidence, which the head cannot learn (measured on the synthetic pages of HeadTrainingTests:
    /// background cells at p ≈ 0.3 and RoIs of the whole page). Context comes from the proposal's own
    /// blur and margin instead.
    public static func targets(evidence: [Rect], grid: CellGrid) -> RoITargetOutcome {
        let inside = evidence.compactMap { $0.intersection(grid.pageBounds) }
        guard let first = inside.first else { return .noEvidence }
        let evidenceBox = inside.dropFirst().reduce(first) { $0.union($1) }
        guard evidenceBox.area <= maximumPageShare * grid.pageBounds.area else { return .evidenceTooLarge }

        var coverage = [Float](repeating: 0, count: grid.count)
        for box in inside {
            guard let span = grid.cells(overlapping: box) else { continue }
            for row in span.rows {
                for column in span.columns {
                    let cell = grid.index(column: column, row: row)
                    coverage[cell] = min(1, coverage[cell] + Float(grid.rect(ofCell: cell).coverage(by: box)))
                }
            }
        }
        guard let peak = coverage.max(), peak > 0 else { return .noEvidence }

        let foreground = coverage.indices.filter { coverage[$0] >= foregroundShare * peak }
        let columns = foreground.map { $0 % grid.columns }, rows = foreground.map { $0 / grid.columns }
        guard let c0 = columns.min(), let c1 = columns.max(), let r0 = rows.min(), let r1 = rows.max() else {
            return .noEvidence
        }
        return .targets(coverage.indices.map { cell in
            let column = cell % grid.columns, row = cell / grid.columns
            let inBox = (c0...c1).contains(column) && (r0...r1).contains(row)
            if coverage[cell] >= foregroundShare * peak { return .foreground }
            if !inBox && coverage[cell] < backgroundShare * peak { return .background }
            return .ignored
        })
    }
}
