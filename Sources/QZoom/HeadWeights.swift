import QZoomCore
import Foundation
import NeuralRuntime

/// The JSON manifest saved beside a head's safetensors file (`roi.safetensors` → `roi.json`).
public struct HeadManifest: Codable, Equatable, Sendable {
    public static let currentFormatVersion = 1

    public var kind: String
    public var formatVersion: Int
    public var featureLayoutVersion: Int
    public var cellFeatures: CellFeatureLayout?
    public var gateFeatures: GateFeatureLayout?
    public var lineFeatures: LineFeatureLayout?
    public var network: ConditionedMLP.Shape
    public var budgets: [Double]
    /// Thresholds: τ_roi and the rest of the box rule (RoI head), τ_gate (gate), τ_read (reading head).
    public var roiProposal: RoIProposalConfiguration?
    public var gateThreshold: Double?
    public var readingThreshold: Double?
    public var trainingSetHash: String
    public var seed: UInt64
    public var training: TrainingConfiguration
    public var history: TrainingHistory
    /// Sample and label counts (kept, dropped and why).
    public var labels: [String: Int]
    public var validation: [String: Double]
    /// ISO 8601, UTC.
    public var date: String
    /// SHA-256 (hex) of the safetensors file, set when saving and checked when loading.
    public var weightsChecksum: String

    init(kind: String, featureLayoutVersion: Int, cellFeatures: CellFeatureLayout? = nil, gateFeatures: GateFeatureLayout? = nil,
         lineFeatures: LineFeatureLayout? = nil, network: ConditionedMLP.Shape, budgets: [Double],
         roiProposal: RoIProposalConfiguration? = nil, gateThreshold: Double? = nil, readingThreshold: Double? = nil,
         options: HeadTrainingOptions, history: TrainingHistory, labels: [String: Int], validation: [String: Double]) {
        self.kind = kind; formatVersion = Self.currentFormatVersion; self.featureLayoutVersion = featureLayoutVersion
        self.cellFeatures = cellFeatures; self.gateFeatures = gateFeatures; self.lineFeatures = lineFeatures
        self.network = network; self.budgets = budgets; self.roiProposal = roiProposal
        self.gateThreshold = gateThreshold; self.readingThreshold = readingThreshold
        trainingSetHash = options.trainingSetHash; seed = options.training.seed; training = options.training
        self.history = history; self.labels = labels; self.validation = validation
        date = ISO8601DateFormatter().string(from: options.date)
        weightsChecksum = ""
    }

    public static func manifestURL(forWeights weights: URL) -> URL {
        weights.deletingPathExtension().appendingPathExtension("json")
    }
}

extension RoIHead {
    /// Writes `weights` (safetensors) and the manifest beside it; returns the manifest as written.
    @discardableResult
    public func save(to weights: URL, manifest: HeadManifest) throws(HeadError) -> HeadManifest {
        var tensors = HeadFile.tensors(of: network)
        if let projection = extractor.projection {
            tensors["cell.projection"] = .init(shape: [projection.rows, projection.columns], values: projection.values)
        }
        return try HeadFile.write(tensors, kind: Self.kind, manifest: manifest, to: weights)
    }

    /// Loads a head saved by `save`, checking the manifest, the checksum, the feature layout and every shape.
    public static func load(from weights: URL) throws(HeadError) -> (head: RoIHead, manifest: HeadManifest) {
        let (file, manifest) = try HeadFile.read(weights, kind: kind, layoutVersion: CellFeatureLayout.currentVersion)
        guard let layout = manifest.cellFeatures, layout.version == CellFeatureLayout.currentVersion else {
            throw .featureLayoutVersion(expected: CellFeatureLayout.currentVersion, found: manifest.cellFeatures?.version ?? 0)
        }
        let projectionShape = layout.projectedChannels.map { [$0, layout.detectorChannels] }
        let network = try HeadFile.network(from: file, shape: manifest.network, features: layout.width,
                                           extra: projectionShape == nil ? [] : ["cell.projection"])
        let projection = try projectionShape.map { shape throws(HeadError) in
            Matrix(rows: shape[0], columns: shape[1], values: try HeadFile.floats(file, "cell.projection", shape: shape))
        }
        let head = RoIHead(extractor: CellFeatureExtractor(layout: layout, projection: projection), network: network,
                           proposal: manifest.roiProposal ?? RoIProposalConfiguration())
        return (head, manifest)
    }
}

