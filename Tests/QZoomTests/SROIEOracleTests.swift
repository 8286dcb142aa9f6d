import Foundation
import Perception
import Testing
@testable import QZoom
import QZoomCore

/// A few sroie-dev receipts read from their ground-truth lines (oracle OCR) with the shipped receipt
/// template and the real MiniLM encoder reach exact match on all four fields. The full benchmark is
/// `scripts/bench-answer-oracle`; this only proves that the parts fit together on real documents.
@Suite struct SROIEOracleTests {
    static let data = TemplateLoaderTests.projectRoot.deletingLastPathComponent().appending(path: "shared/data/sroie-dev")

    @Test(arguments: ["007", "011", "012", "023"])
    func receiptFieldsReachExactMatch(name: String) throws {
        let template = try TemplateLoader.load(TemplateLoaderTests.projectRoot.appending(path: "config/templates/receipt.toml"))
        let labels = try GroundTruth.labels(at: Self.data.appending(path: "key/\(name).json"))
        let lines = try GroundTruth.lines(csvAt: Self.data.appending(path: "box/\(name).csv"))
        let extent = lines.dropFirst().reduce(lines[0].box) { $0.union($1.box) }
        let page = PageText(lines: lines, size: Size(width: extent.maxX, height: extent.maxY))
        let similarity = EmbeddingSimilarity(embedder: try Self.encoder())
        for query in template.queries {
            let expected = try #require(labels[query.name])
            let similarities = try similarity.similarities(of: query.question, to: lines.map(\.text))
            let answer = Answerer(dateOrder: template.dateOrder).answer(query, on: page, similarities: similarities)
            #expect(ExactMatch.matches(answer.value, expected, type: query.type), "\(name) \(query.name): \(answer.value ?? "nothing")")
        }
    }

    static func encoder() throws -> SentenceEncoder {
        try SentenceEncoder(modelsDirectory: TemplateLoaderTests.projectRoot.appending(path: "models"))
    }
}
