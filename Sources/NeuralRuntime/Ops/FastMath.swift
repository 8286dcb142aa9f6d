/// Vectorised transcendental functions. The activations of these networks (sigmoid, GELU, softmax)
/// run over millions of elements per page, where scalar libm calls would cost more than the convolutions.
/// Errors against libm (checked in the tests): exp ≤ 2 ulp in [-87, 88]; erf ≤ 2e-7 absolute.
enum FastMath {
    typealias Vector = SIMD8<Float>

    /// e^x (Cephes' single-precision polynomial with a two-part ln 2 for range reduction).
    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        let x = x.clamped(lowerBound: Vector(repeating: -87.3), upperBound: Vector(repeating: 88.3))
        let n = (x * 1.44269504088896341).rounded(.toNearestOrEven)
        var r = x - n * 0.693359375
        r = r + n * 2.12194440e-4
        var p = Vector(repeating: 1.9875691500E-4)
        p = p * r + 1.3981999507E-3
        p = p * r + 8.3334519073E-3
        p = p * r + 4.1665795894E-2
        p = p * r + 1.6666665459E-1
        p = p * r + 5.0000001201E-1
        p = p * (r * r) + r + 1
        let exponent = (SIMD8<Int32>(n) &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: Vector.self)
    }

    /// erf(x), from the erfc approximation of Numerical Recipes (fractional error < 1.2e-7).
    @inline(__always)
    static func erf(_ x: Vector) -> Vector {
        let z = x.replacing(with: -x, where: x .< 0)
        let t = 1 / (1 + 0.5 * z)
        var p = Vector(repeating: 0.17087277)
        p = p * t - 0.82215223
        p = p * t + 1.48851587
        p = p * t - 1.13520398
        p = p * t + 0.27886807
        p = p * t - 0.18628806
        p = p * t + 0.09678418
        p = p * t + 0.37409196
        p = p * t + 1.00002368
        p = p * t - 1.26551223
        let erfc = t * exp(p - z * z)
        let magnitude = 1 - erfc
        return magnitude.replacing(with: -magnitude, where: x .< 0)
    }

    @inline(__always)
    static func sigmoid(_ x: Vector) -> Vector { 1 / (1 + exp(Vector(repeating: 0) - x)) }

    /// Scalar versions through the same vector code, so the tails of loops round identically.
    @inline(__always)
    static func apply(_ f: (Vector) -> Vector, _ x: Float) -> Float { f(Vector(repeating: x))[0] }
}
