import QZoomCore

/// A template: the questions to answer on every page of a kind of document, and how to recognise
/// that kind. Loaded from `config/templates/*.toml` (format in docs/templates.md).
///
/// These types live in the engine, not in QZoomCore: only the engine and the stages after it
/// (CLI, ingest) read templates, while the store keeps template and query names as plain strings.
/// Keeping them here also keeps TOMLKit out of the module every other module depends on.
public struct Template: Sendable, Equatable {
    public var name: String
    public var description: String
    /// How to read a date whose day and month could be swapped (03/04/2018).
    public var dateOrder: DateOrder
    public var match: MatchRules
    /// The long side of this template's coarse pass, when it differs from the engine's
    /// `coarse_long_side`: smaller for a template whose questions are read by the fine pass anyway
    /// (small print), so its coarse pass only has to find the text, not read it.
    public var coarseLongSide: Int?
    public var queries: [Query]

    public init(name: String, description: String = "", dateOrder: DateOrder = .dayMonthYear,
                match: MatchRules = MatchRules(), coarseLongSide: Int? = nil, queries: [Query]) {
        self.name = name
        self.description = description
        self.dateOrder = dateOrder
        self.match = match
        self.coarseLongSide = coarseLongSide
        self.queries = queries
    }

    public func query(named name: String) -> Query? { queries.first { $0.name == name } }
}

/// How a template is chosen for a document.
public struct MatchRules: Sendable, Equatable {
    /// Inbox subfolders whose files always use this template.
    public var folders: [String]
    /// Phrases looked for in the coarse text of the first page (case-insensitive, OCR-tolerant).
    public var keywords: [String]
    /// How many distinct keywords must be found for the template to match.
    public var minimumKeywords: Int
    /// The template used when no other matches.
    public var isFallback: Bool

    public init(folders: [String] = [], keywords: [String] = [], minimumKeywords: Int = 1, isFallback: Bool = false) {
        self.folders = folders
        self.keywords = keywords
        self.minimumKeywords = minimumKeywords
        self.isFallback = isFallback
    }
}

/// What kind of value a query asks for; decides how candidates are found and normalised.
public enum AnswerType: String, Sendable, CaseIterable {
    /// A sum of money: value as printed, normalised to a plain decimal, currency separate.
    case amount
    /// A calendar date, normalised to ISO 8601.
    case date
    /// Free text: the line (or block of lines) next to a key, or where the position hint says.
    case text
    /// An identifier: an alphanumeric token with at least one digit (invoice number, reference).
    case id
    /// A whole number (quantity, count).
    case integer
    /// "Read the text there": every line inside the position hint, in reading order.
    case region
}

/// One question of a template.
public struct Query: Sendable, Equatable {
    /// Unique within the template; `[a-z0-9_]+`.
    public var name: String
    /// The question as a person would ask it; embedded by MiniLM and compared with every line.
    public var question: String
    public var type: AnswerType
    /// Labels printed next to the value ("total", "invoice no"). Earlier phrases are preferred.
    public var keys: [String]
    /// Phrases found inside the value itself ("sdn bhd" in a company name, "street" in an address).
    public var cues: [String]
    /// Phrases that rule a line out, as a key and as a value ("subtotal", "tel").
    public var exclude: [String]
    /// Phrases that end the part of the page the query reads: the first line (from the top) that
    /// matches one, and every line below it, are ruled out ("gst summary" for a receipt's total).
    public var stop: [String]
    /// Where on the page the value usually is.
    public var hint: PositionHint?
    /// The most lines a text value may span.
    public var maxLines: Int
    /// Text queries: the value is a block of lines that each fit the cues (an address), rather than
    /// one phrase wrapped over lines (a long company name), which joins lines only where the text
    /// says it continues.
    public var isBlock: Bool
    /// Amount queries: answer with the amount's currency (ISO code, or the symbol as printed) rather
    /// than its number; candidates without a currency are left out.
    public var reportsCurrency: Bool
    /// Text queries: drop registration numbers and other tokens with digits printed after the name
    /// ("ACME SDN BHD (123456-X)" → "ACME SDN BHD").
    public var dropsIdentifiers: Bool
    public var thresholds: QueryThresholds

