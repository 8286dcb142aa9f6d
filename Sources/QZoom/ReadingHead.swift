import Foundation
import QZoomCore

/// The reading head: before any line of the coarse pass is read, how likely each detected line is to
/// be the evidence of a query (its answer or the key the answer is read next to). Recognising a line
/// costs the same at any resolution, so on a page that is mostly text, what the coarse pass reads, not
/// the pixels it renders, is the cost; this head lets it read the lines a question needs first, and
/// stop. It is the SD-RPN's relevance map at the granularity the engine pays for — lines instead of
/// cells — and is trained the same way, self-distilled from the engine's own high-budget evidence.
public struct ReadingHead: Sendable {
    public static let kind = "reading"
    public let layout: LineFeatureLayout
    public let network: ConditionedMLP
    /// τ_read: a query that has an answer needs no more reading once no unread line is at least this
    /// relevant to it (nor follows one of its read keys).
    public var threshold: Double

    public init(layout: LineFeatureLayout, network: ConditionedMLP, threshold: Double) {
        self.layout = layout; self.network = network; self.threshold = threshold
    }

    /// The relevance in 0...1 of every line to `question` (a 384-d MiniLM embedding).
    public func relevance(_ lines: LineFeatures, question: [Float]) throws(HeadError) -> [Float] {
        guard lines.layout == layout else {
            throw .inputShape(what: "line feature width", expected: layout.width, found: lines.layout.width)
        }
        guard question.count == network.shape.questionDimensions else {
            throw .inputShape(what: "question embedding", expected: network.shape.questionDimensions, found: question.count)
        }
        guard question.allSatisfy(\.isFinite) else { throw .nonFinite("question embedding") }
        guard lines.count > 0 else { return [] }
        let batch = ConditionedBatch(features: lines.values, questions: Matrix(rows: 1, columns: question.count, values: question),
                                     questionIndex: [Int](repeating: 0, count: lines.count))
        return network.logits(batch).map { sigmoid($0) }
    }
}

/// Which detected lines hold a query's evidence: the self-distillation target of the reading head.
public enum ReadingTargets {
    /// Evidence covering more than this share of the page teaches nothing about where to read (the
    /// paper drops such samples too).
    public static let largestEvidenceShare = 0.5

    /// A line is evidence when an evidence box covers half of it, or it covers half of an evidence box
    /// (a key printed as one box with its value, or split into two boxes at another budget).
    /// nil when there is no evidence, it covers more than half the page, or no line holds it.
    public static func targets(boxes: [Rect], evidence: [Rect], pageSize: Size) -> [Bool]? {
        guard !evidence.isEmpty else { return nil }
        let union = evidence.dropFirst().reduce(evidence[0]) { $0.union($1) }
        guard union.area <= largestEvidenceShare * pageSize.width * pageSize.height else { return nil }
        let targets = boxes.map { box in evidence.contains { holds(box, $0) } }
        return targets.contains(true) ? targets : nil
    }

    /// Whether the detected line `line` holds the evidence box `evidence`.
    static func holds(_ line: Rect, _ evidence: Rect) -> Bool {
        line.coverage(by: evidence) >= 0.5 || evidence.coverage(by: line) >= 0.5
    }
}
