import Foundation
import NeuralRuntime

/// The registry of bundled networks: where each model file lives under the models directory, which
/// intermediate values it keeps readable, and an input shape planned at load (so a model whose
/// tensors do not fit together fails at load, not on the first page).
public enum PerceptionNetwork: String, CaseIterable, Sendable {
    case textDetector = "ppocr-det"
    case textRecognizer = "ppocr-rec"
    case orientationClassifier = "ppocr-cls"

    /// Path relative to the models directory (as unpacked by `scripts/fetch-models`).
    public var relativePath: String {
        switch self {
        case .textDetector: "ppocr/PP-OCRv6_det_small.onnx"
        case .textRecognizer: "ppocr/PP-OCRv6_rec_small.onnx"
        case .orientationClassifier: "ppocr/ch_ppocr_mobile_v2.0_cls_mobile.onnx"
        }
    }

    var features: [String] {
        switch self {
        case .textDetector: TextDetector.FeatureName.allCases.map(\.onnxValue)
        case .textRecognizer, .orientationClassifier: []
        }
    }

    var probeShape: [Int] {
        switch self {
        case .textDetector: [1, 3, 64, 64]
        case .textRecognizer: [1, 3, 48, 64]
        case .orientationClassifier: [1, 3, 48, 192]
        }
    }

    /// Loads and checks the network from `modelsDirectory`.
    public func load(from modelsDirectory: URL) throws(RuntimeError) -> Network {
        let url = modelsDirectory.appending(path: relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .malformedModel(file: url.path, reason: "missing; run scripts/fetch-models")
        }
        return try Network(contentsOf: url, features: features, probeShapes: [probeShape])
    }
}
