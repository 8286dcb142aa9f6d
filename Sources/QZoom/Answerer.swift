/// Answers one query from a page's text lines (docs/answerer.md): it finds key lines by phrase
/// matching and MiniLM similarity to the question, extracts candidates of the query's type, scores
/// them by layout, validity, position and OCR confidence, and ranks them.
public struct Answerer: Sendable {
    /// How to read dates whose day and month could be swapped.
    public var dateOrder: DateOrder

    public init(dateOrder: DateOrder = .dayMonthYear) {
        self.dateOrder = dateOrder
    }

    /// - Parameter similarities: the cosine similarity of the question to each of `page.lines`, in
    ///   order (from `EmbeddingSimilarity`), or nil to rely on key phrases alone.
    public func answer(_ query: Query, on page: PageText, similarities: [Double]? = nil) -> QueryAnswer {
        let layout = PageLayout(page)
        let phrases = QueryPhrases(query)
        let usable = similarities.flatMap { $0.count == page.lines.count ? $0 : nil }
        let evidence = layout.lines.map { phrases.evidence(for: $0, cosine: usable?[$0.index]) }
        let context = AnswerContext(query: query, phrases: phrases, layout: layout, evidence: evidence, dateOrder: dateOrder)
        let candidates: [Candidate] = switch query.type {
        case .amount, .date, .integer, .id: context.fieldCandidates()
        case .text: context.textCandidates()
        case .region: context.regionCandidates()
        }
        let ranked = candidates.sorted { a, b in
            a.score != b.score ? a.score > b.score : a.box.minY < b.box.minY
        }
        var answer = QueryAnswer(query: query.name, candidates: ranked, confidence: 0)
        answer.confidence = Self.confidence(answer, queryHasKeys: !query.keys.isEmpty, type: query.type)
        return answer
    }

    /// Calibrated-ish confidence in [0, 1]: the best score (already 0...1 for a good answer), scaled
    /// by how far it leads the best candidate with another value, by its OCR confidence, and down
    /// when the query has keys but the answer was read next to none.
    static func confidence(_ answer: QueryAnswer, queryHasKeys: Bool, type: AnswerType) -> Double {
        guard let best = answer.best else { return 0 }
        if type == .region { return min(max(best.score, 0), 1) }
        let score = min(max(best.score, 0), 1)
        let lead = 0.4 + 0.6 * min(max(answer.margin, 0) / 0.25, 1)
        let ocr = 0.5 + 0.5 * best.features.ocr
        let keyed = queryHasKeys && best.features.key == 0 ? 0.7 : 1
        return min(max(score * lead * ocr * keyed, 0), 1)
    }
}
