import Testing
@testable import QZoom

/// Training fits a question-conditioned problem, reproducibly.
struct TrainingTests {
    /// Two questions over 2-D points: question 0 asks "x > 0", question 1 asks "y > 0". The network can
    /// only solve both by reading the question, which is what the heads have to do.
    static func problem(rows: Int, seed: UInt64) -> TrainingRows {
        var random = SeededRandom(seed: seed)
        var features: [Float] = [], index: [Int] = [], targets: [Float] = []
        for r in 0..<rows {
            let x = Float(random.nextUnit() * 2 - 1), y = Float(random.nextUnit() * 2 - 1)
            features += [x, y, Float(random.nextGaussian())]   // a noise column
            index.append(r % 2)
            targets.append((r % 2 == 0 ? x : y) > 0 ? 1 : 0)
        }
        var questions = [Float](repeating: 0, count: 2 * 8)
        questions[0] = 1; questions[8 + 1] = 1
        let batch = ConditionedBatch(features: Matrix(rows: rows, columns: 3, values: features),
                                     questions: Matrix(rows: 2, columns: 8, values: questions), questionIndex: index)
        return TrainingRows(batch: batch, targets: targets, weights: [Float](repeating: 1, count: rows))
    }

    static let shape = ConditionedMLP.Shape(features: 3, questionDimensions: 8, questionProjection: 4, hidden: 16)
    static let configuration = TrainingConfiguration(learningRate: 1e-2, batchSize: 64, maxEpochs: 40, patience: 40, seed: 9)

    static func accuracy(_ network: ConditionedMLP, _ rows: TrainingRows) -> Double {
        let logits = network.logits(rows.batch)
        return Double(zip(logits, rows.targets).filter { ($0 > 0) == ($1 > 0.5) }.count) / Double(logits.count)
    }

    @Test func lossFallsAndTheQuestionIsUsed() {
        let training = Self.problem(rows: 800, seed: 1), validation = Self.problem(rows: 400, seed: 2)
        var network = ConditionedMLP(shape: Self.shape, seed: 4)
        let before = HeadTrainer.loss(of: network, on: validation)
        let history = HeadTrainer.fit(&network, training: training, validation: validation, configuration: Self.configuration)
        #expect(HeadTrainer.loss(of: network, on: validation) < before / 3)
        #expect(history.trainingLoss.last! < history.trainingLoss.first!)
        #expect(Self.accuracy(network, validation) > 0.93)
    }

    @Test func twoRunsGiveIdenticalWeightsAndAnotherSeedDoesNot() {
        let training = Self.problem(rows: 300, seed: 1), validation = Self.problem(rows: 100, seed: 2)
        func run(seed: UInt64) -> ConditionedMLP {
            var network = ConditionedMLP(shape: Self.shape, seed: seed)
            var configuration = Self.configuration
            configuration.seed = seed; configuration.maxEpochs = 5
            _ = HeadTrainer.fit(&network, training: training, validation: validation, configuration: configuration)
            return network
        }
        let first = run(seed: 5), second = run(seed: 5), other = run(seed: 6)
        #expect(first.parameters.map(\.values) == second.parameters.map(\.values))
        #expect(first.parameters.map(\.values) != other.parameters.map(\.values))
    }

    @Test func earlyStoppingKeepsTheBestEpoch() {
        // A tiny, noisy training set overfits; validation loss turns and training stops early.
        let training = Self.problem(rows: 24, seed: 3), validation = Self.problem(rows: 400, seed: 4)
        var network = ConditionedMLP(shape: ConditionedMLP.Shape(features: 3, questionDimensions: 8, hidden: 64), seed: 1)
        let configuration = TrainingConfiguration(learningRate: 3e-2, weightDecay: 0, batchSize: 8, maxEpochs: 300, patience: 5, seed: 1)
        let history = HeadTrainer.fit(&network, training: training, validation: validation, configuration: configuration)
        #expect(history.validationLoss.count < 300)
        #expect(history.validationLoss.count == history.bestEpoch + 5)
        let kept = HeadTrainer.loss(of: network, on: validation)
        #expect(abs(kept - history.validationLoss.min()!) < 1e-9)
    }

    @Test func groupsSplitDisjointlyAndReproducibly() {
        let groups = (0..<10).map { "doc\($0)" }
        let a = HeadTrainer.splitGroups(groups + groups, validationFraction: 0.2, seed: 1)
        let b = HeadTrainer.splitGroups(groups, validationFraction: 0.2, seed: 1)
        #expect(a.training == b.training && a.validation == b.validation)
        #expect(a.validation.count == 2 && a.training.count == 8 && a.training.isDisjoint(with: a.validation))
        #expect(HeadTrainer.splitGroups(["only"], validationFraction: 0.2, seed: 1).validation.isEmpty)
    }

    @Test func classBalancedWeightsGiveEachClassHalfTheTotal() {
        let weights = TrainingRows.classBalancedWeights([1, 0, 0, 0])
        let third: Float = 2.0 / 3
        #expect(weights == [2, third, third, third])
    }
}
