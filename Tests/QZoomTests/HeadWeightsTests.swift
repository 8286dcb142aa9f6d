import Foundation
import NeuralRuntime
import QZoomCore
import Testing
@testable import QZoom

/// Heads survive a save/load round trip bit for bit, and every kind of damaged or mismatched file is
/// refused with its own error.
struct HeadWeightsTests {
    static let cellLayout = CellFeatureLayout(detectorChannels: 6, projectedChannels: 3)

    static func manifest(kind: String) -> HeadManifest {
        let options = HeadTrainingOptions(budgets: [640, 960, 1600], trainingSetHash: "abc", date: Date(timeIntervalSince1970: 0))
        return kind == RoIHead.kind
            ? HeadManifest(kind: kind, featureLayoutVersion: 1, cellFeatures: cellLayout, network: .init(features: cellLayout.width),
                           budgets: options.budgets, roiProposal: RoIProposalConfiguration(threshold: 0.2), options: options,
                           history: TrainingHistory(), labels: ["samples": 3], validation: ["loss": 0.5])
            : HeadManifest(kind: kind, featureLayoutVersion: 1, gateFeatures: GateFeatureLayout(),
                           network: .init(features: GateFeatureLayout().width, hidden: 16), budgets: options.budgets,
                           gateThreshold: 0.07, options: options, history: TrainingHistory(), labels: [:], validation: [:])
    }

    static func roiHead() -> RoIHead {
        var network = ConditionedMLP(shape: .init(features: cellLayout.width), seed: 3)
        network.standardize(on: Matrix(rows: 2, columns: cellLayout.width, values: (0..<(2 * cellLayout.width)).map { Float($0) }))
        return RoIHead(extractor: CellFeatureExtractor(layout: cellLayout, seed: 4), network: network,
                       proposal: RoIProposalConfiguration(threshold: 0.2))
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qzoom-heads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func saved() throws -> (URL, HeadManifest) {
        let weights = try folder().appendingPathComponent("roi.safetensors")
        let manifest = try roiHead().save(to: weights, manifest: manifest(kind: RoIHead.kind))
        return (weights, manifest)
    }

    static func rewriteManifest(_ weights: URL, _ change: (inout HeadManifest) -> Void) throws {
        let url = HeadManifest.manifestURL(forWeights: weights)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var manifest = try decoder.decode(HeadManifest.self, from: Data(contentsOf: url))
        change(&manifest)
        try HeadFile.writeManifest(manifest, to: url)
    }

    @Test func roiHeadRoundTripsBitForBit() throws {
        let (weights, written) = try Self.saved()
        let (loaded, manifest) = try RoIHead.load(from: weights)
        let original = Self.roiHead()
        #expect(manifest == written && manifest.weightsChecksum.count == 64 && manifest.date == "1970-01-01T00:00:00Z")
        #expect(loaded.network == original.network && loaded.extractor == original.extractor)
        #expect(loaded.proposal.threshold == 0.2)
        let text = try String(contentsOf: HeadManifest.manifestURL(forWeights: weights), encoding: .utf8)
        #expect(text.contains("\"training_set_hash\" : \"abc\"") && text.contains("\"feature_layout_version\" : 1"))
        let file = try SafetensorsFile(contentsOf: weights)
        #expect(file.metadata["kind"] == "roi" && file.tensors["cell.projection"]?.shape == [3, 6])
    }

    @Test func gateRoundTripsAndIsNotTakenForAnRoIHead() throws {
        let layout = GateFeatureLayout()
        let gate = GateHead(layout: layout, network: ConditionedMLP(shape: .init(features: layout.width, hidden: 16), seed: 8), threshold: 0.07)
        let weights = try Self.folder().appendingPathComponent("gate.safetensors")
        try gate.save(to: weights, manifest: Self.manifest(kind: GateHead.kind))
        let (loaded, _) = try GateHead.load(from: weights)
        #expect(loaded.network == gate.network && loaded.threshold == 0.07 && loaded.layout == layout)
        #expect(throws: HeadError.kindMismatch(expected: "roi", found: "gate")) { try RoIHead.load(from: weights) }
    }

    @Test func damagedWeightsFailTheChecksum() throws {
        let (weights, _) = try Self.saved()
        var data = try Data(contentsOf: weights)
        data[data.count - 3] ^= 0x40
        try data.write(to: weights)
        #expect(throws: HeadError.checksumMismatch(path: weights.path)) { try RoIHead.load(from: weights) }
    }

    @Test func structurallyBrokenWeightsAreRefusedEvenWithAMatchingChecksum() throws {
        let (weights, _) = try Self.saved()
        let truncated = try Data(contentsOf: weights).dropLast(8)
        try truncated.write(to: weights)
        try Self.rewriteManifest(weights) { $0.weightsChecksum = HeadFile.sha256(truncated) }
        #expect { try RoIHead.load(from: weights) } throws: { error in
            guard case HeadError.malformedFile = error else { return false }
            return true
        }
        // A file without the bilinear key tensor.
        let head = Self.roiHead()
        var tensors = HeadFile.tensors(of: head.network)
        tensors["cell.projection"] = .init(shape: [3, 6], values: head.extractor.projection?.values ?? [])
        tensors["key.weight"] = nil
        let missing = SafetensorsFile.encode(tensors, metadata: ["kind": "roi"])
        try missing.write(to: weights)
        try Self.rewriteManifest(weights) { $0.weightsChecksum = HeadFile.sha256(missing) }
        #expect(throws: HeadError.missingTensor("key.weight")) { try RoIHead.load(from: weights) }
    }

