/// What one line says about one query: does it hold a key, is it ruled out, does it carry the
/// query's cues, and how close is it to the question.
struct LineEvidence {
    /// The best key phrase match; its score already includes the phrase's priority.
    var key: PhraseMatch?
    /// 0...1: how strongly this line acts as the query's key (phrase match and question similarity).
    var keyStrength: Double = 0
    /// An `exclude` phrase matched and no longer key phrase overrides it.
    var isExcluded = false
    /// Every cue phrase found in the line; scores include the cue's priority (earlier cues weigh more).
    var cues: [PhraseMatch] = []
    /// MiniLM similarity to the question rescaled to 0...1 (0 without an encoder).
    var similarity: Double = 0
}

/// A query's phrases, prepared once, and the rules that turn matches into line evidence.
struct QueryPhrases {
    let keys: [MatchText]
    let cues: [MatchText]
    let exclude: [MatchText]
    let stop: [MatchText]

    init(_ query: Query) {
        keys = query.keys.map { MatchText(phrase: $0) }
        cues = query.cues.map { MatchText(phrase: $0) }
        exclude = query.exclude.map { MatchText(phrase: $0) }
        stop = query.stop.map { MatchText(phrase: $0) }
    }

    /// The evidence of every line of `layout`, in its order; lines from the first stop phrase down
    /// are excluded.
    func evidence(for layout: PageLayout, cosines: [Double]?) -> [LineEvidence] {
        var evidence = layout.lines.map { self.evidence(for: $0, cosine: cosines?[$0.index]) }
        let stopLine = layout.lines.first { line in stop.contains { PhraseMatcher.match($0, in: line.matchText) != nil } }
        if let stopLine {
            for (position, line) in layout.lines.enumerated() where line.box.midY >= stopLine.box.minY {
                evidence[position] = LineEvidence(similarity: evidence[position].similarity)
                evidence[position].isExcluded = true
            }
        }
        return evidence
    }

    /// MiniLM cosine similarities of a question and unrelated receipt lines reach 0.3 (and an odd
    /// line 0.5), of a question and its key line 0.45–0.75; this maps 0.25...0.7 onto 0...1.
    static func rescaledSimilarity(_ cosine: Double) -> Double {
        min(max((cosine - 0.25) / 0.45, 0), 1)
    }

    /// Each key (or cue) phrase is worth a little less than the one before it, so that the order of
    /// `keys` says which label wins when several are printed ("total rounded" before "total").
    static func priority(ofKeyAt index: Int) -> Double { max(0.6, 1 - 0.02 * Double(index)) }

    func evidence(for line: PageLayout.Line, cosine: Double?) -> LineEvidence {
        var evidence = LineEvidence()
        evidence.similarity = cosine.map(Self.rescaledSimilarity) ?? 0
        let keyMatches = keys.enumerated().compactMap { index, key in
            PhraseMatcher.match(key, in: line.matchText).map { (index: index, match: $0) }
        }
        if let best = keyMatches.max(by: { a, b in
            let sa = a.match.score * Self.priority(ofKeyAt: a.index), sb = b.match.score * Self.priority(ofKeyAt: b.index)
            return sa != sb ? sa < sb : a.match.range.count < b.match.range.count
        }) {
            var match = best.match
            match.score *= Self.priority(ofKeyAt: best.index)
            evidence.key = match
        }
        // An excluded phrase rules the line out unless a key match covers it: "TAX TOTAL" and
        // "TOTAL QTY" are out although they hold the key "total"; "TOTAL INCLUSIVE OF GST" stays in
        // although it holds an excluded "gst", because the key "inclusive of gst" covers it.
        evidence.isExcluded = exclude.contains { phrase in
            guard let excluded = PhraseMatcher.match(phrase, in: line.matchText) else { return false }
            return !keyMatches.contains { $0.match.range.lowerBound <= excluded.range.lowerBound
                && $0.match.range.upperBound >= excluded.range.upperBound }
        }
        for (index, cue) in cues.enumerated() {
            guard var match = PhraseMatcher.match(cue, in: line.matchText) else { continue }
            match.score *= Self.priority(ofKeyAt: index)
            evidence.cues.append(match)
        }
        if evidence.isExcluded {
            evidence.key = nil
        } else if let key = evidence.key {
            evidence.keyStrength = 0.85 * key.score + 0.15 * evidence.similarity
        } else {
            // Without a phrase, only a line very close to the question acts as a (weak) key.
            evidence.keyStrength = evidence.similarity >= 0.6 ? 0.5 * evidence.similarity : 0
        }
        return evidence
    }
}
