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

    /// The hint score of every line for a query without a position hint.
    static let neutralHint = 0.5

    /// A query with a position hint needs no more reading when no unread line scores above this (as
    /// relevant as any line is to a query without a hint): its region and the lines next to its keys
    /// are read.
    static let exhaustedBelow = neutralHint

    /// The relevance of each unread line of `pass` (in `pass.unread` order) to each query.
    /// `evidence[i]` are the read lines that key `queries[i]` (`Engine.evidence`).
    /// With the reading head (`priors[i]`: its relevance of every detected line to `queries[i]`), a
    /// line's score is that prior plus how strongly it follows a read key: the head has learned where
    /// answers are printed, which is what a position hint guesses. Without it, the score is the hint
    /// score plus the follow score plus, when there is a RoI head, `relevance[i]` (its map over the
    /// cells a line covers).
    /// `blocks[i]`, when `queries[i]` has a block answer, gives the lines that continue it the follow
    /// score too. A `region` query (`regions[i]`, its `regionLines`) scores 1 on the lines of its region
    /// and 0 elsewhere: its answer is exactly those lines.
    static func scores(_ pass: CoarsePass, queries: [Query], evidence: [[ScoredBox]], blocks: [Block?], regions: [Set<Int>?],
                       priors: [[Double]]?, relevance: [[Double]?]) -> [[Double]] {
        let area = pass.textArea ?? Rect(origin: Point(x: 0, y: 0), size: pass.info.size)
        return queries.indices.map { index in
            pass.unread.map { position in
                if let region = regions[index] { return region.contains(position) ? 1 : 0 }
                let box = pass.boxes[position]
                let continues = blocks[index]?.isContinued(by: box) ?? false
                let follow = followWeight * (continues ? 1 : follows(box, evidence[index]))
                if let priors { return priors[index][position] + follow }
                let learned = relevance[index].map { relevanceWeight * $0[position] } ?? 0
                return hintScore(box, queries[index].hint, area) + follow + learned
            }
        }
    }

    /// Whether `query` has been read enough (`scores` of the query's unread lines). With the reading
    /// head (its τ_read given): no unread line scores τ_read or more. Without it: with a position hint,
    /// no unread line scores above `exhaustedBelow`; without a hint, never (it is read until confident).
    static func isExhausted(_ query: Query, scores: [Double], readingThreshold: Double?) -> Bool {
        let best = scores.max() ?? 0
        if let readingThreshold { return best < readingThreshold }
        return query.hint != nil && best < exhaustedBelow
    }

    /// The detected lines (positions in `boxes`) a `region` query reads: those whose centre lies in its
    /// hint region, as its answer takes them (`TextCandidates.regionCandidates`). nil for other queries.
    /// Such a query is open while one of them is unread, however confident its answer.
    static func regionLines(_ query: Query, boxes: [Rect], pageSize: Size) -> Set<Int>? {
        guard query.type == .region, let hint = query.hint else { return nil }
        let area = hint.pageRegion(in: pageSize)
        return Set(boxes.indices.filter { boxes[$0].isFinite && area.contains(boxes[$0].center) })
    }

    /// A text answer of several lines (an address) may go on above or below what has been read of it:
    /// such a query is not finished, however confident, while a line that could continue it is unread.
    struct Block {
        var box: Rect
        var lineHeight: Double

        /// nil unless `query` takes several lines of text and `answer` has a best candidate.
        init?(query: Query, answer: QueryAnswer) {
            guard query.type == .text, query.maxLines > 1, let best = answer.best, !best.lines.isEmpty else { return nil }
            box = best.box
            lineHeight = best.box.height / Double(best.lines.count)
        }

        /// `line` overlaps the block across and lies within one and a half line heights above or below it.
        func isContinued(by line: Rect) -> Bool {
            let across = min(line.maxX, box.maxX) - max(line.minX, box.minX) > 0
            let below = line.minY - box.maxY, above = box.minY - line.maxY
            func near(_ gap: Double) -> Bool { gap > -0.5 * lineHeight && gap < 1.5 * lineHeight }
            return across && (near(below) || near(above))
        }

        func isContinued(by boxes: [Rect], unread: [Int]) -> Bool { unread.contains { isContinued(by: boxes[$0]) } }
    }

    /// The unread lines of `pass`, most relevant first: the queries still read for (`scores` of each)
    /// take turns, each its most relevant line not taken yet, so that a query whose evidence is one
    /// line is not crowded out by a query with many relevant lines. Ties are read from the top of the
    /// page down.
    static func order(boxes: [Rect], unread: [Int], scores: [[Double]]) -> [Int] {
        func above(_ a: Int, _ b: Int) -> Bool {
            let ba = boxes[unread[a]], bb = boxes[unread[b]]
            return ba.midY != bb.midY ? ba.midY < bb.midY : ba.minX < bb.minX
        }
        guard !scores.isEmpty else { return unread.indices.sorted(by: above).map { unread[$0] } }
        let ranked = scores.map { score in
            unread.indices.sorted { a, b in score[a] != score[b] ? score[a] > score[b] : above(a, b) }
        }
        var taken = Set<Int>(), order: [Int] = []
        for rank in unread.indices {
            for slots in ranked where !taken.contains(slots[rank]) {
                taken.insert(slots[rank])
                order.append(unread[slots[rank]])
            }
        }
        return order
    }

    /// 1 inside the hinted region of the text area, falling off outside it; 0.5 without a hint.
    static func hintScore(_ box: Rect, _ hint: PositionHint?, _ area: Rect) -> Double {
        guard let hint, area.width > 0, area.height > 0 else { return neutralHint }
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
