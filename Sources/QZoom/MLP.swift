import Foundation
import NeuralRuntime

/// A dense row-major matrix of floats, the only array shape the heads need.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns,
                     "matrix values do not match its shape")
        self.rows = rows; self.columns = columns; self.values = values
    }

    public init(rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, values: [Float](repeating: 0, count: rows * columns))
    }

    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// The rows at `indices`, in that order.
    public func gathering(rows indices: [Int]) -> Matrix {
        var out = [Float](); out.reserveCapacity(indices.count * columns)
        for r in indices { out.append(contentsOf: values[(r * columns)..<((r + 1) * columns)]) }
        return Matrix(rows: indices.count, columns: columns, values: out)
    }
}

/// c[m×n] = op(a) · op(b) + beta · c through OpenBLAS; a is m×k (k×m when transposed), b is k×n (n×k).
func multiply(m: Int, n: Int, k: Int, _ a: [Float], transposeA: Bool = false,
              _ b: [Float], transposeB: Bool = false, into c: inout [Float], beta: Float = 0) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        for i in 0..<(m * n) { c[i] *= beta }
        return
    }
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                guard let a = pa.baseAddress, let b = pb.baseAddress, let c = pc.baseAddress else { return }
                BLAS.sgemm(m: m, n: n, k: k, a: a, transposeA: transposeA, b: b, transposeB: transposeB,
                           c: c, beta: beta)
            }
        }
    }
}

/// A named tensor of a head: what is trained, and what is saved.
public struct HeadTensor: Equatable, Sendable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]
}

/// Rows of feature vectors, each conditioned on one question of a small table of question embeddings.
/// A page's cells all share one question; a training batch mixes the questions of many samples.
public struct ConditionedBatch: Sendable {
    public var features: Matrix        // [rows, features]
    public var questions: Matrix       // [distinct questions, question dimensions]
    public var questionIndex: [Int]    // one entry per row, into `questions`

    public init(features: Matrix, questions: Matrix, questionIndex: [Int]) {
        precondition(questionIndex.count == features.rows, "one question index per row")
        self.features = features; self.questions = questions; self.questionIndex = questionIndex
    }

    public var rows: Int { features.rows }

    func gathering(rows indices: [Int]) -> ConditionedBatch {
        ConditionedBatch(features: features.gathering(rows: indices), questions: questions,
                         questionIndex: indices.map { questionIndex[$0] })
    }
}

/// The network of both Q-Zoom heads: a question-conditioned scorer.
///
///     u      = Wq·q + bq                       question projected to a few dimensions (the "query")
///     x      = (features − mean) / scale       standardised with training-set statistics
///     logit  = w2·relu(W1·[x, u] + b1) + b2    a small MLP over features and projected question
///            + (Wk·x)·u                        a bilinear query·key term, as the paper's q·k map
///
/// The MLP lets the question shift which feature patterns matter; the bilinear term lets it re-weight
/// features multiplicatively (a total wants amount evidence low on the page, small print wants small
/// text at the bottom) at the cost of k·D weights. A page of 2 000 cells costs about 2 000·(D+k)·H
/// multiply-adds, well under a millisecond.
public struct ConditionedMLP: Equatable, Sendable {
    public struct Shape: Codable, Equatable, Sendable {
        public var features: Int
        public var questionDimensions: Int
        public var questionProjection: Int
        public var hidden: Int

        /// The width of a MiniLM (all-MiniLM-L6-v2) sentence embedding, the questions' encoder.
        public static let miniLMDimensions = 384

        public init(features: Int, questionDimensions: Int = miniLMDimensions, questionProjection: Int = 8, hidden: Int = 32) {
            self.features = features; self.questionDimensions = questionDimensions
            self.questionProjection = questionProjection; self.hidden = hidden
        }

        /// Names and shapes of the trained tensors, in `Slot` order.
        var parameterLayout: [(name: String, shape: [Int])] {
            let (d, e, k, h) = (features, questionDimensions, questionProjection, hidden)
            return [("question.weight", [k, e]), ("question.bias", [k]),
                    ("hidden.weight", [h, d + k]), ("hidden.bias", [h]),
                    ("output.weight", [1, h]), ("output.bias", [1]),
                    ("key.weight", [k, d])]
        }
    }

    enum Slot: Int, CaseIterable {
        case questionWeight, questionBias, hiddenWeight, hiddenBias, outputWeight, outputBias, keyWeight
        /// Weight decay applies to weights, not biases.
        var decays: Bool { self == .questionWeight || self == .hiddenWeight || self == .outputWeight || self == .keyWeight }
    }

