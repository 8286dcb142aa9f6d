import Foundation
import NeuralRuntime

/// `ppocr-reference.json`, written by `scripts/reference/ppocr-reference` from onnxruntime.
struct PPOCRReference: Decodable {
    struct Image: Decodable { let width: Int; let height: Int; let rgb: String; let probability: String }
    struct RandomMap: Decodable { let shape: [Int]; let seed: UInt32; let probability: String }
    struct Detector: Decodable { let image: Image; let random: RandomMap }
    struct Line: Decodable { let width: Int; let rgb: String; let text: String }
    struct RandomSteps: Decodable { let shape: [Int]; let seed: UInt32; let topIds: [[[Int]]]; let topProbabilities: [[[Float]]] }
    struct Recognizer: Decodable {
        let characterCount: Int
        let lines: [Line]
        let steps: Int, classes: Int
        let topIds: [[[Int]]], topProbabilities: [[[Float]]]
        let decoded: [String]
        let random: RandomSteps
    }
    struct Classifier: Decodable { let probabilities: [[Float]] }
    let detector: Detector
    let recognizer: Recognizer
    let classifier: Classifier

    static func load() throws -> PPOCRReference {
        try JSONDecoder().decode(PPOCRReference.self, from: Data(contentsOf: MiniLMFixtures.fixtures.appending(path: "ppocr-reference.json")))
    }

    static var modelDirectory: URL {
        ProcessInfo.processInfo.environment["QZOOM_MODELS"].map { URL(filePath: $0) }
            ?? MiniLMFixtures.repository.appending(path: "models")
    }

    static func model(_ name: String) -> URL { modelDirectory.appending(path: "ppocr").appending(path: name) }
}

enum FixtureData {
    static func bytes(_ base64: String) -> [UInt8] { [UInt8](Data(base64Encoded: base64) ?? Data()) }

    static func floats(_ base64: String) -> [Float] {
        let data = Data(base64Encoded: base64) ?? Data()
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// The LCG the reference script uses: x ← 1664525·x + 1013904223 (mod 2³²), value = (x >> 8) / 2²³ − 1.
    static func lcg(count: Int, seed: UInt32) -> [Float] {
        var x = seed
        return (0..<count).map { _ in
            x = 1664525 &* x &+ 1013904223
            return Float(Double(x >> 8) / Double(1 << 23) - 1)
        }
    }

    /// rapidocr's tensor for RGB bytes: BGR order, (v / 255 − 0.5) / 0.5, CHW, zero-padded to `paddedWidth`.
    static func tensorValues(rgb: [UInt8], width: Int, height: Int, paddedWidth: Int) -> [Float] {
        var out = [Float](repeating: 0, count: 3 * height * paddedWidth)
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width {
                    let v = Float(rgb[(y * width + x) * 3 + (2 - c)])
                    out[(c * height + y) * paddedWidth + x] = (v / 255 - 0.5) / 0.5
                }
            }
        }
        return out
    }
}