    public init(name: String, question: String, type: AnswerType, keys: [String] = [], cues: [String] = [],
                exclude: [String] = [], stop: [String] = [], hint: PositionHint? = nil, maxLines: Int = 1, isBlock: Bool = false, reportsCurrency: Bool = false, dropsIdentifiers: Bool = false,
                thresholds: QueryThresholds = QueryThresholds()) {
        self.name = name
        self.question = question
        self.type = type
        self.keys = keys
        self.cues = cues
        self.exclude = exclude
        self.stop = stop
        self.hint = hint
        self.maxLines = maxLines
        self.isBlock = isBlock
        self.reportsCurrency = reportsCurrency
        self.dropsIdentifiers = dropsIdentifiers
        self.thresholds = thresholds
    }
}

/// Per-query overrides of the engine's decision thresholds (nil: the engine's configured default).
public struct QueryThresholds: Sendable, Equatable {
    /// τ_gate: the gate's probability above which the query zooms.
    public var gate: Double?
    /// τ_roi: the relevance above which a cell belongs to the region of interest.
    public var roi: Double?
    /// The answer confidence at which the query stops reading coarse lines (`Engine.readRelevantLines`).
    public var stopConfidence: Double?

    public init(gate: Double? = nil, roi: Double? = nil, stopConfidence: Double? = nil) {
        self.gate = gate
        self.roi = roi
        self.stopConfidence = stopConfidence
    }
}

/// A region of the page, as fractions of its width and height (0 = left/top, 1 = right/bottom).
public struct PositionHint: Sendable, Equatable {
    public var region: Rect
    /// The name it was given by (`top`, `footer`, …), nil when given as four numbers.
    public var name: String?

    public init(region: Rect, name: String? = nil) {
        self.region = region
        self.name = name
    }

    /// The named region `name` (`top`, `footer`, …), nil for an unknown name.
    public init?(named name: String) {
        guard let region = Self.named[name] else { return nil }
        self.init(region: region, name: name)
    }

    /// The named regions a template may use instead of four numbers.
    public static let named: [String: Rect] = [
        "top": Rect(minX: 0, minY: 0, maxX: 1, maxY: 0.35),
        "bottom": Rect(minX: 0, minY: 0.65, maxX: 1, maxY: 1),
        "left": Rect(minX: 0, minY: 0, maxX: 0.5, maxY: 1),
        "right": Rect(minX: 0.5, minY: 0, maxX: 1, maxY: 1),
        "header": Rect(minX: 0, minY: 0, maxX: 1, maxY: 0.15),
        "footer": Rect(minX: 0, minY: 0.85, maxX: 1, maxY: 1),
        "top-left": Rect(minX: 0, minY: 0, maxX: 0.5, maxY: 0.35),
        "top-right": Rect(minX: 0.5, minY: 0, maxX: 1, maxY: 0.35),
        "bottom-left": Rect(minX: 0, minY: 0.65, maxX: 0.5, maxY: 1),
        "bottom-right": Rect(minX: 0.5, minY: 0.65, maxX: 1, maxY: 1),
        "middle": Rect(minX: 0, minY: 0.3, maxX: 1, maxY: 0.7),
    ]

    /// For a named region at an edge or corner, the direction of that edge (x and y each −1, 0 or 1):
    /// "top" means as high as possible, so within the region a higher line fits better.
    public var edge: (x: Double, y: Double)? {
        switch name {
        case "top", "header": (0, -1)
        case "bottom", "footer": (0, 1)
        case "left": (-1, 0)
        case "right": (1, 0)
        case "top-left": (-1, -1)
        case "top-right": (1, -1)
        case "bottom-left": (-1, 1)
        case "bottom-right": (1, 1)
        default: nil
        }
    }

    /// The hinted region in page coordinates.
    public func pageRegion(in pageSize: Size) -> Rect {
        Rect(x: region.x * pageSize.width, y: region.y * pageSize.height,
             width: region.width * pageSize.width, height: region.height * pageSize.height)
    }
}
