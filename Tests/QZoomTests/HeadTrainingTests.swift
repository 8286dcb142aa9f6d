import Foundation
import QZoomCore
import Testing
@testable import QZoom

/// Both heads trained end to end on small synthetic problems with the structure of the real ones.
struct HeadTrainingTests {
    static let question: [Float] = {
        var random = SeededRandom(seed: 99)
        let v = (0..<384).map { _ in Float(random.nextGaussian()) }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }()

    static let options = HeadTrainingOptions(
        training: TrainingConfiguration(learningRate: 1e-2, batchSize: 256, maxEpochs: 25, patience: 25, validationFraction: 0.25, seed: 3),
        budgets: [1, 2, 3], trainingSetHash: "synthetic", date: Date(timeIntervalSince1970: 0))

    // MARK: RoI

    static let extractor = CellFeatureExtractor(layout: CellFeatureLayout(detectorChannels: 4, projectedChannels: nil), seed: 1)

    /// A 320×320 page of random lines; the key line (high question similarity) has its answer, a typed
    /// candidate, to its right. The evidence is the key line and the answer.
    static func page(_ index: Int) throws -> RoITrainingSample {
        var random = SeededRandom(seed: UInt64(1000 + index))
        let grid = try CellGrid(pageSize: Size(width: 320, height: 320), coarseScale: 1, cellSize: 32)
        var lines: [ScoredBox] = [], candidates: [ScoredBox] = []
        for row in 0..<10 where random.nextUnit() < 0.8 {
            let x = random.nextUnit() * 120, width = 40 + random.nextUnit() * 100
            lines.append(ScoredBox(box: Rect(x: x, y: Double(row) * 32 + 9, width: width, height: 14), score: Float(random.nextUnit() * 0.4)))
        }
        let keyRow = random.nextIndex(below: 10)
        let key = Rect(x: random.nextUnit() * 100, y: Double(keyRow) * 32 + 9, width: 60, height: 14)
        let answer = Rect(x: key.maxX + 30 + random.nextUnit() * 60, y: key.minY, width: 40, height: 14)
        lines.removeAll { $0.box.minY == key.minY }
        lines += [ScoredBox(box: key, score: 0.75 + Float(random.nextUnit() * 0.2)), ScoredBox(box: answer, score: 0.2)]
        candidates.append(ScoredBox(box: answer, score: 0.8))
        candidates.append(ScoredBox(box: Rect(x: 200, y: Double(random.nextIndex(below: 10)) * 32 + 9, width: 40, height: 14), score: 0.3))
        var detector = (0..<(4 * 80 * 80)).map { _ in Float(random.nextGaussian()) }
        var text = [Float](repeating: 0, count: 80 * 80)
        for line in lines {
            for y in Int(line.box.minY / 4)..<Int(line.box.maxY / 4) {
                for x in Int(line.box.minX / 4)..<min(80, Int(line.box.maxX / 4)) { text[y * 80 + x] = 1; detector[y * 80 + x] += 2 }
            }
        }
        let page = try extractor.pageFeatures(
            grid: grid, detectorFeatures: try CoarseMap(channels: 4, height: 80, width: 80, stride: 4, values: detector),
            textProbability: try CoarseMap(channels: 1, height: 80, width: 80, stride: 4, values: text))
        return RoITrainingSample(group: "page\(index)", question: question,
                                 cells: page.forQuery(lines: lines, candidates: candidates), evidence: [key, answer])
    }

    @Test func roiHeadLearnsToFindTheEvidenceOnHeldOutPages() throws {
        var samples = try (0..<60).map { try Self.page($0) }
        samples.append(RoITrainingSample(group: "big", question: Self.question, cells: samples[0].cells,
                                         evidence: [Rect(x: 0, y: 0, width: 320, height: 200)]))
        let (head, manifest) = try RoITraining.train(samples, extractor: Self.extractor, options: Self.options)
        #expect(manifest.labels["dropped_evidence_too_large"] == 1 && manifest.labels["validation_samples"] == 15)
        let recall = try #require(manifest.validation["evidence_recall"]), share = try #require(manifest.validation["roi_page_share"])
        #expect(recall > 0.85, "evidence recall \(recall)")
        #expect(share < 0.35, "RoI page share \(share)")
        #expect(manifest.kind == "roi" && manifest.roiProposal == head.proposal && manifest.history.bestEpoch > 0)
    }

    // MARK: gate

    /// Text of height h·budget coarse pixels is read right from 9 px on. Small text (h < 4.5) is read
    /// right only at the top budget, so its ladder is unstable and dropped.
    static func gateSamples(count: Int) -> [GateTrainingSample] {
        var random = SeededRandom(seed: 5)
        return (0..<count).map { index in
            let height = 3 + random.nextUnit() * 11
            var states: [GateState] = [], answers: [String?] = []
            for budget in 1...3 {
                let right = height * Double(budget) >= 9
                let candidate = GateState.Candidate(score: Float((right ? 0.75 : 0.45) + random.nextUnit() * 0.2),
                                                    margin: Float(random.nextUnit() * 0.3),
                                                    ocrConfidence: Float((right ? 0.9 : 0.6) + random.nextUnit() * 0.1))
                states.append(GateState(candidate: candidate, textHeight: Float(height * Double(budget)),
                                        roiPeak: Float(random.nextUnit()), answerType: "amount"))
                answers.append(right ? "12.50" : "I2.5\(index % 7)")
            }
            return GateTrainingSample(group: "doc\(index)", question: question, states: states, ladder: BudgetLadder(answers: answers))
        }
    }

    @Test func gateLearnsWhenTheCoarseViewIsNotEnough() throws {
        let (_, manifest) = try GateTraining.train(Self.gateSamples(count: 400), threshold: 0.5, options: Self.options)
        #expect(manifest.labels["dropped_unstable"]! > 0 && manifest.labels["transitions"]! > 50)
        #expect(manifest.labels["easy_kept"] == manifest.labels["transitions"])
        let accuracy = try #require(manifest.validation["accuracy_at_half"]), recall = try #require(manifest.validation["refine_recall"])
        #expect(accuracy > 0.9, "accuracy \(accuracy)")
        #expect(recall > 0.85, "refine recall \(recall)")
        #expect(manifest.gateThreshold == 0.5 && manifest.budgets == [1, 2, 3])
    }

    @Test func trainingTwiceGivesTheSameHeadAndManifest() throws {
        let samples = Self.gateSamples(count: 120)
        let first = try GateTraining.train(samples, options: Self.options), second = try GateTraining.train(samples, options: Self.options)
        #expect(first.head.network == second.head.network && first.manifest == second.manifest)
    }

    @Test func aSetWithNothingToLearnIsRefused() {
        let easy = (0..<10).map { index in
            GateTrainingSample(group: "doc\(index)", question: Self.question,
                               states: (0..<3).map { _ in GateState(candidate: nil, textHeight: 12, roiPeak: 0, answerType: "date") },
                               ladder: BudgetLadder(answers: ["2026-01-01", "2026-01-01", "2026-01-01"]))
        }
        #expect { try GateTraining.train(easy, options: Self.options) } throws: { error in
            guard case HeadError.noTrainingExamples = error else { return false }
            return true
        }
        let short = [GateTrainingSample(group: "a", question: Self.question, states: [], ladder: BudgetLadder(answers: []))]
        #expect(throws: HeadError.inputShape(what: "gate states per sample", expected: 3, found: 0)) {
            try GateTraining.train(short, options: Self.options)
        }
    }
}
