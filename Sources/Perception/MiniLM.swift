import Foundation
import NeuralRuntime

/// all-MiniLM-L6-v2's network: a BERT encoder (6 layers, hidden size 384, 12 heads) that turns token ids
/// into one contextual vector per token. `SentenceEncoder` tokenizes, pools and normalises around it.
///
/// Sequences are packed, not padded: the projections run on all real tokens of a batch as one matrix
/// (one `sgemm` per projection and layer), and attention runs per sequence over its own tokens only.
/// This is what a padded batch with an attention mask computes (a masked key gets weight exactly 0),
/// without spending work on padding, and it makes a text's result independent of its batch-mates.
public final class MiniLM: Sendable {
    /// The fields of a Hugging Face BERT `config.json` that shape the network.
    public struct Configuration: Sendable, Equatable {
        public var vocabularySize: Int
        public var hiddenSize: Int
        public var layerCount: Int
        public var headCount: Int
        public var intermediateSize: Int
        public var maxPositions: Int
        public var typeVocabularySize: Int
        public var layerNormEpsilon: Float

        public init(vocabularySize: Int, hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int,
                    maxPositions: Int, typeVocabularySize: Int, layerNormEpsilon: Float) {
            self.vocabularySize = vocabularySize
            self.hiddenSize = hiddenSize
            self.layerCount = layerCount
            self.headCount = headCount
            self.intermediateSize = intermediateSize
            self.maxPositions = maxPositions
            self.typeVocabularySize = typeVocabularySize
            self.layerNormEpsilon = layerNormEpsilon
        }

        public var headSize: Int { hiddenSize / headCount }

        /// Reads a Hugging Face BERT `config.json`, refusing what this network does not implement
        /// (another activation, relative position embeddings) rather than computing something else.
        public init(contentsOf url: URL) throws(MiniLMError) {
            let path = url.path
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw .configurationUnreadable(path: path, reason: error.localizedDescription)
            }
            let fields: HuggingFaceFields
            do {
                fields = try JSONDecoder().decode(HuggingFaceFields.self, from: data)
            } catch let DecodingError.keyNotFound(key, _) {
                throw .invalidConfiguration(path: path, reason: "no \"\(key.stringValue)\"")
            } catch let DecodingError.typeMismatch(_, context) {
                throw .invalidConfiguration(path: path, reason: "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
            } catch {
                throw .invalidConfiguration(path: path, reason: "not a JSON object (\(error.localizedDescription))")
            }
            if let activation = fields.hidden_act, activation != "gelu" {
                throw .invalidConfiguration(path: path, reason: "hidden_act \"\(activation)\" is not supported (only \"gelu\")")
            }
            if let positions = fields.position_embedding_type, positions != "absolute" {
                throw .invalidConfiguration(path: path, reason: "position_embedding_type \"\(positions)\" is not supported (only \"absolute\")")
            }
            self.init(vocabularySize: fields.vocab_size, hiddenSize: fields.hidden_size, layerCount: fields.num_hidden_layers,
                      headCount: fields.num_attention_heads, intermediateSize: fields.intermediate_size,
                      maxPositions: fields.max_position_embeddings, typeVocabularySize: fields.type_vocab_size,
                      layerNormEpsilon: fields.layer_norm_eps)
            if let problem = problem { throw .invalidConfiguration(path: path, reason: problem) }
        }

        /// What makes the configuration impossible to build, if anything.
        var problem: String? {
            let sizes = [("vocab_size", vocabularySize), ("hidden_size", hiddenSize), ("num_hidden_layers", layerCount),
                         ("num_attention_heads", headCount), ("intermediate_size", intermediateSize),
                         ("max_position_embeddings", maxPositions), ("type_vocab_size", typeVocabularySize)]
            if let (name, value) = sizes.first(where: { $0.1 < 1 }) { return "\(name) is \(value), it must be at least 1" }
            if hiddenSize % headCount != 0 {
                return "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(headCount)"
            }
            if !(layerNormEpsilon > 0 && layerNormEpsilon.isFinite) { return "layer_norm_eps \(layerNormEpsilon) is not a positive number" }
            return nil
        }

        /// `config.json` as Hugging Face writes it (snake_case names, as in the file).
        private struct HuggingFaceFields: Decodable {
            let vocab_size: Int
            let hidden_size: Int
            let num_hidden_layers: Int
            let num_attention_heads: Int
            let intermediate_size: Int
            let max_position_embeddings: Int
            let type_vocab_size: Int
            let layer_norm_eps: Float
            let hidden_act: String?
            let position_embedding_type: String?
        }
    }