extension GateHead {
    @discardableResult
    public func save(to weights: URL, manifest: HeadManifest) throws(HeadError) -> HeadManifest {
        try HeadFile.write(HeadFile.tensors(of: network), kind: Self.kind, manifest: manifest, to: weights)
    }

    public static func load(from weights: URL) throws(HeadError) -> (head: GateHead, manifest: HeadManifest) {
        let (file, manifest) = try HeadFile.read(weights, kind: kind, layoutVersion: GateFeatureLayout.currentVersion)
        guard let layout = manifest.gateFeatures, layout.version == GateFeatureLayout.currentVersion else {
            throw .featureLayoutVersion(expected: GateFeatureLayout.currentVersion, found: manifest.gateFeatures?.version ?? 0)
        }
        let network = try HeadFile.network(from: file, shape: manifest.network, features: layout.width, extra: [])
        return (GateHead(layout: layout, network: network, threshold: manifest.gateThreshold ?? 0.05), manifest)
    }
}

extension ReadingHead {
    @discardableResult
    public func save(to weights: URL, manifest: HeadManifest) throws(HeadError) -> HeadManifest {
        try HeadFile.write(HeadFile.tensors(of: network), kind: Self.kind, manifest: manifest, to: weights)
    }

    public static func load(from weights: URL) throws(HeadError) -> (head: ReadingHead, manifest: HeadManifest) {
        let (file, manifest) = try HeadFile.read(weights, kind: kind, layoutVersion: LineFeatureLayout.currentVersion)
        guard let layout = manifest.lineFeatures, layout.version == LineFeatureLayout.currentVersion else {
            throw .featureLayoutVersion(expected: LineFeatureLayout.currentVersion, found: manifest.lineFeatures?.version ?? 0)
        }
        guard let threshold = manifest.readingThreshold, threshold.isFinite else {
            throw .malformedFile(path: HeadManifest.manifestURL(forWeights: weights).path, reason: "no reading_threshold")
        }
        let network = try HeadFile.network(from: file, shape: manifest.network, features: layout.width, extra: [])
        return (ReadingHead(layout: layout, network: network, threshold: threshold), manifest)
    }
}

/// Safetensors plus manifest, shared by the heads.
enum HeadFile {
    static func tensors(of network: ConditionedMLP) -> [String: SafetensorsFile.FloatTensor] {
        var tensors: [String: SafetensorsFile.FloatTensor] = [:]
        for tensor in network.parameters { tensors[tensor.name] = .init(shape: tensor.shape, values: tensor.values) }
        tensors["input.mean"] = .init(shape: [network.inputMean.count], values: network.inputMean)
        tensors["input.scale"] = .init(shape: [network.inputScale.count], values: network.inputScale)
        return tensors
    }

    static func write(_ tensors: [String: SafetensorsFile.FloatTensor], kind: String, manifest: HeadManifest,
                      to weights: URL) throws(HeadError) -> HeadManifest {
        let data = SafetensorsFile.encode(tensors, metadata: ["kind": kind, "format_version": "\(HeadManifest.currentFormatVersion)",
                                                              "feature_layout_version": "\(manifest.featureLayoutVersion)"])
        var manifest = manifest
        manifest.weightsChecksum = sha256(data)
        do {
            try FileManager.default.createDirectory(at: weights.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: weights, options: .atomic)
        } catch {
            throw .unreadableFile(path: weights.path, reason: "cannot write: \(error.localizedDescription)")
        }
        try writeManifest(manifest, to: HeadManifest.manifestURL(forWeights: weights))
        return manifest
    }

