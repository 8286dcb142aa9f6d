import Foundation
import Testing
import NeuralRuntime
@testable import Perception

/// A tiny BERT with random weights, written as a real safetensors checkpoint, checked against a
/// straightforward reference: Double precision, one sequence at a time, padded to the batch's longest
/// with an additive attention mask and masked mean pooling, as Hugging Face's BertModel and
/// sentence-transformers compute it.
@Suite struct MiniLMTests {
    static let tiny = MiniLM.Configuration(vocabularySize: 23, hiddenSize: 12, layerCount: 2, headCount: 3,
                                           intermediateSize: 20, maxPositions: 10, typeVocabularySize: 2,
                                           layerNormEpsilon: 0.1)   // large, so that using it is visible

    /// Deterministic random weights in Hugging Face naming.
    static func randomWeights(_ c: MiniLM.Configuration, seed: UInt64 = 7) -> [String: SafetensorsFile.FloatTensor] {
        var random = SplitMix64(seed: seed)
        var tensors: [String: SafetensorsFile.FloatTensor] = [:]
        for (name, shape) in MiniLM.tensorShapes(c).sorted(by: { $0.key < $1.key }) {
            let count = shape.reduce(1, *)
            let isGain = name.hasSuffix("LayerNorm.weight")
            let values = (0..<count).map { _ in (isGain ? 1 : 0) + 0.5 * random.nextSigned() }
            tensors[name] = .init(shape: shape, values: values)
        }
        return tensors
    }

    static func write(_ tensors: [String: SafetensorsFile.FloatTensor]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appending(path: "qzoom-minilm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appending(path: "model.safetensors")
        try SafetensorsFile.encode(tensors).write(to: url)
        return url
    }

    /// Deletes the directory `write` made for `url`.
    static func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }

    static func load(_ tensors: [String: SafetensorsFile.FloatTensor], _ c: MiniLM.Configuration = tiny) throws -> MiniLM {
        let url = try write(tensors)
        defer { remove(url) }     // the network holds its own copy of the weights
        return try MiniLM(configuration: c, weights: SafetensorsFile(contentsOf: url))
    }

    @Test func hiddenStatesMatchTheNaiveReference() throws {
        let weights = Self.randomWeights(Self.tiny)
        let network = try Self.load(weights)
        let sequences = [[2, 5, 9, 3], [7], [2, 22, 0, 14, 11, 1, 3], [2, 3], (0..<10).map { ($0 * 7) % 23 }]
        let states = network.hiddenStates(sequences)
        let reference = NaiveBERT(configuration: Self.tiny, weights: weights).forward(sequences)
        #expect(states.count == sequences.map(\.count).reduce(0, +) * Self.tiny.hiddenSize)
        var row = 0
        var worst = 0.0
        for (s, sequence) in sequences.enumerated() {
            for t in 0..<sequence.count {
                for i in 0..<Self.tiny.hiddenSize {
                    worst = max(worst, abs(Double(states[row * Self.tiny.hiddenSize + i]) - reference.states[s][t][i]))
                }
                row += 1
            }
        }
        #expect(worst <= 1e-4, "max abs error \(worst)")
        // Different seeds give different states, so the comparison above cannot pass by accident.
        let other = try Self.load(Self.randomWeights(Self.tiny, seed: 8)).hiddenStates(sequences)
        #expect(zip(states, other).map { abs($0 - $1) }.max() ?? 0 > 0.1)
    }

    @Test func sentenceEmbeddingsAreTheMaskedMeanNormalised() throws {
        let weights = Self.randomWeights(Self.tiny)
        let network = try Self.load(weights)
        let tokens = WordPieceVocabulary.specialTokens + (0..<18).map { "w\($0)" }
        let vocabulary = try WordPieceVocabulary(data: Data(tokens.joined(separator: "\n").utf8), path: "tiny-vocab.txt")
        let encoder = SentenceEncoder(tokenizer: try WordPieceTokenizer(vocabulary: vocabulary, maxLength: 10), network: network)
        let texts = ["w1 w2 w3", "", "w17", "w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14", "w0 [MASK] zzz"]
        let embeddings = try encoder.embed(texts)
        let reference = NaiveBERT(configuration: Self.tiny, weights: weights)
            .forward(texts.map { encoder.tokenizer.encode($0) }).pooled
        for (embedding, expected) in zip(embeddings, reference) {
            #expect(embedding.count == Self.tiny.hiddenSize)
            #expect(zip(embedding, expected).map { abs(Double($0) - $1) }.max() ?? 1 <= 1e-5)
        }
    }