    @Test func mismatchedManifestsAreRefused() throws {
        let (weights, _) = try Self.saved()
        try Self.rewriteManifest(weights) { $0.featureLayoutVersion = 2 }
        #expect(throws: HeadError.featureLayoutVersion(expected: 1, found: 2)) { try RoIHead.load(from: weights) }
        try Self.rewriteManifest(weights) { $0.featureLayoutVersion = 1; $0.network.hidden = 16 }
        #expect(throws: HeadError.tensorShape(name: "hidden.weight", expected: [16, Self.cellLayout.width + 8],
                                               found: [32, Self.cellLayout.width + 8])) { try RoIHead.load(from: weights) }
        try Self.rewriteManifest(weights) { $0.network.hidden = 32; $0.cellFeatures?.detectorChannels = 7 }
        #expect(throws: HeadError.tensorShape(name: "cell.projection", expected: [3, 7], found: [3, 6])) { try RoIHead.load(from: weights) }
        try Self.rewriteManifest(weights) { $0.cellFeatures?.detectorChannels = 6; $0.formatVersion = 9 }
        #expect(throws: HeadError.formatVersion(expected: 1, found: 9)) { try RoIHead.load(from: weights) }
    }

    @Test func missingOrUnreadableManifestsAreRefused() throws {
        let (weights, _) = try Self.saved()
        let manifestURL = HeadManifest.manifestURL(forWeights: weights)
        try Data("{\"kind\": \"roi\", ".utf8).write(to: manifestURL)
        #expect { try RoIHead.load(from: weights) } throws: { error in
            guard case HeadError.malformedFile(let path, _) = error else { return false }
            return path == manifestURL.path
        }
        try FileManager.default.removeItem(at: manifestURL)
        #expect { try RoIHead.load(from: weights) } throws: { error in
            guard case HeadError.unreadableFile = error else { return false }
            return true
        }
    }

    @Test func trainingSetHashIgnoresOrderAndFoldersButNotContent() throws {
        let a = try Self.folder(), b = try Self.folder()
        for (folder, text) in [(a, "one"), (b, "one")] {
            try Data(text.utf8).write(to: folder.appendingPathComponent("x.png"))
            try Data("two".utf8).write(to: folder.appendingPathComponent("y.png"))
        }
        let hashA = try TrainingSetHash.sha256(files: [a.appendingPathComponent("x.png"), a.appendingPathComponent("y.png")])
        let hashB = try TrainingSetHash.sha256(files: [b.appendingPathComponent("y.png"), b.appendingPathComponent("x.png")])
        #expect(hashA == hashB && hashA.count == 64)
        try Data("changed".utf8).write(to: b.appendingPathComponent("x.png"))
        #expect(try TrainingSetHash.sha256(files: [b.appendingPathComponent("x.png"), b.appendingPathComponent("y.png")]) != hashA)
        #expect(throws: HeadError.self) { try TrainingSetHash.sha256(files: [a.appendingPathComponent("none")]) }
    }
}
