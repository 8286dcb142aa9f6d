import Foundation
import Perception
import TOMLKit

/// How the engine spends pixels on a page. Every mode produces the same result shape.
public enum EngineMode: String, Sendable, CaseIterable, Codable {
    /// The coarse pass only: never zoom.
    case coarse
    /// The whole page at the high budget, every line read: the paper's baseline.
    case full
    /// The RoI path for every query (SD-RPN without a gate).
    case zoom
    /// Gated: zoom only the queries the gate sends to the fine pass.
    case qzoom
}

/// The engine's budgets and thresholds (`[engine]` in qzoom.toml; docs/engine.md).
public struct EngineConfiguration: Sendable, Equatable {
    public var mode: EngineMode = .qzoom
    /// The coarse pass renders the whole page with this many pixels on its long side.
    public var coarseLongSide = 1024
    /// The coarse pass cuts a scan's lines from the scan's own pixels, not from its small render:
    /// a line costs the same to recognize at any resolution, so only the detector need be coarse.
    /// (A PDF's coarse lines always come from the coarse render.)
    public var coarsePagePixels = true
    /// The budget of `full` mode: rapidocr's, from the page's own pixels (a PDF as a 300-dpi scan).
    public var fullBudget: PixelBudget = .rapidOCR
    /// The fine pass renders its region so that the text lines the coarse pass saw there are this many
    /// pixels high (line boxes, a little taller than the text). The recognizer reads lines 48 px high
    /// whatever the render; the detector finds 32-px lines as well as 40-px ones, in 0.64 of the pixels
    /// (docs/benchmarks.md, "32-px fine lines").
    public var fineLineHeight = 32.0
    /// The fine pass never renders a PDF finer than this; a scan, never finer than its own pixels.
    public var maximumPDFDotsPerInch = 600.0
    /// The most pixels one fine render may have.
    public var maximumFinePixels = 16_000_000
    /// The coarse pass reads lines in rounds of this many, most relevant first.
    public var readBatch = 8
    /// Stop reading coarse lines once every query's answer has at least this confidence.
    public var stopConfidence = 0.8
    /// false: the coarse pass reads every line it detects.
    public var earlyStop = true
    /// Without a trained gate: refine when the coarse answer's confidence is under this.
    public var ruleGateConfidence = 0.6
    /// Without a trained gate: refine when the answer's text is lower than this many coarse pixels.
    public var minimumReadableHeight = 12.0
    /// τ_gate, τ_roi and τ_read for every query without its own (nil: the trained heads' values).
    public var gateThreshold: Double?
    public var roiThreshold: Double?
    public var readingThreshold: Double?

    public init() {}
}

/// A bad value in the `[engine]` table: the key and why.
public struct EngineConfigurationError: Error, Equatable, CustomStringConvertible {
    public var key: String
    public var reason: String
    public var description: String { "engine.\(key): \(reason)" }
}

extension EngineConfiguration {
    /// The keys of `[engine]` besides the paths (`models`, `templates`, `heads`), which the caller reads.
    public static let pathKeys: Set<String> = ["models", "templates", "heads"]

    /// Reads an `[engine]` table over the defaults; every key is checked, an unknown one is an error.
    public init(table: TOMLTable) throws(EngineConfigurationError) {
        self.init()
        for key in table.keys.sorted() where !Self.pathKeys.contains(key) {
            guard let value = table[key] else { continue }
            func number(_ range: ClosedRange<Double>) throws(EngineConfigurationError) -> Double {
                guard let x = value.double ?? value.int.map(Double.init) else {
                    throw EngineConfigurationError(key: key, reason: "must be a number")
                }
                guard range.contains(x) else {
                    throw EngineConfigurationError(key: key, reason: "must be between \(range.lowerBound) and \(range.upperBound) (got \(x))")
                }
                return x
            }
            func integer(_ range: ClosedRange<Int>) throws(EngineConfigurationError) -> Int {
                guard let x = value.int else { throw EngineConfigurationError(key: key, reason: "must be an integer") }
                guard range.contains(x) else {
                    throw EngineConfigurationError(key: key, reason: "must be between \(range.lowerBound) and \(range.upperBound) (got \(x))")
                }
                return x
            }
            func flag() throws(EngineConfigurationError) -> Bool {
                guard let flag = value.bool else { throw EngineConfigurationError(key: key, reason: "must be true or false") }
                return flag
            }
            switch key {
            case "mode":
                guard let name = value.string, let mode = EngineMode(rawValue: name) else {
                    throw EngineConfigurationError(key: key, reason: "must be one of \(EngineMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                self.mode = mode
            case "coarse_long_side": coarseLongSide = try integer(64...8192)
            case "full_long_side": fullBudget = .longSide(try integer(64...20_000))
            case "fine_line_height": fineLineHeight = try number(16...96)
            case "max_pdf_dpi": maximumPDFDotsPerInch = try number(72...1200)
            case "max_fine_pixels": maximumFinePixels = try integer(100_000...100_000_000)
            case "read_batch": readBatch = try integer(1...256)
            case "stop_confidence": stopConfidence = try number(0...1)
            case "early_stop": earlyStop = try flag()
            case "coarse_page_pixels": coarsePagePixels = try flag()
            case "rule_gate_confidence": ruleGateConfidence = try number(0...1)
            case "min_readable_height": minimumReadableHeight = try number(0...200)
            case "gate_threshold": gateThreshold = try number(0...1)
            case "roi_threshold": roiThreshold = try number(0...1)
            case "reading_threshold": readingThreshold = try number(0...1)
            default:
                throw EngineConfigurationError(key: key, reason: "unknown setting")
            }
        }
    }
}
