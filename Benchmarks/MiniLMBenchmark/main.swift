import Foundation
import NeuralRuntime
import Perception

// The Swift side of scripts/bench-minilm: embeds the same receipt-line batches and single questions as the
// reference side, with the same warm-up and repeat protocol, and writes timings and embeddings as JSON.
// usage: minilm-benchmark MODELS_DIR INPUTS.json OUTPUT.json REPEATS THREADS

struct Inputs: Decodable {
    let batches: [[String]]
    let questions: [String]
}

struct Output: Encodable {
    let implementation: String
    let threads: Int
    let loadMilliseconds: Double
    /// One sample per batch and repeat: milliseconds for the whole batch.
    let batchMilliseconds: [Double]
    /// One sample per question and repeat: milliseconds for a batch of one.
    let questionMilliseconds: [Double]
    let batchEmbeddings: [[[Float]]]
    let questionEmbeddings: [[Float]]
}

func milliseconds(_ work: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try work()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

let arguments = CommandLine.arguments
guard arguments.count == 6, let repeats = Int(arguments[4]), repeats > 0, let threads = Int(arguments[5]), threads > 0 else {
    FileHandle.standardError.write(Data("usage: minilm-benchmark MODELS_DIR INPUTS.json OUTPUT.json REPEATS THREADS\n".utf8))
    exit(2)
}
do {
    BLAS.configureThreads(threads)
    let inputs = try JSONDecoder().decode(Inputs.self, from: Data(contentsOf: URL(filePath: arguments[2])))
    var encoder: SentenceEncoder?
    let load = try milliseconds { encoder = try SentenceEncoder(modelsDirectory: URL(filePath: arguments[1])) }
    guard let encoder else { exit(1) }
    var batchEmbeddings = try inputs.batches.map { try encoder.embed($0) }       // also the warm-up
    var questionEmbeddings = try inputs.questions.map { try encoder.embed([$0])[0] }
    var batchTimes: [Double] = []
    var questionTimes: [Double] = []
    for _ in 0..<repeats {
        for (index, batch) in inputs.batches.enumerated() {
            batchTimes.append(try milliseconds { batchEmbeddings[index] = try encoder.embed(batch) })
        }
        for (index, question) in inputs.questions.enumerated() {
            questionTimes.append(try milliseconds { questionEmbeddings[index] = try encoder.embed([question])[0] })
        }
    }
    let output = Output(implementation: "qzoom", threads: BLAS.threads, loadMilliseconds: load,
                        batchMilliseconds: batchTimes, questionMilliseconds: questionTimes,
                        batchEmbeddings: batchEmbeddings, questionEmbeddings: questionEmbeddings)
    try JSONEncoder().encode(output).write(to: URL(filePath: arguments[3]))
} catch {
    FileHandle.standardError.write(Data("minilm-benchmark: \(error)\n".utf8))
    exit(1)
}
