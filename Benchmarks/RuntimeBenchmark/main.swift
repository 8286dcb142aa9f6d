import Foundation
import NeuralRuntime

// Placeholder during development; replaced by the side-by-side benchmark.
let arguments = CommandLine.arguments
let model = URL(filePath: arguments[1])
let shape = arguments[2].split(separator: "x").compactMap { Int($0) }
let runs = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
BLAS.configureThreads(2)
let network = try Network(contentsOf: model)
var x: UInt32 = 7
let values = (0..<shape.reduce(1, *)).map { _ in x = 1664525 &* x &+ 1013904223; return Float(Double(x >> 8) / Double(1 << 23) - 1) }
let input = try Tensor(shape: shape, values: values)
var times: [Double] = []
var timing: [String: Double] = [:]
for _ in 0..<runs {
    let start = Date()
    _ = try network.run([input], timing: &timing)
    times.append(Date().timeIntervalSince(start))
}
times.sort()
print("median \(times[times.count / 2] * 1000) ms")
for (op, t) in timing.sorted(by: { $0.value > $1.value }) { print(op, String(format: "%.2f ms", t * 1000 / Double(runs))) }
print(network.operatorCounts)
