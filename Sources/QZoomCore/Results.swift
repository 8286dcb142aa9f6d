/// The results the engine produces and the store keeps. One shape for every engine mode.

/// How a query was answered: from the coarse pass alone, or after zooming into a region.
public enum Route: String, Codable, Sendable, CaseIterable {
    case coarse
    case zoom
}

/// The stages whose wall time is recorded, page-level and per query.
public enum Stage: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
    case render, detect, recognize, encode, gate, roi
    case fineRender = "fine_render"
    case fineDetect = "fine_detect"
    case fineRecognize = "fine_recognize"
    case answer
}

/// Milliseconds spent per stage.
public struct StageTimings: Codable, Sendable, Equatable {
    public var milliseconds: [Stage: Double]

    public init(_ milliseconds: [Stage: Double] = [:]) { self.milliseconds = milliseconds }

    public subscript(stage: Stage) -> Double {
        get { milliseconds[stage] ?? 0 }
        set { milliseconds[stage] = newValue }
    }

    public var total: Double { milliseconds.values.reduce(0, +) }

    public mutating func add(_ other: StageTimings) {
        for (stage, ms) in other.milliseconds { self[stage] += ms }
    }
}

/// The answer to one query on one page.
public struct Answer: Codable, Sendable, Equatable {
    public var query: String
    /// The value as printed on the page; nil when nothing was found.
    public var value: String?
    /// Normalised value: amounts as a plain decimal, dates as ISO 8601 when unambiguous.
    public var normalized: String?
    /// Currency of an amount (ISO 4217 code or symbol as printed), when one is known.
    public var currency: String?
    public var confidence: Double
    public var route: Route
    /// The gate's probability that the coarse view was not enough (nil in modes without a gate).
    public var gateProbability: Double?
    /// The region re-read at high resolution, in page coordinates.
    public var roi: Rect?
    /// Where the answer was read, in page coordinates.
    public var box: Rect?
    /// Pixels per page unit of the fine pass, when there was one.
    public var fineScale: Double?
    public var timings: StageTimings

    public init(query: String, value: String? = nil, normalized: String? = nil, currency: String? = nil,
                confidence: Double = 0, route: Route = .coarse, gateProbability: Double? = nil,
                roi: Rect? = nil, box: Rect? = nil, fineScale: Double? = nil, timings: StageTimings = StageTimings()) {
        self.query = query
        self.value = value
        self.normalized = normalized
        self.currency = currency
        self.confidence = confidence
        self.route = route
        self.gateProbability = gateProbability
        self.roi = roi
        self.box = box
        self.fineScale = fineScale
        self.timings = timings
    }
}

/// The results of one page: the shared coarse pass and the answers to every query.
public struct PageResult: Codable, Sendable, Equatable {
    /// Page number, from 1.
    public var page: Int
    /// Page size in page units.
    public var size: Size
    /// Pixels per page unit of the coarse pass.
    public var coarseScale: Double
    /// Megapixels rendered for this page over all passes.
    public var megapixels: Double
    /// Page-level stage timings (the coarse pass shared by all queries).
    public var timings: StageTimings
    public var answers: [Answer]
    /// Text lines the first pass detected, and how many of them it read (the engine reads the most
    /// relevant first and stops when every answer is confident).
    public var linesDetected: Int?
    public var linesRead: Int?

    public init(page: Int, size: Size, coarseScale: Double, megapixels: Double,
                timings: StageTimings, answers: [Answer], linesDetected: Int? = nil, linesRead: Int? = nil) {
        self.linesDetected = linesDetected
        self.linesRead = linesRead
        self.page = page
        self.size = size
        self.coarseScale = coarseScale
        self.megapixels = megapixels
        self.timings = timings
        self.answers = answers
    }
}
