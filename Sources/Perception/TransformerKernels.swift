import Foundation
import NeuralRuntime

/// The element-wise and row-wise steps of a BERT layer, on row-major `rows × width` blocks. Matrix
/// products go through `BLAS.sgemm`; these fill the gaps between them, each in one pass over memory
/// (bias, activation, residual and normalisation are fused where a layer applies them back to back).
enum TransformerKernels {
    /// x[r] += bias, for every row.
    static func addBias(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>) {
        for row in 0..<rows {
            let line = x + row * width
            for i in 0..<width { line[i] += bias[i] }
        }
    }

    /// x = GELU(x + bias) with the erf form BERT was trained with, 0.5·v·(1 + erf(v/√2)), not the tanh
    /// approximation, eight lanes at a time through the runtime's vectorised erf (within 5e-7 of the
    /// exact value); through libm, one value at a time, it was the largest cost after the products.
    static func addBiasGELU(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>) {
        typealias V = FastMath.Vector
        @inline(__always) func gelu(_ v: V) -> V { 0.5 * v * (1 + FastMath.erf(v * 0.70710678118654752)) }
        for row in 0..<rows {
            let line = x + row * width
            var i = 0
            while i + V.scalarCount <= width {
                let v = UnsafeRawPointer(line + i).loadUnaligned(as: V.self) + UnsafeRawPointer(bias + i).loadUnaligned(as: V.self)
                UnsafeMutableRawPointer(line + i).storeBytes(of: gelu(v), as: V.self)
                i += V.scalarCount
            }
            while i < width {
                line[i] = gelu(V(repeating: line[i] + bias[i]))[0]
                i += 1
            }
        }
    }

    /// residual[r] = LayerNorm(x[r] + bias + residual[r]): the end of each BERT sub-layer (post-norm).
    static func addBiasResidualLayerNorm(
        _ x: UnsafePointer<Float>, bias: UnsafePointer<Float>, residual: UnsafeMutablePointer<Float>,
        rows: Int, width: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float
    ) {
        for row in 0..<rows {
            let input = x + row * width
            let line = residual + row * width
            for i in 0..<width { line[i] += input[i] + bias[i] }
        }
        layerNorm(residual, rows: rows, width: width, gamma: gamma, beta: beta, epsilon: epsilon)
    }

    /// x[r] = (x[r] − mean) / √(variance + ε) · γ + β, in place. The variance is taken around the mean in
    /// a second pass, which stays accurate when the mean is large against the spread.
    static func layerNorm(
        _ x: UnsafeMutablePointer<Float>, rows: Int, width: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float
    ) {
        let count = Float(width)
        for row in 0..<rows {
            let line = x + row * width
            var sum: Float = 0
            for i in 0..<width { sum += line[i] }
            let mean = sum / count
            var squares: Float = 0
            for i in 0..<width {
                let d = line[i] - mean
                squares += d * d
            }
            let scale = 1 / (squares / count + epsilon).squareRoot()
            for i in 0..<width { line[i] = (line[i] - mean) * scale * gamma[i] + beta[i] }
        }
    }

    /// Each row becomes softmax(row), shifted by its maximum so `exp` never overflows.
    static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for row in 0..<rows {
            let line = x + row * width
            var maximum = -Float.infinity
            for i in 0..<width { maximum = max(maximum, line[i]) }
            var sum: Float = 0
            for i in 0..<width {
                let e = exp(line[i] - maximum)
                line[i] = e
                sum += e
            }
            let inverse = 1 / sum
            for i in 0..<width { line[i] *= inverse }
        }
    }
}
