import Foundation
import Testing
import QZoomCore
@testable import Perception

/// `db-postprocess.json`, written by `scripts/reference/ocr-reference` from rapidocr 3.10.0's own
/// `DBPostProcess`, `cv2.fillPoly` and `pyclipper` on synthetic maps.
struct DBFixture: Decodable {
    struct Map: Decodable {
        let name: String
        let width, height, destinationWidth, destinationHeight: Int
        let map: String              // base64 bytes; probability = byte / 255
        let boxes: [[[Double]]]
        let scores: [Double]
    }
    struct Fill: Decodable {
        let polygon: [[Int]]
        let width, height: Int
        let mask: String             // "0"/"1" per pixel, row-major
    }
    struct Offset: Decodable {
        let polygon: [[Double]]
        let distance: Double
        let offset: [[Double]]
    }
    let db: [Map]
    let fill: [Fill]
    let offset: [Offset]

    static let shared = Result { try MiniLMFixtures.load(DBFixture.self, from: "db-postprocess.json") }
}

@Suite struct DBPostprocessTests {
    @Test func boxesMatchRapidOCROnSyntheticMaps() throws {
        let fixture = try DBFixture.shared.get()
        var compared = 0
        for case_ in fixture.db {
            let bytes = try #require(Data(base64Encoded: case_.map))
            let probabilities = bytes.map { Float($0) / 255 }
            let boxes = probabilities.withUnsafeBufferPointer {
                DBPostprocess.boxes(probabilities: $0, width: case_.width, height: case_.height,
                                    destinationWidth: case_.destinationWidth,
                                    destinationHeight: case_.destinationHeight)
            }
            // Same boxes, in the same order; corners within a map pixel (scaled to the destination
            // frame) and scores within 0.02: OpenCV computes rotated rectangles in float32, we in
            // double, so a corner at 9.99999 on one side is 10 on the other and truncates differently.
            try #require(boxes.count == case_.boxes.count, "\(case_.name): \(boxes.count) boxes, expected \(case_.boxes.count)")
            let scale = max(Double(case_.destinationWidth) / Double(case_.width),
                            Double(case_.destinationHeight) / Double(case_.height))
            for (box, (expected, score)) in zip(boxes, zip(case_.boxes, case_.scores)) {
                for (p, q) in zip(box.corners, expected) {
                    #expect(abs(p.x - q[0]) <= scale + 0.5 && abs(p.y - q[1]) <= scale + 0.5,
                            "\(case_.name): corner \(p) vs \(q)")
                }
                #expect(abs(box.score - score) < 0.02, "\(case_.name): score \(box.score) vs \(score)")
                compared += 1
            }
        }
        #expect(compared >= 30)
    }

    @Test func fillMatchesOpenCVFillPoly() throws {
        let fixture = try DBFixture.shared.get()
        for case_ in fixture.fill {
            let mask = PolygonFill.mask(case_.polygon.map { ($0[0], $0[1]) }, width: case_.width, height: case_.height)
            let expected = case_.mask.map { $0 == "1" }
            let differing = zip(mask, expected).filter { $0 != $1 }.count
            #expect(differing == 0, "polygon \(case_.polygon): \(differing) pixels differ")
        }
    }

    @Test func offsetHasPyclippersHull() throws {
        let fixture = try DBFixture.shared.get()
        for case_ in fixture.offset {
            let polygon = case_.polygon.map { Point(x: $0[0], y: $0[1]) }
            let ours = PolygonOffset.roundOffset(polygon, by: case_.distance)
            let theirs = case_.offset.map { Point(x: $0[0], y: $0[1]) }
            // Clipper's closing union may drop collinear vertices and starts the ring elsewhere;
            // the convex hull (what minAreaRect sees) must be identical.
            #expect(Set(RotatedBox.convexHull(ours)) == Set(RotatedBox.convexHull(theirs)),
                    "offset of \(case_.polygon) by \(case_.distance)")
        }
    }

    @Test func minimumAreaRectangleOfARotatedRectangleIsItself() {
        let (c, s) = (cos(0.3), sin(0.3))
        let corners = [(0.0, 0.0), (40.0, 0.0), (40.0, 10.0), (0.0, 10.0)].map {
            Point(x: 100 + $0.0 * c - $0.1 * s, y: 50 + $0.0 * s + $0.1 * c)
        }
        let fit = RotatedBox.minimumAreaRectangle(corners + [Point(x: 100 + 20 * c - 5 * s, y: 50 + 20 * s + 5 * c)])
        #expect(abs(fit.shortSide - 10) < 1e-9)
        for p in corners {
            #expect(fit.corners.contains { abs($0.x - p.x) < 1e-9 && abs($0.y - p.y) < 1e-9 })
        }
        let box = RotatedBox.miniBox(corners).box
        #expect(abs(box[0].x - corners[0].x) < 1e-9 && abs(box[2].y - corners[2].y) < 1e-9)
    }

    @Test func emptyAndUniformMapsGiveNoBoxes() {
        for value: Float in [0, 0.29] {
            let map = [Float](repeating: value, count: 64 * 32)
            let boxes = map.withUnsafeBufferPointer {
                DBPostprocess.boxes(probabilities: $0, width: 64, height: 32, destinationWidth: 64, destinationHeight: 32)
            }
            #expect(boxes.isEmpty)
        }
        let boxes = [Float]().withUnsafeBufferPointer {
            DBPostprocess.boxes(probabilities: $0, width: 0, height: 0, destinationWidth: 10, destinationHeight: 10)
        }
        #expect(boxes.isEmpty)
    }

    @Test func aFullMapIsOneBoxClippedToTheImage() {
        let map = [Float](repeating: 0.9, count: 64 * 32)
        let boxes = map.withUnsafeBufferPointer {
            DBPostprocess.boxes(probabilities: $0, width: 64, height: 32, destinationWidth: 64, destinationHeight: 32)
        }
        #expect(boxes.count == 1)
        #expect(boxes.first?.corners == [Point(x: 0, y: 0), Point(x: 63, y: 0), Point(x: 63, y: 31), Point(x: 0, y: 31)])
    }
}