    /// A short text's projections run in column blocks (see `Dense.multiply`); 4 rows × 2000 inputs ×
    /// 300 outputs makes three blocks, the last one partial, and a wide batch one product.
    @Test(arguments: [4, MiniLM.Dense.narrowRows + 1])
    func denseProductMatchesTheNaiveOneInBlocksOrWhole(rows: Int) {
        let (inputs, outputs) = (2000, 300)
        var random = SplitMix64(seed: 3)
        let x = (0..<rows * inputs).map { _ in random.nextSigned() }
        let w = (0..<inputs * outputs).map { _ in random.nextSigned() }
        let dense = MiniLM.Dense(weight: FloatBuffer(w), bias: FloatBuffer(Array(repeating: 0, count: outputs)),
                                 inputs: inputs, outputs: outputs)
        var y = [Float](repeating: .nan, count: rows * outputs)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { dense.multiply(x.baseAddress!, rows: rows, into: $0.baseAddress!) }
        }
        var worst = 0.0
        for r in 0..<rows {
            for o in 0..<outputs {
                var exact = 0.0
                for i in 0..<inputs { exact += Double(x[r * inputs + i]) * Double(w[i * outputs + o]) }
                worst = max(worst, abs(Double(y[r * outputs + o]) - exact))
            }
        }
        #expect(worst <= 1e-3, "max abs error \(worst) on sums of 2000 products of magnitude ≤ 1")
    }

    @Test func loadsACheckpointWithThePoolerAndPositionIDs() throws {
        var weights = Self.randomWeights(Self.tiny)
        weights["pooler.dense.weight"] = .init(shape: [12, 12], values: Array(repeating: 0, count: 144))
        weights["pooler.dense.bias"] = .init(shape: [12], values: Array(repeating: 0, count: 12))
        weights["embeddings.position_ids"] = .init(shape: [1, 10], values: (0..<10).map(Float.init))
        _ = try Self.load(weights)
    }

    @Test func refusesAMissingTensorNamingFileAndTensor() throws {
        var weights = Self.randomWeights(Self.tiny)
        weights["encoder.layer.1.output.dense.bias"] = nil
        let url = try Self.write(weights)
        defer { Self.remove(url) }
        #expect(throws: SafetensorsError.missingTensor(path: url.path, tensor: "encoder.layer.1.output.dense.bias")) {
            try MiniLM(configuration: Self.tiny, weights: SafetensorsFile(contentsOf: url))
        }
    }

    @Test func refusesACheckpointWithMoreLayersThanTheConfiguration() throws {
        var deeper = Self.tiny
        deeper.layerCount = 3
        let url = try Self.write(Self.randomWeights(deeper))
        defer { Self.remove(url) }
        let thrown = #expect(throws: SafetensorsError.self) {
            try MiniLM(configuration: Self.tiny, weights: SafetensorsFile(contentsOf: url))
        }
        guard case .unexpectedTensors(let path, let names) = thrown else {
            Issue.record("got \(String(describing: thrown))")
            return
        }
        #expect(path == url.path)
        #expect(names.count == 16 && names.allSatisfy { $0.hasPrefix("encoder.layer.2.") })
    }

    @Test func refusesATensorOfTheWrongShape() throws {
        var weights = Self.randomWeights(Self.tiny)
        weights["encoder.layer.0.attention.self.key.weight"] = .init(shape: [6, 24], values: Array(repeating: 0, count: 144))
        let url = try Self.write(weights)
        defer { Self.remove(url) }
        #expect(throws: SafetensorsError.wrongShape(path: url.path, tensor: "encoder.layer.0.attention.self.key.weight",
                                                    expected: [12, 12], actual: [6, 24])) {
            try MiniLM(configuration: Self.tiny, weights: SafetensorsFile(contentsOf: url))
        }
    }
}

/// BERT written out loop by loop from the Hugging Face definition, in Double.
struct NaiveBERT {
    let configuration: MiniLM.Configuration
    let weights: [String: SafetensorsFile.FloatTensor]

    func tensor(_ name: String) -> [Double] { (weights[name]?.values ?? []).map(Double.init) }

