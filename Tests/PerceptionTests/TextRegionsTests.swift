import QZoomCore
import Testing
@testable import Perception

/// `TextRegions.borders` flood-fills a padded state map; these tests hold it to a plain labelling of the
/// mask's components written from the definition: the same borders in the same order, each with the
/// same set of points (exact).
@Suite struct TextRegionsTests {
    /// Components by breadth-first search with bounds checks: 8-connected foreground regions (points: the
    /// pixels with a 4-neighbour off the region or off the image), then 4-connected background regions
    /// that do not touch the image edge (points: the foreground pixels 4-adjacent to them).
    static func referenceBorders(_ mask: [UInt8], width: Int, height: Int) -> [(discovery: Int, points: Set<Point>)] {
        var label = [Int](repeating: -1, count: mask.count)
        var found: [(discovery: Int, points: Set<Point>)] = []
        func component(_ seed: Int, foreground: Bool) -> [Int] {
            var members = [seed], next = 0
            label[seed] = seed
            while next < members.count {
                let x = members[next] % width, y = members[next] / width
                next += 1
                for dy in -1...1 {
                    for dx in -1...1 where (dx, dy) != (0, 0) && (foreground || dx == 0 || dy == 0) {
                        let nx = x + dx, ny = y + dy
                        guard nx >= 0, ny >= 0, nx < width, ny < height else { continue }
                        let n = ny * width + nx
                        if label[n] < 0 && (mask[n] != 0) == foreground { label[n] = seed; members.append(n) }
                    }
                }
            }
            return members
        }
        func fourNeighbours(_ i: Int) -> [Int?] {
            let x = i % width, y = i / width
            return [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)].map { nx, ny in
                nx >= 0 && ny >= 0 && nx < width && ny < height ? ny * width + nx : nil
            }
        }
        func point(_ i: Int) -> Point { Point(x: Double(i % width), y: Double(i / width)) }
        for i in mask.indices where mask[i] != 0 && label[i] < 0 {
            let members = component(i, foreground: true)
            let edge = members.filter { m in fourNeighbours(m).contains { n in n.map { label[$0] != i } ?? true } }
            found.append((i, Set(edge.map(point))))
        }
        for i in mask.indices where mask[i] == 0 && label[i] < 0 {
            let members = component(i, foreground: false)
            guard !members.contains(where: { fourNeighbours($0).contains(nil) }) else { continue }
            let rim: [Int] = members.flatMap { m -> [Int] in fourNeighbours(m).compactMap { $0 }.filter { mask[$0] != 0 } }
            found.append((i - 1, Set(rim.map(point))))
        }
        return found.sorted { $0.discovery > $1.discovery }
    }

    /// Random discs and rings (rings leave holes, sometimes with an island inside) on a `width`×`height` mask.
    static func randomMask(width: Int, height: Int, shapes: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % bound
        }
        var mask = [UInt8](repeating: 0, count: width * height)
        for _ in 0..<shapes {
            let cx = next(width), cy = next(height), outer = 1 + next(9), inner = next(outer + 1) - 1
            for y in max(0, cy - outer)...min(height - 1, cy + outer) {
                for x in max(0, cx - outer)...min(width - 1, cx + outer) {
                    let d = (x - cx) * (x - cx) + (y - cy) * (y - cy)
                    if d <= outer * outer && d > inner * inner { mask[y * width + x] = 1 }
                }
            }
        }
        return mask
    }

    @Test(arguments: [(40, 30, 6), (64, 48, 30), (17, 90, 25), (1, 9, 2), (120, 80, 200)])
    func bordersEqualThePlainLabelling(_ width: Int, _ height: Int, _ shapes: Int) {
        for seed in UInt64(1)...5 {
            let mask = Self.randomMask(width: width, height: height, shapes: shapes, seed: seed)
            let got = TextRegions.borders(of: mask, width: width, height: height)
            let want = Self.referenceBorders(mask, width: width, height: height)
            #expect(got.map(\.discovery) == want.map(\.discovery))
            #expect(got.map { Set($0.points) } == want.map(\.points))
        }
    }
}
