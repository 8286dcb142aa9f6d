import Foundation
import Testing
@testable import NeuralRuntime

/// Binary ops with broadcasting, the pointwise activations (alone and as recognised GELU/hard-swish
/// chains), and the vectorised exp/erf they rely on. Bounds: ≤ 1e-6 abs for arithmetic, ≤ 1e-6 for the
/// activations (exp-based ones relative to libm in double), erf ≤ 5e-7.
@Suite struct PointwiseTests {
    struct BroadcastCase: CustomTestStringConvertible, Sendable {
        let op: String, a: [Int], b: [Int]
        var testDescription: String { "\(op) \(a) \(b)" }
    }

    static let broadcasts: [BroadcastCase] = [
        .init(op: "Add", a: [2, 3, 4, 5], b: [1, 3, 1, 1]), .init(op: "Mul", a: [2, 3, 4, 5], b: [2, 3, 1, 1]),
        .init(op: "Sub", a: [2, 3, 4], b: [2, 3, 1]), .init(op: "Div", a: [2, 3, 4], b: [4]),
        .init(op: "Add", a: [3, 1, 5], b: [1, 4, 1]), .init(op: "Mul", a: [6], b: []),
        .init(op: "Pow", a: [2, 7], b: []), .init(op: "Add", a: [1, 4, 1, 1], b: [2, 4, 3, 3]),
    ]

    @Test(arguments: broadcasts) func binaryOperatorBroadcastsLikeNumPy(_ c: BroadcastCase) throws {
        var noise = Noise(17)
        let a = noise.tensor(c.a)
        let bValues = noise.values(c.b.reduce(1, *)).map { c.op == "Div" ? $0 + 2 : (c.op == "Pow" ? 2 : $0) }
        var model = ONNXBuilder()
        model.inputs = [("a", c.a)]
        model.outputs = ["y"]
        model.weight("b", c.b, bValues)
        model.node(c.op, ["a", "b"], ["y"])
        let y = try model.run([a])
        // Reference: index arithmetic per output element.
        let rank = max(c.a.count, c.b.count)
        let pa = [Int](repeating: 1, count: rank - c.a.count) + c.a, pb = [Int](repeating: 1, count: rank - c.b.count) + c.b
        let out = zip(pa, pb).map { max($0, $1) }
        let sa = Tensor.contiguousStrides(pa), sb = Tensor.contiguousStrides(pb)
        let av = a.scalars
        var expected: [Float] = []
        for flat in 0..<out.reduce(1, *) {
            var rest = flat, ia = 0, ib = 0
            for axis in (0..<rank).reversed() {
                let i = rest % out[axis]; rest /= out[axis]
                if pa[axis] > 1 { ia += i * sa[axis] }
                if pb[axis] > 1 { ib += i * sb[axis] }
            }
            let x = av[ia], z = bValues[ib]
            switch c.op {
            case "Add": expected.append(x + z)
            case "Sub": expected.append(x - z)
            case "Mul": expected.append(x * z)
            case "Div": expected.append(x / z)
            default: expected.append(Foundation.pow(x, z))
            }
        }
        #expect(y.shape == out)
        #expect(maxAbsDifference(y.scalars, expected) <= 1e-6)
    }

    static func unary(_ build: (inout ONNXBuilder) -> Void, count: Int = 1000) throws -> (input: [Float], output: [Float], network: Network) {
        var noise = Noise(19)
        let x = try Tensor(shape: [count], values: noise.values(count).map { $0 * 6 })
        var model = ONNXBuilder()
        model.inputs = [("x", [count])]
        model.outputs = ["y"]
        build(&model)
        let network = try model.network()
        let y = try #require(try network.run([x])["y"])
        return (x.scalars, y.scalars, network)
    }

