import Foundation
import QZoomCore

/// One query on one page, for the reading head: the features of every line the coarse pass detected
/// (before reading), their boxes, and the evidence of the engine's own high-budget pass.
public struct ReadingTrainingSample: Sendable {
    /// The document, so that validation holds out whole documents.
    public var group: String
    public var question: [Float]
    public var lines: LineFeatures
    /// One per line of `lines`, page coordinates.
    public var boxes: [Rect]
    /// The answer box and its key-line box, page coordinates.
    public var evidence: [Rect]
    public var pageSize: Size

    public init(group: String, question: [Float], lines: LineFeatures, boxes: [Rect], evidence: [Rect], pageSize: Size) {
        self.group = group; self.question = question; self.lines = lines; self.boxes = boxes
        self.evidence = evidence; self.pageSize = pageSize
    }
}

public enum ReadingTraining {
    /// τ_read is set so that this share of the held-out samples has every evidence line at or above it.
    public static let evidenceRecall = 0.95

    /// Labels every line by the self-distilled targets, fits the head (class balanced), sets τ_read on the
    /// held-out documents and measures how many lines the head's order reads before the evidence.
    public static func train(_ samples: [ReadingTrainingSample], layout: LineFeatureLayout,
                             options: HeadTrainingOptions) throws(HeadError) -> (head: ReadingHead, manifest: HeadManifest) {
        var counts: [String: Int] = ["samples": samples.count]
        var kept: [(sample: ReadingTrainingSample, targets: [Bool])] = []
        for sample in samples {
            guard sample.lines.layout == layout else {
                throw .inputShape(what: "line feature width", expected: layout.width, found: sample.lines.layout.width)
            }
            guard sample.boxes.count == sample.lines.count else {
                throw .inputShape(what: "line boxes", expected: sample.lines.count, found: sample.boxes.count)
            }
            try checkQuestion(sample.question)
            if let targets = ReadingTargets.targets(boxes: sample.boxes, evidence: sample.evidence, pageSize: sample.pageSize) {
                kept.append((sample, targets))
            } else {
                counts["dropped_no_evidence_line", default: 0] += 1
            }
        }
        let split = HeadTrainer.splitGroups(kept.map(\.sample.group), validationFraction: options.training.validationFraction,
                                            seed: options.training.seed)
        func rows(_ groups: Set<String>) -> TrainingRows {
            var builder = RowBuilder(width: layout.width)
            for (sample, targets) in kept where groups.contains(sample.group) {
                for (line, positive) in targets.enumerated() {
                    let values = sample.lines.values.values
                    builder.append(values[(line * layout.width)..<((line + 1) * layout.width)], question: sample.question,
                                   positive: positive)
                }
            }
            return builder.rows()
        }
        let training = rows(split.training), validation = rows(split.validation)
        counts["training_evidence_lines"] = training.targets.filter { $0 > 0.5 }.count
        counts["training_other_lines"] = training.targets.filter { $0 <= 0.5 }.count
        let (network, history) = try fit(features: layout.width, training: training, validation: validation, options: options)
        var head = ReadingHead(layout: layout, network: network, threshold: 0.5)

        // τ_read and the metrics come from the held-out documents (the training ones without any).
        let held = kept.filter { split.validation.contains($0.sample.group) }
        let measured = held.isEmpty ? kept : held
        var scored: [(relevance: [Float], targets: [Bool], tops: [Rect])] = []  // tops: the line boxes
        for (sample, targets) in measured {
            scored.append((try head.relevance(sample.lines, question: sample.question), targets, sample.boxes))
        }
        let weakestEvidence = scored.map { s in zip(s.relevance, s.targets).filter(\.1).map(\.0).min() ?? 0 }.sorted()
        if !weakestEvidence.isEmpty {
            let index = min(weakestEvidence.count - 1, Int((Double(weakestEvidence.count) * (1 - evidenceRecall)).rounded(.down)))
            head.threshold = Double(weakestEvidence[index])
        }
        var metrics: [String: Double] = [:]
        counts["validation_samples"] = held.count
        if validation.batch.rows > 0 { metrics["loss"] = HeadTrainer.loss(of: network, on: validation) }
        if !scored.isEmpty {
            let n = Double(scored.count)
            func linesToEvidence(_ order: [Int], _ targets: [Bool]) -> Double {
                let last = order.lastIndex { targets[$0] } ?? (order.count - 1)
                return Double(last + 1) / Double(max(order.count, 1))
            }
            metrics["lines_to_evidence"] = scored.map { s in
                linesToEvidence(s.relevance.indices.sorted { (s.relevance[$0], $1) > (s.relevance[$1], $0) }, s.targets)
            }.reduce(0, +) / n
            metrics["top_down_lines_to_evidence"] = scored.map { s in
                linesToEvidence(s.tops.indices.sorted { (s.tops[$0].midY, $0) < (s.tops[$1].midY, $1) }, s.targets)
            }.reduce(0, +) / n
            metrics["lines_above_threshold"] = scored.map { s in
                Double(s.relevance.filter { Double($0) >= head.threshold }.count) / Double(max(s.relevance.count, 1))
            }.reduce(0, +) / n
        }
        let manifest = HeadManifest(kind: ReadingHead.kind, featureLayoutVersion: layout.version, lineFeatures: layout,
                                    network: network.shape, budgets: options.budgets, readingThreshold: head.threshold,
                                    options: options, history: history, labels: counts, validation: metrics)
        return (head, manifest)
    }
}
