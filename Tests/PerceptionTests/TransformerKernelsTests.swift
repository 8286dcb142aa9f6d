import Foundation
import Testing
@testable import Perception

/// The fused BERT kernels against Double-precision formulas, with the bounds their doc comments state.
@Suite struct TransformerKernelsTests {
    @Test(arguments: [1, 7, 16, 37])
    func geluAddsTheBiasToEveryElement(width: Int) {
        let rows = 3
        var random = SplitMix64(seed: UInt64(width))
        let input = (0..<rows * width).map { _ in 6 * random.nextSigned() }
        let bias = (0..<width).map { _ in random.nextSigned() }
        var x = input
        x.withUnsafeMutableBufferPointer { x in
            bias.withUnsafeBufferPointer { b in
                TransformerKernels.addBiasGELU(x.baseAddress!, rows: rows, width: width, bias: b.baseAddress!)
            }
        }
        for (i, got) in x.enumerated() {
            let v = Double(input[i]) + Double(bias[i % width])
            let exact = 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
            #expect(abs(Double(got) - exact) <= 1e-6 * max(1, abs(v)), "element \(i)")
        }
    }

    @Test func layerNormUsesEpsilonAndIsAccurateForAnOffsetRow() {
        let width = 5
        // A row with a large mean and a small spread, where a one-pass variance loses digits.
        let row: [Float] = [1000.5, 1000.25, 999.75, 1000, 999.5]
        let gamma: [Float] = [1, 2, 0.5, -1, 1]
        let beta: [Float] = [0, 0.1, -0.1, 0, 1]
        for epsilon: Float in [1e-12, 0.25] {
            var x = row
            x.withUnsafeMutableBufferPointer { x in
                TransformerKernels.layerNorm(x.baseAddress!, rows: 1, width: width, gamma: gamma, beta: beta, epsilon: epsilon)
            }
            let mean = row.map(Double.init).reduce(0, +) / Double(width)
            let variance = row.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / Double(width)
            for i in 0..<width {
                let exact = (Double(row[i]) - mean) / (variance + Double(epsilon)).squareRoot() * Double(gamma[i]) + Double(beta[i])
                #expect(abs(Double(x[i]) - exact) <= 1e-4, "ε \(epsilon), element \(i)")
            }
        }
    }

    @Test func softmaxRowsSumToOneAndSurviveLargeLogits() {
        var x: [Float] = [1, 2, 3, 1000, 1001, 1002, -1e30, 0, 0]
        x.withUnsafeMutableBufferPointer { TransformerKernels.softmaxRows($0.baseAddress!, rows: 3, width: 3) }
        let expected: [Double] = [0.09003057, 0.24472847, 0.66524096]
        for i in 0..<3 {
            #expect(abs(Double(x[i]) - expected[i]) <= 1e-6)
            #expect(abs(Double(x[3 + i]) - expected[i]) <= 1e-6)
        }
        #expect(x[6] == 0 && abs(x[7] - 0.5) <= 1e-7 && abs(x[8] - 0.5) <= 1e-7)
    }
}
