import QZoomCore

/// What a candidate's score is made of, each part in 0...1 (see docs/answerer.md).
public struct CandidateFeatures: Sendable, Equatable {
    /// Strength of the key it was read next to (phrase match and question similarity) times how
    /// well the layout fits (same line to the right, same row, the line below); 0 without a key.
    public var key: Double = 0
    /// How well the text fits the answer type (two decimals for an amount, a valid date …).
    public var validity: Double = 0
    /// Agreement with the query's position hint (0.5 without a hint).
    public var position: Double = 0.5
    /// Mean recognizer confidence of its characters.
    public var ocr: Double = 0
    /// MiniLM similarity of its line(s) to the question, rescaled (0 without an encoder).
    public var similarity: Double = 0
    /// Text queries: how well the lines fit the query's cues and hold together as one value.
    public var cue: Double = 0
    /// Text queries: text height relative to the page's median (prominent lines name companies).
    public var prominence: Double = 0
    /// The candidate's line or label matched one of the query's `exclude` phrases.
    public var isExcluded = false
}

/// One possible answer, with where it was read and why it scored as it did.
public struct Candidate: Sendable, Equatable {
    /// As printed.
    public var value: String
    /// Normalised: a plain decimal for amounts, ISO 8601 for dates, cleaned text otherwise.
    public var normalized: String
    public var currency: String?
    /// A date that also reads another way (the template's date order decided).
    public var isAmbiguous: Bool
    /// Where the value was read, in page coordinates.
    public var box: Rect
    /// The key line it was read next to, in page coordinates.
    public var keyBox: Rect?
    /// Indices into `PageText.lines` of the lines it came from.
    public var lines: [Int]
    public var features: CandidateFeatures
    public var score: Double
}

/// The answerer's result for one query on one page.
public struct QueryAnswer: Sendable, Equatable {
    public var query: String
    /// All candidates, best first (the gate reads the best score and the margin).
    public var candidates: [Candidate]
    /// In [0, 1]: the best candidate's score, its margin over the best candidate with a different
    /// value, its key strength and its OCR confidence (docs/answerer.md).
    public var confidence: Double

    public var best: Candidate? { candidates.first }
    public var value: String? { best?.value }
    public var normalized: String? { best?.normalized }
    public var currency: String? { best?.currency }
    public var box: Rect? { best?.box }
    public var keyBox: Rect? { best?.keyBox }
    public var bestScore: Double { best?.score ?? 0 }

    /// The best score minus the score of the best candidate whose normalised value differs.
    public var margin: Double {
        guard let best else { return 0 }
        let runnerUp = candidates.dropFirst().first { $0.normalized != best.normalized }
        return best.score - (runnerUp?.score ?? 0)
    }

    /// The shape the store and the CLI keep (route, gate and timings are the engine's to fill in).
    public func answer(route: Route = .coarse) -> Answer {
        Answer(query: query, value: value, normalized: normalized, currency: currency, confidence: confidence,
               route: route, box: box)
    }
}
