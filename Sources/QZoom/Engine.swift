import Dispatch
import Foundation
import Perception
import QZoomCore
import Raster

/// The Q-Zoom engine (docs/engine.md): per page one coarse pass shared by every query, then per query
/// the RoI proposal, the gate and, when the gate asks for it, a fine pass over just the RoI whose lines
/// replace the coarse ones they cover before the query is answered again.
///
/// Loads the networks once; one page is processed at a time (the networks and the embedding cache are
/// not shared between threads).
public final class Engine {
    public static let version = "qzoom-engine-1"

    /// Can be changed between pages (the benchmark sweeps the coarse budget).
    public var configuration: EngineConfiguration
    public let ocr: OCRPipeline
    public let similarity: EmbeddingSimilarity
    public let heads: EngineHeads

    public init(modelsDirectory: URL, heads: EngineHeads = EngineHeads(),
                configuration: EngineConfiguration = EngineConfiguration()) throws {
        ocr = try OCRPipeline(modelsDirectory: modelsDirectory)
        similarity = EmbeddingSimilarity(embedder: try SentenceEncoder(modelsDirectory: modelsDirectory))
        self.heads = heads
        self.configuration = configuration
    }

    /// The long side of the coarse pass for `template`: its own, else the configured one.
    public func coarseLongSide(for template: Template?) -> Int {
        template?.coarseLongSide ?? configuration.coarseLongSide
    }

    /// Renders and detects a page at the coarse budget of `template` (nil: the configured one), reading
    /// nothing yet.
    public func coarsePass(_ source: PageSource, page: Int, template: Template? = nil) throws -> CoarsePass {
        try CoarsePass(ocr: ocr, source: source, page: page, longSide: coarseLongSide(for: template),
                       pagePixels: configuration.coarsePagePixels, cellFeatures: heads.roi != nil || heads.reading != nil)
    }

    /// Reads every line of a coarse pass (to choose a template by its keywords).
    public func readAll(_ pass: inout CoarsePass) throws {
        try pass.read(pass.unread, with: ocr)
    }

    /// Answers every query of `template` on `page` of `source` in `mode` (default: the configured one).
    /// `coarse` is a coarse pass of this page that was already made (it is read further as needed).
    public func process(_ source: PageSource, page: Int, template: Template, mode: EngineMode? = nil,
                        coarse: CoarsePass? = nil) throws -> PageResult {
        defer { similarity.removeAll(keeping: template.queries.map(\.question)) }
        let mode = mode ?? configuration.mode
        if mode == .full { return try processFull(source, page: page, template: template) }

        var pageTimings = StageTimings()
        var pass = try coarse ?? coarsePass(source, page: page, template: template)
        let questions = try timed(&pageTimings, .encode) { try similarity.embeddings(template.queries.map(\.question)) }
        let cells = try timed(&pageTimings, .roi) { try pageCells(pass) }
        let priors = try timed(&pageTimings, .roi) { try readingPriors(pass, questions: questions) }
        let skipped = Set(template.queries.indices.filter { refinesUnread(template.queries[$0], mode: mode) })
        var coarseAnswers = try readRelevantLines(&pass, template: template, questions: questions, cells: cells,
                                                  priors: priors, skipping: skipped, timings: &pageTimings)
        pageTimings[.render] += pass.timings.render
        pageTimings[.detect] += pass.timings.detect + pass.timings.postprocess + pass.timings.crop
        pageTimings[.recognize] += pass.timings.classify + pass.timings.recognize
        var megapixels = pass.detected.cropSource.megapixels

        let coarseLines = pass.readLines
        var finePasses: [Rect: FinePass] = [:]
        var answers: [Answer] = []
        for (index, query) in template.queries.enumerated() {
            var timings = StageTimings()
            let coarseAnswer = coarseAnswers[index]
            guard mode != .coarse else {
                answers.append(Self.answer(coarseAnswer, route: .coarse, timings: timings))
                continue
            }
            let proposal = try timed(&timings, .roi) {
                try propose(query: query, answer: coarseAnswer.answer, similarities: coarseAnswer.similarities,
                            lines: coarseLines, question: questions[index], cells: cells, pass: pass)
            }
            var decision: GateDecision?
            if mode == .qzoom {
                decision = try timed(&timings, .gate) {
                    try decide(query: query, answer: coarseAnswer.answer, lines: coarseLines, pass: pass,
                               roiPeak: proposal.peak, question: questions[index])
                }
            }
            guard decision?.refine ?? true, let roi = proposal.box else {
                var kept = Self.answer(coarseAnswer, route: .coarse, timings: timings)
                kept.gateProbability = decision.map { Double($0.probability) }
                answers.append(kept)
                continue
            }
            let fine: FinePass
            if let done = finePasses[roi] {
                fine = done
            } else {
                fine = try FinePass(ocr: ocr, source: source, pass: pass, region: roi, configuration: configuration)
                finePasses[roi] = fine
                megapixels += fine.megapixels
                timings[.fineRender] = fine.timings.render
                timings[.fineDetect] = fine.timings.detect + fine.timings.postprocess + fine.timings.crop
                timings[.fineRecognize] = fine.timings.classify + fine.timings.recognize
            }
            let fused = fine.fused(with: coarseLines)
            let refined = try answer(query, lines: fused, size: pass.info.size, textArea: pass.textArea,
                                     dateOrder: template.dateOrder, timings: &timings)
            var result = Self.answer(refined, route: .zoom, timings: timings)
            result.gateProbability = decision.map { Double($0.probability) }
            result.roi = roi
            result.fineScale = fine.scale
            answers.append(result)
            coarseAnswers[index] = refined
        }
        return PageResult(page: page, size: pass.info.size, coarseScale: pass.scale, megapixels: megapixels,
                          timings: pageTimings, answers: answers, linesDetected: pass.boxes.count, linesRead: pass.readCount)
    }

