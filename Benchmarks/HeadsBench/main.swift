import Foundation
import NeuralRuntime
import QZoom
import QZoomCore

// What the Q-Zoom heads cost, next to the OCR they decide about: per-page cell features, per-query
// RoI proposal and gate decision, and training time. Random inputs of the real shapes (PP-OCR's
// 96-channel stride-4 neck, an A4 page at 1600 px long side: 36×50 = 1 800 cells of 32 px).
// Usage: heads-bench [repeats]   (medians over the repeats of this thread's CPU time, which a machine
// shared with other jobs disturbs far less than wall time; prints Markdown rows)

let repeats = max(3, Int(CommandLine.arguments.dropFirst().first ?? "") ?? 15)
BLAS.configureThreads(1)

func cpuMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
}

func median(_ label: String, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = cpuMilliseconds()
        try body()
        times.append(cpuMilliseconds() - start)
    }
    let value = times.sorted()[times.count / 2]
    print("| \(label) | \(String(format: "%.3f", value)) |")
    return value
}

var random = SeededRandom(seed: 1)
@MainActor func uniform(_ count: Int) -> [Float] { (0..<count).map { _ in Float(random.nextUnit()) } }

let (imageWidth, imageHeight) = (1131, 1600)
let grid = try CellGrid(pageSize: Size(width: 595, height: 842), coarseScale: Double(imageHeight) / 842)
let (mapWidth, mapHeight) = ((imageWidth + 31) / 32 * 8, (imageHeight + 31) / 32 * 8)
let neck = try CoarseMap(channels: 96, height: mapHeight, width: mapWidth, stride: 4, values: uniform(96 * mapWidth * mapHeight))
let text = try CoarseMap(channels: 1, height: imageHeight, width: imageWidth, stride: 1, values: uniform(imageWidth * imageHeight))
let extractor = CellFeatureExtractor(layout: CellFeatureLayout(detectorChannels: 96), seed: 1)
let question = uniform(384)
@MainActor func lines(_ count: Int) -> [ScoredBox] {
    (0..<count).map { _ in
        ScoredBox(box: Rect(x: random.nextUnit() * 450, y: random.nextUnit() * 820, width: 40 + random.nextUnit() * 100, height: 9),
                  score: Float(random.nextUnit()))
    }
}
let pageLines = lines(80), candidates = lines(10)

print("cells per page: \(grid.count)\n\n| step | median CPU ms |\n|---|---|")
var page = try extractor.pageFeatures(grid: grid, detectorFeatures: neck, textProbability: text)
_ = try median("page cell features (pool 96×\(mapHeight)×\(mapWidth) + text map, project)") {
    page = try extractor.pageFeatures(grid: grid, detectorFeatures: neck, textProbability: text)
}
var cells = page.forQuery(lines: pageLines, candidates: candidates)
_ = median("query cell features (80 lines, 10 candidates)") { cells = page.forQuery(lines: pageLines, candidates: candidates) }

let options = HeadTrainingOptions(training: TrainingConfiguration(maxEpochs: 10, patience: 10), budgets: [1600], trainingSetHash: "bench")
let samples = (0..<100).map { i in
    RoITrainingSample(group: "p\(i % 25)", question: question, cells: page.forQuery(lines: lines(80), candidates: lines(10)),
                      evidence: [Rect(x: random.nextUnit() * 400, y: random.nextUnit() * 780, width: 120, height: 20)])
}
var trainingStart = cpuMilliseconds()
let (roi, roiManifest) = try RoITraining.train(samples, extractor: extractor, options: options)
let roiTraining = (cpuMilliseconds() - trainingStart) / 1e3
_ = try median("RoI head: logits + map → box (1 query)") { _ = try roi.propose(cells: cells, question: question) }

let gateSamples = (0..<1000).map { i in
    let states = (0..<3).map { _ in GateState(candidate: .init(score: Float(random.nextUnit()), margin: 0.1, ocrConfidence: 0.9),
                                              textHeight: Float(random.nextUnit() * 20), roiPeak: 0.5, answerType: "amount") }
    let answers: [String?] = i % 3 == 0 ? ["a", "b", "b"] : ["b", "b", "b"]
    return GateTrainingSample(group: "d\(i % 200)", question: question, states: states, ladder: BudgetLadder(answers: answers))
}
trainingStart = cpuMilliseconds()
var gateOptions = options
gateOptions.budgets = [800, 1200, 1600]
let (gate, gateManifest) = try GateTraining.train(gateSamples, options: gateOptions)
let gateTraining = (cpuMilliseconds() - trainingStart) / 1e3
_ = try median("gate decision (1 query)") { _ = try gate.decide(gateSamples[0].states[0], question: question) }

let roiRows = (roiManifest.labels["training_foreground_cells"] ?? 0) + (roiManifest.labels["training_background_cells"] ?? 0)
print("| RoI training: 100 pages, \(roiRows) labelled cells, \(roiManifest.history.trainingLoss.count) epochs (s) | \(String(format: "%.2f", roiTraining)) |")
print("| gate training: 1 000 ladders, \(gateManifest.labels["training_examples"] ?? 0) examples, \(gateManifest.history.trainingLoss.count) epochs (s) | \(String(format: "%.2f", gateTraining)) |")
