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

    /// A query with a position hint needs no more reading when no unread line scores above this (as
    /// relevant as any line is to a query without a hint): its region and the lines next to its keys
    /// are read.
    static let exhaustedBelow = 0.5

    /// The relevance of each unread line of `pass` (in `pass.unread` order) to each query.
    /// `evidence[i]` are the read lines that key `queries[i]` (`Engine.evidence`); `relevance[i]`, when
    /// there is a RoI head, its relevance of every detected line to `queries[i]`.
    static func scores(_ pass: CoarsePass, queries: [Query], evidence: [[ScoredBox]], relevance: [[Double]?]) -> [[Double]] {
        let area = pass.textArea ?? Rect(origin: Point(x: 0, y: 0), size: pass.info.size)
        return queries.indices.map { index in
            pass.unread.map { position in
                let box = pass.boxes[position]
                let learned = relevance[index].map { relevanceWeight * $0[position] } ?? 0
                return hintScore(box, queries[index].hint, area) + followWeight * follows(box, evidence[index]) + learned
            }
        }
    }

    /// Whether `query` has been read enough: it has a position hint and no unread line scores above
    /// `exhaustedBelow` for it (`scores` of the query).
    static func isExhausted(_ query: Query, scores: [Double]) -> Bool {
        query.hint != nil && (scores.max() ?? 0) < exhaustedBelow
    }

    /// The unread lines of `pass`, most relevant first: by their best score over the queries (`scores`
    /// of each query still read for). Ties are read from the top of the page down.
    static func order(_ pass: CoarsePass, scores: [[Double]]) -> [Int] {
        let scored = pass.unread.enumerated().map { slot, position in
            (position: position, score: scores.map { $0[slot] }.max() ?? 0)
        }
        return scored.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            let ba = pass.boxes[a.position], bb = pass.boxes[b.position]
            return ba.midY != bb.midY ? ba.midY < bb.midY : ba.minX < bb.minX
        }.map(\.position)
    }

    /// 1 inside the hinted region of the text area, falling off outside it; 0.5 without a hint.
    static func hintScore(_ box: Rect, _ hint: PositionHint?, _ area: Rect) -> Double {
        guard let hint, area.width > 0, area.height > 0 else { return 0.5 }
        let x = (box.midX - area.minX) / area.width, y = (box.midY - area.minY) / area.height
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
