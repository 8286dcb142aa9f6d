import Foundation
import Perception
import QZoomCore
import Raster

/// What one query on one page gives the two heads (`qzoom train`): the engine's own passes at ascending
/// budgets, every line read; the highest is the high-budget pass whose evidence the RoI head learns.
public struct QueryTrainingMaterial: Sendable {
    public var group: String
    public var query: Query
    public var question: [Float]
    /// The cells at the engine's coarse budget (the ones the RoI head sees at work).
    public var cells: CellFeatures?
    /// The lines detected at the engine's coarse budget, before reading (what the reading head sees at
    /// work), and their boxes.
    public var lines: LineFeatures?
    public var lineBoxes: [Rect]
    public var pageSize: Size
    /// The answer box and its key box from the highest budget: the self-distillation target (empty when
    /// a label says that answer is wrong).
    public var evidence: [Rect]
    /// Per budget, ascending: the coarse state without the RoI peak (filled in once a RoI head exists),
    /// the cells at that budget (for that peak), and the normalised answer.
    public var states: [GateState]
    public var ladderCells: [CellFeatures?]
    public var answers: [String?]
    public var reference: String?
}

extension Engine {
    /// Runs the ladder over one page: a pass at each of `coarseBudgets` (long sides, ascending; one of
    /// them should be the template's coarse budget, `coarseLongSide(for:)`), every line read, every
    /// query answered at each. `labels` (query → value), when given, become the ladders' references.
    public func trainingMaterial(_ source: PageSource, page: Int, template: Template, group: String,
                                 coarseBudgets: [Int], labels: [String: String]?, extractor: CellFeatureExtractor,
                                 lineLayout: LineFeatureLayout) throws -> [QueryTrainingMaterial] {
        defer { similarity.removeAll(keeping: template.queries.map(\.question)) }
        let questions = try similarity.embeddings(template.queries.map(\.question))
        var material = template.queries.enumerated().map { index, query in
            QueryTrainingMaterial(group: group, query: query, question: questions[index], cells: nil, lines: nil, lineBoxes: [],
                                  pageSize: Size(width: 0, height: 0), evidence: [], states: [], ladderCells: [], answers: [],
                                  reference: labels?[query.name].flatMap { $0.isEmpty ? nil : Self.normalized($0, query, template) })
        }
        let coarseSide = coarseLongSide(for: template)
        for side in coarseBudgets {
            var pass = try CoarsePass(ocr: ocr, source: source, page: page, longSide: side,
                                      pagePixels: configuration.coarsePagePixels, cellFeatures: true)
            try pass.read(pass.unread, with: ocr)
            let lines = pass.readLines
            let page = try Self.cells(of: pass, extractor: extractor)
            let lineFeatures = side == coarseSide ? try Self.lineFeatures(of: pass, layout: lineLayout) : nil
            let isTop = side == coarseBudgets.last
            for (index, query) in template.queries.enumerated() {
                var ignored = StageTimings()
                let answered = try answer(query, lines: lines, size: pass.info.size, dateOrder: template.dateOrder, timings: &ignored)
                let best = answered.answer.best
                let height = pass.textHeight(of: best, lines: lines)
                material[index].states.append(GateState(
                    candidate: best.map { GateState.Candidate(score: Float($0.score), margin: Float(answered.answer.margin),
                                                              ocrConfidence: Float($0.features.ocr)) },
                    textHeight: Float(height), roiPeak: 0, answerType: query.type.rawValue))
                let cells = page.map { $0.forQuery(
                    lines: zip(lines, answered.similarities).map { ScoredBox(box: $0.box, score: Float(max($1, 0))) },
                    candidates: answered.answer.candidates.prefix(8).map { ScoredBox(box: $0.box, score: Float($0.score)) }) }
                material[index].ladderCells.append(cells)
                if side == coarseSide {
                    material[index].cells = cells
                    material[index].lines = lineFeatures
                    material[index].lineBoxes = pass.boxes
                    material[index].pageSize = pass.info.size
                }
                material[index].answers.append(best.map { Self.normalized($0.value, query, template) })
                // With a label, evidence is distilled only from an answer that matches it.
                let reference = material[index].reference
                if isTop, reference == nil || material[index].answers.last == reference {
                    material[index].evidence = [best?.box, best?.keyBox].compactMap { $0 }
                }
            }
        }
        return material
    }

    static func normalized(_ value: String, _ query: Query, _ template: Template) -> String {
        ExactMatch.comparable(value, type: query.type, dateOrder: template.dateOrder)
    }

    /// The features of every line a coarse pass detected (nil without the detector's neck map).
    static func lineFeatures(of pass: CoarsePass, layout: LineFeatureLayout) throws -> LineFeatures? {
        let detection = pass.detected.detection, image = pass.detected.detectionImage
        guard let neck = detection.features[.neckQuarter] else { return nil }
        return try LineFeatures(
            layout: layout, boxes: pass.boxes, textArea: pass.textArea ?? Rect(size: pass.info.size), coarseScale: pass.scale,
            detectorFeatures: CoarseMap(channels: neck.channels, height: neck.height, width: neck.width,
                                        stride: Double(neck.stride), values: neck.values),
            textProbability: CoarseMap(channels: 1, height: detection.height, width: detection.width,
                                       stride: Double(image.width) / Double(max(detection.width, 1)),
                                       values: detection.probability))
    }

    /// The page part of the cell features of a coarse pass, for `extractor`'s layout.
    static func cells(of pass: CoarsePass, extractor: CellFeatureExtractor) throws -> PageCellFeatures? {
        let detection = pass.detected.detection, image = pass.detected.detectionImage
        guard let neck = detection.features[.neckQuarter] else { return nil }
        let grid = try CellGrid(pageSize: pass.info.size, coarseScale: pass.scale, cellSize: extractor.layout.cellSize)
        return try extractor.pageFeatures(
            grid: grid,
            detectorFeatures: CoarseMap(channels: neck.channels, height: neck.height, width: neck.width,
                                        stride: Double(neck.stride), values: neck.values),
            textProbability: CoarseMap(channels: 1, height: detection.height, width: detection.width,
                                       stride: Double(image.width) / Double(max(detection.width, 1)),
                                       values: detection.probability))
    }
}
