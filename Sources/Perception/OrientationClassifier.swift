import Foundation
import NeuralRuntime
import QZoomCore

/// The PP-OCR mobile text-line orientation classifier: is a line upright (0°) or upside down (180°)?
public final class OrientationClassifier: Sendable {
    public static let inputHeight = 48
    public static let inputWidth = 192
    public static let batchSize = 6

    let network: Network

    public init(modelsDirectory: URL) throws(RuntimeError) {
        network = try PerceptionNetwork.orientationClassifier.load(from: modelsDirectory)
    }

    /// Whether `line` is wider, for its height, than the classifier's input, which then squeezes it
    /// across: the classifier is least sure of such lines.
    public static func isSqueezed(_ line: PageImage) -> Bool { line.width * inputHeight > line.height * inputWidth }

    /// One orientation per line, in order. Lines are resized to height 48 keeping their aspect
    /// (at most 192 wide) and zero-padded to 192, as rapidocr does.
    public func classify(_ lines: [PageImage]) throws(RuntimeError) -> [Orientation] {
        let (height, width) = (OrientationClassifier.inputHeight, OrientationClassifier.inputWidth)
        var results: [Orientation] = []
        for start in stride(from: 0, to: lines.count, by: OrientationClassifier.batchSize) {
            let batch = lines[start..<min(lines.count, start + OrientationClassifier.batchSize)].map {
                LineImage.fitted($0, height: height, maxWidth: width)
            }
            let output = try network.run([LineImage.batch(batch, height: height, width: width)])
            guard let probabilities = output[network.outputNames[0]], probabilities.shape == [batch.count, 2] else {
                throw .shapeMismatch(node: network.name, reason: "expected two class probabilities per line")
            }
            let p = probabilities.scalars
            for i in 0..<batch.count {
                let upsideDown = p[2 * i + 1] > p[2 * i]
                results.append(Orientation(degrees: upsideDown ? 180 : 0, confidence: max(p[2 * i], p[2 * i + 1])))
            }
        }
        return results
    }
}

/// A line's orientation: 0 or 180 degrees, with the classifier's probability for it.
public struct Orientation: Sendable, Equatable {
    public let degrees: Int
    public let confidence: Float

    /// rapidocr turns a line only when the classifier says 180° with more than this probability.
    public static let rotationThreshold: Float = 0.9

    public var needsRotation: Bool { degrees == 180 && confidence > Orientation.rotationThreshold }
}