    /// `full`: the whole page at the high budget, every line read, no gate.
    func processFull(_ source: PageSource, page: Int, template: Template) throws -> PageResult {
        var pageTimings = StageTimings()
        let info = try source.info(page: page)
        let result = try ocr.read(source, page: page, budget: configuration.fullBudget)
        pageTimings[.render] = result.timings.render
        pageTimings[.detect] = result.timings.detect + result.timings.postprocess + result.timings.crop
        pageTimings[.recognize] = result.timings.classify + result.timings.recognize
        var answers: [Answer] = []
        for query in template.queries {
            var timings = StageTimings()
            let answered = try answer(query, lines: result.lines, size: info.size, dateOrder: template.dateOrder, timings: &timings)
            answers.append(Self.answer(answered, route: .coarse, timings: timings))
        }
        let scale = result.detectionImage.scaleX
        let cropMegapixels = info.unit == .pixel && ocr.options.cropFromPagePixels ? info.size.area / 1e6 : 0
        return PageResult(page: page, size: info.size, coarseScale: scale,
                          megapixels: max(info.size.area * scale * scale / 1e6, cropMegapixels),
                          timings: pageTimings, answers: answers, linesDetected: result.lines.count, linesRead: result.lines.count)
    }

    // MARK: - Answering

    /// An answer with the similarities it was computed from (one per line, in the lines' order).
    struct Answered {
        var answer: QueryAnswer
        var similarities: [Double]
    }

    /// `textArea`: where the page's text lies when not every line is read (`CoarsePass.textArea`).
    func answer(_ query: Query, lines: [TextLine], size: Size, textArea: Rect? = nil, dateOrder: DateOrder,
                timings: inout StageTimings) throws -> Answered {
        // A region query is answered by where its lines are, not by what they say: nothing to embed.
        let similarities = query.type == .region ? [Double](repeating: 0, count: lines.count)
            : try timed(&timings, .encode) { try similarity.similarities(of: query.question, to: lines.map(\.text)) }
        let page = PageText(lines: lines, size: size, textArea: textArea)
        let answer = timed(&timings, .answer) {
            Answerer(dateOrder: dateOrder).answer(query, on: page, similarities: similarities)
        }
        return Answered(answer: answer, similarities: similarities)
    }

    static func answer(_ answered: Answered, route: Route, timings: StageTimings) -> Answer {
        var result = answered.answer.answer(route: route)
        result.timings = timings
        return result
    }

    // MARK: - Reading the coarse pass

