import Foundation
import NeuralRuntime
import Perception

// Times NeuralRuntime on the tensors that scripts/bench/runtime_bench.py prepared, and measures the
// OpenBLAS sgemm peak with the same workers. Prints one JSON object (read by the summary step).
// Usage: runtime-bench DIR RUNS [--profile] [--threads N]   (--profile adds per-operator times on stderr)
//        runtime-bench --operators             (node counts per operator after load-time rewrites)

struct Manifest: Decodable {
    struct Batch: Decodable { let file: String; let shape: [Int] }
    let det: [Int]
    let rec: [Batch]
}

func load(_ url: URL, shape: [Int]) throws -> Tensor {
    let data = try Data(contentsOf: url)
    let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    return try Tensor(shape: shape, values: values)
}

/// CPU seconds of the whole process (all threads, user and system): on a shared machine it moves far
/// less than wall time when other processes take the cores, so it tells small changes apart.
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// GFLOP/s of a 2048³ product split across the workers, as every product in the runtime is.
func sgemmPeak() -> Double {
    let n = 2048
    let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    var best = Double.infinity
    for _ in 0..<3 {
        let t = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    seconds { BLAS.parallelSgemm(m: n, n: n, k: n, a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!) }
                }
            }
        }
        best = min(best, t)
    }
    return 2 * Double(n * n * n) / best / 1e9
}

func main() throws {
    let arguments = CommandLine.arguments
    let models = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "models")
    if arguments.count == 2 && arguments[1] == "--operators" {
        for network in PerceptionNetwork.allCases {
            let counts = try network.load(from: models).operatorCounts
            print(network.rawValue, counts.values.reduce(0, +), counts.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        exit(0)
    }
    guard arguments.count >= 3, let runs = Int(arguments[2]) else {
        FileHandle.standardError.write("usage: runtime-bench DIR RUNS [--profile]\n".data(using: .utf8)!)
        exit(2)
    }
    let directory = URL(filePath: arguments[1])
    let profile = arguments.contains("--profile")
    let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appending(path: "manifest.json")))
    // --threads N (default 2, as onnxruntime gets): 1 gives CPU times free of any waiting between workers.
    let threads = arguments.firstIndex(of: "--threads").flatMap { arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil } ?? 2
    BLAS.configureThreads(threads)
    let detector = try PerceptionNetwork.textDetector.load(from: models)
    let recognizer = try PerceptionNetwork.textRecognizer.load(from: models)
    let detInput = try load(directory.appending(path: "det.f32"), shape: manifest.det)
    let recInputs = try manifest.rec.map { try load(directory.appending(path: $0.file), shape: $0.shape) }

    var detTimes: [Double] = [], recTimes: [Double] = [], recCPU: [Double] = []
    var timing: [String: Double] = [:]
    _ = try detector.run([detInput])
    for x in recInputs { _ = try recognizer.run([x]) }
    for _ in 0..<runs {
        detTimes.append(try seconds { _ = profile ? try detector.run([detInput], timing: &timing) : try detector.run([detInput]) })
        let cpuStart = cpuSeconds()
        recTimes.append(try seconds { for x in recInputs { _ = profile ? try recognizer.run([x], timing: &timing) : try recognizer.run([x]) } })
        recCPU.append(cpuSeconds() - cpuStart)
    }
    if profile {
        for (op, t) in timing.sorted(by: { $0.value > $1.value }) {
            FileHandle.standardError.write(String(format: "%-20@ %8.2f ms/run\n", op as NSString, t * 1000 / Double(runs)).data(using: .utf8)!)
        }
    }
    let detFLOPs = 2 * (try detector.multiplyAdds(inputShapes: [manifest.det]))
    let recFLOPs = 2 * (try manifest.rec.reduce(0) { $0 + (try recognizer.multiplyAdds(inputShapes: [$1.shape])) })
    let result: [String: Any] = ["det": detTimes, "rec": recTimes, "detFLOPs": detFLOPs, "recFLOPs": recFLOPs, "recCPU": recCPU,
                                 "threads": BLAS.threads, "sgemmPeakGFLOPS": sgemmPeak()]
    print(String(decoding: try JSONSerialization.data(withJSONObject: result), as: UTF8.self))
}

do {
    try main()
} catch {
    FileHandle.standardError.write("runtime-bench: \(error)\n".data(using: .utf8)!)
    exit(1)
}
