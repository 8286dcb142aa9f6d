import Foundation
import QZoomCore

/// What a training run records besides what it measures.
public struct HeadTrainingOptions: Sendable {
    public var training: TrainingConfiguration
    public var questionProjection: Int
    public var hidden: Int
    /// The pixel budgets of the ladder (gate), or of the high-budget pass that gave the evidence (RoI).
    public var budgets: [Double]
    /// `TrainingSetHash.sha256(files:)` of the documents (and label files) trained on.
    public var trainingSetHash: String
    public var date: Date

    public init(training: TrainingConfiguration = TrainingConfiguration(), questionProjection: Int = 8, hidden: Int = 32,
                budgets: [Double], trainingSetHash: String, date: Date = Date()) {
        self.training = training; self.questionProjection = questionProjection; self.hidden = hidden
        self.budgets = budgets; self.trainingSetHash = trainingSetHash; self.date = date
    }
}

/// One query on one page, for the RoI head: its cells and the evidence of the engine's own high-budget pass.
public struct RoITrainingSample: Sendable {
    /// The document, so that validation holds out whole documents.
    public var group: String
    public var question: [Float]
    public var cells: CellFeatures
    /// The answer box and its key-line box, page coordinates.
    public var evidence: [Rect]

    public init(group: String, question: [Float], cells: CellFeatures, evidence: [Rect]) {
        self.group = group; self.question = question; self.cells = cells; self.evidence = evidence
    }
}

/// One query on one page, for the gate: its coarse state and normalised answer at every budget.
public struct GateTrainingSample: Sendable {
    public var group: String
    public var question: [Float]
    /// One per budget, ascending, as `ladder.answers`.
    public var states: [GateState]
    public var ladder: BudgetLadder

    public init(group: String, question: [Float], states: [GateState], ladder: BudgetLadder) {
        self.group = group; self.question = question; self.states = states; self.ladder = ladder
    }
}

public enum RoITraining {
    /// Builds self-distilled targets, fits the RoI head on foreground and background cells (class
    /// balanced, ignored cells left out) and measures its proposals on the held-out documents.
    public static func train(_ samples: [RoITrainingSample], extractor: CellFeatureExtractor,
                             proposal: RoIProposalConfiguration = RoIProposalConfiguration(),
                             options: HeadTrainingOptions) throws(HeadError) -> (head: RoIHead, manifest: HeadManifest) {
        let layout = extractor.layout
        var counts: [String: Int] = ["samples": samples.count]
        var kept: [(sample: RoITrainingSample, targets: [CellTarget])] = []
        for sample in samples {
            guard sample.cells.layout == layout else {
                throw .inputShape(what: "cell feature width", expected: layout.width, found: sample.cells.layout.width)
            }
            try checkQuestion(sample.question)
            switch RoITargetBuilder.targets(evidence: sample.evidence, grid: sample.cells.grid) {
            case .targets(let targets): kept.append((sample, targets))
            case .evidenceTooLarge: counts["dropped_evidence_too_large", default: 0] += 1
            case .noEvidence: counts["dropped_no_evidence", default: 0] += 1
            }
        }
        let split = HeadTrainer.splitGroups(kept.map(\.sample.group), validationFraction: options.training.validationFraction,
                                            seed: options.training.seed)
        func rows(_ groups: Set<String>) -> TrainingRows {
            var builder = RowBuilder(width: layout.width)
            for (sample, targets) in kept where groups.contains(sample.group) {
                let values = sample.cells.values
                for (cell, target) in targets.enumerated() where target != .ignored {
                    builder.append(values.values[(cell * layout.width)..<((cell + 1) * layout.width)],
                                   question: sample.question, positive: target == .foreground)
                }
            }
            return builder.rows()
        }
        let training = rows(split.training), validation = rows(split.validation)
        counts["training_foreground_cells"] = training.targets.filter { $0 > 0.5 }.count
        counts["training_background_cells"] = training.targets.filter { $0 <= 0.5 }.count
        let (network, history) = try fit(features: layout.width, training: training, validation: validation, options: options)
        let head = RoIHead(extractor: extractor, network: network, proposal: proposal)

        var metrics: [String: Double] = [:]
        let held = kept.filter { split.validation.contains($0.sample.group) }
        counts["validation_samples"] = held.count
        if !held.isEmpty {
            metrics["loss"] = HeadTrainer.loss(of: network, on: validation)
            var recall = 0.0, share = 0.0, missing = 0.0
            for (sample, _) in held {
                let roi = try head.propose(cells: sample.cells, question: sample.question).box
                let evidence = sample.evidence.compactMap { $0.intersection(sample.cells.grid.pageBounds) }
                    .reduce(nil) { (union: Rect?, box: Rect) in union.map { $0.union(box) } ?? box }
                if let roi, let evidence {
                    recall += evidence.coverage(by: roi)
                    share += roi.area / sample.cells.grid.pageBounds.area
                } else {
                    missing += 1
                }
            }
            let n = Double(held.count)
            metrics["evidence_recall"] = recall / n
            metrics["roi_page_share"] = share / n
            metrics["no_roi_rate"] = missing / n
        }
        let manifest = HeadManifest(kind: RoIHead.kind, featureLayoutVersion: layout.version, cellFeatures: layout,
                                    network: network.shape, budgets: options.budgets, roiProposal: proposal,
                                    options: options, history: history, labels: counts, validation: metrics)
        return (head, manifest)
    }
}

