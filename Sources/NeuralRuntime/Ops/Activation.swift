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
        switch self {
        case .relu: VectorLoop.map(Relu(), input, output, count, bias)
        case .sigmoid: VectorLoop.map(Sigmoid(), input, output, count, bias)
        case let .hardSigmoid(alpha, beta): VectorLoop.map(HardSigmoid(alpha: alpha, beta: beta), input, output, count, bias)
        case .hardSwish: VectorLoop.map(HardSwish(), input, output, count, bias)
        case .gelu: VectorLoop.map(GELU(), input, output, count, bias)
        case let .clip(lo, hi): VectorLoop.map(Clamp(lower: lo, upper: hi), input, output, count, bias)
        case .erf: VectorLoop.map(Erf(), input, output, count, bias)
        case .sqrt: VectorLoop.map(SquareRoot(), input, output, count, bias)
        }
    }
}

/// One pointwise function on a vector. Each activation is its own type so that `VectorLoop.map` is
/// specialised and inlined per function (a closure would cost a call per vector).
protocol VectorFunction {
    func callAsFunction(_ x: FastMath.Vector) -> FastMath.Vector
}

enum VectorLoop {
    typealias V = FastMath.Vector

    @inline(__always)
    static func map<F: VectorFunction>(_ f: F, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ count: Int, _ bias: Float) {
        let width = V.scalarCount
        var i = 0
        while i + width <= count {
            let x = UnsafeRawPointer(input + i).loadUnaligned(as: V.self) + bias
            UnsafeMutableRawPointer(output + i).storeBytes(of: f(x), as: V.self)
            i += width
        }
        if i < count {
            var x = V(repeating: 0)
            for j in 0..<(count - i) { x[j] = input[i + j] + bias }
            let y = f(x)
            for j in 0..<(count - i) { output[i + j] = y[j] }
        }
    }

    /// Σ p[0..<count], eight partial sums at a time (a scalar loop cannot be reordered by the compiler).
    static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var partial = V(repeating: 0)
        var i = 0
        while i + V.scalarCount <= count {
            partial += UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
            i += V.scalarCount
        }
        var total = partial.sum()
        while i < count { total += p[i]; i += 1 }
        return total
    }

    /// min(max(x, lower), upper) with vector compares (the stdlib's pointwiseMin/Max are scalar loops).
    @inline(__always)
    static func clamp(_ x: V, _ lower: Float, _ upper: Float) -> V {
        let low = x.replacing(with: lower, where: x .< lower)
        return low.replacing(with: upper, where: low .> upper)
    }
}

struct Relu: VectorFunction {
    @inline(__always) func callAsFunction(_ x: FastMath.Vector) -> FastMath.Vector { x.replacing(with: 0, where: x .< 0) }
}
struct Sigmoid: VectorFunction {
    @inline(__always) func callAsFunction(_ x: FastMath.Vector) -> FastMath.Vector { FastMath.sigmoid(x) }
}
struct HardSigmoid: VectorFunction {
    let alpha: Float, beta: Float
    @inline(__always) func callAsFunction(_ x: FastMath.Vector) -> FastMath.Vector { VectorLoop.clamp(x * alpha + beta, 0, 1) }
}
struct HardSwish: VectorFunction {
    @inline(__always) func callAsFunction(_ x: FastMath.Vector) -> FastMath.Vector { x * VectorLoop.clamp(x + 3, 0, 6) * (1 / 6) }
}
struct GELU: VectorFunction {
    @inline(__always) func callAsFunction(_ x: FastMath.Vector) -> FastMath.Vector {
        let half = x * 0.5
        return half.addingProduct(half, FastMath.erf(x * 0.70710678118654752))
    }
}
struct Clamp: VectorFunction {
    let lower: Float, upper: Float
    @inline(__always) func callAsFunction(_ x: FastMath.Vector) -> FastMath.Vector { VectorLoop.clamp(x, lower, upper) }
}
struct Erf: VectorFunction {
    @inline(__always) func callAsFunction(_ x: FastMath.Vector) -> FastMath.Vector { FastMath.erf(x) }
}
struct SquareRoot: VectorFunction {
    @inline(__always) func callAsFunction(_ x: FastMath.Vector) -> FastMath.Vector { x.squareRoot() }
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
