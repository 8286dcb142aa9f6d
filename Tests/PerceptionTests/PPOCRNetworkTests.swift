import Foundation
import NeuralRuntime
import QZoomCore
import Testing
@testable import Perception

/// The Perception wrappers around the PP-OCR networks, on the reference's rendered text: preprocessing,
/// padding, batching and CTC decoding give what rapidocr gives.
@Suite struct PPOCRNetworkTests {
    let reference: PPOCRReference
    init() throws { reference = try PPOCRReference.load() }

    static func image(_ rgb: String, width: Int, height: Int) -> PageImage {
        PageImage(width: width, height: height, channels: 3, pixels: FixtureData.bytes(rgb),
                  region: Rect(x: 0, y: 0, width: Double(width), height: Double(height)))
    }

    static func crop(_ image: PageImage, width: Int, height: Int) -> PageImage {
        var pixels: [UInt8] = []
        for y in 0..<height { pixels += image.pixels[(y * image.width * 3)..<((y * image.width + width) * 3)] }
        return PageImage(width: width, height: height, channels: 3, pixels: pixels, region: Rect(x: 0, y: 0, width: Double(width), height: Double(height)))
    }

    @Test func detectorGivesTheReferenceMapAndNeckFeatures() throws {
        let fixture = reference.detector.image
        let detector = try TextDetector(modelsDirectory: PPOCRReference.modelDirectory)
        let image = Self.image(fixture.rgb, width: fixture.width, height: fixture.height)
        let detection = try detector.detect(image, features: TextDetector.FeatureName.allCases)
        #expect(detection.width == fixture.width && detection.height == fixture.height)
        #expect(PPOCRNetworkParityTests.maxError(detection.probability, FixtureData.floats(fixture.probability)) <= PPOCRNetworkParityTests.bound)
        let quarter = try #require(detection.features[.neckQuarter])
        #expect(quarter.channels == 96 && quarter.width == fixture.width / 4 && quarter.height == fixture.height / 4)
        let coarse = try #require(detection.features[.neckThirtySecond])
        #expect(coarse.channels == 24 && coarse.width == fixture.width / 32 && coarse.height == fixture.height / 32)
        // Not asked for, the maps are not returned, and the probabilities do not change.
        let plain = try detector.detect(image)
        #expect(plain.features.isEmpty)
        #expect(plain.probability == detection.probability)
    }

    @Test func detectorPadsOddSizesAndCropsTheMapBack() throws {
        let fixture = reference.detector.image
        let detector = try TextDetector(modelsDirectory: PPOCRReference.modelDirectory)
        let page = Self.image(fixture.rgb, width: fixture.width, height: fixture.height)
        let detection = try detector.detect(Self.crop(page, width: 150, height: 60), features: [.neckQuarter])
        #expect(detection.probability.count == 150 * 60)
        #expect(detection.features[.neckQuarter]?.width == 160 / 4)
        // The text stays where it was: high probability inside the first line, low in the margin.
        let full = FixtureData.floats(fixture.probability)
        let inside = (0..<60).flatMap { y in (0..<150).map { x in (full[y * fixture.width + x], detection.probability(x: x, y: y)) } }
        let agreement = inside.filter { ($0.0 > 0.5) == ($0.1 > 0.5) }.count
        #expect(Double(agreement) / Double(inside.count) > 0.97)
    }

    @Test func recognizerReadsTheRenderedLines() throws {
        let recognizer = try TextRecognizer(modelsDirectory: PPOCRReference.modelDirectory)
        let lines = reference.recognizer.lines.map { Self.image($0.rgb, width: $0.width, height: 48) }
        let results = try recognizer.recognize(lines)
        #expect(results.map(\.text) == reference.recognizer.decoded)
        #expect(results.map(\.text) == reference.recognizer.lines.map(\.text))
        for result in results {
            #expect(result.confidences.count == result.characters.count && result.steps.count == result.characters.count)
            #expect(result.confidences.allSatisfy { $0 > 0.5 && $0 <= 1 })
            #expect(result.steps == result.steps.sorted())
        }
    }