    @Test func activationsMatchTheirDefinitions() throws {
        let cases: [(String, [String: ONNXBuilder.Attribute], (Float) -> Float)] = [
            ("Relu", [:], { max(0, $0) }),
            ("Sigmoid", [:], Reference.sigmoid),
            ("HardSigmoid", ["alpha": .float(0.2), "beta": .float(0.5)], { min(1, max(0, 0.2 * $0 + 0.5)) }),
            ("Erf", [:], { Float(Foundation.erf(Double($0))) }),
        ]
        for (op, attributes, f) in cases {
            let (x, y, _) = try Self.unary { $0.node(op, ["x"], ["y"], attributes) }
            #expect(maxAbsDifference(y, x.map(f)) <= 1e-6, "\(op)")
        }
        let (x, y, _) = try Self.unary { $0.node("Sqrt", ["x"], ["y"]) }
        let positive = zip(x, y).filter { $0.0 >= 0 }
        #expect(maxAbsDifference(positive.map(\.1), positive.map { $0.0.squareRoot() }) <= 1e-6)
        let (cx, cy, _) = try Self.unary { m in
            m.scalar("lo", 0); m.scalar("hi", 6)
            m.node("Clip", ["x", "lo", "hi"], ["y"])
        }
        #expect(maxAbsDifference(cy, cx.map { min(6, max(0, $0)) }) == 0)
    }

    @Test func exportedGELUChainBecomesOneNode() throws {
        let (x, y, network) = try Self.unary { m in
            m.scalar("sqrt2", 1.4142135); m.scalar("one", 1); m.scalar("half", 0.5)
            m.node("Div", ["x", "sqrt2"], ["d"]); m.node("Erf", ["d"], ["e"]); m.node("Add", ["e", "one"], ["a"])
            m.node("Mul", ["x", "a"], ["m"]); m.node("Mul", ["m", "half"], ["y"])
        }
        #expect(network.operatorCounts == ["qzoom.Gelu": 1])
        #expect(maxAbsDifference(y, x.map(Reference.gelu)) <= 2e-6)
    }

    @Test func exportedHardSwishChainBecomesOneNode() throws {
        let (x, y, network) = try Self.unary { m in
            m.scalar("three", 3); m.scalar("zero", 0); m.scalar("six", 6)
            m.node("Add", ["x", "three"], ["a"]); m.node("Clip", ["a", "zero", "six"], ["c"])
            m.node("Mul", ["x", "c"], ["m"]); m.node("Div", ["m", "six"], ["y"])
        }
        #expect(network.operatorCounts == ["qzoom.HardSwish": 1])
        #expect(maxAbsDifference(y, x.map { $0 * min(6, max(0, $0 + 3)) / 6 }) <= 1e-6)
    }

    @Test func vectorExpAndErfAgreeWithLibm() {
        var worstExp: Double = 0, worstErf: Float = 0
        for i in 0..<20_000 {
            let x = -87 + Float(i) * (175 / 20_000)
            let e = Double(FastMath.exp(FastMath.Vector(repeating: x))[0])
            worstExp = max(worstExp, abs(e - Foundation.exp(Double(x))) / Foundation.exp(Double(x)))
            let z = -6 + Float(i) * (12 / 20_000)
            worstErf = max(worstErf, abs(FastMath.erf(FastMath.Vector(repeating: z))[0] - Float(Foundation.erf(Double(z)))))
        }
        #expect(worstExp <= 3e-7)
        #expect(worstErf <= 5e-7)
    }

    @Test func softmaxNormalisesTheLastAxis() throws {
        var noise = Noise(23)
        let x = noise.tensor([3, 4, 37])
        var model = ONNXBuilder()
        model.inputs = [("x", [3, 4, 37])]
        model.outputs = ["y"]
        model.node("Softmax", ["x"], ["y"], ["axis": .int(2)])
        let y = try model.run([x]).scalars
        let v = x.scalars.map { $0 * 1 }
        var expected: [Float] = []
        for row in 0..<12 {
            let r = v[(row * 37)..<((row + 1) * 37)].map(Double.init)
            let peak = r.max()!, sum = r.map { Foundation.exp($0 - peak) }.reduce(0, +)
            expected += r.map { Float(Foundation.exp($0 - peak) / sum) }
        }
        #expect(maxAbsDifference(y, expected) <= 1e-6)
    }
}
