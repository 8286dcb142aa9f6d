import Foundation
import NeuralRuntime
import QZoomCore

/// The PP-OCRv6 small text-line recognizer (SVTR-style, CTC head over 18 710 classes).
public final class TextRecognizer: Sendable {
    /// The model's input height; lines are resized to it keeping their aspect ratio.
    public static let lineHeight = 48
    /// Lines are batched like rapidocr (sorted by aspect ratio, six per batch), but padded to at least
    /// 128 px where rapidocr pads to 320: on short lines that padding was a third of the recognizer's
    /// work, with the same accuracy (docs/benchmarks.md, "narrower recognizer batches").
    public static let batchSize = 6
    public static let minimumBatchWidth = 128

    let network: Network
    let decoder: CTCDecoder

    public init(modelsDirectory: URL) throws(RuntimeError) {
        network = try PerceptionNetwork.textRecognizer.load(from: modelsDirectory)
        guard let characters = network.metadata["character"], !characters.isEmpty else {
            throw .malformedModel(file: network.name, reason: "no `character` list in the model metadata")
        }
        decoder = CTCDecoder(characters: characters.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }

    /// Reads each line crop (any size, gray or RGB). Results are in the order of `lines`.
    public func recognize(_ lines: [PageImage]) throws(RuntimeError) -> [RecognizedText] {
        let height = TextRecognizer.lineHeight
        let aspect = lines.map { Double($0.width) / Double(max($0.height, 1)) }
        let order = lines.indices.sorted { aspect[$0] < aspect[$1] }
        var results = [RecognizedText?](repeating: nil, count: lines.count)
        for start in stride(from: 0, to: order.count, by: TextRecognizer.batchSize) {
            let members = Array(order[start..<min(order.count, start + TextRecognizer.batchSize)])
            let widest = max(Double(TextRecognizer.minimumBatchWidth) / Double(height), members.map { aspect[$0] }.max() ?? 0)
            let batchWidth = Int(Double(height) * widest)
            let resized = members.map { LineImage.fitted(lines[$0], height: height, maxWidth: batchWidth) }
            let input = LineImage.batch(resized, height: height, width: batchWidth)
            let output = try network.run([input])
            guard let probabilities = output[network.outputNames[0]], probabilities.rank == 3,
                  probabilities.shape[0] == members.count, probabilities.shape[2] == decoder.classCount else {
                throw .shapeMismatch(node: network.name, reason: "the output does not have \(decoder.classCount) classes per step")
            }
            let decoded = decoder.decode(probabilities)
            for (slot, index) in members.enumerated() { results[index] = decoded[slot] }
        }
        return results.map { $0 ?? RecognizedText(characters: [], confidences: [], steps: [], stepCount: 0) }
    }
}

/// One recognised line.
public struct RecognizedText: Sendable, Equatable {
    /// The characters read, in order (an entry of the model's character list each, usually one scalar).
    public let characters: [String]
    /// The probability of each character at the time step where it was read.
    public let confidences: [Float]
    /// The time step (column of the network's output, left to right) of each character.
    public let steps: [Int]
    /// Time steps over the (padded) input width; step i covers input columns [i, i + 1) · width / stepCount.
    public let stepCount: Int

    public var text: String { characters.joined() }
    /// Mean character confidence (0 for an empty line), as rapidocr reports it.
    public var confidence: Float { confidences.isEmpty ? 0 : confidences.reduce(0, +) / Float(confidences.count) }
}

/// Greedy CTC decoding as rapidocr's CTCLabelDecode: take the best class at each step, drop repeats,
/// then drop the blank. Class 0 is the blank, classes 1…n the model's `character` list, n+1 a space.
struct CTCDecoder: Sendable {
    let table: [String]
    var classCount: Int { table.count }

    init(characters: [String]) {
        table = ["blank"] + characters + [" "]
    }

    func decode(_ probabilities: Tensor) -> [RecognizedText] {
        let (lines, steps, classes) = (probabilities.shape[0], probabilities.shape[1], probabilities.shape[2])
        return probabilities.withUnsafeBufferPointer { p in
            (0..<lines).map { line in
                var characters: [String] = [], confidences: [Float] = [], positions: [Int] = []
                var previous = -1
                for step in 0..<steps {
                    let row = p.baseAddress! + (line * steps + step) * classes
                    let best = Self.argmax(row, count: classes)
                    if best != previous && best != 0 {
                        characters.append(table[best])
                        confidences.append(row[best])
                        positions.append(step)
                    }
                    previous = best
                }
                return RecognizedText(characters: characters, confidences: confidences, steps: positions, stepCount: steps)
            }
        }
    }

    /// The index of the largest of `row[0..<count]`, the first one on a tie (as a scalar scan with `>`
    /// finds it). Eight lanes keep their own best value and index; 18 710 classes per time step make the
    /// scalar scan a noticeable part of a page.
    static func argmax(_ row: UnsafePointer<Float>, count: Int) -> Int {
        typealias V = SIMD8<Float>
        typealias I = SIMD8<Int32>
        var best = 0
        var i = 0
        if count >= 2 * V.scalarCount {
            var value = UnsafeRawPointer(row).loadUnaligned(as: V.self)
            var index = I(0, 1, 2, 3, 4, 5, 6, 7)
            var lanes = index
            i = V.scalarCount
            while i + V.scalarCount <= count {
                lanes &+= Int32(V.scalarCount)
                let x = UnsafeRawPointer(row + i).loadUnaligned(as: V.self)
                let better = x .> value
                value.replace(with: x, where: better)
                index.replace(with: lanes, where: better)
                i += V.scalarCount
            }
            // Across lanes: the largest value, and of the lanes holding it the smallest index.
            // (If the maximum is NaN no lane equals it, and class 0 is taken.)
            let top = value.max()
            var first = Int.max
            for lane in 0..<V.scalarCount where value[lane] == top { first = min(first, Int(index[lane])) }
            best = first == Int.max ? 0 : first
        }
        for c in i..<count where row[c] > row[best] { best = c }
        return best
    }
}