    public let shape: Shape
    /// Trained tensors in `Slot` order.
    public internal(set) var parameters: [HeadTensor]
    /// Input standardisation, fixed before training from the training rows.
    public internal(set) var inputMean: [Float]
    public internal(set) var inputScale: [Float]

    /// A freshly initialised network. Questions are unit vectors, so Wq ~ N(0, 1) gives projections of
    /// unit variance; W1 uses He initialisation; the bilinear key starts small so that it does not
    /// dominate the first steps.
    public init(shape: Shape, seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let (d, k, h) = (shape.features, shape.questionProjection, shape.hidden)
        let stddev: [Slot: Double] = [.questionWeight: 1, .hiddenWeight: (2.0 / Double(d + k)).squareRoot(),
                                      .outputWeight: (1.0 / Double(h)).squareRoot(),
                                      .keyWeight: 0.1 / Double(d * k).squareRoot()]
        self.shape = shape
        parameters = zip(Slot.allCases, shape.parameterLayout).map { slot, layout in
            let count = layout.shape.reduce(1, *)
            let sd = stddev[slot] ?? 0
            let values = (0..<count).map { _ in sd == 0 ? Float(0) : Float(random.nextGaussian() * sd) }
            return HeadTensor(name: layout.name, shape: layout.shape, values: values)
        }
        inputMean = [Float](repeating: 0, count: d)
        inputScale = [Float](repeating: 1, count: d)
    }

    /// A network from saved tensors; the caller has checked names and shapes against `shape`.
    init(shape: Shape, parameters: [HeadTensor], inputMean: [Float], inputScale: [Float]) {
        self.shape = shape; self.parameters = parameters
        self.inputMean = inputMean; self.inputScale = inputScale
    }

    subscript(slot: Slot) -> [Float] { parameters[slot.rawValue].values }

    /// Sets the input standardisation to the mean and standard deviation of `features` per column.
    /// Constant columns keep scale 1 so that they pass through as zeros.
    public mutating func standardize(on features: Matrix) {
        let (n, d) = (features.rows, features.columns)
        guard n > 0 else { return }
        for c in 0..<d {
            var sum = 0.0, squares = 0.0
            for r in 0..<n { let v = Double(features.values[r * d + c]); sum += v; squares += v * v }
            let mean = sum / Double(n)
            let variance = max(0, squares / Double(n) - mean * mean)
            inputMean[c] = Float(mean)
            inputScale[c] = variance > 1e-12 ? Float(variance.squareRoot()) : 1
        }
    }

    /// The raw scores (logits) of every row.
    public func logits(_ batch: ConditionedBatch) -> [Float] { forward(batch).logits }

    struct Forward {
        var x: [Float], u: [Float], a: [Float], z1: [Float], hidden: [Float], keys: [Float], logits: [Float]
    }

    func forward(_ batch: ConditionedBatch) -> Forward {
        let (n, d, e, k, h) = (batch.rows, shape.features, shape.questionDimensions, shape.questionProjection, shape.hidden)
        let m = batch.questions.rows
        var x = batch.features.values
        for r in 0..<n { for c in 0..<d { x[r * d + c] = (x[r * d + c] - inputMean[c]) / inputScale[c] } }
        var u = [Float](repeating: 0, count: m * k)
        multiply(m: m, n: k, k: e, batch.questions.values, self[.questionWeight], transposeB: true, into: &u)
        let bq = self[.questionBias]
        for q in 0..<m { for j in 0..<k { u[q * k + j] += bq[j] } }
        let width = d + k
        var a = [Float](repeating: 0, count: n * width)
        for r in 0..<n {
            let q = batch.questionIndex[r]
            for c in 0..<d { a[r * width + c] = x[r * d + c] }
            for j in 0..<k { a[r * width + d + j] = u[q * k + j] }
        }
        var z1 = [Float](repeating: 0, count: n * h)
        multiply(m: n, n: h, k: width, a, self[.hiddenWeight], transposeB: true, into: &z1)
        let b1 = self[.hiddenBias]
        var hidden = z1
        for r in 0..<n { for j in 0..<h { let v = z1[r * h + j] + b1[j]; z1[r * h + j] = v; hidden[r * h + j] = max(0, v) } }
        var logits = [Float](repeating: self[.outputBias][0], count: n)
        multiply(m: n, n: 1, k: h, hidden, self[.outputWeight], transposeB: true, into: &logits, beta: 1)
        var keys = [Float](repeating: 0, count: n * k)
        multiply(m: n, n: k, k: d, x, self[.keyWeight], transposeB: true, into: &keys)
        for r in 0..<n {
            let q = batch.questionIndex[r]
            var dot: Float = 0
            for j in 0..<k { dot += keys[r * k + j] * u[q * k + j] }
            logits[r] += dot
        }
        return Forward(x: x, u: u, a: a, z1: z1, hidden: hidden, keys: keys, logits: logits)
    }

