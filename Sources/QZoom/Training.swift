import Foundation

/// How a head is fitted. Every random choice (initialisation, validation split, batch order, easy-sample
/// mixing) comes from `seed`, so two runs on the same machine give identical weights.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    public var learningRate: Double
    /// Decoupled (AdamW) weight decay on weight matrices, not on biases.
    public var weightDecay: Double
    public var batchSize: Int
    public var maxEpochs: Int
    /// Stop after this many epochs without a better validation loss; the best epoch's weights are kept.
    public var patience: Int
    /// Share of the sample groups (documents) held out for validation; groups never straddle the split.
    public var validationFraction: Double
    public var seed: UInt64

    public init(learningRate: Double = 3e-3, weightDecay: Double = 1e-4, batchSize: Int = 256,
                maxEpochs: Int = 60, patience: Int = 6, validationFraction: Double = 0.2, seed: UInt64 = 20_260_101) {
        self.learningRate = learningRate; self.weightDecay = weightDecay; self.batchSize = batchSize
        self.maxEpochs = maxEpochs; self.patience = patience
        self.validationFraction = validationFraction; self.seed = seed
    }
}

/// Labelled rows for the network: features, targets in {0, 1} and per-row loss weights (0 = ignored).
public struct TrainingRows: Sendable {
    public var batch: ConditionedBatch
    public var targets: [Float]
    public var weights: [Float]

    public init(batch: ConditionedBatch, targets: [Float], weights: [Float]) {
        precondition(targets.count == batch.rows && weights.count == batch.rows, "one target and weight per row")
        self.batch = batch; self.targets = targets; self.weights = weights
    }

    /// Weights that give both classes the same total, N/(2·N_class) per row, so that a few foreground
    /// cells are not drowned by a page of background (and refine labels by enough labels).
    public static func classBalancedWeights(_ targets: [Float]) -> [Float] {
        let positives = targets.filter { $0 > 0.5 }.count, negatives = targets.count - positives
        let total = Float(targets.count)
        let positiveWeight = positives > 0 ? total / (2 * Float(positives)) : 0
        let negativeWeight = negatives > 0 ? total / (2 * Float(negatives)) : 0
        return targets.map { $0 > 0.5 ? positiveWeight : negativeWeight }
    }
}

/// What happened during fitting, for the manifest.
public struct TrainingHistory: Codable, Equatable, Sendable {
    public var trainingLoss: [Double] = []
    public var validationLoss: [Double] = []
    /// 1-based epoch whose weights were kept.
    public var bestEpoch = 0
}

/// Adam (Kingma & Ba) with decoupled weight decay (Loshchilov & Hutter).
struct AdamW {
    let learningRate: Float, weightDecay: Float
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    var first: [[Float]], second: [[Float]]
    var step = 0

    init(for parameters: [HeadTensor], learningRate: Double, weightDecay: Double) {
        self.learningRate = Float(learningRate); self.weightDecay = Float(weightDecay)
        first = parameters.map { [Float](repeating: 0, count: $0.values.count) }
        second = first
    }

    mutating func update(_ parameters: inout [HeadTensor], gradients: [[Float]], decays: [Bool]) {
        step += 1
        let correction1 = 1 - pow(beta1, Float(step)), correction2 = 1 - pow(beta2, Float(step))
        for p in parameters.indices {
            let decay = decays[p] ? learningRate * weightDecay : 0
            for i in parameters[p].values.indices {
                let g = gradients[p][i]
                first[p][i] = beta1 * first[p][i] + (1 - beta1) * g
                second[p][i] = beta2 * second[p][i] + (1 - beta2) * g * g
                let mHat = first[p][i] / correction1, vHat = second[p][i] / correction2
                parameters[p].values[i] -= learningRate * mHat / (vHat.squareRoot() + epsilon) + decay * parameters[p].values[i]
            }
        }
    }
}

enum HeadTrainer {
    /// Fits `network` with mini-batch AdamW and early stopping on `validation` (on the training loss
    /// when there is no validation set). Standardisation is taken from the training rows first.
    static func fit(_ network: inout ConditionedMLP, training: TrainingRows, validation: TrainingRows?,
                    configuration: TrainingConfiguration) -> TrainingHistory {
        let labelled = training.weights.indices.filter { training.weights[$0] > 0 }
        network.standardize(on: training.batch.features.gathering(rows: labelled))
        var random = SeededRandom(seed: configuration.seed ^ 0xADA7)
        var optimizer = AdamW(for: network.parameters, learningRate: configuration.learningRate,
                              weightDecay: configuration.weightDecay)
        let decays = ConditionedMLP.Slot.allCases.map(\.decays)
        var history = TrainingHistory()
        var best = network, bestLoss = Double.infinity, stale = 0
        var order = labelled
        let batchSize = max(1, configuration.batchSize)

        for epoch in 1...max(1, configuration.maxEpochs) {
            random.shuffle(&order)
            var epochLoss = 0.0, epochWeight = 0.0
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let rows = Array(order[start..<min(order.count, start + batchSize)])
                let weights = rows.map { training.weights[$0] }
                let (loss, gradients) = network.lossAndGradients(
                    training.batch.gathering(rows: rows), targets: rows.map { training.targets[$0] }, weights: weights)
                optimizer.update(&network.parameters, gradients: gradients, decays: decays)
                let batchWeight = weights.reduce(0.0) { $0 + Double($1) }
                epochLoss += loss * batchWeight; epochWeight += batchWeight
            }
            history.trainingLoss.append(epochWeight > 0 ? epochLoss / epochWeight : 0)
            let monitored: Double
            if let validation, validation.weights.contains(where: { $0 > 0 }) {
                monitored = loss(of: network, on: validation)
                history.validationLoss.append(monitored)
            } else {
                monitored = history.trainingLoss[epoch - 1]
            }
            if monitored < bestLoss - 1e-7 {
                bestLoss = monitored; best = network; history.bestEpoch = epoch; stale = 0
            } else {
                stale += 1
                if stale >= configuration.patience { break }
            }
        }
        network = best
        return history
    }

    static func loss(of network: ConditionedMLP, on rows: TrainingRows) -> Double {
        BinaryCrossEntropy.lossAndGradient(logits: network.logits(rows.batch), targets: rows.targets,
                                           weights: rows.weights).0
    }

    /// Splits group names (documents) into training and validation sets, seeded. With at least two
    /// groups and a positive fraction, validation gets at least one group and training keeps one.
    static func splitGroups(_ groups: [String], validationFraction: Double, seed: UInt64) -> (training: Set<String>, validation: Set<String>) {
        var names = Array(Set(groups)).sorted()
        var random = SeededRandom(seed: seed ^ 0x5B117)
        random.shuffle(&names)
        guard names.count >= 2, validationFraction > 0 else { return (Set(names), []) }
        let count = min(names.count - 1, max(1, Int((Double(names.count) * validationFraction).rounded())))
        return (Set(names[count...]), Set(names[..<count]))
    }
}

/// Deduplicates question embeddings, so a training batch projects each distinct question once.
struct QuestionTable {
    private(set) var embeddings: [[Float]] = []
    private var index: [[Float]: Int] = [:]

    mutating func add(_ embedding: [Float]) -> Int {
        if let i = index[embedding] { return i }
        index[embedding] = embeddings.count
        embeddings.append(embedding)
        return embeddings.count - 1
    }

    func matrix(dimensions: Int) -> Matrix {
        Matrix(rows: embeddings.count, columns: dimensions, values: embeddings.flatMap { $0 })
    }
}
