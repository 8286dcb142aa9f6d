import QZoomCore

/// Candidates for text queries (a line or block of lines next to a key, or where the cues and the
/// position hint point without one; only text made mostly of letters, `TextCleaning.isWordy`) and
/// for region queries (every line inside the hint).
extension AnswerContext {
    enum TextWeights {
        static let key = 0.35
        static let cue = 0.26
        static let position = 0.16
        static let prominence = 0.10
        static let similarity = 0.06
        static let ocr = 0.04
        static let validity = 0.03
    }

    /// A line, or the part of a key's line after the key.
    struct Piece: Equatable {
        var position: Int
        var characters: Range<Int>?
    }

    func textCandidates() -> [Candidate] {
        var best: [[Int]: Candidate] = [:]
        func keep(_ candidate: Candidate) {
            guard TextCleaning.isWordy(candidate.value) else { return }
            if candidate.score > best[candidate.lines]?.score ?? -.infinity { best[candidate.lines] = candidate }
        }
        // Keyed: the rest of the key's line, the line to its right, or the line below it, grown downwards.
        for (position, line) in layout.lines.enumerated() {
            guard let key = evidence[position].key, evidence[position].keyStrength >= 0.3 else { continue }
            let strength = evidence[position].keyStrength
            let keyBox = line.box(ofCharacters: key.range)
            var restStart = key.range.upperBound
            while restStart < line.characters.count, !(line.characters[restStart].isLetter || line.characters[restStart].isNumber) {
                restStart += 1
            }
            var starts: [(Piece, Double)] = []
            if restStart < line.characters.count {
                starts.append((Piece(position: position, characters: restStart..<line.characters.count), Relation.sameLineAfterKey))
            }
            if let right = nearestRight(of: position) { starts.append((Piece(position: right), Relation.sameRowRightOfKey)) }
            if let below = layout.lineBelow(position) { starts.append((Piece(position: below), Relation.lineBelowKey)) }
            for (piece, relation) in starts where !evidence[piece.position].isExcluded {
                keep(candidate(grown(from: piece, upwards: false), anchor: piece.position, keyScore: strength * relation,
                               keyBox: keyBox))
            }
        }
        // Without a key: every line can anchor a value, grown upwards and downwards; a block's anchor
        // must carry a cue (else any line above an address would anchor the address).
        for position in layout.lines.indices where evidence[position].key == nil && !evidence[position].isExcluded
            && (!query.isBlock || cueStrength(position) > 0) {
            keep(candidate(grown(from: Piece(position: position), upwards: true), anchor: position, keyScore: 0,
                           keyBox: nil))
        }
        return Array(best.values)
    }

    /// The region query's single candidate: the lines whose centre lies inside the hint, in reading order.
    func regionCandidates() -> [Candidate] {
        guard let hint = query.hint else { return [] }
        let region = hint.pageRegion(in: layout.size)
        let inside = layout.lines.filter { region.contains($0.box.center) }
        guard let first = inside.first else { return [] }
        let text = inside.map(\.text).joined(separator: " ")
        let characters = inside.map(\.characters.count).reduce(0, +)
        let ocr = inside.map { $0.confidence(ofCharacters: 0..<$0.characters.count) * Double($0.characters.count) }
            .reduce(0, +) / Double(max(characters, 1))
        var features = CandidateFeatures()
        features.position = 1
        features.validity = 1
        features.ocr = ocr
        let box = inside.dropFirst().reduce(first.box) { $0.union($1.box) }
        return [Candidate(value: text, normalized: TextCleaning.collapsed(text), currency: nil, isAmbiguous: false,
                          box: box, keyBox: nil, lines: inside.map(\.index), features: features, score: ocr)]
    }

