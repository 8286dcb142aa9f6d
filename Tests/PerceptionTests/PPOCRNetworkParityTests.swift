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

    /// Compares the reference's top-k probabilities per time step with ours at the same class ids,
    /// and checks that our best class is theirs wherever theirs wins by a clear margin.
    static func checkSteps(_ output: Tensor, ids: [[[Int]]], probabilities: [[[Float]]]) {
        let (lines, steps, classes) = (output.shape[0], output.shape[1], output.shape[2])
        #expect(lines == ids.count && steps == ids[0].count)
        let values = output.scalars
        var worst: Float = 0
        for line in 0..<lines {
            for step in 0..<steps {
                let row = values[((line * steps + step) * classes)...].prefix(classes)
                for (id, p) in zip(ids[line][step], probabilities[line][step]) { worst = max(worst, abs(row[row.startIndex + id] - p)) }
                let best = row.indices.max { row[$0] < row[$1] }! - row.startIndex
                if probabilities[line][step][0] - probabilities[line][step][1] > 2 * bound { #expect(best == ids[line][step][0]) }
            }
        }
        #expect(worst <= bound, "max abs error \(worst) on the reference's top classes")
    }

    static func recognizerBatch(_ reference: PPOCRReference.Recognizer) throws -> Tensor {
        let width = reference.lines.map(\.width).max() ?? 0
        let values = reference.lines.flatMap {
            FixtureData.tensorValues(rgb: FixtureData.bytes($0.rgb), width: $0.width, height: 48, paddedWidth: width)
        }
        return try Tensor(shape: [reference.lines.count, 3, 48, width], values: values)
    }

    @Test func recognizerMatchesOnnxRuntimeOnRenderedLines() throws {
        let rec = reference.recognizer
        let network = try Network(contentsOf: PPOCRReference.model("PP-OCRv6_rec_small.onnx"))
        let output = try #require(try network.run([Self.recognizerBatch(rec)])[network.outputNames[0]])
        #expect(output.shape == [rec.lines.count, rec.steps, rec.classes])
        Self.checkSteps(output, ids: rec.topIds, probabilities: rec.topProbabilities)
    }

    @Test func recognizerMatchesOnnxRuntimeOnRandomTensor() throws {
        let random = reference.recognizer.random
        let network = try Network(contentsOf: PPOCRReference.model("PP-OCRv6_rec_small.onnx"))
        let input = try Tensor(shape: random.shape, values: FixtureData.lcg(count: random.shape.reduce(1, *), seed: random.seed))
        let output = try #require(try network.run([input])[network.outputNames[0]])
        Self.checkSteps(output, ids: random.topIds, probabilities: random.topProbabilities)
    }

    @Test func classifierMatchesOnnxRuntime() throws {
        let lines = reference.recognizer.lines
        var values: [Float] = []
        for line in lines {
            let rgb = FixtureData.bytes(line.rgb)
            let width = min(line.width, 192)
            var crop: [UInt8] = []
            for y in 0..<48 { crop += rgb[(y * line.width * 3)..<((y * line.width + width) * 3)] }
            var turned = [UInt8](repeating: 0, count: crop.count)
            for y in 0..<48 { for x in 0..<width { for c in 0..<3 {
                turned[((47 - y) * width + (width - 1 - x)) * 3 + c] = crop[(y * width + x) * 3 + c]
            } } }
            values += FixtureData.tensorValues(rgb: crop, width: width, height: 48, paddedWidth: 192)
            values += FixtureData.tensorValues(rgb: turned, width: width, height: 48, paddedWidth: 192)
        }
        let network = try Network(contentsOf: PPOCRReference.model("ch_ppocr_mobile_v2.0_cls_mobile.onnx"))
        let output = try #require(try network.run([Tensor(shape: [2 * lines.count, 3, 48, 192], values: values)])[network.outputNames[0]])
        let expected = reference.classifier.probabilities.flatMap { $0 }
        #expect(output.shape == [2 * lines.count, 2])
        #expect(Self.maxError(output.scalars, expected) <= Self.bound)
    }
}
