import Foundation
import Testing
@testable import QZoom

/// The head network's backward pass is checked against finite differences, so training follows the
/// true gradient of the loss it reports.
struct MLPTests {
    static let shape = ConditionedMLP.Shape(features: 5, questionDimensions: 6, questionProjection: 3, hidden: 4)

    static func batch(rows: Int, seed: UInt64) -> (ConditionedBatch, [Float], [Float]) {
        var random = SeededRandom(seed: seed)
        func values(_ count: Int) -> [Float] { (0..<count).map { _ in Float(random.nextGaussian()) } }
        let features = Matrix(rows: rows, columns: shape.features, values: values(rows * shape.features))
        let questions = Matrix(rows: 2, columns: shape.questionDimensions, values: values(2 * shape.questionDimensions))
        let index = (0..<rows).map { $0 % 2 }
        let targets = (0..<rows).map { Float($0 % 3 == 0 ? 1 : 0) }
        let weights = (0..<rows).map { Float($0 == 4 ? 0 : 1 + $0 % 2) }   // one ignored row, uneven weights
        return (ConditionedBatch(features: features, questions: questions, questionIndex: index), targets, weights)
    }

    @Test func gradientsMatchFiniteDifferences() {
        var network = ConditionedMLP(shape: Self.shape, seed: 3)
        let (batch, targets, weights) = Self.batch(rows: 9, seed: 11)
        network.standardize(on: batch.features)
        // Make the bilinear key non-trivial so its gradient is checked on real values.
        network.parameters[ConditionedMLP.Slot.keyWeight.rawValue].values =
            network[.keyWeight].indices.map { Float(($0 % 5) - 2) * 0.3 }
        let (_, gradients) = network.lossAndGradients(batch, targets: targets, weights: weights)
        let epsilon: Float = 1e-3
        var worst = 0.0
        for slot in ConditionedMLP.Slot.allCases {
            for i in network[slot].indices {
                var plus = network, minus = network
                plus.parameters[slot.rawValue].values[i] += epsilon
                minus.parameters[slot.rawValue].values[i] -= epsilon
                let numeric = (plus.lossAndGradients(batch, targets: targets, weights: weights).loss
                    - minus.lossAndGradients(batch, targets: targets, weights: weights).loss) / Double(2 * epsilon)
                let analytic = Double(gradients[slot.rawValue][i])
                worst = max(worst, abs(numeric - analytic) / (1e-2 + abs(numeric)))
            }
        }
        #expect(worst < 0.02, "worst relative gradient error \(worst)")
    }

    @Test func lossIsWeightedBinaryCrossEntropy() {
        let (loss, gradient) = BinaryCrossEntropy.lossAndGradient(logits: [0, 2, -40], targets: [1, 0, 1], weights: [1, 3, 0])
        let expected = (log(2.0) + 3 * log(1 + exp(2.0))) / 4
        #expect(abs(loss - expected) < 1e-9)
        #expect(abs(Double(gradient[0]) - (0.5 - 1) / 4) < 1e-7)
        #expect(gradient[2] == 0)
    }

    @Test func ignoredRowsDoNotChangeTheLoss() {
        let network = ConditionedMLP(shape: Self.shape, seed: 5)
        let (batch, targets, weights) = Self.batch(rows: 9, seed: 2)
        var flipped = targets
        flipped[4] = 1 - flipped[4]   // row 4 has weight 0
        #expect(network.lossAndGradients(batch, targets: targets, weights: weights).loss
                == network.lossAndGradients(batch, targets: flipped, weights: weights).loss)
    }
}