    /// Weighted sigmoid binary cross-entropy, Σ wᵢ·bce(zᵢ, yᵢ) / Σ wᵢ, and its gradient for every
    /// parameter (in `Slot` order). Rows of weight 0 are ignored.
    func lossAndGradients(_ batch: ConditionedBatch, targets: [Float], weights: [Float]) -> (loss: Double, gradients: [[Float]]) {
        let f = forward(batch)
        let (n, d, e, k, h) = (batch.rows, shape.features, shape.questionDimensions, shape.questionProjection, shape.hidden)
        let m = batch.questions.rows, width = d + k
        let (loss, g) = BinaryCrossEntropy.lossAndGradient(logits: f.logits, targets: targets, weights: weights)

        var dOutputWeight = [Float](repeating: 0, count: h)
        multiply(m: 1, n: h, k: n, g, f.hidden, into: &dOutputWeight)
        let dOutputBias = [g.reduce(0, +)]
        var dz1 = [Float](repeating: 0, count: n * h)
        multiply(m: n, n: h, k: 1, g, self[.outputWeight], into: &dz1)
        for i in 0..<(n * h) where f.z1[i] <= 0 { dz1[i] = 0 }
        var dHiddenWeight = [Float](repeating: 0, count: h * width)
        multiply(m: h, n: width, k: n, dz1, transposeA: true, f.a, into: &dHiddenWeight)
        var dHiddenBias = [Float](repeating: 0, count: h)
        for r in 0..<n { for j in 0..<h { dHiddenBias[j] += dz1[r * h + j] } }
        var da = [Float](repeating: 0, count: n * width)
        multiply(m: n, n: width, k: h, dz1, self[.hiddenWeight], into: &da)

        var dKeys = [Float](repeating: 0, count: n * k)
        var dU = [Float](repeating: 0, count: m * k)
        for r in 0..<n {
            let q = batch.questionIndex[r]
            for j in 0..<k {
                dKeys[r * k + j] = g[r] * f.u[q * k + j]
                dU[q * k + j] += da[r * width + d + j] + g[r] * f.keys[r * k + j]
            }
        }
        var dKeyWeight = [Float](repeating: 0, count: k * d)
        multiply(m: k, n: d, k: n, dKeys, transposeA: true, f.x, into: &dKeyWeight)
        var dQuestionWeight = [Float](repeating: 0, count: k * e)
        multiply(m: k, n: e, k: m, dU, transposeA: true, batch.questions.values, into: &dQuestionWeight)
        var dQuestionBias = [Float](repeating: 0, count: k)
        for q in 0..<m { for j in 0..<k { dQuestionBias[j] += dU[q * k + j] } }
        return (loss, [dQuestionWeight, dQuestionBias, dHiddenWeight, dHiddenBias, dOutputWeight, dOutputBias, dKeyWeight])
    }
}

/// Sigmoid binary cross-entropy on logits, computed stably.
enum BinaryCrossEntropy {
    /// Loss Σ wᵢ·bceᵢ / Σ wᵢ and its gradient with respect to each logit.
    static func lossAndGradient(logits: [Float], targets: [Float], weights: [Float]) -> (Double, [Float]) {
        let totalWeight = weights.reduce(0.0) { $0 + Double($1) }
        guard totalWeight > 0 else { return (0, [Float](repeating: 0, count: logits.count)) }
        var loss = 0.0
        var gradient = [Float](repeating: 0, count: logits.count)
        for i in logits.indices where weights[i] > 0 {
            let z = Double(logits[i]), y = Double(targets[i])
            loss += Double(weights[i]) * (max(z, 0) - z * y + log1p(exp(-abs(z))))
            gradient[i] = Float(Double(weights[i]) * (sigmoid(z) - y) / totalWeight)
        }
        return (loss / totalWeight, gradient)
    }
}

func sigmoid(_ z: Double) -> Double { z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }
func sigmoid(_ z: Float) -> Float { Float(sigmoid(Double(z))) }