    static func writeManifest(_ manifest: HeadManifest, to url: URL) throws(HeadError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        do {
            try (encoder.encode(manifest) + Data("\n".utf8)).write(to: url, options: .atomic)
        } catch {
            throw .unreadableFile(path: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    static func read(_ weights: URL, kind: String, layoutVersion: Int) throws(HeadError) -> (SafetensorsFile, HeadManifest) {
        let manifestURL = HeadManifest.manifestURL(forWeights: weights)
        let manifestData = try contents(of: manifestURL)
        let manifest: HeadManifest
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            manifest = try decoder.decode(HeadManifest.self, from: manifestData)
        } catch {
            throw .malformedFile(path: manifestURL.path, reason: "manifest does not decode (\(error))")
        }
        guard manifest.kind == kind else { throw .kindMismatch(expected: kind, found: manifest.kind) }
        guard manifest.formatVersion == HeadManifest.currentFormatVersion else {
            throw .formatVersion(expected: HeadManifest.currentFormatVersion, found: manifest.formatVersion)
        }
        guard manifest.featureLayoutVersion == layoutVersion else {
            throw .featureLayoutVersion(expected: layoutVersion, found: manifest.featureLayoutVersion)
        }
        let data = try contents(of: weights)
        guard sha256(data) == manifest.weightsChecksum else { throw .checksumMismatch(path: weights.path) }
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(data: data, path: weights.path)
        } catch {
            throw .malformedFile(path: weights.path, reason: error.description)
        }
        guard file.metadata["kind"] == kind else { throw .kindMismatch(expected: kind, found: file.metadata["kind"] ?? "unlabelled") }
        return (file, manifest)
    }

    /// The network's tensors, after checking that the file holds exactly these (plus `extra`) and that
    /// the manifest's shape fits the feature layout.
    static func network(from file: SafetensorsFile, shape: ConditionedMLP.Shape, features: Int,
                        extra: Set<String>) throws(HeadError) -> ConditionedMLP {
        guard shape.features == features else {
            throw .tensorShape(name: "input.mean", expected: [features], found: [shape.features])
        }
        let layout = shape.parameterLayout
        let names = Set(layout.map(\.name)).union(["input.mean", "input.scale"])
        do {
            try file.checkNames(required: names.union(extra))
        } catch {
            throw translate(error, path: file.path)
        }
        var parameters: [HeadTensor] = []
        for (name, tensorShape) in layout {
            parameters.append(HeadTensor(name: name, shape: tensorShape, values: try floats(file, name, shape: tensorShape)))
        }
        return ConditionedMLP(shape: shape, parameters: parameters,
                              inputMean: try floats(file, "input.mean", shape: [features]),
                              inputScale: try floats(file, "input.scale", shape: [features]))
    }

    static func floats(_ file: SafetensorsFile, _ name: String, shape: [Int]) throws(HeadError) -> [Float] {
        let values: [Float]
        do {
            values = try file.floats(name, shape: shape)
        } catch {
            throw translate(error, path: file.path)
        }
        guard values.allSatisfy(\.isFinite) else { throw .malformedFile(path: file.path, reason: "tensor '\(name)' holds non-finite values") }
        return values
    }

    private static func translate(_ error: SafetensorsError, path: String) -> HeadError {
        switch error {
        case .missingTensor(_, let tensor): .missingTensor(tensor)
        case .unexpectedTensors(_, let tensors): .unexpectedTensor(tensors.joined(separator: ", "))
        case .wrongShape(_, let tensor, let expected, let actual): .tensorShape(name: tensor, expected: expected, found: actual)
        default: .malformedFile(path: path, reason: error.description)
        }
    }

    static func sha256(_ data: Data) -> String { ContentHash.hex(of: data) }

    private static func contents(of url: URL) throws(HeadError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
    }
}

/// The training-set hash of the manifest: SHA-256 over the sorted lines "<file SHA-256>  <file name>",
/// so it names the exact documents (and label files) a head saw, whatever folder they were in.
public enum TrainingSetHash {
    public static func sha256(files: [URL]) throws(HeadError) -> String {
        var lines: [String] = []
        for url in files {
            do {
                lines.append("\(try ContentHash.hex(ofFileAt: url))  \(url.lastPathComponent)\n")
            } catch {
                throw .unreadableFile(path: url.path, reason: error.localizedDescription)
            }
        }
        return ContentHash.hex(of: Data(lines.sorted().joined().utf8))
    }
}
