import Foundation
import NeuralRuntime
import QZoomCore

/// The PP-OCRv6 small text detector (DB: differentiable binarisation). It maps a page image to the
/// probability that each pixel belongs to a text line, and exposes the neck's feature maps, which the
/// Q-Zoom heads read as per-cell features.
public final class TextDetector: Sendable {
    /// Named intermediate feature maps. Both come from the FPN neck, after the backbone stages are
    /// fused and before the DB head, so they describe "text-likeness" at two scales:
    public enum FeatureName: String, CaseIterable, Sendable {
        /// 96 channels at 1/4 of the input: the four neck levels upsampled and concatenated, exactly
        /// what the DB head reads. Pool it over a cell to get that cell's features.
        case neckQuarter = "neck/4"
        /// 24 channels at 1/32 of the input: the coarsest neck level (wide context, one vector per 32 px).
        case neckThirtySecond = "neck/32"

        var onnxValue: String {
            switch self {
            case .neckQuarter: "p2o.pd_op.concat.1.0"
            case .neckThirtySecond: "p2o.pd_op.add.82.0"
            }
        }

        /// Input pixels per feature cell.
        public var stride: Int { self == .neckQuarter ? 4 : 32 }
    }

    let network: Network

    public init(modelsDirectory: URL) throws(RuntimeError) {
        network = try PerceptionNetwork.textDetector.load(from: modelsDirectory)
    }

    /// Runs the detector on the whole image. The network needs sides that are multiples of 32, so the
    /// image is padded on the right and bottom by repeating its edge pixels (no artificial border for
    /// the network to find text on); the probability map is cropped back to the image's size.
    /// `features` are the neck maps to return as well; a map not asked for costs neither memory nor a
    /// copy (whole-page OCR needs none, the Q-Zoom heads need the quarter-scale one).
    public func detect(_ image: PageImage, features wanted: [FeatureName] = []) throws(RuntimeError) -> TextDetection {
        guard image.width > 0, image.height > 0 else { throw .badInput("empty image") }
        let paddedW = (image.width + 31) / 32 * 32, paddedH = (image.height + 31) / 32 * 32
        let input = Tensor(zeros: [1, 3, paddedH, paddedW]) { buffer in
            guard let base = buffer.baseAddress else { return }
            LineImage.writeNormalizedBGR(image, into: base, rowStride: paddedW, planeStride: paddedH * paddedW)
            for c in 0..<3 {
                let plane = base + c * paddedH * paddedW
                for y in 0..<image.height where paddedW > image.width {
                    let row = plane + y * paddedW
                    (row + image.width).update(repeating: row[image.width - 1], count: paddedW - image.width)
                }
                for y in image.height..<paddedH {
                    (plane + y * paddedW).update(from: plane + (image.height - 1) * paddedW, count: paddedW)
                }
            }
        }
        let outputs = try network.run([input], features: wanted.map(\.onnxValue))
        guard let map = outputs[network.outputNames[0]], map.shape == [1, 1, paddedH, paddedW] else {
            throw .shapeMismatch(node: network.name, reason: "unexpected probability map shape")
        }
        var probability = [Float](repeating: 0, count: image.width * image.height)
        map.withUnsafeBufferPointer { source in
            for y in 0..<image.height {
                for x in 0..<image.width { probability[y * image.width + x] = source[y * paddedW + x] }
            }
        }
        var features: [FeatureName: FeatureMap] = [:]
        for name in wanted {
            guard let tensor = outputs[name.onnxValue], tensor.rank == 4 else { continue }
            features[name] = FeatureMap(channels: tensor.shape[1], height: tensor.shape[2], width: tensor.shape[3],
                                        stride: name.stride, values: tensor.scalars)
        }
        return TextDetection(width: image.width, height: image.height, probability: probability, features: features)
    }
}

/// The detector's output for one image.
public struct TextDetection: Sendable {
    /// Size of the image (and of `probability`).
    public let width: Int
    public let height: Int
    /// Text probability of each image pixel, row-major, in [0, 1].
    public let probability: [Float]
    /// The neck feature maps; they cover the padded input (sides rounded up to multiples of 32).
    public let features: [TextDetector.FeatureName: FeatureMap]

    public func probability(x: Int, y: Int) -> Float { probability[y * width + x] }
}

/// A [channels, height, width] feature map; cell (x, y) covers input pixels [x·stride, (x+1)·stride).
public struct FeatureMap: Sendable {
    public let channels: Int
    public let height: Int
    public let width: Int
    public let stride: Int
    public let values: [Float]

    public func value(channel: Int, x: Int, y: Int) -> Float { values[(channel * height + y) * width + x] }
}
