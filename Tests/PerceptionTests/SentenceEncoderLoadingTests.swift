import Foundation
import Testing
import NeuralRuntime
@testable import Perception

/// Loading `models/minilm` from disk: the real configuration, and every way a models folder can be wrong,
/// each reported with a typed error that names the file.
@Suite struct SentenceEncoderLoadingTests {
    /// A complete tiny models folder (config, vocabulary, weights) in a fresh temporary directory.
    static func tinyModelsFolder(configuration: String? = nil, vocabularyTokens: Int = 23) throws -> URL {
        let models = FileManager.default.temporaryDirectory.appending(path: "qzoom-models-\(UUID().uuidString)")
        let folder = models.appending(path: "minilm")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data((configuration ?? tinyConfigurationJSON()).utf8).write(to: folder.appending(path: "config.json"))
        let tokens = WordPieceVocabulary.specialTokens + (0..<(vocabularyTokens - 5)).map { "w\($0)" }
        try Data(tokens.joined(separator: "\n").utf8).write(to: folder.appending(path: "vocab.txt"))
        try SafetensorsFile.encode(MiniLMTests.randomWeights(MiniLMTests.tiny)).write(to: folder.appending(path: "model.safetensors"))
        return models
    }

    static func tinyConfigurationJSON(replacing field: String? = nil, with value: String? = nil) -> String {
        var fields = [("architectures", #"["BertModel"]"#), ("hidden_act", #""gelu""#), ("hidden_size", "12"),
                      ("intermediate_size", "20"), ("layer_norm_eps", "0.1"), ("max_position_embeddings", "10"),
                      ("model_type", #""bert""#), ("num_attention_heads", "3"), ("num_hidden_layers", "2"),
                      ("position_embedding_type", #""absolute""#), ("type_vocab_size", "2"), ("vocab_size", "23")]
        if let field {
            fields.removeAll { $0.0 == field }
            if let value { fields.append((field, value)) }
        }
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    @Test func readsTheRealConfiguration() throws {
        let configuration = try MiniLM.Configuration(contentsOf: MiniLMFixtures.modelDirectory.appending(path: "config.json"))
        #expect(configuration == MiniLM.Configuration(vocabularySize: 30522, hiddenSize: 384, layerCount: 6, headCount: 12,
                                                      intermediateSize: 1536, maxPositions: 512, typeVocabularySize: 2,
                                                      layerNormEpsilon: 1e-12))
    }

    @Test func loadsATinyModelsFolder() throws {
        let models = try Self.tinyModelsFolder()
        defer { try? FileManager.default.removeItem(at: models) }
        let encoder = try SentenceEncoder(modelsDirectory: models, maxLength: 10)
        #expect(encoder.dimension == 12)
        let embeddings = try encoder.embed(["w1 w2", "w3"])
        #expect(embeddings.count == 2 && embeddings.allSatisfy { $0.count == 12 })
    }

    @Test(arguments: [
        ("num_hidden_layers", nil),                  // missing
        ("hidden_size", #""12""#),                   // wrong type
        ("hidden_size", "10"),                       // not a multiple of the 3 heads
        ("vocab_size", "0"),
        ("layer_norm_eps", "-1"),
        ("hidden_act", #""relu""#),                  // not what the network implements
        ("position_embedding_type", #""relative_key""#),
    ] as [(String, String?)])
    func refusesAConfigurationItCannotRun(field: String, value: String?) throws {
        let models = try Self.tinyModelsFolder(configuration: Self.tinyConfigurationJSON(replacing: field, with: value))
        defer { try? FileManager.default.removeItem(at: models) }
        let path = models.appending(path: "minilm/config.json").path
        let thrown = #expect(throws: MiniLMError.self) { try SentenceEncoder(modelsDirectory: models, maxLength: 10) }
        guard case .invalidConfiguration(path, let reason) = thrown else {
            Issue.record("\(field) = \(value ?? "nil") gives \(String(describing: thrown))")
            return
        }
        #expect(reason.contains(field), "\(reason)")
    }

    @Test func refusesAConfigurationThatIsNotJSON() throws {
        let models = try Self.tinyModelsFolder(configuration: "vocab_size = 23")
        defer { try? FileManager.default.removeItem(at: models) }
        guard case .invalidConfiguration = #expect(throws: MiniLMError.self, performing: {
            try SentenceEncoder(modelsDirectory: models, maxLength: 10)
        }) else {
            Issue.record("not reported as an invalid configuration")
            return
        }
    }

    @Test func refusesAFolderWithoutTheModel() throws {
        let empty = FileManager.default.temporaryDirectory.appending(path: "qzoom-empty-\(UUID().uuidString)")
        guard case .configurationUnreadable(let path, _) = #expect(throws: MiniLMError.self, performing: {
            try SentenceEncoder(modelsDirectory: empty)
        }) else {
            Issue.record("a missing folder is not reported as unreadable")
            return
        }
        #expect(path == empty.appending(path: "minilm/config.json").path)

        let models = try Self.tinyModelsFolder()

        defer { try? FileManager.default.removeItem(at: models) }
        let weights = models.appending(path: "minilm/model.safetensors")
        try FileManager.default.removeItem(at: weights)
        #expect(throws: MiniLMError.weights(.unreadable(path: weights.path, reason: "no such file"))) {
            try SentenceEncoder(modelsDirectory: models, maxLength: 10)
        }
    }

    @Test func refusesTruncatedWeightsNamingTheFileAndTensor() throws {
        let models = try Self.tinyModelsFolder()
        defer { try? FileManager.default.removeItem(at: models) }
        let weights = models.appending(path: "minilm/model.safetensors")
        let data = try Data(contentsOf: weights)
        try data.prefix(data.count - 100).write(to: weights)
        let thrown = #expect(throws: MiniLMError.self) { try SentenceEncoder(modelsDirectory: models, maxLength: 10) }
        guard case .weights(.offsetsOutOfRange(weights.path, let tensor, _, _, _)) = thrown else {
            Issue.record("got \(String(describing: thrown))")
            return
        }
        #expect(tensor.hasPrefix("encoder.") || tensor.hasPrefix("embeddings."))
        #expect(thrown?.description.contains(weights.path) == true)
    }

    @Test func refusesAVocabularyOfTheWrongSize() throws {
        let models = try Self.tinyModelsFolder(vocabularyTokens: 22)
        defer { try? FileManager.default.removeItem(at: models) }
        #expect(throws: MiniLMError.vocabularySizeMismatch(
            vocabularyPath: models.appending(path: "minilm/vocab.txt").path, tokens: 22,
            configurationPath: models.appending(path: "minilm/config.json").path, vocabularySize: 23)) {
            try SentenceEncoder(modelsDirectory: models, maxLength: 10)
        }
    }

    @Test func refusesATokenLimitBeyondThePositionTable() throws {
        let models = try Self.tinyModelsFolder()
        defer { try? FileManager.default.removeItem(at: models) }
        #expect(throws: MiniLMError.invalidMaxLength(11, maxPositions: 10)) {
            try SentenceEncoder(modelsDirectory: models, maxLength: 11)
        }
    }
}
