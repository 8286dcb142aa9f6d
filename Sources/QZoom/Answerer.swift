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
    ///   order (from `EmbeddingSimilarity`), or nil to rely on key phrases alone. One per line: any
    ///   other count is a programming error.
    public func answer(_ query: Query, on page: PageText, similarities: [Double]? = nil) -> QueryAnswer {
        precondition(similarities.map { $0.count == page.lines.count } ?? true, "one similarity per line")
        let layout = PageLayout(page)
        let phrases = QueryPhrases(query)
        let evidence = phrases.evidence(for: layout, cosines: similarities)
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
        answer.confidence = Self.confidence(answer, type: query.type)
        return answer
    }

    /// Calibrated-ish confidence in [0, 1]: mostly how far the best candidate leads the best one with
    /// another value (a quarter of the score scale is a clear lead), partly its score as a share of
    /// what its kind of candidate can reach (a text value found without a key cannot earn the key's
    /// weight), scaled by its OCR confidence.
    static func confidence(_ answer: QueryAnswer, type: AnswerType) -> Double {
        guard let best = answer.best else { return 0 }
        if type == .region { return min(max(best.score, 0), 1) }
        let unkeyedText = type == .text && best.features.key == 0
        let share = min(max(best.score / (unkeyedText ? 1 - AnswerContext.TextWeights.key : 1), 0), 1)
        let lead = min(max(answer.margin, 0) / 0.25, 1)
        let ocr = 0.5 + 0.5 * best.features.ocr
        return min(max(ocr * (0.4 * share + 0.6 * lead), 0), 1)
    }
}
