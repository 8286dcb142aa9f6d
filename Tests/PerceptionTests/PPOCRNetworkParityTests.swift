import Foundation
import NeuralRuntime
import Testing

/// The three PP-OCR networks, run by NeuralRuntime on exactly the tensors onnxruntime saw, must give the
/// same probabilities: max abs error ≤ 1e-3 (the bound).
@Suite struct PPOCRNetworkParityTests {
    static let bound: Float = 1e-3
    let reference: PPOCRReference

    init() throws { reference = try PPOCRReference.load() }

    static func maxError(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test func detectorMatchesOnnxRuntimeOnRenderedText() throws {
        let image = reference.detector.image
        let network = try Network(contentsOf: PPOCRReference.model("PP-OCRv6_det_small.onnx"))
        let values = FixtureData.tensorValues(rgb: FixtureData.bytes(image.rgb), width: image.width, height: image.height, paddedWidth: image.width)
        let output = try network.run([Tensor(shape: [1, 3, image.height, image.width], values: values)])
        let probability = try #require(output[network.outputNames[0]])
        #expect(probability.shape == [1, 1, image.height, image.width])
        let expected = FixtureData.floats(image.probability)
        #expect(expected.count == image.width * image.height)
        #expect(expected.contains { $0 > 0.5 }, "the reference map shows text")
        #expect(Self.maxError(probability.scalars, expected) <= Self.bound)
    }

    @Test func detectorMatchesOnnxRuntimeOnRandomTensor() throws {
        let random = reference.detector.random
        let network = try Network(contentsOf: PPOCRReference.model("PP-OCRv6_det_small.onnx"))
        let input = try Tensor(shape: random.shape, values: FixtureData.lcg(count: random.shape.reduce(1, *), seed: random.seed))
        let probability = try #require(try network.run([input])[network.outputNames[0]])
        #expect(Self.maxError(probability.scalars, FixtureData.floats(random.probability)) <= Self.bound)
    }
}
