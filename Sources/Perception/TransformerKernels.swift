import Foundation

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
    /// approximation. `erf` is the branch-free `erf(_:)` below, which the compiler vectorises; through libm,
    /// one value at a time, it was the largest cost after the matrix products (about 12× slower).
    static func addBiasGELU(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>) {
        for row in 0..<rows {
            let line = x + row * width
            for i in 0..<width {
                let v = line[i] + bias[i]
                line[i] = 0.5 * v * (1 + erf(v * 0.70710678118654752))
            }
        }
    }

    /// erf(x), within 5e-7 of the exact value (tested on 2 million floats), as a rational function of x on
    /// [−4, 4], beyond which erf is ±1 in single precision. The coefficients are those of XLA's and Eigen's
    /// float erf.
    @inline(__always)
    static func erf(_ value: Float) -> Float {
        let x = min(max(value, -4), 4)
        let x2 = x * x
        var p = x2 * -2.72614225801306e-10 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        var q = x2 * -1.45660718464996e-05 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return x * p / q
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