    /// Reads the coarse lines in rounds of `readBatch` until no query is open (or every line is read);
    /// the open queries take turns, each taking its most relevant unread line (`ReadingPriority`). A
    /// query closes when its answer has its `stopConfidence` (the query's own, else the engine's), or
    /// when it has an answer and no unread line is relevant to it any more (`ReadingPriority.isExhausted`);
    /// a block answer (an address) stays open while a line that could continue it is unread. Relevance
    /// is the reading head's prior (`priors`, per query and detected line) or, without it, the query's
    /// position hint and a trained RoI head's map over the cells a line covers; plus, in both cases, the
    /// answerer's layout rules (lines in the row of, or just below, a read key line, and lines
    /// continuing a block answer come next).
    /// A `region` query reads the lines of its hint region, all of them (`ReadingPriority.regionLines`);
    /// the queries in `skipping` read nothing (`refinesUnread`).
    func readRelevantLines(_ pass: inout CoarsePass, template: Template, questions: [[Float]], cells: PageCellFeatures?,
                           priors: [[Double]]?, skipping: Set<Int> = [], timings: inout StageTimings) throws -> [Answered] {
        var answers = template.queries.map { Answered(answer: QueryAnswer(query: $0.name, candidates: [], confidence: 0), similarities: []) }
        var lines: [TextLine] = []
        func answerAll() throws {
            lines = pass.readLines
            answers = try template.queries.map { query in
                var ignored = StageTimings()
                let answered = try answer(query, lines: lines, size: pass.info.size, textArea: pass.textArea,
                                          dateOrder: template.dateOrder, timings: &ignored)
                timings.add(ignored)
                return answered
            }
        }
        if pass.readCount > 0 { try answerAll() }
        let regions = template.queries.map { ReadingPriority.regionLines($0, boxes: pass.boxes, pageSize: pass.info.size) }
        while !pass.unread.isEmpty {
            let blocks = template.queries.indices.map { ReadingPriority.Block(query: template.queries[$0], answer: answers[$0].answer) }
            let unread = Set(pass.unread)
            var open = template.queries.indices.filter { index in
                if configuration.earlyStop && skipping.contains(index) { return false }
                if let region = regions[index] { return !configuration.earlyStop || !region.isDisjoint(with: unread) }
                let stop = template.queries[index].thresholds.stopConfidence ?? configuration.stopConfidence
                return !configuration.earlyStop || answers[index].answer.confidence < stop
                    || blocks[index]?.isContinued(by: pass.boxes, unread: pass.unread) == true
            }
            let relevance = try timed(&timings, .roi) {
                try open.map { priors == nil ? try lineRelevance(pass, lines: lines, answer: answers[$0], question: questions[$0], cells: cells) : nil }
            }
            let keys = open.map { evidence(template.queries[$0], lines: lines, similarities: answers[$0].similarities,
                                           size: pass.info.size, textArea: pass.textArea) }
            var scores = ReadingPriority.scores(pass, queries: open.map { template.queries[$0] }, evidence: keys,
                                                blocks: open.map { blocks[$0] }, regions: open.map { regions[$0] },
                                                priors: priors.map { all in open.map { all[$0] } }, relevance: relevance)
            if configuration.earlyStop {
                let threshold = priors == nil ? nil : configuration.readingThreshold ?? heads.reading?.threshold
                let reading = open.indices.filter { slot in
                    regions[open[slot]] != nil || answers[open[slot]].answer.best == nil
                        || !ReadingPriority.isExhausted(template.queries[open[slot]], scores: scores[slot], readingThreshold: threshold)
                }
                open = reading.map { open[$0] }
                scores = reading.map { scores[$0] }
            }
            if open.isEmpty { break }
            let batch = configuration.earlyStop ? configuration.readBatch : pass.unread.count
            let next = ReadingPriority.order(boxes: pass.boxes, unread: pass.unread, scores: scores)
            try pass.read(Array(next.prefix(batch)), with: ocr)
            try answerAll()
        }
        return answers
    }

    /// Whether `query` goes to the fine pass whatever the coarse pass reads for it, so that the coarse
    /// pass reads nothing for it: a `region` query with a position hint in `zoom` mode, or in `qzoom`
    /// mode under the gate rule, which always refines it (`HeadRules.decide`). Its RoI is then its hint
    /// region (`HeadRules.region`). A trained gate decides from the coarse answer, so under one the
    /// region is read first.
    func refinesUnread(_ query: Query, mode: EngineMode) -> Bool {
        guard query.type == .region, query.hint != nil else { return false }
        return mode == .zoom || (mode == .qzoom && heads.gate == nil)
    }

    /// The reading head's prior for each query (one value per detected line of `pass`, from what the
    /// coarse pass saw before reading); nil without a trained reading head.
    func readingPriors(_ pass: CoarsePass, questions: [[Float]]) throws -> [[Double]]? {
        guard let head = heads.reading, let lines = try Self.lineFeatures(of: pass, layout: head.layout) else { return nil }
        return try questions.map { try head.relevance(lines, question: $0).map(Double.init) }
    }

