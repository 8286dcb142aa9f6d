import Testing
@testable import NeuralRuntime

/// Pooling, reductions, Resize, MatMul and the shape operators (Shape → Slice → Concat → Reshape, as the
/// recognizer computes its own shapes), against plain loops. Bound: ≤ 1e-5 abs (products ≤ 1e-4).
@Suite struct StructureTests {
    @Test func maxPoolSameUpperAndStrided() throws {
        var noise = Noise(29)
        let x = noise.tensor([1, 2, 5, 7])
        for (attributes, stride, outH, outW) in [
            (["kernel_shape": ONNXBuilder.Attribute.ints([2, 2]), "strides": .ints([1, 1]), "auto_pad": .string("SAME_UPPER")], 1, 5, 7),
            (["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])], 2, 2, 3),
        ] {
            var model = ONNXBuilder()
            model.inputs = [("x", [1, 2, 5, 7])]
            model.outputs = ["y"]
            model.node("MaxPool", ["x"], ["y"], attributes)
            let y = try model.run([x])
            let v = x.scalars
            var expected: [Float] = []
            for c in 0..<2 { for oy in 0..<outH { for ox in 0..<outW {
                var best = -Float.infinity
                for ky in 0..<2 { for kx in 0..<2 {
                    let iy = oy * stride + ky, ix = ox * stride + kx
                    if iy < 5 && ix < 7 { best = max(best, v[(c * 5 + iy) * 7 + ix]) }
                } }
                expected.append(best)
            } } }
            #expect(y.shape == [1, 2, outH, outW])
            #expect(maxAbsDifference(y.scalars, expected) == 0)
        }
    }

    @Test func averagePoolAndMeans() throws {
        var noise = Noise(31)
        let x = noise.tensor([2, 3, 6, 8])
        var model = ONNXBuilder()
        model.inputs = [("x", [2, 3, 6, 8])]
        model.outputs = ["avg", "gap", "last"]
        model.node("AveragePool", ["x"], ["avg"], ["kernel_shape": .ints([3, 2]), "strides": .ints([3, 2])])
        model.node("GlobalAveragePool", ["x"], ["gap"])
        model.node("ReduceMean", ["x"], ["last"], ["axes": .ints([-1]), "keepdims": .int(1)])
        let outputs = try model.network().run([x])
        let v = x.scalars
        var avg: [Float] = [], gap: [Float] = [], last: [Float] = []
        for p in 0..<6 {
            let plane = Array(v[(p * 48)..<((p + 1) * 48)])
            gap.append(plane.reduce(0, +) / 48)
            for y in 0..<6 { last.append(plane[(y * 8)..<(y * 8 + 8)].reduce(0, +) / 8) }
            for oy in 0..<2 { for ox in 0..<4 {
                var s: Float = 0
                for ky in 0..<3 { for kx in 0..<2 { s += plane[(oy * 3 + ky) * 8 + ox * 2 + kx] } }
                avg.append(s / 6)
            } }
        }
        #expect(try #require(outputs["avg"]).shape == [2, 3, 2, 4])
        #expect(maxAbsDifference(try #require(outputs["avg"]).scalars, avg) <= 1e-5)
        #expect(maxAbsDifference(try #require(outputs["gap"]).scalars, gap) <= 1e-5)
        #expect(maxAbsDifference(try #require(outputs["last"]).scalars, last) <= 1e-5)
    }

    @Test func nearestResizeRepeatsPixels() throws {
        var noise = Noise(37)
        let x = noise.tensor([1, 2, 3, 4])
        var model = ONNXBuilder()
        model.inputs = [("x", [1, 2, 3, 4])]
        model.outputs = ["y"]
        model.weight("roi", [0], [])
        model.weight("scales", [4], [1, 1, 2, 4])
        model.node("Resize", ["x", "roi", "scales"], ["y"], ["mode": .string("nearest"), "coordinate_transformation_mode": .string("asymmetric"), "nearest_mode": .string("floor")])
        let y = try model.run([x])
        let v = x.scalars
        var expected: [Float] = []
        for c in 0..<2 { for oy in 0..<6 { for ox in 0..<16 { expected.append(v[(c * 3 + oy / 2) * 4 + ox / 4]) } } }
        #expect(y.shape == [1, 2, 6, 16])
        #expect(y.scalars == expected)
    }

    @Test func matMulWithSharedWeightsBiasAndBatches() throws {
        var noise = Noise(41)
        let a = noise.tensor([2, 5, 7]), w = noise.values(7 * 3), bias = noise.values(3)
        var model = ONNXBuilder()
        model.inputs = [("a", [2, 5, 7]), ("p", [2, 2, 5, 7]), ("q", [2, 2, 7, 4])]
        model.outputs = ["linear", "batched"]
        model.weight("w", [7, 3], w)
        model.weight("bias", [3], bias)
        model.node("MatMul", ["a", "w"], ["m"])
        model.node("Add", ["m", "bias"], ["linear"])
        model.node("MatMul", ["p", "q"], ["batched"])
        let network = try model.network()
        #expect(network.operatorCounts["Add"] == nil, "the bias Add is folded into the MatMul")
        let p = noise.tensor([2, 2, 5, 7]), q = noise.tensor([2, 2, 7, 4])
        let outputs = try network.run([a, p, q])
        let linear = Reference.matmul(a.scalars, w, m: 10, k: 7, n: 3).enumerated().map { $1 + bias[$0 % 3] }
        #expect(maxAbsDifference(try #require(outputs["linear"]).scalars, linear) <= 1e-4)
        let pv = p.scalars, qv = q.scalars
        var batched: [Float] = []
        for i in 0..<4 {
            let left = Array(pv[(i * 35)..<((i + 1) * 35)]), right = Array(qv[(i * 28)..<((i + 1) * 28)])
            batched += Reference.matmul(left, right, m: 5, k: 7, n: 4)
        }
        #expect(maxAbsDifference(try #require(outputs["batched"]).scalars, batched) <= 1e-4)
    }

    @Test func shapeArithmeticDrivesReshapeTransposeSliceAndConcat() throws {
        // y = Transpose(Reshape(x, [Shape(x)[0], -1])) ; z = Concat(Slice(x, axis 2, 1..<3), x, axis 2)
        var noise = Noise(43)
        let x = noise.tensor([2, 3, 4])
        var model = ONNXBuilder()
        model.inputs = [("x", [2, 3, 4])]
        model.outputs = ["y", "z", "u"]
        model.ints("zero", [0]); model.ints("one", [1]); model.ints("minusOne", [-1])
        model.ints("start", [1]); model.ints("end", [3]); model.ints("axis", [2])
        model.node("Shape", ["x"], ["s"])
        model.node("Cast", ["s"], ["s32"], ["to": .int(6)])
        model.node("Slice", ["s32", "zero", "one", "zero"], ["n"])
        model.node("Concat", ["n", "minusOne"], ["target"], ["axis": .int(0)])
        model.node("Reshape", ["x", "target"], ["r"])
        model.node("Transpose", ["r"], ["y"], ["perm": .ints([1, 0])])
        model.node("Slice", ["x", "start", "end", "axis"], ["part"])
        model.node("Concat", ["part", "x"], ["z"], ["axis": .int(2)])
        model.node("Unsqueeze", ["part"], ["p1"], ["axes": .ints([0])])
        model.node("Squeeze", ["p1"], ["u"], ["axes": .ints([0])])
        let outputs = try model.network().run([x])
        let v = x.scalars
        let y = try #require(outputs["y"]), z = try #require(outputs["z"]), u = try #require(outputs["u"])
        #expect(y.shape == [12, 2])
        #expect(y.scalars == (0..<12).flatMap { i in [v[i], v[12 + i]] })
        #expect(z.shape == [2, 3, 6])
        let rows = (0..<6).map { Array(v[($0 * 4)..<($0 * 4 + 4)]) }
        #expect(z.scalars == rows.flatMap { Array($0[1..<3]) + $0 })
        #expect(u.shape == [2, 3, 2])
        #expect(u.scalars == rows.flatMap { Array($0[1..<3]) })
    }
}