    @Test func recognizerResizesTallCropsAndHandlesEmptyOnes() throws {
        let recognizer = try TextRecognizer(modelsDirectory: PPOCRReference.modelDirectory)
        let line = reference.recognizer.lines[0]
        let image = Self.image(line.rgb, width: line.width, height: 48)
        let doubled = LineImage.resized(image, width: line.width * 2, height: 96)
        let empty = PageImage(width: 0, height: 0, channels: 1, pixels: [], region: Rect(x: 0, y: 0, width: 0, height: 0))
        let results = try recognizer.recognize([doubled, empty])
        #expect(results[0].text == line.text)
        #expect(results[1].text.isEmpty && results[1].confidence == 0)
    }

    @Test func classifierTellsUprightFromUpsideDown() throws {
        let classifier = try OrientationClassifier(modelsDirectory: PPOCRReference.modelDirectory)
        let upright = reference.recognizer.lines.map { Self.image($0.rgb, width: $0.width, height: 48) }
        let turned = upright.map { line in
            var pixels = [UInt8](repeating: 0, count: line.pixels.count)
            for i in 0..<(line.width * line.height) { for c in 0..<3 { pixels[(line.width * line.height - 1 - i) * 3 + c] = line.pixels[i * 3 + c] } }
            return PageImage(width: line.width, height: line.height, channels: 3, pixels: pixels, region: line.region)
        }
        let orientations = try classifier.classify(upright + turned)
        #expect(orientations.prefix(upright.count).allSatisfy { $0.degrees == 0 })
        #expect(orientations.suffix(turned.count).allSatisfy { $0.degrees == 180 && $0.needsRotation })
    }

    @Test func bilinearResizeSamplesPixelCentresLikeOpenCV() {
        // A 4-pixel ramp 0, 60, 120, 180 resized to 2 pixels: centres fall at source x = 0.5 and 2.5.
        let ramp = PageImage(width: 4, height: 1, channels: 1, pixels: [0, 60, 120, 180], region: Rect(x: 0, y: 0, width: 4, height: 1))
        #expect(LineImage.resized(ramp, width: 2, height: 1).pixels == [30, 150])
        // Upscaling 2 → 4: x = -0.25 clamps to the edge, 0.25 → 15, 0.75 → 45, 1.25 clamps to 60.
        let pair = PageImage(width: 2, height: 1, channels: 1, pixels: [0, 60], region: Rect(x: 0, y: 0, width: 2, height: 1))
        #expect(LineImage.resized(pair, width: 4, height: 1).pixels == [0, 15, 45, 60])
        #expect(LineImage.resizedWidth(ramp, height: 48, maxWidth: 100) == 100)
        #expect(LineImage.resizedWidth(pair, height: 3, maxWidth: 100) == 6)
    }

    @Test func ctcDecodingDropsRepeatsAndBlanks() throws {
        let decoder = CTCDecoder(characters: ["a", "b"])   // classes: blank, a, b, space
        // Steps: a a blank a b space b → "aab b"
        let best = [1, 1, 0, 1, 2, 3, 2]
        var values = [Float](repeating: 0.1, count: best.count * 4)
        for (step, c) in best.enumerated() { values[step * 4 + c] = 0.7 }
        let decoded = decoder.decode(try Tensor(shape: [1, best.count, 4], values: values))[0]
        #expect(decoded.text == "aab b")
        #expect(decoded.steps == [0, 3, 4, 5, 6])
        #expect(decoded.confidences == [Float](repeating: 0.7, count: 5))
    }

    @Test func vectorArgmaxIsTheFirstLargestLikeTheScalarScan() {
        // Values from a few levels only, so that rows have many ties; every length up to 40, and the
        // recognizer's 18 710 classes. Exact: the same index as `for c where row[c] > row[best]`.
        var state: UInt32 = 7
        for count in Array(1...40) + [18_710] {
            for _ in 0..<20 {
                let row = (0..<count).map { _ -> Float in
                    state = state &* 1_664_525 &+ 1_013_904_223
                    return Float(state >> 29) / 8
                }
                var scalar = 0
                for c in 1..<count where row[c] > row[scalar] { scalar = c }
                #expect(row.withUnsafeBufferPointer { CTCDecoder.argmax($0.baseAddress!, count: count) } == scalar, "\(count)")
            }
        }
    }
}
