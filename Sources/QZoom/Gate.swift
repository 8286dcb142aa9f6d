import Foundation

/// What the coarse pass knows about one query when the gate decides.
public struct GateState: Equatable, Sendable {
    /// The best typed candidate after the coarse pass; nil when the answerer found none.
    public struct Candidate: Equatable, Sendable {
        public var score: Float
        /// Best score minus the runner-up's (the best score itself when there is no runner-up).
        public var margin: Float
        /// Mean per-character recognizer confidence of the candidate's text.
        public var ocrConfidence: Float
        public init(score: Float, margin: Float, ocrConfidence: Float) {
            self.score = score; self.margin = margin; self.ocrConfidence = ocrConfidence
        }
    }

    public var candidate: Candidate?
    /// Height in coarse pixels of the candidate's line, or of the page's median line without a candidate.
    public var textHeight: Float
    /// The RoI map's peak (`RoIProposal.peak`).
    public var roiPeak: Float
    /// The query's answer type by name (`amount`, `date`, …), one of the gate layout's types.
    public var answerType: String

    public init(candidate: Candidate?, textHeight: Float, roiPeak: Float, answerType: String) {
        self.candidate = candidate; self.textHeight = textHeight; self.roiPeak = roiPeak; self.answerType = answerType
    }
}

/// The layout of the gate's feature vector (version 1); the question embedding goes in separately,
/// through the network's learned projection.
///
///     0  has a candidate (0/1)          3  OCR confidence       6 …  answer type, one-hot
///     1  candidate score                4  text height (px)
///     2  margin over the runner-up      5  RoI map peak
public struct GateFeatureLayout: Codable, Equatable, Sendable {
    public static let currentVersion = 1
    public static let defaultAnswerTypes = ["amount", "date", "text", "id", "integer", "region"]
    static let scalars = 6

    public var version: Int
    public var answerTypes: [String]

    public init(answerTypes: [String] = Self.defaultAnswerTypes) {
        version = Self.currentVersion; self.answerTypes = answerTypes
    }

    public var width: Int { Self.scalars + answerTypes.count }

    public func vector(_ state: GateState) throws(HeadError) -> [Float] {
        guard let type = answerTypes.firstIndex(of: state.answerType) else {
            throw .unknownAnswerType(state.answerType, known: answerTypes)
        }
        let c = state.candidate
        var vector = [c == nil ? 0 : 1, c?.score ?? 0, c?.margin ?? 0, c?.ocrConfidence ?? 0,
                      state.textHeight, state.roiPeak]
        guard vector.allSatisfy(\.isFinite) else { throw .nonFinite("gate state") }
        vector += answerTypes.indices.map { $0 == type ? Float(1) : 0 }
        return vector
    }
}

/// The gate's decision for one query.
public struct GateDecision: Equatable, Sendable {
    /// p(refine): the probability that the coarse view is not enough.
    public var probability: Float
    public var refine: Bool
}

/// The dynamic gate: a small MLP over the coarse state of a query, conditioned on its question.
public struct GateHead: Sendable {
    public static let kind = "gate"
    public let layout: GateFeatureLayout
    public let network: ConditionedMLP
    /// τ_gate: refine when p(refine) ≥ threshold (paper, documents: ≈ 0.05).
    public var threshold: Double

    public init(layout: GateFeatureLayout, network: ConditionedMLP, threshold: Double = 0.05) {
        self.layout = layout; self.network = network; self.threshold = threshold
    }

    public func decide(_ state: GateState, question: [Float]) throws(HeadError) -> GateDecision {
        guard question.count == network.shape.questionDimensions else {
            throw .inputShape(what: "question embedding", expected: network.shape.questionDimensions, found: question.count)
        }
        guard question.allSatisfy(\.isFinite) else { throw .nonFinite("question embedding") }
        let features = try layout.vector(state)
        let batch = ConditionedBatch(features: Matrix(rows: 1, columns: features.count, values: features),
                                     questions: Matrix(rows: 1, columns: question.count, values: question),
                                     questionIndex: [0])
        let probability = sigmoid(network.logits(batch)[0])
        return GateDecision(probability: probability, refine: Double(probability) >= threshold)
    }
}