    /// y = x · W (+ b, applied by the caller's fused kernel). W is stored inputs × outputs: PyTorch's
    /// outputs × inputs, transposed at load, because that layout multiplies faster for short texts.
    struct Dense: Sendable {
        let weight: FloatBuffer
        let bias: FloatBuffer
        let inputs: Int
        let outputs: Int

        /// Below this many rows, BLAS's packing of W (a full copy of the weights on every call) costs more
        /// than the product itself. OpenBLAS multiplies products of at most `directProduct` multiply-adds
        /// with a kernel that reads W in place, so a short text is multiplied in blocks of columns that
        /// small. Elsewhere the blocks cost little: the total packing is the same.
        static let narrowRows = 32
        static let directProduct = 1_000_000

        func multiply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
            guard rows <= Self.narrowRows else {
                BLAS.parallelSgemm(m: rows, n: outputs, k: inputs, a: x, b: weight.pointer, c: y)
                return
            }
            // One thread: a short text is bound by reading the weights, and splitting the blocks over
            // workers did not measurably help.
            let block = max(16, Self.directProduct / (rows * inputs) / 16 * 16)
            var first = 0
            while first < outputs {
                let columns = min(block, outputs - first)
                BLAS.sgemm(m: rows, n: columns, k: inputs, a: x, b: weight.pointer + first, ldb: outputs,
                           c: y + first, ldc: outputs)
                first += columns
            }
        }
    }

    struct LayerNorm: Sendable {
        let gamma: FloatBuffer
        let beta: FloatBuffer
    }

    struct Layer: Sendable {
        /// Query, key and value stacked into one projection of 3 × hidden outputs, so one `sgemm` makes all three.
        let queryKeyValue: Dense
        let attentionOutput: Dense
        let attentionNorm: LayerNorm
        let intermediate: Dense
        let output: Dense
        let outputNorm: LayerNorm
    }

    public let configuration: Configuration
    let wordEmbeddings: FloatBuffer
    let positionEmbeddings: FloatBuffer
    /// Row 0 of the token-type table: sentence-transformers encodes every text as segment A.
    let segmentEmbedding: FloatBuffer
    let embeddingNorm: LayerNorm
    let layers: [Layer]

    /// Loads the weights of a Hugging Face `BertModel` checkpoint. Every tensor the network needs must be
    /// there with its exact shape, and nothing else may be, except the tensors below that a sentence
    /// embedding does not use; otherwise this throws, naming the file and the tensor.
    public init(configuration: Configuration, weights: SafetensorsFile) throws(SafetensorsError) {
        precondition(configuration.problem == nil, "invalid MiniLM configuration: \(configuration.problem ?? "")")
        BLAS.ensureConfigured()
        let shapes = Self.tensorShapes(configuration)
        try weights.checkNames(required: Set(shapes.keys), optional: Self.unusedTensors)
        func load(_ name: String) throws(SafetensorsError) -> [Float] {
            try weights.floats(name, shape: shapes[name] ?? [])
        }
        func dense(_ names: [String], inputs: Int) throws(SafetensorsError) -> Dense {
            var rows: [Float] = []      // outputs × inputs, the checkpoint's layout
            var bias: [Float] = []
            for name in names {
                rows += try load(name + ".weight")
                bias += try load(name + ".bias")
            }
            let outputs = bias.count
            var weight = [Float](repeating: 0, count: rows.count)
            for o in 0..<outputs {
                for i in 0..<inputs { weight[i * outputs + o] = rows[o * inputs + i] }
            }
            return Dense(weight: FloatBuffer(weight), bias: FloatBuffer(bias), inputs: inputs, outputs: outputs)
        }
        func norm(_ name: String) throws(SafetensorsError) -> LayerNorm {
            LayerNorm(gamma: FloatBuffer(try load(name + ".weight")), beta: FloatBuffer(try load(name + ".bias")))
        }
        let hidden = configuration.hiddenSize
        self.configuration = configuration
        wordEmbeddings = FloatBuffer(try load("embeddings.word_embeddings.weight"))
        positionEmbeddings = FloatBuffer(try load("embeddings.position_embeddings.weight"))
        segmentEmbedding = FloatBuffer(Array(try load("embeddings.token_type_embeddings.weight").prefix(hidden)))
        embeddingNorm = try norm("embeddings.LayerNorm")
        var layers: [Layer] = []
        for index in 0..<configuration.layerCount {
            let prefix = "encoder.layer.\(index)."
            layers.append(Layer(
                queryKeyValue: try dense(["query", "key", "value"].map { prefix + "attention.self." + $0 }, inputs: hidden),
                attentionOutput: try dense([prefix + "attention.output.dense"], inputs: hidden),
                attentionNorm: try norm(prefix + "attention.output.LayerNorm"),
                intermediate: try dense([prefix + "intermediate.dense"], inputs: hidden),
                output: try dense([prefix + "output.dense"], inputs: configuration.intermediateSize),
                outputNorm: try norm(prefix + "output.LayerNorm")))
        }
        self.layers = layers
    }

    /// Checkpoint tensors a sentence embedding does not read: the position-id buffer (positions are 0…n−1)
    /// and the [CLS] pooler head (sentence-transformers mean-pools instead).
    static let unusedTensors: Set<String> = ["embeddings.position_ids", "pooler.dense.weight", "pooler.dense.bias"]

    /// The name and shape of every tensor the network reads, in Hugging Face `BertModel` naming.
    static func tensorShapes(_ c: Configuration) -> [String: [Int]] {
        let (hidden, inner) = (c.hiddenSize, c.intermediateSize)
        var shapes: [String: [Int]] = [
            "embeddings.word_embeddings.weight": [c.vocabularySize, hidden],
            "embeddings.position_embeddings.weight": [c.maxPositions, hidden],
            "embeddings.token_type_embeddings.weight": [c.typeVocabularySize, hidden],
            "embeddings.LayerNorm.weight": [hidden], "embeddings.LayerNorm.bias": [hidden],
        ]
        for index in 0..<c.layerCount {
            let prefix = "encoder.layer.\(index)."
            let dense: [(String, Int, Int)] = [
                ("attention.self.query", hidden, hidden), ("attention.self.key", hidden, hidden),
                ("attention.self.value", hidden, hidden), ("attention.output.dense", hidden, hidden),
                ("intermediate.dense", hidden, inner), ("output.dense", inner, hidden),
            ]
            for (name, inputs, outputs) in dense {
                shapes[prefix + name + ".weight"] = [outputs, inputs]
                shapes[prefix + name + ".bias"] = [outputs]
            }
            for name in ["attention.output.LayerNorm", "output.LayerNorm"] {
                shapes[prefix + name + ".weight"] = [hidden]
                shapes[prefix + name + ".bias"] = [hidden]
            }
        }
        return shapes
    }

    /// The last layer's hidden states of every token of every sequence, packed: row-major
    /// `(Σ lengths) × hiddenSize`, the rows of sequence 0 first. Each sequence holds ids below
    /// `vocabularySize` and has 1…`maxPositions` tokens (the tokenizer guarantees both).
    func hiddenStates(_ sequences: [[Int]]) -> [Float] {
        let c = configuration
        precondition(sequences.allSatisfy { !$0.isEmpty && $0.count <= c.maxPositions }, "sequence length out of range")
        precondition(sequences.allSatisfy { $0.allSatisfy { (0..<c.vocabularySize).contains($0) } }, "token id out of range")
        let work = Workspace(configuration: c, sequences: sequences)
        embed(sequences, into: work.hidden)
        for layer in layers { apply(layer, work) }
        return Array(UnsafeBufferPointer(start: work.hidden, count: work.tokens * c.hiddenSize))
    }

    private func embed(_ sequences: [[Int]], into hidden: UnsafeMutablePointer<Float>) {
        let width = configuration.hiddenSize
        let (words, positions, segment) = (wordEmbeddings.pointer, positionEmbeddings.pointer, segmentEmbedding.pointer)
        var row = 0
        for sequence in sequences {
            for (position, id) in sequence.enumerated() {
                let out = hidden + row * width
                let word = words + id * width
                let place = positions + position * width
                for i in 0..<width { out[i] = word[i] + place[i] + segment[i] }
                row += 1
            }
        }
        TransformerKernels.layerNorm(hidden, rows: row, width: width, gamma: embeddingNorm.gamma.pointer,
                                     beta: embeddingNorm.beta.pointer, epsilon: configuration.layerNormEpsilon)
    }

    /// One post-norm BERT layer: self-attention, then the feed-forward block, each closed by
    /// bias + residual + LayerNorm in one pass.
    private func apply(_ layer: Layer, _ work: Workspace) {
        let c = configuration
        let rows = work.tokens
        layer.queryKeyValue.multiply(work.hidden, rows: rows, into: work.queryKeyValue)
        TransformerKernels.addBias(work.queryKeyValue, rows: rows, width: 3 * c.hiddenSize,
                                   bias: layer.queryKeyValue.bias.pointer)
        attend(work)
        layer.attentionOutput.multiply(work.context, rows: rows, into: work.projected)
        TransformerKernels.addBiasResidualLayerNorm(
            work.projected, bias: layer.attentionOutput.bias.pointer, residual: work.hidden, rows: rows,
            width: c.hiddenSize, gamma: layer.attentionNorm.gamma.pointer, beta: layer.attentionNorm.beta.pointer,
            epsilon: c.layerNormEpsilon)
        layer.intermediate.multiply(work.hidden, rows: rows, into: work.intermediate)
        TransformerKernels.addBiasGELU(work.intermediate, rows: rows, width: c.intermediateSize,
                                       bias: layer.intermediate.bias.pointer)
        layer.output.multiply(work.intermediate, rows: rows, into: work.projected)
        TransformerKernels.addBiasResidualLayerNorm(
            work.projected, bias: layer.output.bias.pointer, residual: work.hidden, rows: rows,
            width: c.hiddenSize, gamma: layer.outputNorm.gamma.pointer, beta: layer.outputNorm.beta.pointer,
            epsilon: c.layerNormEpsilon)
    }

    /// Scaled dot-product attention of each head, within each sequence: context = softmax(Q·Kᵀ/√d)·V.
    /// Q, K and V are read in place from the packed projection (row stride 3 × hidden).
    private func attend(_ work: Workspace) {
        let (hidden, headSize) = (configuration.hiddenSize, configuration.headSize)
        let stride = 3 * hidden
        let scale = 1 / Float(headSize).squareRoot()
        for span in work.spans {
            let n = span.count
            for head in 0..<configuration.headCount {
                let query = work.queryKeyValue + span.lowerBound * stride + head * headSize
                BLAS.sgemm(m: n, n: n, k: headSize, a: query, lda: stride, b: query + hidden, ldb: stride,
                           transposeB: true, c: work.scores, alpha: scale)
                TransformerKernels.softmaxRows(work.scores, rows: n, width: n)
                BLAS.sgemm(m: n, n: headSize, k: n, a: work.scores, b: query + 2 * hidden, ldb: stride,
                           c: work.context + span.lowerBound * hidden + head * headSize, ldc: hidden)
            }
        }
    }
}