    /// The anchor and the neighbouring lines that join it, top to bottom, up to `maxLines`. Below and
    /// then above, the run of lines whose summed join values is largest joins (so one weak line between
    /// two address lines does not cut the block), when that sum is positive.
    private func grown(from anchor: Piece, upwards: Bool) -> [Piece] {
        var pieces = [anchor]
        for downwards in upwards ? [true, false] : [true] {
            var run: [Int] = [], sum = 0.0, best = (count: 0, sum: 0.0)
            var edge = anchor.position
            while pieces.count + run.count < query.maxLines,
                  let next = downwards ? layout.lineBelow(edge) : layout.lineAbove(edge),
                  !pieces.contains(where: { $0.position == next }), !run.contains(next),
                  let value = downwards ? joinValue(upper: edge, lower: next, adding: next, below: true)
                                        : joinValue(upper: next, lower: edge, adding: next, below: false) {
                run.append(next)
                sum += value
                if sum > best.sum { best = (run.count, sum) }
                edge = next
            }
            let joined = run.prefix(best.count).map { Piece(position: $0) }
            pieces = downwards ? pieces + joined : joined.reversed() + pieces
        }
        return pieces
    }

    /// How much joining line `adding` (`upper` or `lower`) to the span helps; nil when it may not join
    /// (excluded, a key, or of another text size or far away). A block joins every line by its fit
    /// (its cue, or −0.35 without one; +0.5 for a short line of words tight under the block) plus 0.5 when
    /// the text continues (`upper` ends with `,` `&` `-` `/` or an open parenthesis). A wrapped phrase joins only where the text continues, which for a
    /// phrase also includes a `lower` line that starts with a cue or is little more than cues
    /// ("… HARDWARE" / "ENTERPRISE …", "PASARAYA BORONG PINTAR" / "SDN BHD").
    private func joinValue(upper: Int, lower: Int, adding: Int, below: Bool) -> Double? {
        guard !evidence[adding].isExcluded, evidence[adding].key == nil else { return nil }
        let top = layout.lines[upper], bottom = layout.lines[lower]
        guard max(top.height, bottom.height) / min(top.height, bottom.height) <= 1.6,
              bottom.box.minY - top.box.maxY <= 1.2 * max(top.height, bottom.height) else { return nil }
        let fit = lineFit(adding)
        if query.isBlock {
            // A short line without digits right under a block (no further from it than its lines are
            // from each other) is its town, state or country ("SELANGOR").
            let height = max(top.height, bottom.height)
            let blockGap = layout.lineAbove(upper).map { top.box.minY - layout.lines[$0].box.maxY } ?? 0
            let tight = bottom.box.minY - top.box.maxY <= max(0.5 * height, blockGap + 0.3 * height)
            let trailing = below && tight && fit < 0 && isShortWordsOnly(adding) ? 0.5 : 0
            return fit + trailing + (TextCleaning.continues(top.text, into: bottom.text) ? 0.5 : 0)
        }
        let continues = TextCleaning.continues(top.text, into: bottom.text) || isLittleMoreThanCues(lower)
            || startsWithCue(lower)
        return continues ? 0.5 + min(fit, 0) : -1
    }

    /// A line's cue strength, or a penalty without a cue (more without letters). A line that is only
    /// a parenthesised number ("(81109-A)") is a registration number, whatever its cues.
    private func lineFit(_ position: Int) -> Double {
        let line = layout.lines[position]
        if TextCleaning.isParenthesisedIdentifier(line.text) { return -0.6 }
        let cue = cueStrength(position)
        if cue > 0 { return cue }
        return line.characters.contains(where: \.isLetter) ? -0.35 : -0.6
    }

    /// No digits and at most four words of two letters or more ("KLANG SELANGOR D. E, MALAYSIA").
    private func isShortWordsOnly(_ position: Int) -> Bool {
        let line = layout.lines[position]
        return !line.characters.contains(where: \.isNumber)
            && line.text.split(whereSeparator: \.isWhitespace).filter { $0.filter(\.isLetter).count >= 2 }.count <= 4
    }

