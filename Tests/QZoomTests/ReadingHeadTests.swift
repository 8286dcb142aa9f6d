import Foundation
import QZoomCore
import Testing
@testable import QZoom

/// The reading head: line features before reading, its self-distilled targets, training, and its file.
struct ReadingHeadTests {
    static let layout = LineFeatureLayout(detectorChannels: 2)

    /// A 2-channel map at stride 4 over a 400×400 coarse page: channel 0 is 1 inside `marked` (coarse
    /// pixels) and 0 elsewhere, channel 1 is 0.5 everywhere.
    static func map(marked: [Rect]) throws -> CoarseMap {
        var values = [Float](repeating: 0, count: 2 * 100 * 100)
        for y in 0..<100 {
            for x in 0..<100 {
                let centre = Point(x: Double(x) * 4 + 2, y: Double(y) * 4 + 2)
                if marked.contains(where: { $0.contains(centre) }) { values[y * 100 + x] = 1 }
                values[10_000 + y * 100 + x] = 0.5
            }
        }
        return try CoarseMap(channels: 2, height: 100, width: 100, stride: 4, values: values)
    }

    /// Text probability 0.25 everywhere.
    static func text() throws -> CoarseMap {
        try CoarseMap(channels: 1, height: 100, width: 100, stride: 4, values: [Float](repeating: 0.25, count: 10_000))
    }

    @Test func lineFeaturesDescribeEachLinesPlaceAndTexture() throws {
        // Page units are half coarse pixels (coarse scale 2). Two lines share the top row; one is below.
        let boxes = [Rect(x: 10, y: 10, width: 40, height: 10), Rect(x: 100, y: 10, width: 40, height: 10),
                     Rect(x: 10, y: 60, width: 130, height: 20)]
        let area = Rect(x: 10, y: 10, width: 130, height: 70)
        let features = try LineFeatures(layout: Self.layout, boxes: boxes, textArea: area, coarseScale: 2,
                                        detectorFeatures: Self.map(marked: [boxes[1].scaled(by: 2)]), textProbability: Self.text())
        #expect(features.count == 3 && features.values.columns == 2 + LineFeatureLayout.geometryScalars)
        func value(_ line: Int, _ column: Int) -> Double { Double(features.values[line, column]) }
        // Texture: channel 0 marks only the second line; channel 1 and the density are constant.
        #expect(value(0, 0) == 0 && value(1, 0) == 1 && value(2, 0) == 0)
        #expect(value(0, 1) == 0.5 && value(2, 2) == 0.25)
        let c = 2
        #expect(abs(value(1, c + 1) - 90.0 / 130) < 1e-6 && abs(value(1, c + 2) - 1) < 1e-6)   // left, right edge
        #expect(abs(value(2, c + 4) - 60.0 / 70) < 1e-6)                                       // centre y
        #expect(value(2, c + 6) == 2)                                                          // height / median (10)
        #expect(value(0, c + 11) == 1 && value(0, c + 12) == 1 && value(0, c + 13) == 0)     // one in its row, leftmost
        #expect(value(1, c + 12) == 0 && value(1, c + 13) == 1)                               // rightmost
        #expect(value(2, c + 11) == 0 && value(2, c + 14) == 4 && value(2, c + 15) == 5)     // gap above 40/10; none below
        #expect(abs(value(2, c + 8) - 2.0 / 3) < 1e-6 && value(2, c + 9) == 0)                // ranks from top and bottom
    }