/// Floats with a stable address for the lifetime of the network, so the forward pass hands weights to
/// BLAS without nesting `withUnsafeBufferPointer` closures. Immutable after `init`, hence Sendable.
final class FloatBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(_ values: [Float]) {
        let stored = values.isEmpty ? [0] : values      // a valid address even for an empty tensor
        count = values.count
        pointer = .allocate(capacity: stored.count)
        _ = UnsafeMutableBufferPointer(start: pointer, count: stored.count).initialize(from: stored)
    }

    deinit { pointer.deallocate() }
}

/// The activations of one forward pass, allocated once for all layers.
private final class Workspace {
    let tokens: Int
    /// Rows of each sequence in the packed activations.
    let spans: [Range<Int>]
    let hidden: UnsafeMutablePointer<Float>
    let queryKeyValue: UnsafeMutablePointer<Float>
    let context: UnsafeMutablePointer<Float>
    let projected: UnsafeMutablePointer<Float>
    let intermediate: UnsafeMutablePointer<Float>
    /// One head's attention weights for the longest sequence.
    let scores: UnsafeMutablePointer<Float>

    init(configuration c: MiniLM.Configuration, sequences: [[Int]]) {
        var spans: [Range<Int>] = []
        var start = 0
        for sequence in sequences {
            spans.append(start..<start + sequence.count)
            start += sequence.count
        }
        self.spans = spans
        tokens = start
        let longest = sequences.map(\.count).max() ?? 0
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
            pointer.initialize(repeating: 0, count: max(1, count))
            return pointer
        }
        hidden = buffer(tokens * c.hiddenSize)
        queryKeyValue = buffer(tokens * 3 * c.hiddenSize)
        context = buffer(tokens * c.hiddenSize)
        projected = buffer(tokens * c.hiddenSize)
        intermediate = buffer(tokens * c.intermediateSize)
        scores = buffer(longest * longest)
    }

    deinit {
        for pointer in [hidden, queryKeyValue, context, projected, intermediate, scores] { pointer.deallocate() }
    }
}
