/// Pointwise functions. Each is an operator of its own and can also be fused into the epilogue of a
/// convolution or matrix product, so the result is written once instead of read and written again.
enum Activation: Sendable, Equatable {
    case relu
    case sigmoid
    case hardSigmoid(alpha: Float, beta: Float)
    /// x · relu6(x + 3) / 6, recognised from Add → Clip → Mul → Div.
    case hardSwish
    /// x · Φ(x) with the exact erf, recognised from Div → Erf → Add → Mul → Mul.
    case gelu
    case clip(min: Float, max: Float)
    case erf
    case sqrt

    /// out[i] = f(in[i] + bias) for i in 0..<count (`input` may equal `output`).
    func apply(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, count: Int, bias: Float = 0) {
        typealias V = FastMath.Vector
        let width = V.scalarCount
        var i = 0
        @inline(__always) func map(_ f: (V) -> V) {
            while i + width <= count {
                let x = V(UnsafeBufferPointer(start: input + i, count: width)) + bias
                UnsafeMutableRawPointer(output + i).storeBytes(of: f(x), as: V.self)
                i += width
            }
            if i < count {
                var x = V(repeating: 0)
                for j in 0..<(count - i) { x[j] = input[i + j] + bias }
                let y = f(x)
                for j in 0..<(count - i) { output[i + j] = y[j] }
                i = count
            }
        }
        switch self {
        case .relu: map { $0.replacing(with: 0, where: $0 .< 0) }
        case .sigmoid: map(FastMath.sigmoid)
        case let .hardSigmoid(alpha, beta):
            map { ($0 * alpha + beta).clamped(lowerBound: V(repeating: 0), upperBound: V(repeating: 1)) }
        case .hardSwish:
            map { $0 * ($0 + 3).clamped(lowerBound: V(repeating: 0), upperBound: V(repeating: 6)) * (1 / 6) }
        case .gelu: map { $0 * 0.5 * (1 + FastMath.erf($0 * 0.70710678118654752)) }
        case let .clip(lo, hi): map { $0.clamped(lowerBound: V(repeating: lo), upperBound: V(repeating: hi)) }
        case .erf: map(FastMath.erf)
        case .sqrt: map { $0.squareRoot() }
        }
    }
}

/// A pointwise operator (Relu, Sigmoid, HardSigmoid, Erf, Sqrt, Clip, and the recognised HardSwish/GELU).
struct UnaryOperator: Operator {
    let activation: Activation

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        guard let x = inputs.first, x.isFloat else { throw .shapeMismatch(node: node, reason: "expects a float input") }
        return [.floats(shape: x.shape)]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let count = inputs[0].count, activation = activation
        return { buffers in
            Parallel.chunks(count, minimumPerChunk: 1 << 15, alignment: 16) { range in
                activation.apply(buffers.input(0) + range.lowerBound, buffers.outputs[0] + range.lowerBound, count: range.count)
            }
        }
    }
}