public enum GateTraining {
    /// Labels every ladder by the consistency rules, fits the gate on the coarse states of the labelled
    /// budgets and measures it on the held-out documents at τ_gate.
    public static func train(_ samples: [GateTrainingSample], layout: GateFeatureLayout = GateFeatureLayout(),
                             threshold: Double = 0.05, options: HeadTrainingOptions) throws(HeadError) -> (head: GateHead, manifest: HeadManifest) {
        for sample in samples {
            try checkQuestion(sample.question)
            guard sample.states.count == sample.ladder.answers.count, sample.states.count == options.budgets.count else {
                throw .inputShape(what: "gate states per sample", expected: options.budgets.count, found: sample.states.count)
            }
        }
        let labels = GateLabeler.labels(for: samples.map(\.ladder), seed: options.training.seed)
        let split = HeadTrainer.splitGroups(labels.labels.map { samples[$0.sample].group },
                                            validationFraction: options.training.validationFraction, seed: options.training.seed)
        func rows(_ groups: Set<String>) throws(HeadError) -> TrainingRows {
            var builder = RowBuilder(width: layout.width)
            for label in labels.labels where groups.contains(samples[label.sample].group) {
                let sample = samples[label.sample]
                builder.append(try layout.vector(sample.states[label.budget])[...], question: sample.question, positive: label.refine)
            }
            return builder.rows()
        }
        let training = try rows(split.training), validation = try rows(split.validation)
        let (network, history) = try fit(features: layout.width, training: training, validation: validation, options: options)
        let head = GateHead(layout: layout, network: network, threshold: threshold)

        var metrics: [String: Double] = [:]
        if validation.batch.rows > 0 {
            let probabilities = network.logits(validation.batch).map { Double(sigmoid($0)) }
            let refine = validation.targets.map { $0 > 0.5 }
            let predicted = probabilities.map { $0 >= threshold }
            let positives = refine.filter { $0 }.count
            metrics["loss"] = HeadTrainer.loss(of: network, on: validation)
            metrics["accuracy_at_half"] = Double(zip(probabilities, refine).filter { ($0 >= 0.5) == $1 }.count) / Double(refine.count)
            metrics["refine_recall"] = positives == 0 ? 0 : Double(zip(predicted, refine).filter { $0 && $1 }.count) / Double(positives)
            metrics["refine_rate"] = Double(predicted.filter { $0 }.count) / Double(predicted.count)
        }
        let counts = ["samples": samples.count, "transitions": labels.transitions, "easy_kept": labels.easy,
                      "easy_left_out": labels.easyLeftOut, "dropped_unstable": labels.unstable,
                      "dropped_no_answer": labels.noAnswer, "dropped_not_contiguous": labels.notContiguous,
                      "training_examples": training.batch.rows, "validation_examples": validation.batch.rows]
        let manifest = HeadManifest(kind: GateHead.kind, featureLayoutVersion: layout.version, gateFeatures: layout,
                                    network: network.shape, budgets: options.budgets, gateThreshold: threshold,
                                    options: options, history: history, labels: counts, validation: metrics)
        return (head, manifest)
    }
}

func checkQuestion(_ question: [Float]) throws(HeadError) {
    let expected = ConditionedMLP.Shape.miniLMDimensions
    guard question.count == expected else { throw .inputShape(what: "question embedding", expected: expected, found: question.count) }
}

func fit(features: Int, training: TrainingRows, validation: TrainingRows,
                 options: HeadTrainingOptions) throws(HeadError) -> (ConditionedMLP, TrainingHistory) {
    let positives = training.targets.filter { $0 > 0.5 }.count
    guard positives > 0, positives < training.targets.count else {
        throw .noTrainingExamples("\(training.targets.count) training rows, \(positives) of them positive; both classes are needed")
    }
    let shape = ConditionedMLP.Shape(features: features, questionProjection: options.questionProjection, hidden: options.hidden)
    var network = ConditionedMLP(shape: shape, seed: options.training.seed)
    let history = HeadTrainer.fit(&network, training: training, validation: validation.batch.rows > 0 ? validation : nil,
                                  configuration: options.training)
    return (network, history)
}

/// Collects labelled rows, deduplicating question embeddings.
struct RowBuilder {
    let width: Int
    var features: [Float] = [], index: [Int] = [], targets: [Float] = []
    var questions = QuestionTable()

    init(width: Int) { self.width = width }

    mutating func append(_ row: ArraySlice<Float>, question: [Float], positive: Bool) {
        features.append(contentsOf: row)
        index.append(questions.add(question))
        targets.append(positive ? 1 : 0)
    }

    func rows() -> TrainingRows {
        let batch = ConditionedBatch(features: Matrix(rows: targets.count, columns: width, values: features),
                                     questions: questions.matrix(dimensions: ConditionedMLP.Shape.miniLMDimensions), questionIndex: index)
        return TrainingRows(batch: batch, targets: targets, weights: TrainingRows.classBalancedWeights(targets))
    }
}
