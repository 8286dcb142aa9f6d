import Foundation
import Perception
import QZoomCore
import Raster

/// The one coarse look at a page that every query shares: the page rendered small, its text lines
/// detected and cut out, and those of them read so far. Lines are read in rounds, most relevant first
/// (`Engine.readRelevantLines`), because recognizing a line costs the same at any resolution: the
/// savings of a small render stop at the detector unless fewer lines are read. For the same reason a
/// scan's lines are cut from its own pixels by default (`pagePixels`): only the detector is coarse.
public struct CoarsePass: Sendable {
    public let page: Int
    public let info: PageInfo
    /// Pixels per page unit of the detector's input.
    public let scale: Double
    public let detected: DetectedLines
    /// Each detected line's bounding box, page coordinates, in detection order.
    public let boxes: [Rect]
    /// The box around every detected line, read or not: where the page's text lies. Position hints are
    /// scored against it, so that an answer does not move with how much of the page has been read.
    public let textArea: Rect?
    /// The line read at each detected position: nil when not read yet or when it read as nothing.
    public private(set) var lines: [TextLine?]
    public private(set) var isRead: [Bool]
    public var timings: OCRTimings { detected.timings.adding(reading) }
    private var reading = OCRTimings()

    /// Renders and detects; reads nothing yet. The render has `longSide` pixels on its long side, or the
    /// scan's own pixels when it has fewer (a coarse pass never enlarges). `pagePixels`: a scan's lines
    /// are cut from its own pixels (a PDF's always from the coarse render); else from the coarse render.
    /// `cellFeatures`: keep the detector's neck map, which the RoI head and its training read.
    init(ocr: OCRPipeline, source: PageSource, page: Int, longSide: Int, pagePixels: Bool, cellFeatures: Bool) throws {
        self.page = page
        info = try source.info(page: page)
        var renderScale = Double(longSide) / max(info.size.width, info.size.height, 1e-9)
        if info.unit == .pixel { renderScale = min(renderScale, 1) }
        detected = try ocr.detect(source, page: page, budget: .scale(renderScale), cropFromPagePixels: pagePixels,
                                  features: cellFeatures ? [.neckQuarter] : [])
        scale = detected.detectionImage.scaleX
        boxes = detected.boxes
        let placed = boxes.filter(\.isFinite)
        textArea = placed.dropFirst().reduce(placed.first) { $0?.union($1) }
        lines = Array(repeating: nil, count: boxes.count)
        isRead = Array(repeating: false, count: boxes.count)
    }

    /// True when the lines were read from a scan's own pixels: a fine pass can detect them better but
    /// not give the recognizer more detail.
    public var readsPagePixels: Bool { info.unit == .pixel && detected.cropSource.scaleX >= 0.999 }

    public var unread: [Int] { boxes.indices.filter { !isRead[$0] } }
    public var readCount: Int { isRead.lazy.filter { $0 }.count }

    /// The lines read so far, in reading order.
    public var readLines: [TextLine] {
        let read = lines.compactMap { $0 }
        return ReadingOrder.order(read.map(\.box)).map { read[$0] }
    }

    mutating func read(_ positions: [Int], with ocr: OCRPipeline) throws {
        let fresh = positions.filter { !isRead[$0] }
        let results = try ocr.recognize(fresh, of: detected, timings: &reading)
        for (position, line) in zip(fresh, results) {
            lines[position] = line
            isRead[position] = true
        }
    }

    /// The height in coarse pixels of the smallest line `best` was read from (small print beside larger
    /// lines counts as small), else of the page's median line: what the gate reads as text height (how
    /// well the detector saw it).
    func textHeight(of best: Candidate?, lines: [TextLine]) -> Double {
        let own = best.flatMap { b in b.lines.filter(lines.indices.contains).map { lines[$0].box.height }.min() }
        return (own ?? medianLineHeight() ?? 0) * scale
    }

    /// Median height, page units, of the detected lines that overlap `region` (all lines when none do).
    func medianLineHeight(in region: Rect? = nil) -> Double? {
        let inside = region.map { r in boxes.filter { $0.intersection(r).map { !$0.isEmpty } ?? false } } ?? boxes
        let heights = (inside.isEmpty ? boxes : inside).map { min($0.width, $0.height) }.sorted()
        return heights.isEmpty ? nil : heights[heights.count / 2]
    }
}

extension OCRTimings {
    func adding(_ other: OCRTimings) -> OCRTimings {
        var sum = self
        sum.render += other.render
        sum.detect += other.detect
        sum.postprocess += other.postprocess
        sum.crop += other.crop
        sum.classify += other.classify
        sum.recognize += other.recognize
        return sum
    }
}
