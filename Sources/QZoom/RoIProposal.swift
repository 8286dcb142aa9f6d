import Foundation
import QZoomCore

/// How a relevance map becomes one region of interest (the paper's rule; sizes in coarse pixels).
public struct RoIProposalConfiguration: Codable, Equatable, Sendable {
    /// τ_roi: a cell passes when its blurred relevance is above this (paper, documents: ≈ 0.15).
    public var threshold: Double
    public var selection: RoISelection
    /// The RoI is grown around its centre to at least this side (capped by the page).
    public var minimumSide: Double
    /// Context added on every side of the tight box, then clipped to the page.
    public var margin: Double

    public init(threshold: Double = 0.15, selection: RoISelection = .peakComponent,
                minimumSide: Double = 96, margin: Double = 16) {
        self.threshold = threshold; self.selection = selection; self.minimumSide = minimumSide; self.margin = margin
    }
}

/// Which passing cells the tight box is drawn around. The paper boxes every passing token; on a page
/// two far-apart blobs would make that box (and the fine pass, whose cost grows with its pixels) cover
/// most of the page, so the default keeps the 8-connected component holding the highest peak — the
/// self-distilled targets come from one compact evidence region, which is what the head learns.
public enum RoISelection: String, Codable, Sendable {
    case peakComponent = "peak-component"
    case allPassing = "all-passing"
}

/// The RoI head's output for one query.
public struct RoIProposal: Equatable, Sendable {
    /// In page coordinates; nil when no cell passed the threshold.
    public var box: Rect?
    /// The highest blurred relevance on the page (one of the gate's inputs).
    public var peak: Float
    /// Blurred relevance (sigmoid of the head's logits, 3×3 mean), one value per cell.
    public var relevance: [Float]
}

public enum RoIBoxRule {
    /// sigmoid → 3×3 blur → threshold → tight box around the selected passing cells → context margin
    /// (clipped to the page) → minimum size (grown around the centre, kept inside the page).
    public static func propose(logits: [Float], grid: CellGrid,
                               configuration: RoIProposalConfiguration) throws(HeadError) -> RoIProposal {
        guard logits.count == grid.count else {
            throw .inputShape(what: "relevance logits", expected: grid.count, found: logits.count)
        }
        let relevance = blurred(logits.map { sigmoid($0) }, grid: grid)
        let peakIndex = relevance.indices.max { relevance[$0] < relevance[$1] || (relevance[$0] == relevance[$1] && $0 > $1) }
        guard let peakIndex, Double(relevance[peakIndex]) > configuration.threshold else {
            return RoIProposal(box: nil, peak: relevance.max() ?? 0, relevance: relevance)
        }
        let passing = relevance.map { Double($0) > configuration.threshold }
        let selected = configuration.selection == .allPassing
            ? passing.indices.filter { passing[$0] }
            : connectedComponent(of: peakIndex, in: passing, grid: grid)
        let columns = selected.map { $0 % grid.columns }, rows = selected.map { $0 / grid.columns }
        guard let c0 = columns.min(), let c1 = columns.max(), let r0 = rows.min(), let r1 = rows.max() else {
            return RoIProposal(box: nil, peak: relevance[peakIndex], relevance: relevance)
        }
        let margin = configuration.margin / grid.coarseScale
        let tight = grid.rect(columns: c0...c1, rows: r0...r1).expanded(dx: margin, dy: margin)
        let clipped = tight.intersection(grid.pageBounds) ?? grid.pageBounds
        let box = grownToMinimum(clipped, side: configuration.minimumSide / grid.coarseScale, page: grid.pageSize)
        return RoIProposal(box: box, peak: relevance[peakIndex], relevance: relevance)
    }

    /// 3×3 box blur; border cells average their in-page neighbours only, so that evidence at the page
    /// edge (small print at the bottom) is not weakened by padding.
    public static func blurred(_ map: [Float], grid: CellGrid) -> [Float] {
        var out = [Float](repeating: 0, count: map.count)
        for row in 0..<grid.rows {
            for column in 0..<grid.columns {
                var sum: Float = 0, count: Float = 0
                for r in max(0, row - 1)...min(grid.rows - 1, row + 1) {
                    for c in max(0, column - 1)...min(grid.columns - 1, column + 1) {
                        sum += map[grid.index(column: c, row: r)]; count += 1
                    }
                }
                out[grid.index(column: column, row: row)] = sum / count
            }
        }
        return out
    }

    static func connectedComponent(of seed: Int, in passing: [Bool], grid: CellGrid) -> [Int] {
        var seen = [Bool](repeating: false, count: passing.count)
        var stack = [seed], component: [Int] = []
        seen[seed] = true
        while let cell = stack.popLast() {
            component.append(cell)
            let column = cell % grid.columns, row = cell / grid.columns
            for r in max(0, row - 1)...min(grid.rows - 1, row + 1) {
                for c in max(0, column - 1)...min(grid.columns - 1, column + 1) {
                    let next = grid.index(column: c, row: r)
                    if passing[next] && !seen[next] { seen[next] = true; stack.append(next) }
                }
            }
        }
        return component
    }

    static func grownToMinimum(_ box: Rect, side: Double, page: Size) -> Rect {
        func grow(_ low: Double, _ length: Double, _ limit: Double) -> (Double, Double) {
            let target = min(limit, max(length, side))
            let start = min(max(0, low - (target - length) / 2), limit - target)
            return (start, target)
        }
        let (x, width) = grow(box.minX, box.width, page.width)
        let (y, height) = grow(box.minY, box.height, page.height)
        return Rect(x: x, y: y, width: width, height: height)
    }
}

/// The SD-RPN head: scores every cell of the coarse page for relevance to a question, and turns the
/// scores into at most one RoI.
public struct RoIHead: Sendable {
    public static let kind = "roi"
    public let extractor: CellFeatureExtractor
    public let network: ConditionedMLP
    public var proposal: RoIProposalConfiguration

    public init(extractor: CellFeatureExtractor, network: ConditionedMLP, proposal: RoIProposalConfiguration) {
        self.extractor = extractor; self.network = network; self.proposal = proposal
    }

    /// One logit per cell for `question` (a 384-d MiniLM embedding).
    public func logits(cells: CellFeatures, question: [Float]) throws(HeadError) -> [Float] {
        guard cells.layout == extractor.layout else {
            throw .inputShape(what: "cell feature width", expected: extractor.layout.width, found: cells.layout.width)
        }
        guard question.count == network.shape.questionDimensions else {
            throw .inputShape(what: "question embedding", expected: network.shape.questionDimensions, found: question.count)
        }
        guard question.allSatisfy(\.isFinite) else { throw .nonFinite("question embedding") }
        let batch = ConditionedBatch(features: cells.values,
                                     questions: Matrix(rows: 1, columns: question.count, values: question),
                                     questionIndex: [Int](repeating: 0, count: cells.grid.count))
        return network.logits(batch)
    }

    public func propose(cells: CellFeatures, question: [Float]) throws(HeadError) -> RoIProposal {
        try RoIBoxRule.propose(logits: logits(cells: cells, question: question), grid: cells.grid, configuration: proposal)
    }
}