    /// The best cue match of a line, earlier cues weighing more (as for keys). A parenthesised
    /// reference has none: its digits are a registration number, not a postcode.
    private func cueStrength(_ position: Int) -> Double {
        if TextCleaning.isParenthesisedIdentifier(layout.lines[position].text) { return 0 }
        return evidence[position].cues.map { $0.score }.max() ?? 0
    }

    /// A candidate made of `pieces`, scored by the line it grew from (its cue, position and prominence)
    /// and by the key it was read next to.
    private func candidate(_ pieces: [Piece], anchor: Int, keyScore: Double, keyBox: Rect?) -> Candidate {
        let lines = pieces.map { layout.lines[$0.position] }
        let ranges = pieces.map { piece in piece.characters ?? 0..<layout.lines[piece.position].characters.count }
        let texts = zip(lines, ranges).map { line, range in String(line.characters[range]) }
        let value = TextCleaning.trimmed(texts.joined(separator: " "))
        let cleaned = query.dropsIdentifiers ? TextCleaning.droppingIdentifiers(value, cues: phrases.cues) : value
        let count = Double(lines.count)
        var features = CandidateFeatures()
        features.key = keyScore
        let anchorLine = layout.lines[anchor]
        // A block is as strong as its cue lines together (an address of three street lines beats a
        // product called "JALAN JALAN"); a phrase as its anchor line.
        features.cue = query.isBlock ? min(1, pieces.map { cueStrength($0.position) }.reduce(0, +) / 2) : cueStrength(anchor)
        features.position = positionScore(anchorLine.box)
        let heightRatio = anchorLine.height / layout.medianHeight
        features.prominence = min(max((heightRatio - 0.8) / 1.2, 0), 1)
        features.ocr = zip(lines, ranges).map { $0.confidence(ofCharacters: $1) }.reduce(0, +) / count
        features.similarity = pieces.map { evidence[$0.position].similarity }.reduce(0, +) / count
        features.validity = TextCleaning.letterShare(cleaned)
        let score = TextWeights.key * features.key + TextWeights.cue * features.cue
            + TextWeights.position * features.position + TextWeights.prominence * features.prominence
            + TextWeights.similarity * features.similarity + TextWeights.ocr * features.ocr
            + TextWeights.validity * features.validity
        let box = zip(lines, ranges).map { $0.box(ofCharacters: $1) }.reduce(nil as Rect?) { $0?.union($1) ?? $1 }
        return Candidate(value: cleaned, normalized: cleaned, currency: nil, isAmbiguous: false,
                         box: box ?? lines[0].box, keyBox: keyBox, lines: lines.map(\.index), features: features,
                         score: score)
    }

    /// True when the line's first letter or digit starts a cue match ("ENTERPRISE (SETIA" after "AIK HUAT HARDWARE").
    private func startsWithCue(_ position: Int) -> Bool {
        let line = layout.lines[position]
        guard let first = line.characters.firstIndex(where: { $0.isLetter || $0.isNumber }) else { return false }
        return evidence[position].cues.contains { $0.range.lowerBound == first }
    }

    /// True when at most three letters or digits of the line are outside its cue matches ("CO. (M) SDN BHD").
    private func isLittleMoreThanCues(_ position: Int) -> Bool {
        let cues = evidence[position].cues
        guard !cues.isEmpty else { return false }
        let line = layout.lines[position]
        let outside = line.characters.indices.filter { index in
            (line.characters[index].isLetter || line.characters[index].isNumber) && !cues.contains { $0.range.contains(index) }
        }
        return outside.count <= 3
    }

    /// The nearest line to the right of `position` in the same row.
    private func nearestRight(of position: Int) -> Int? {
        let line = layout.lines[position]
        return layout.rowMates(position).filter { layout.lines[$0].box.minX >= line.box.maxX - 0.5 * line.height }
            .min { layout.lines[$0].box.minX < layout.lines[$1].box.minX }
    }
}
