/// Vectorised transcendental functions, shared by the ONNX operators and MiniLM. The activations of these networks (sigmoid, GELU, softmax)
/// run over millions of elements per page, where scalar libm calls would cost more than the convolutions.
/// Errors against libm (checked in the tests): exp ≤ 2 ulp in [-87, 88]; erf ≤ 5e-7 absolute.
/// Polynomials are evaluated with fused multiply-adds (`polynomialStep`), one instruction per step on
/// the AVX2 + FMA target NeuralRuntime is built for.
public enum FastMath {
    public typealias Vector = SIMD8<Float>

    /// e^x (Cephes' single-precision polynomial with a two-part ln 2 for range reduction).
    @inline(__always)
    public static func exp(_ x: Vector) -> Vector {
        let x = VectorLoop.clamp(x, -87.3, 88.3)
        // Round x·log2(e) to an integer n with the 1.5·2²³ trick: after adding it, the low mantissa bits
        // hold n, which gives both n as a float and 2ⁿ's exponent bits without a (slow, scalarised in
        // Swift) float-to-int conversion.
        let shifted = x * 1.44269504088896341 + 12582912
        let n = shifted - 12582912
        let r = x.addingProduct(n, Vector(repeating: -0.693359375)).addingProduct(n, Vector(repeating: 2.12194440e-4))
        var p = polynomialStep(Vector(repeating: 1.9875691500E-4), r, 1.3981999507E-3)
        p = polynomialStep(p, r, 8.3334519073E-3)
        p = polynomialStep(p, r, 4.1665795894E-2)
        p = polynomialStep(p, r, 1.6666665459E-1)
        p = polynomialStep(p, r, 5.0000001201E-1)
        p = (r + 1).addingProduct(p, r * r)
        let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: Vector.self)
    }

    /// erf(x) as a rational function of x on [-4, 4] (erf is ±1 to float precision beyond): the
    /// float32 approximation used by XLA and Eigen. No exp, one division; max abs error 4.2e-7.
    @inline(__always)
    public static func erf(_ x: Vector) -> Vector {
        let x = VectorLoop.clamp(x, -4, 4)
        let x2 = x * x
        var p = polynomialStep(Vector(repeating: -2.72614225801306e-10), x2, 2.77068142495902e-08)
        p = polynomialStep(p, x2, -2.10102402082508e-06)
        p = polynomialStep(p, x2, -5.69250639462346e-05)
        p = polynomialStep(p, x2, -7.34990630326855e-04)
        p = polynomialStep(p, x2, -2.95459980854025e-03)
        p = polynomialStep(p, x2, -1.60960333262415e-02)
        var q = polynomialStep(Vector(repeating: -1.45660718464996e-05), x2, -2.13374055278905e-04)
        q = polynomialStep(q, x2, -1.68282697438203e-03)
        q = polynomialStep(q, x2, -7.37332916720468e-03)
        q = polynomialStep(q, x2, -1.42647390514189e-02)
        return x * p / q
    }

    /// One Horner step, p·x + c, as a fused multiply-add: Swift does not contract `p * x + c` into one,
    /// and the separate multiply and add made every polynomial here twice the instructions.
    @inline(__always)
    static func polynomialStep(_ p: Vector, _ x: Vector, _ c: Float) -> Vector {
        Vector(repeating: c).addingProduct(p, x)
    }

    @inline(__always)
    static func sigmoid(_ x: Vector) -> Vector { 1 / (1 + exp(Vector(repeating: 0) - x)) }

    /// Scalar versions through the same vector code, so the tails of loops round identically.
    @inline(__always)
    static func apply(_ f: (Vector) -> Vector, _ x: Float) -> Float { f(Vector(repeating: x))[0] }
}
