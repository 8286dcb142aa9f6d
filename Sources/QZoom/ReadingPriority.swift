import Foundation
import QZoomCore

/// The order in which the coarse pass reads its unread lines for the queries still open: what the
/// engine predicts is relevant before it has read a line, and more so as it reads.
enum ReadingPriority {
    /// How much a line next to a read key line (in its row to the right, or just below it) gains.
    static let followWeight = 1.0
    /// How far outside a position hint a line's score halves, as a fraction of the page.
    static let hintFalloff = 0.15

    /// How much the RoI head's relevance of a line (0...1) adds.
    static let relevanceWeight = 1.0

    /// The unread lines of `pass`, most relevant first. `evidence[i]` are the read lines that key
    /// `queries[i]` (`Engine.evidence`); `relevance[i]`, when there is a RoI head, its relevance of every
    /// detected line to `queries[i]`. Ties are read from the top of the page down.
    static func order(_ pass: CoarsePass, queries: [Query], evidence: [[ScoredBox]], relevance: [[Double]?]) -> [Int] {
        let size = pass.info.size
        let scored = pass.unread.map { position -> (position: Int, score: Double) in
            let box = pass.boxes[position]
            var best = 0.0
            for (index, query) in queries.enumerated() {
                let learned = relevance[index].map { relevanceWeight * $0[position] } ?? 0
                best = max(best, hintScore(box, query.hint, size) + followWeight * follows(box, evidence[index]) + learned)
            }
            return (position, best)
        }
        return scored.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            let ba = pass.boxes[a.position], bb = pass.boxes[b.position]
            return ba.midY != bb.midY ? ba.midY < bb.midY : ba.minX < bb.minX
        }.map(\.position)
    }

    /// 1 inside the hinted region, falling off outside it; 0.5 without a hint.
    static func hintScore(_ box: Rect, _ hint: PositionHint?, _ size: Size) -> Double {
        guard let hint, size.width > 0, size.height > 0 else { return 0.5 }
        let x = box.midX / size.width, y = box.midY / size.height
        let r = hint.region
        let dx = max(r.minX - x, 0, x - r.maxX), dy = max(r.minY - y, 0, y - r.maxY)
        return exp(-(dx * dx + dy * dy).squareRoot() / hintFalloff)
    }

    /// The strongest key whose value `box` could be: in the key's row to its right, or just below it.
    static func follows(_ box: Rect, _ keys: [ScoredBox]) -> Double {
        var best = 0.0
        for key in keys {
            let k = key.box, height = max(min(k.height, k.width), 1e-6)
            let overlap = min(box.maxY, k.maxY) - max(box.minY, k.minY)
            let sameRow = overlap > 0.5 * min(box.height, k.height) && box.minX >= k.midX
            let below = box.minY >= k.midY && box.minY - k.maxY < 2.5 * height
                && box.maxX > k.minX - height && box.minX < k.maxX + height
            if sameRow || below { best = max(best, Double(key.score)) }
        }
        return best
    }
}