    @Test func lineFeaturesRefuseAMapOfAnotherWidth() throws {
        let wrong = try CoarseMap(channels: 3, height: 1, width: 1, stride: 4, values: [0, 0, 0])
        #expect(throws: HeadError.self) {
            try LineFeatures(layout: Self.layout, boxes: [], textArea: Rect(x: 0, y: 0, width: 1, height: 1), coarseScale: 1,
                             detectorFeatures: wrong, textProbability: Self.text())
        }
    }

    @Test func targetsMarkTheLinesThatHoldTheEvidence() {
        let page = Size(width: 100, height: 100)
        let lines = [Rect(x: 0, y: 0, width: 50, height: 10), Rect(x: 0, y: 20, width: 50, height: 10), Rect(x: 60, y: 20, width: 20, height: 10)]
        // The key covers the second line; the value is a small box inside the third.
        #expect(ReadingTargets.targets(boxes: lines, evidence: [Rect(x: 0, y: 19, width: 52, height: 12), Rect(x: 65, y: 22, width: 5, height: 5)],
                                       pageSize: page) == [false, true, true])
        #expect(ReadingTargets.targets(boxes: lines, evidence: [Rect(x: 0, y: 0, width: 100, height: 60)], pageSize: page) == nil)
        #expect(ReadingTargets.targets(boxes: lines, evidence: [Rect(x: 0, y: 80, width: 10, height: 10)], pageSize: page) == nil)
        #expect(ReadingTargets.targets(boxes: lines, evidence: [], pageSize: page) == nil)
    }

    /// Pages of 20 lines; the evidence line is the one marked in the detector's channel 0, low on the
    /// page. Read top-down it is found after about two thirds of the lines; the head finds it first.
    static func page(_ index: Int) throws -> ReadingTrainingSample {
        var random = SeededRandom(seed: UInt64(500 + index))
        let boxes = (0..<20).map { row in Rect(x: 10 + random.nextUnit() * 20, y: Double(row) * 20 + 5, width: 80 + random.nextUnit() * 100, height: 10) }
        let evidence = boxes[10 + random.nextIndex(below: 8)]
        let decoy = boxes[random.nextIndex(below: 10)]
        let lines = try LineFeatures(layout: layout, boxes: boxes, textArea: Rect(x: 0, y: 0, width: 200, height: 400), coarseScale: 1,
                                     detectorFeatures: map(marked: [evidence, random.nextUnit() < 0.5 ? decoy : Rect(x: 0, y: 0, width: 0, height: 0)]),
                                     textProbability: text())
        return ReadingTrainingSample(group: "page\(index)", question: HeadTrainingTests.question, lines: lines, boxes: boxes,
                                     evidence: [evidence], pageSize: Size(width: 400, height: 400))
    }

    @Test func readingHeadLearnsWhereTheEvidenceIsOnHeldOutPages() throws {
        let samples = try (0..<40).map { try Self.page($0) }
        let (head, manifest) = try ReadingTraining.train(samples, layout: Self.layout, options: HeadTrainingTests.options)
        let learned = try #require(manifest.validation["lines_to_evidence"])
        let topDown = try #require(manifest.validation["top_down_lines_to_evidence"])
        #expect(learned < 0.15 && topDown > 0.5, "head \(learned), top-down \(topDown)")
        #expect(manifest.kind == "reading" && manifest.readingThreshold == head.threshold && head.threshold > 0 && head.threshold < 1)
        #expect(manifest.labels["validation_samples"] == 10 && manifest.lineFeatures == Self.layout)
        let above = try #require(manifest.validation["lines_above_threshold"])
        #expect(above < 0.3, "share of lines at or above τ_read: \(above)")
    }

    @Test func readingHeadRoundTripsAndRefusesAManifestWithoutItsThreshold() throws {
        let (head, manifest) = try ReadingTraining.train(try (0..<12).map { try Self.page($0) }, layout: Self.layout,
                                                          options: HeadTrainingTests.options)
        let weights = try HeadWeightsTests.folder().appendingPathComponent(EngineHeads.readingFile)
        try head.save(to: weights, manifest: manifest)
        let (loaded, _) = try ReadingHead.load(from: weights)
        let sample = try Self.page(99)
        #expect(try loaded.relevance(sample.lines, question: sample.question) == head.relevance(sample.lines, question: sample.question))
        #expect(loaded.threshold == head.threshold)
        let heads = try EngineHeads.load(directory: weights.deletingLastPathComponent())
        #expect(heads.reading != nil && heads.roi == nil && heads.version.hasPrefix("roi:rules,gate:rules,reading:"))

        try HeadWeightsTests.rewriteManifest(weights) { $0.readingThreshold = nil }
        #expect(throws: HeadError.self) { try ReadingHead.load(from: weights) }
        #expect(throws: HeadError.self) { try RoIHead.load(from: weights) }
    }
}
