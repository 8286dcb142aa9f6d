import ArgumentParser
import Foundation
import Ingest
import NeuralRuntime
import QZoom
import QZoomCore
import Raster

/// `qzoom train --template T DOCS... [--labels DIR]`: trains the RoI head and the gate on documents.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the Q-Zoom heads (RoI proposer, gate, reading head) on documents, self-supervised or with labels.",
        discussion: """
        Every page is read at each budget of --ladder (long sides in pixels, ascending), every line, and \
        every query of the template answered at each (docs/heads.md):
        - the RoI head learns, at the template's coarse budget, the cells of the evidence of the highest \
        budget's answer (its box and its key's box): foreground, background and ignored cells by the \
        paper's rules;
        - the gate learns from consistency-aware labels: the two highest budgets must agree (or, with \
        --labels, equal the label), wrong answers must form one run at the lowest budgets; the last \
        wrong budget is "refine", right ones "enough", easy samples mixed in 1:1 (so the ladder needs \
        three budgets or more);
        - the reading head learns, from what the coarse pass sees before reading, which detected lines \
        hold that same evidence, so that the engine reads them first and stops.
        With --labels, evidence is taken only from answers that match the label. Training is seeded \
        and reproducible; validation holds out whole documents. The heads are written to --out as \
        roi.safetensors, gate.safetensors and reading.safetensors with JSON manifests (version, \
        budgets, thresholds, training-set hash, validation metrics). A head that cannot be trained is \
        reported and the others are still written.

        With --labels DIR, DIR/NAME.json (as for qzoom bench) gives each document's expected values, \
        and its "template", when it names one, the document's template (so one run can learn the \
        queries of several templates: the heads are conditioned on the question). Otherwise the \
        template is --template, else the one the templates' match rules choose.
        """)

    @Option(help: ArgumentHelp("The template whose queries the heads learn (default: per document, see above).", valueName: "name"))
    var template: String?

    @Argument(help: "The training documents.")
    var files: [String]

    @Option(help: ArgumentHelp("A folder of label files, DIR/NAME.json (default: self-supervised).", valueName: "dir"))
    var labels: String?

    @Option(help: ArgumentHelp("Where to write the heads.", valueName: "dir"))
    var out = "heads"

    @Option(help: ArgumentHelp("The budgets, long sides in pixels, ascending; include the coarse budget of every template trained on (the engine's, 1024, and generic's 768 by default).", valueName: "list"))
    var ladder = "640,768,1024,2000"

    @Option(help: ArgumentHelp("τ_gate written into the gate's manifest.", valueName: "p"))
    var gateThreshold = 0.5

    @Option(help: "The seed of every random choice (initial weights, splits, sampling).")
    var seed: UInt64 = 1

    @OptionGroup var engine: EngineOptions

    func run() throws {
        let budgets = try ladder.split(separator: ",").map { side in
            guard let pixels = Int(side), pixels >= 64 else { throw ValidationError("bad budget \(side)") }
            return pixels
        }
        guard budgets.count >= 2, budgets == budgets.sorted(), Set(budgets).count == budgets.count else {
            throw ValidationError("--ladder needs two or more distinct budgets, ascending")
        }
        let processor = try engine.makeProcessor()
        if let template, processor.library.template(named: template) == nil {
            throw ValidationError("no template named \(template)")
        }
        if let template = template.flatMap(processor.library.template(named:)) {
            try Self.check(budgets, include: template, of: processor.engine)
        }
        let extractor = CellFeatureExtractor(layout: CellFeatureLayout(detectorChannels: 96), seed: seed)
        let lineLayout = LineFeatureLayout(detectorChannels: 96)

        var material: [QueryTrainingMaterial] = []
        var hashed: [URL] = []
        let progress = Progress(total: files.count)
        for (index, file) in files.enumerated() {
            progress.show(index, file)
            let url = URL(fileURLWithPath: file)
            let name = url.deletingPathExtension().lastPathComponent
            var expected: [String: String]?
            if let labels {
                let labelFile = URL(fileURLWithPath: labels).appending(path: "\(name).json")
                expected = try GroundTruth.labels(at: labelFile)
                hashed.append(labelFile)
            }
            do {
                let document = try processor.open(url, requestedTemplate: expected?["template"] ?? template)
                guard let template = processor.library.template(named: document.template) else {
                    throw ValidationError("no template named \(document.template)")
                }
                try Self.check(budgets, include: template, of: processor.engine)
                for page in stride(from: 1, through: document.pageCount, by: 1) {
                    material += try processor.engine.trainingMaterial(
                        document.source, page: page, template: template, group: name, coarseBudgets: budgets,
                        labels: page == 1 ? expected : nil, extractor: extractor, lineLayout: lineLayout)
                }
                hashed.append(url)
            } catch {
                FileHandle.standardError.write(Data("qzoom train: \(file): skipped: \(error)\n".utf8))
            }
        }
        progress.finish()

        let options = HeadTrainingOptions(training: TrainingConfiguration(seed: seed), budgets: budgets.map(Double.init),
                                          trainingSetHash: try TrainingSetHash.sha256(files: hashed))
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Each head is trained and written on its own: one that cannot be trained (say, a ladder with no
        // transition for the gate to learn) is reported, and the others are still written.
        var written: [HeadManifest] = []
        func attempt(_ kind: String, _ train: () throws -> HeadManifest) {
            do {
                written.append(try train())
            } catch {
                FileHandle.standardError.write(Data("qzoom train: \(kind) head not trained: \(error)\n".utf8))
            }
        }
        var roi: RoIHead?
        attempt(RoIHead.kind) {
            let samples = material.compactMap { m in
                m.cells.map { RoITrainingSample(group: m.group, question: m.question, cells: $0, evidence: m.evidence) }
            }
            let (head, manifest) = try RoITraining.train(samples, extractor: extractor, options: options)
            roi = head
            return try head.save(to: folder.appending(path: EngineHeads.roiFile), manifest: manifest)
        }
        attempt(GateHead.kind) {
            // The gate reads the RoI head's peak, so it is trained only with that head.
            guard let roi else { throw ValidationError("it reads the RoI head's peak, and there is no RoI head") }
            let samples = try material.map { m in
                var states = m.states
                for (budget, cells) in m.ladderCells.enumerated() {
                    if let cells { states[budget].roiPeak = try roi.propose(cells: cells, question: m.question).peak }
                }
                return GateTrainingSample(group: m.group, question: m.question, states: states,
                                          ladder: BudgetLadder(answers: m.answers, reference: m.reference))
            }
            let (head, manifest) = try GateTraining.train(samples, threshold: gateThreshold, options: options)
            return try head.save(to: folder.appending(path: EngineHeads.gateFile), manifest: manifest)
        }
        attempt(ReadingHead.kind) {
            let samples = material.compactMap { m in
                m.lines.map { ReadingTrainingSample(group: m.group, question: m.question, lines: $0, boxes: m.lineBoxes,
                                                    evidence: m.evidence, pageSize: m.pageSize) }
            }
            let (head, manifest) = try ReadingTraining.train(samples, layout: lineLayout, options: options)
            return try head.save(to: folder.appending(path: EngineHeads.readingFile), manifest: manifest)
        }
        for manifest in written {
            let counts = manifest.labels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let metrics = manifest.validation.sorted { $0.key < $1.key }.map { String(format: "%@ %.3f", $0.key, $0.value) }
                .joined(separator: ", ")
            print("\(manifest.kind): \(counts)\n  validation: \(metrics)\n  best epoch \(manifest.history.bestEpoch), weights \(manifest.weightsChecksum.prefix(12))")
        }
        guard !written.isEmpty else { throw ExitCode.failure }
        print("heads written to \(folder.path)")
    }

    /// The ladder must hold the template's coarse budget: the heads learn from the pass made there.
    static func check(_ budgets: [Int], include template: Template, of engine: Engine) throws {
        let side = engine.coarseLongSide(for: template)
        guard budgets.contains(side) else {
            throw ValidationError("--ladder must include the coarse budget of template \(template.name), \(side)")
        }
    }
}
