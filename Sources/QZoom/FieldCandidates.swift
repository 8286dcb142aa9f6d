/// Candidates for amount, date, integer and id queries: every typed token on the page, scored by
/// the key it sits next to, its validity, the position hint, OCR confidence and question similarity.
extension AnswerContext {
    enum FieldWeights {
        static let key = 0.50
        static let validity = 0.20
        static let position = 0.10
        static let ocr = 0.10
        static let similarity = 0.10
        /// Subtracted from a value whose line or label is excluded.
        static let excludedPenalty = 0.5
        /// Added to the rightmost value of its row: tables put the value column on the right.
        static let rightmostBonus = 0.03
    }

    func fieldCandidates() -> [Candidate] {
        var candidates: [Candidate] = []
        for (position, line) in layout.lines.enumerated() {
            for token in TypedTokens.tokens(in: line.text, type: query.type, dateOrder: dateOrder) {
                let (link, labelExcluded) = keyLink(forValueAt: position, characters: token.range)
                let box = line.box(ofCharacters: token.range)
                var features = CandidateFeatures()
                features.key = link?.score ?? 0
                features.validity = token.validity
                features.position = positionScore(box)
                features.ocr = line.confidence(ofCharacters: token.range)
                features.similarity = evidence[position].similarity
                features.isExcluded = labelExcluded
                let score = FieldWeights.key * features.key + FieldWeights.validity * features.validity
                    + FieldWeights.position * features.position + FieldWeights.ocr * features.ocr
                    + FieldWeights.similarity * features.similarity
                    - (labelExcluded ? FieldWeights.excludedPenalty : 0)
                candidates.append(Candidate(value: token.printed, normalized: token.normalized, currency: token.currency,
                                            isAmbiguous: token.isAmbiguous, box: box, keyBox: link?.keyBox,
                                            lines: [line.index], features: features, score: score))
            }
        }
        return addingRightmostBonus(candidates)
    }

    /// The rightmost candidate of each row gets a small bonus, so "TOTAL 2 33.90" reads 33.90.
    private func addingRightmostBonus(_ candidates: [Candidate]) -> [Candidate] {
        var result = candidates
        for index in result.indices {
            let box = result[index].box
            let isRightmost = !candidates.contains { other in
                other.box.minX > box.maxX - 1e-9 && abs(other.box.midY - box.midY) < 0.5 * max(box.height, other.box.height)
            }
            if isRightmost { result[index].score += FieldWeights.rightmostBonus }
        }
        return result
    }
}
