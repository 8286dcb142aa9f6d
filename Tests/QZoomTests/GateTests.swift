import Testing
@testable import QZoom
import QZoomCore

/// The gate's feature vector and decision.
struct GateTests {
    @Test func vectorFollowsTheDocumentedLayout() throws {
        let layout = GateFeatureLayout()
        let state = GateState(candidate: .init(score: 0.7, margin: 0.2, ocrConfidence: 0.9),
                              textHeight: 11, roiPeak: 0.4, answerType: "date")
        #expect(try layout.vector(state) == [1, 0.7, 0.2, 0.9, 11, 0.4, 0, 1, 0, 0, 0, 0])
        let empty = GateState(candidate: nil, textHeight: 6, roiPeak: 0.1, answerType: "region")
        #expect(try layout.vector(empty) == [0, 0, 0, 0, 6, 0.1, 0, 0, 0, 0, 0, 1])
        #expect(layout.width == 12)
    }

    @Test func unknownAnswerTypesAndWrongQuestionsAreRefused() {
        let layout = GateFeatureLayout()
        let state = GateState(candidate: nil, textHeight: 6, roiPeak: 0.1, answerType: "colour")
        #expect(throws: HeadError.unknownAnswerType("colour", known: GateFeatureLayout.defaultAnswerTypes)) {
            try layout.vector(state)
        }
        let gate = GateHead(layout: layout, network: ConditionedMLP(shape: .init(features: layout.width), seed: 1))
        #expect(throws: HeadError.self) {
            try gate.decide(GateState(candidate: nil, textHeight: 6, roiPeak: 0, answerType: "date"), question: [1, 2])
        }
        let question = [Float](repeating: 0.05, count: 384)
        #expect(throws: HeadError.nonFinite("gate state")) {
            try gate.decide(GateState(candidate: nil, textHeight: .nan, roiPeak: 0, answerType: "date"), question: question)
        }
        #expect(throws: HeadError.nonFinite("question embedding")) {
            try gate.decide(GateState(candidate: nil, textHeight: 6, roiPeak: 0, answerType: "date"),
                            question: [.infinity] + question.dropFirst())
        }
    }

    @Test func decisionComparesTheProbabilityWithTheThreshold() throws {
        let layout = GateFeatureLayout()
        var gate = GateHead(layout: layout, network: ConditionedMLP(shape: .init(features: layout.width), seed: 2))
        let state = GateState(candidate: nil, textHeight: 8, roiPeak: 0.3, answerType: "amount")
        let question = [Float](repeating: 0.05, count: 384)
        let decision = try gate.decide(state, question: question)
        #expect(decision.probability > 0 && decision.probability < 1)
        gate.threshold = Double(decision.probability) + 1e-3
        #expect(try gate.decide(state, question: question).refine == false)
        gate.threshold = Double(decision.probability) - 1e-3
        #expect(try gate.decide(state, question: question).refine == true)
    }

    @Test func theRuleRefinesAnUnsureAnswerOnlyWhereTheFinePassCanReadMoreDetail() {
        let candidate = Candidate(value: "ACME", normalized: "ACME", currency: nil, isAmbiguous: false,
                                  box: Rect(x: 0, y: 0, width: 40, height: 10), keyBox: nil, lines: [0],
                                  features: CandidateFeatures(), score: 0.4)
        let unsure = QueryAnswer(query: "company", candidates: [candidate], confidence: 0.3)
        let sure = QueryAnswer(query: "company", candidates: [candidate], confidence: 0.9)
        let configuration = EngineConfiguration()
        func refines(_ answer: QueryAnswer, _ type: AnswerType = .text, height: Double = 20, page: Bool) -> Bool {
            HeadRules.decide(answer, type: type, textHeight: height, readsPagePixels: page, configuration: configuration).refine
        }
        #expect(refines(unsure, page: false))
        #expect(!refines(unsure, page: true), "the fine pass would read the same scan pixels again")
        #expect(!refines(sure, page: false))
        #expect(refines(sure, height: 8, page: true), "too small for the coarse detector")
        #expect(refines(sure, .region, page: true))
        #expect(refines(QueryAnswer(query: "company", candidates: [], confidence: 0), page: true))
    }
}
