import Foundation
import Perception
import QZoomCore

/// The Q-Zoom heads the engine runs, when trained ones are installed (`heads/roi.safetensors`,
/// `heads/gate.safetensors`, `heads/reading.safetensors`, written by `qzoom train`). Without them the
/// engine falls back to rules that use the same inputs, and says so in its heads version ("rules").
public struct EngineHeads: Sendable {
    public var roi: RoIHead?
    public var gate: GateHead?
    public var reading: ReadingHead?
    public var roiManifest: HeadManifest?
    public var gateManifest: HeadManifest?
    public var readingManifest: HeadManifest?

    public static let roiFile = "roi.safetensors"
    public static let gateFile = "gate.safetensors"
    public static let readingFile = "reading.safetensors"

    public init(roi: (head: RoIHead, manifest: HeadManifest)? = nil, gate: (head: GateHead, manifest: HeadManifest)? = nil,
                reading: (head: ReadingHead, manifest: HeadManifest)? = nil) {
        self.roi = roi?.head; roiManifest = roi?.manifest
        self.gate = gate?.head; gateManifest = gate?.manifest
        self.reading = reading?.head; readingManifest = reading?.manifest
    }

    /// The heads in `directory`; a head whose file is missing is left out, a head that is there but
    /// broken is an error (a damaged install must not quietly fall back to rules).
    public static func load(directory: URL) throws(HeadError) -> EngineHeads {
        func url(_ file: String) -> URL? {
            let url = directory.appending(path: file)
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        return EngineHeads(roi: try url(roiFile).map { url throws(HeadError) in try RoIHead.load(from: url) },
                           gate: try url(gateFile).map { url throws(HeadError) in try GateHead.load(from: url) },
                           reading: try url(readingFile).map { url throws(HeadError) in try ReadingHead.load(from: url) })
    }

    /// Stored with every answer: the weights' checksums, or "rules" for a head that is not installed.
    public var version: String {
        func part(_ kind: String, _ manifest: HeadManifest?) -> String {
            "\(kind):" + (manifest.map { String($0.weightsChecksum.prefix(12)) } ?? "rules")
        }
        return [part("roi", roiManifest), part("gate", gateManifest), part("reading", readingManifest)].joined(separator: ",")
    }
}

/// The rules the engine uses for a head that is not installed.
enum HeadRules {
    /// The RoI rule: the evidence the coarse answer was read from (its box and its key's box), else the
    /// query's position hint; grown by the paper's context margin and minimum size.
    /// A `region` query's RoI is its whole hint region, grown to hold every detected line (`detected`)
    /// whose centre lies in it: its answer is all the text there, and the coarse detector may have
    /// missed the smallest print (a RoI of only the lines it found would leave those out), while the
    /// fine pass detects only inside the RoI, so a line the box cut through would be read in pieces.
    static func region(for answer: QueryAnswer, query: Query, detected: [Rect], pageSize: Size, coarseScale: Double,
                       proposal: RoIProposalConfiguration) -> Rect? {
        var evidence = answer.best.map { best in best.keyBox.map { best.box.union($0) } ?? best.box }
        if let hint = query.hint {
            let area = hint.pageRegion(in: pageSize)
            if query.type == .region {
                let inside = detected.filter { $0.isFinite && area.contains($0.center) }
                evidence = inside.reduce(area) { $0.union($1) }
            }
            if evidence == nil { evidence = area }
        }
        guard let evidence else { return nil }
        let margin = proposal.margin / coarseScale, minimum = proposal.minimumSide / coarseScale
        var box = evidence.expanded(dx: margin, dy: margin)
        if box.width < minimum { box = box.expanded(dx: (minimum - box.width) / 2, dy: 0) }
        if box.height < minimum { box = box.expanded(dx: 0, dy: (minimum - box.height) / 2) }
        return box.clamped(to: Rect(size: pageSize))
    }

    /// The gate rule: refine when the coarse answer is missing, unsure, or read from text too small for
    /// the coarse detector. The "probability" is 1 − confidence (1 when refined whatever the confidence).
    /// An unsure answer is not refined when its lines were read from a scan's own pixels
    /// (`readsPagePixels`): the fine pass would read the same pixels again.
    /// A `region` query ("read the text there") is always refined: it has no type to check the coarse
    /// reading against, and text too small for the coarse pass is often not detected there at all, so
    /// neither its confidence nor its height can tell that lines are missing. Telling that apart is
    /// what the trained gate learns.
    /// (A template's `gate` threshold is τ_gate of the trained gate; the rule has its own setting.)
    static func decide(_ answer: QueryAnswer, type: AnswerType, textHeight: Double, readsPagePixels: Bool,
                       configuration: EngineConfiguration) -> GateDecision {
        let always = textHeight < configuration.minimumReadableHeight || type == .region
        let probability = always ? 1 : Float(1 - answer.confidence)
        let unsure = answer.confidence < configuration.ruleGateConfidence && !readsPagePixels
        let refine = answer.best == nil || always || unsure
        return GateDecision(probability: probability, refine: refine)
    }
}