    func linear(_ x: [[Double]], _ name: String) -> [[Double]] {
        let (w, b) = (tensor(name + ".weight"), tensor(name + ".bias"))
        let inputs = x[0].count
        var y: [[Double]] = []
        for row in x {
            var out = b
            for o in 0..<b.count {
                for i in 0..<inputs { out[o] += w[o * inputs + i] * row[i] }
            }
            y.append(out)
        }
        return y
    }

    func layerNorm(_ x: [[Double]], _ name: String) -> [[Double]] {
        let (gamma, beta) = (tensor(name + ".weight"), tensor(name + ".bias"))
        let epsilon = Double(configuration.layerNormEpsilon)
        var y: [[Double]] = []
        for row in x {
            let mean = row.reduce(0, +) / Double(row.count)
            var variance = 0.0
            for v in row { variance += (v - mean) * (v - mean) / Double(row.count) }
            var out = row
            for i in row.indices { out[i] = (row[i] - mean) / (variance + epsilon).squareRoot() * gamma[i] + beta[i] }
            y.append(out)
        }
        return y
    }

    func add(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        var sum = a
        for r in a.indices { for i in a[r].indices { sum[r][i] += b[r][i] } }
        return sum
    }

    func gelu(_ x: [[Double]]) -> [[Double]] {
        x.map { row in row.map { v in 0.5 * v * (1 + erf(v / 2.0.squareRoot())) } }
    }

    /// States of the real tokens of each sequence, and the masked-mean, L2-normalised sentence embeddings.
    func forward(_ sequences: [[Int]]) -> (states: [[[Double]]], pooled: [[Double]]) {
        let c = configuration
        let (hidden, heads, d) = (c.hiddenSize, c.headCount, c.headSize)
        let length = sequences.map(\.count).max() ?? 0
        var states: [[[Double]]] = []
        var pooled: [[Double]] = []
        for sequence in sequences {
            let ids = sequence + Array(repeating: 0, count: length - sequence.count)   // [PAD] = 0
            let mask = (0..<length).map { $0 < sequence.count }
            let word = tensor("embeddings.word_embeddings.weight")
            let position = tensor("embeddings.position_embeddings.weight")
            let type = tensor("embeddings.token_type_embeddings.weight")
            var x: [[Double]] = []
            for (p, id) in ids.enumerated() {
                var row = Array(repeating: 0.0, count: hidden)
                for i in 0..<hidden { row[i] = word[id * hidden + i] + position[p * hidden + i] + type[i] }
                x.append(row)
            }
            x = layerNorm(x, "embeddings.LayerNorm")
            for l in 0..<c.layerCount {
                let prefix = "encoder.layer.\(l)."
                let q = linear(x, prefix + "attention.self.query")
                let k = linear(x, prefix + "attention.self.key")
                let v = linear(x, prefix + "attention.self.value")
                var context = Array(repeating: Array(repeating: 0.0, count: hidden), count: length)
                for h in 0..<heads {
                    for i in 0..<length {
                        var scores = Array(repeating: 0.0, count: length)
                        for j in 0..<length {
                            for e in 0..<d { scores[j] += q[i][h * d + e] * k[j][h * d + e] }
                            scores[j] = scores[j] / Double(d).squareRoot() + (mask[j] ? 0 : -1e9)
                        }
                        let top = scores.max() ?? 0
                        let weights = scores.map { exp($0 - top) }
                        let total = weights.reduce(0, +)
                        for j in 0..<length {
                            for e in 0..<d { context[i][h * d + e] += weights[j] / total * v[j][h * d + e] }
                        }
                    }
                }
                let attended = linear(context, prefix + "attention.output.dense")
                x = layerNorm(add(attended, x), prefix + "attention.output.LayerNorm")
                let inner = gelu(linear(x, prefix + "intermediate.dense"))
                x = layerNorm(add(linear(inner, prefix + "output.dense"), x), prefix + "output.LayerNorm")
            }
            states.append(Array(x.prefix(sequence.count)))
            var mean = Array(repeating: 0.0, count: hidden)
            for (row, real) in zip(x, mask) where real {
                for i in 0..<hidden { mean[i] += row[i] / Double(sequence.count) }
            }
            let norm = max(mean.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            pooled.append(mean.map { $0 / norm })
        }
        return (states, pooled)
    }
}

/// A small, seedable generator, so the random weights are the same on every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [−1, 1).
    mutating func nextSigned() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
