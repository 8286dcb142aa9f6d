import Testing
@testable import NeuralRuntime

/// Conv (im2col + sgemm, the 1×1 shortcut, the direct depthwise loop), ConvTranspose and the load-time
/// folds (bias Add, BatchNorm, activation), each against `Reference`'s loops. Bound: max abs error ≤ 1e-4
/// on outputs of magnitude ~1–10 (float32 sums of up to a few hundred products).
@Suite struct ConvolutionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let input: [Int], weights: [Int], strides: [Int], pads: [Int], group: Int, dilations: [Int]
        var testDescription: String { "x\(input) w\(weights) s\(strides) p\(pads) g\(group) d\(dilations)" }
    }

    static let cases: [Case] = [
        Case(input: [1, 3, 17, 23], weights: [8, 3, 3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 1, dilations: [1, 1]),
        Case(input: [2, 16, 9, 11], weights: [24, 16, 1, 1], strides: [1, 1], pads: [0, 0, 0, 0], group: 1, dilations: [1, 1]),
        Case(input: [1, 8, 12, 10], weights: [8, 1, 3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 8, dilations: [1, 1]),
        Case(input: [2, 6, 13, 14], weights: [6, 1, 3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 6, dilations: [1, 1]),
        Case(input: [1, 4, 20, 21], weights: [4, 1, 7, 7], strides: [1, 1], pads: [3, 3, 3, 3], group: 4, dilations: [1, 1]),
        Case(input: [1, 5, 16, 30], weights: [5, 1, 5, 5], strides: [2, 1], pads: [2, 2, 2, 2], group: 5, dilations: [1, 1]),
        Case(input: [1, 3, 6, 40], weights: [3, 1, 1, 7], strides: [1, 1], pads: [0, 3, 0, 3], group: 3, dilations: [1, 1]),
        Case(input: [2, 3, 9, 75], weights: [3, 1, 7, 7], strides: [1, 1], pads: [3, 3, 3, 3], group: 3, dilations: [1, 1]),
        Case(input: [1, 8, 10, 10], weights: [6, 4, 3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 2, dilations: [1, 1]),
        Case(input: [1, 4, 15, 15], weights: [4, 4, 3, 3], strides: [1, 1], pads: [2, 2, 2, 2], group: 1, dilations: [2, 2]),
        Case(input: [1, 6, 300, 41], weights: [5, 6, 3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 1, dilations: [1, 1]),
    ]

    @Test(arguments: cases) func convolutionMatchesReference(_ c: Case) throws {
        var noise = Noise(3)
        let x = noise.tensor(c.input), w = noise.values(c.weights.reduce(1, *)), b = noise.values(c.weights[0])
        var model = ONNXBuilder()
        model.inputs = [("x", c.input)]
        model.outputs = ["y"]
        model.weight("w", c.weights, w)
        model.weight("b", [c.weights[0]], b)
        model.node("Conv", ["x", "w", "b"], ["y"], ["strides": .ints(c.strides), "pads": .ints(c.pads), "group": .int(c.group),
                                                  "dilations": .ints(c.dilations), "kernel_shape": .ints(Array(c.weights[2...]))])
        let y = try model.run([x])
        let expected = Reference.conv(x.scalars, c.input, weights: w, weightShape: c.weights, bias: b,
                                      strides: (c.strides[0], c.strides[1]), pads: (c.pads[0], c.pads[1], c.pads[2], c.pads[3]),
                                      dilations: (c.dilations[0], c.dilations[1]), group: c.group)
        #expect(y.shape == expected.shape)
        #expect(maxAbsDifference(y.scalars, expected.values) <= 1e-4)
    }

    @Test func sameUpperPadsOnlyTheEnd() throws {
        // 2×2 kernel, stride 1, SAME_UPPER: output keeps the size, one zero row/column after the input.
        var noise = Noise(5)
        let x = noise.tensor([1, 3, 7, 9]), w = noise.values(4 * 3 * 4)
        var model = ONNXBuilder()
        model.inputs = [("x", [1, 3, 7, 9])]
        model.outputs = ["y"]
        model.weight("w", [4, 3, 2, 2], w)
        model.node("Conv", ["x", "w"], ["y"], ["auto_pad": .string("SAME_UPPER"), "kernel_shape": .ints([2, 2])])
        let y = try model.run([x])
        let expected = Reference.conv(x.scalars, [1, 3, 7, 9], weights: w, weightShape: [4, 3, 2, 2], bias: nil, pads: (0, 0, 1, 1))
        #expect(y.shape == [1, 4, 7, 9])
        #expect(maxAbsDifference(y.scalars, expected.values) <= 1e-4)
    }

    @Test func biasBatchNormAndActivationFoldIntoTheConvolution() throws {
        // Conv → BatchNormalization → Add(per-channel) → HardSigmoid becomes one Conv node.
        var noise = Noise(9)
        let x = noise.tensor([2, 4, 8, 8]), w = noise.values(6 * 4 * 9)
        let scale = noise.values(6).map { $0 + 1.5 }, shift = noise.values(6), mean = noise.values(6), variance = noise.values(6).map { $0 + 1.2 }
        let extra = noise.values(6)
        var model = ONNXBuilder()
        model.inputs = [("x", [2, 4, 8, 8])]
        model.outputs = ["y"]
        model.weight("w", [6, 4, 3, 3], w)
        for (name, v) in [("s", scale), ("t", shift), ("m", mean), ("v", variance)] { model.weight(name, [6], v) }
        model.weight("e", [1, 6, 1, 1], extra)
        model.node("Conv", ["x", "w"], ["c"], ["pads": .ints([1, 1, 1, 1]), "kernel_shape": .ints([3, 3])])
        model.node("BatchNormalization", ["c", "s", "t", "m", "v"], ["n"], ["epsilon": .float(1e-5)])
        model.node("Add", ["n", "e"], ["a"])
        model.node("HardSigmoid", ["a"], ["y"], ["alpha": .float(0.2), "beta": .float(0.5)])
        let network = try model.network()
        #expect(network.operatorCounts == ["Conv": 1])
        let y = try #require(try network.run([x])["y"])
        let conv = Reference.conv(x.scalars, [2, 4, 8, 8], weights: w, weightShape: [6, 4, 3, 3], bias: nil, pads: (1, 1, 1, 1))
        let expected = conv.values.enumerated().map { i, v -> Float in
            let ch = (i / 64) % 6
            let bn = (v - mean[ch]) / (variance[ch] + 1e-5).squareRoot() * scale[ch] + shift[ch]
            return min(1, max(0, (bn + extra[ch]) * 0.2 + 0.5))
        }
        #expect(maxAbsDifference(y.scalars, expected) <= 1e-4)
    }

    @Test func convTransposeMatchesReference() throws {
        var noise = Noise(11)
        let x = noise.tensor([2, 5, 6, 7]), w = noise.values(5 * 3 * 4), b = noise.values(3)
        var model = ONNXBuilder()
        model.inputs = [("x", [2, 5, 6, 7])]
        model.outputs = ["y"]
        model.weight("w", [5, 3, 2, 2], w)
        model.weight("b", [1, 3, 1, 1], b)
        model.node("ConvTranspose", ["x", "w"], ["t"], ["strides": .ints([2, 2]), "kernel_shape": .ints([2, 2])])
        model.node("Add", ["t", "b"], ["a"])
        model.node("Relu", ["a"], ["y"])
        let network = try model.network()
        #expect(network.operatorCounts == ["ConvTranspose": 1], "bias and activation fold into the ConvTranspose")
        let y = try #require(try network.run([x])["y"])
        #expect(y.shape == [2, 3, 12, 14])
        let expected = Reference.convTranspose(x.scalars, [2, 5, 6, 7], weights: w, weightShape: [5, 3, 2, 2], bias: b, strides: (2, 2))
        #expect(maxAbsDifference(y.scalars, expected.map { max(0, $0) }) <= 1e-4)
    }

    @Test func standaloneBatchNormIsAChannelAffine() throws {
        var noise = Noise(13)
        let x = noise.tensor([1, 3, 4, 5])
        let p = (0..<4).map { i in noise.values(3).map { i == 3 ? $0 + 1.5 : $0 } }
        var model = ONNXBuilder()
        model.inputs = [("x", [1, 3, 4, 5])]
        model.outputs = ["y"]
        for (i, name) in ["s", "t", "m", "v"].enumerated() { model.weight(name, [3], p[i]) }
        model.node("BatchNormalization", ["x", "s", "t", "m", "v"], ["y"])
        let y = try model.run([x])
        let expected = x.scalars.enumerated().map { i, v in (v - p[2][i / 20]) / (p[3][i / 20] + 1e-5).squareRoot() * p[0][i / 20] + p[1][i / 20] }
        #expect(maxAbsDifference(y.scalars, expected) <= 1e-5)
    }
}