    /// The RoI head's relevance of each detected line of `pass` to one query (the highest sigmoid of the
    /// cells it covers), from the lines read so far; nil without a trained head.
    func lineRelevance(_ pass: CoarsePass, lines: [TextLine], answer: Answered, question: [Float],
                       cells: PageCellFeatures?) throws -> [Double]? {
        guard let head = heads.roi, let cells, answer.similarities.count == lines.count else { return nil }
        let query = cells.forQuery(lines: zip(lines, answer.similarities).map { ScoredBox(box: $0.box, score: Float(max($1, 0))) },
                                   candidates: answer.answer.candidates.prefix(8).map { ScoredBox(box: $0.box, score: Float($0.score)) })
        let map = try head.logits(cells: query, question: question).map { 1 / (1 + exp(-Double($0))) }
        return pass.boxes.map { box in
            guard let span = cells.grid.cells(overlapping: box) else { return 0 }
            var best = 0.0
            for row in span.rows { for column in span.columns { best = max(best, map[cells.grid.index(column: column, row: row)]) } }
            return best
        }
    }

    /// The read lines that key `query`: each line's box and key strength (phrase or question similarity).
    func evidence(_ query: Query, lines: [TextLine], similarities: [Double], size: Size, textArea: Rect?) -> [ScoredBox] {
        guard !lines.isEmpty, similarities.count == lines.count else { return [] }
        let layout = PageLayout(PageText(lines: lines, size: size, textArea: textArea))
        let evidence = QueryPhrases(query).evidence(for: layout, cosines: similarities)
        return zip(layout.lines, evidence).compactMap { line, evidence in
            let strength = max(evidence.keyStrength, evidence.cues.map(\.score).max() ?? 0)
            return strength > 0 ? ScoredBox(box: line.box, score: Float(strength)) : nil
        }
    }

    // MARK: - RoI and gate

    func pageCells(_ pass: CoarsePass) throws -> PageCellFeatures? {
        guard let roi = heads.roi else { return nil }
        return try Self.cells(of: pass, extractor: roi.extractor)
    }

    struct Proposal {
        var box: Rect?
        var peak: Float
    }

    func propose(query: Query, answer: QueryAnswer, similarities: [Double], lines: [TextLine], question: [Float],
                 cells: PageCellFeatures?, pass: CoarsePass) throws -> Proposal {
        var configuration = heads.roi?.proposal ?? RoIProposalConfiguration()
        if let threshold = query.thresholds.roi ?? self.configuration.roiThreshold { configuration.threshold = threshold }
        guard let head = heads.roi, let cells else {
            let box = HeadRules.region(for: answer, query: query, detected: pass.boxes, pageSize: pass.info.size,
                                       coarseScale: pass.scale, proposal: configuration)
            return Proposal(box: box, peak: box == nil ? 0 : 1)
        }
        var tuned = head
        tuned.proposal = configuration
        let scoredLines = zip(lines, similarities).map { ScoredBox(box: $0.box, score: Float(max($1, 0))) }
        let scoredCandidates = answer.candidates.prefix(8).map { ScoredBox(box: $0.box, score: Float($0.score)) }
        let proposal = try tuned.propose(cells: cells.forQuery(lines: scoredLines, candidates: Array(scoredCandidates)),
                                         question: question)
        return Proposal(box: proposal.box, peak: proposal.peak)
    }

    func decide(query: Query, answer: QueryAnswer, lines: [TextLine], pass: CoarsePass, roiPeak: Float,
                question: [Float]) throws -> GateDecision {
        let height = pass.textHeight(of: answer.best, lines: lines)
        guard var gate = heads.gate else { return HeadRules.decide(answer, type: query.type, textHeight: height,
                                                                   readsPagePixels: pass.readsPagePixels, configuration: configuration) }
        if let threshold = query.thresholds.gate ?? configuration.gateThreshold { gate.threshold = threshold }
        let candidate = answer.best.map { best in
            GateState.Candidate(score: Float(best.score), margin: Float(answer.margin), ocrConfidence: Float(best.features.ocr))
        }
        return try gate.decide(GateState(candidate: candidate, textHeight: Float(height), roiPeak: roiPeak,
                                         answerType: query.type.rawValue), question: question)
    }
}

/// Runs `body` and adds its wall time to `stage`.
func timed<T>(_ timings: inout StageTimings, _ stage: Stage, _ body: () throws -> T) rethrows -> T {
    let start = DispatchTime.now()
    defer { timings[stage] += Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6 }
    return try body()
}
