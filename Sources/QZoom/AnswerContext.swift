import Foundation
import QZoomCore

/// Everything the candidate finders share for one query on one page: the layout, each line's
/// evidence, and the layout rules that link a value to its key.
struct AnswerContext {
    let query: Query
    let phrases: QueryPhrases
    let layout: PageLayout
    /// One per `layout.lines` position.
    let evidence: [LineEvidence]
    let dateOrder: DateOrder

    /// The key a value was read next to.
    struct KeyLink {
        /// Key strength times the layout relation, 0...1.
        var score: Double
        var keyBox: Rect
        /// The key as printed (a whole line, or the part of the value's line before or after it).
        var text: String
    }

    /// How well each layout relation between a key and a value fits, before the key's strength.
    enum Relation {
        static let sameLineAfterKey = 1.0
        static let sameRowRightOfKey = 0.92
        static let lineBelowKey = 0.75
        static let twoLinesBelowKey = 0.55
        static let sameLineBeforeKey = 0.35
    }

    /// The best key for a value at characters `range` of the line at `position`, and whether the value's
    /// own label (the text just left of it) is excluded ("CASH", "CHANGE" for a total).
    func keyLink(forValueAt position: Int, characters range: Range<Int>) -> (link: KeyLink?, labelExcluded: Bool) {
        let line = layout.lines[position]
        let valueBox = line.box(ofCharacters: range)
        var best: KeyLink?
        func consider(_ score: Double, _ box: Rect, _ text: String) {
            if score > (best?.score ?? 0) { best = KeyLink(score: score, keyBox: box, text: text) }
        }
        func text(_ range: Range<Int>) -> String { String(line.characters[range]) }
        var labelExcluded = evidence[position].isExcluded
        let hasOwnLabel = range.lowerBound > 0 && line.characters[..<range.lowerBound].contains { $0.isLetter }
        if let key = evidence[position].key, !key.range.overlaps(range) {
            let keyFirst = key.range.upperBound <= range.lowerBound
            let relation = keyFirst ? Relation.sameLineAfterKey : Relation.sameLineBeforeKey
            // The key's text runs to the value ("Total (AUD) 21.00"): a currency between them belongs to it.
            let label = keyFirst ? key.range.lowerBound..<range.lowerBound : range.upperBound..<key.range.upperBound
            consider(evidence[position].keyStrength * relation, line.box(ofCharacters: key.range), text(label))
        } else if evidence[position].key == nil, hasOwnLabel {
            // A line close to the question but without a key phrase keys the value it holds itself.
            consider(evidence[position].keyStrength * Relation.sameLineAfterKey,
                     line.box(ofCharacters: 0..<range.lowerBound), text(0..<range.lowerBound))
        }
        // Lines to the left in the same row; the nearest one with letters is the value's label (lines
        // of digits between them are other columns: "S=GST @6%:  122.00  7.30").
        let leftOfValue = layout.rowMates(position).filter { other in
            layout.lines[other].box.maxX <= valueBox.minX + 0.5 * line.height
        }.sorted { layout.lines[$0].box.maxX > layout.lines[$1].box.maxX }
        let label = leftOfValue.first { layout.lines[$0].characters.contains(where: \.isLetter) }
        if let label, !hasOwnLabel, evidence[label].isExcluded { labelExcluded = true }
        for other in leftOfValue where evidence[other].keyStrength > 0 {
            let gap = max(0, valueBox.minX - layout.lines[other].box.maxX) / max(layout.size.width, 1)
            let relation = (Relation.sameRowRightOfKey - 0.15 * min(gap, 1)) * (other == label && !hasOwnLabel ? 1 : 0.85)
            consider(evidence[other].keyStrength * relation, layout.lines[other].box, layout.lines[other].text)
        }
        // Keys above: the line above the value's line, or the one above that. Only key phrases count
        // here: a line that is merely similar to the question is more often a value line itself.
        if let above = layout.lineAbove(position) {
            if evidence[above].key != nil {
                consider(evidence[above].keyStrength * Relation.lineBelowKey, layout.lines[above].box, layout.lines[above].text)
            }
            if let second = layout.lineAbove(above), evidence[second].key != nil {
                consider(evidence[second].keyStrength * Relation.twoLinesBelowKey, layout.lines[second].box, layout.lines[second].text)
            }
        }
        return (best, labelExcluded)
    }

    /// 1 inside the query's hint, falling off with the distance (in fractions of the text area) outside it;
    /// 0.5 without a hint. Inside a region named after an edge ("top"), the score falls to 0.7
    /// towards the region's inner side, so the highest line fits "top" best.
    func positionScore(_ box: Rect) -> Double {
        guard let hint = query.hint else { return 0.5 }
        let region = hint.region
        let center = layout.relativeCenter(box)
        let dx = max(region.minX - center.x, 0, center.x - region.maxX)
        let dy = max(region.minY - center.y, 0, center.y - region.maxY)
        let outside = exp(-(dx * dx + dy * dy).squareRoot() / 0.15)
        guard let edge = hint.edge else { return outside }
        func depth(_ value: Double, _ low: Double, _ high: Double, _ direction: Double) -> Double? {
            guard direction != 0, high > low else { return nil }
            let fraction = min(max((value - low) / (high - low), 0), 1)
            return direction < 0 ? fraction : 1 - fraction
        }
        let depths = [depth(center.x, region.minX, region.maxX, edge.x), depth(center.y, region.minY, region.maxY, edge.y)]
            .compactMap { $0 }
        let inner = depths.isEmpty ? 0 : depths.reduce(0, +) / Double(depths.count)
        return outside * (1 - 0.3 * inner)
    }
}
