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
        /// Multiplies the key of a value that shares its row with other strong values of its type: a
        /// row of a table ("TOTAL : 7.55 0.45" in a tax summary) rather than a labelled field.
        static let tableRowFactor = 0.8
        /// Values with at least this key take part in the repeat and order bonuses.
        static let keyedThreshold = 0.3
        static let repeatBonus = 0.04
        static let laterBonus = 0.03
    }

    func fieldCandidates() -> [Candidate] {
        var candidates: [Candidate] = []
        let tokens = layout.lines.map { TypedTokens.tokens(in: $0.text, type: query.type, dateOrder: dateOrder) }
        for (position, line) in layout.lines.enumerated() {
            let strongInRow = ([position] + layout.rowMates(position)).map { tokens[$0].filter { $0.validity >= 0.9 }.count }
                .reduce(0, +)
            for token in tokens[position] {
                let (link, labelExcluded) = keyLink(forValueAt: position, characters: token.range)
                // "Invoice total (AUD)  21,170.84": the currency is printed in the key, not by the number.
                let printedCurrency = token.currency.map { (printed: token.currencyPrinted ?? $0, code: $0) }
                    ?? link.flatMap { AmountParser.currency(in: $0.text) }
                let currency = printedCurrency?.code
                if query.reportsCurrency && currency == nil { continue }
                let box = line.box(ofCharacters: token.range)
                var features = CandidateFeatures()
                let inTableRow = strongInRow - (token.validity >= 0.9 ? 1 : 0) > 0
                features.key = (link?.score ?? 0) * (inTableRow ? FieldWeights.tableRowFactor : 1)
                features.validity = token.validity
                features.position = positionScore(box)
                features.ocr = line.confidence(ofCharacters: token.range)
                features.similarity = evidence[position].similarity
                features.isExcluded = labelExcluded
                let score = FieldWeights.key * features.key + FieldWeights.validity * features.validity
                    + FieldWeights.position * features.position + FieldWeights.ocr * features.ocr
                    + FieldWeights.similarity * features.similarity
                    - (labelExcluded ? FieldWeights.excludedPenalty : 0)
                // A currency query: the symbol or code as printed ("£"), normalised to ISO 4217 ("GBP").
                let value = query.reportsCurrency ? printedCurrency?.printed ?? "" : token.printed
                let normalized = query.reportsCurrency ? currency ?? "" : token.normalized
                candidates.append(Candidate(value: value, normalized: normalized, currency: currency,
                                            isAmbiguous: token.isAmbiguous, box: box, keyBox: link?.keyBox,
                                            lines: [line.index], features: features, score: score))
            }
        }
        return addingKeyedRepeatBonus(addingRightmostBonus(candidates))
    }

    /// A value printed under several keys ("TOTAL AMOUNT: 57.80", "TOTAL: RM 57.80") gains a little
    /// for each repeat, and among keyed values a later one gains a little over an earlier one:
    /// documents revise downwards (subtotal, total, rounded total).
    private func addingKeyedRepeatBonus(_ candidates: [Candidate]) -> [Candidate] {
        let keyed = candidates.indices.filter { candidates[$0].features.key >= FieldWeights.keyedThreshold }
        var result = candidates
        for index in keyed {
            let repeats = keyed.filter { candidates[$0].normalized == candidates[index].normalized }.count - 1
            let later = keyed.filter { candidates[$0].box.midY < candidates[index].box.midY }.count
            result[index].score += FieldWeights.repeatBonus * Double(min(repeats, 2))
                + FieldWeights.laterBonus * Double(later) / Double(max(keyed.count - 1, 1))
        }
        return result
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
