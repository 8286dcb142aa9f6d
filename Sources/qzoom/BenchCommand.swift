import ArgumentParser
import Dispatch
import Foundation
import Ingest
import NeuralRuntime
import Overlay
import QZoom
import QZoomCore
import Raster

/// `qzoom bench --template T --labels DIR FILES...`: every engine mode on the same documents, in one run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure every engine mode on labelled documents: exact match, speed, pixels, lines read, zoom rate.",
        discussion: """
        Each file's labels are DIR/NAME.json (NAME: the file name without its extension): an object of \
        query name → expected value, as in sroie-dev's key/ folder, or the synthetic generator's truth \
        (its "fields", each with "printed"). A query counts where it has a non-empty label; over a \
        multi-page file the most confident answer counts. Values are compared after normalisation \
        (docs/engine.md); a region query (small print) counts when the text it read holds the value. \
        "lines read" is the share of the coarse pass's detected lines that were recognised (1 in full \
        mode, which reads them all).

        Every mode runs at the template's coarse budget (its own coarse_long_side, else the engine's); \
        every mode, then qzoom again at every coarse budget of --sweep (for the Pareto plot, --plot), \
        runs on a file before the next file is read, models loaded once: load from other processes \
        then falls on every run alike, and the speed ratios hold on a shared machine. The table is \
        Markdown, for docs/benchmarks.md.
        """)

    @Option(help: ArgumentHelp("The template whose queries are answered.", valueName: "name"))
    var template: String

    @Option(help: ArgumentHelp("The folder of label files.", valueName: "dir"))
    var labels: String

    @Argument(help: "The documents.")
    var files: [String]

    @Option(help: ArgumentHelp("The modes to compare, comma-separated.", valueName: "list"))
    var modes = "coarse,full,zoom,qzoom"

    @Option(help: ArgumentHelp("Coarse long sides (px) at which qzoom runs again for the plot; empty for none.", valueName: "list"))
    var sweep = ""

    @Option(help: ArgumentHelp("Write the accuracy-against-speed plot of every run here (PNG).", valueName: "file"))
    var plot: String?

    @OptionGroup var engine: EngineOptions

    func run() throws {
        let processor = try engine.makeProcessor()
        guard let template = processor.library.template(named: template) else {
            throw ValidationError("no template named \(self.template)")
        }
        let modeList = try modes.split(separator: ",").map { name in
            guard let mode = EngineMode(rawValue: String(name)) else { throw ValidationError("unknown mode \(name)") }
            return mode
        }
        let sides = try sweep.split(separator: ",").map { side in
            guard let pixels = Int(side), pixels >= 64 else { throw ValidationError("bad coarse long side \(side)") }
            return pixels
        }
        let documents = try files.map { file in
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            return (file: file, labels: try GroundTruth.labels(at: URL(fileURLWithPath: labels).appending(path: "\(name).json")))
        }

        let baseSide = processor.engine.coarseLongSide(for: template)
        var runs = modeList.map { Run(label: $0.rawValue, mode: $0, side: baseSide) }
        for side in sides where side != baseSide || !modeList.contains(.qzoom) {
            runs.append(Run(label: "qzoom@\(side)", mode: .qzoom, side: side))
        }
        // Each run reads the template at its own coarse budget.
        let processors = runs.map { run in
            var sized = template
            sized.coarseLongSide = run.side
            return EngineProcessor(engine: processor.engine, library: processor.library.replacing(sized),
                                   limits: processor.limits, mode: run.mode)
        }
        let progress = Progress(total: documents.count)
        for (index, document) in documents.enumerated() {
            progress.show(index, document.file)
            for slot in runs.indices {
                measure(processors[slot], document: document, template: template, into: &runs[slot])
            }
        }
        progress.finish()
        print(Self.table(runs, template: template, coarseSide: baseSide, documents: documents.count,
                         heads: processor.headsVersion ?? "none"))
        if let plot {
            var points: [ParetoPlot.Point] = runs.filter { $0.mode == .qzoom }.sorted { $0.side < $1.side }.map {
                ParetoPlot.Point(series: "qzoom (coarse long side)", label: "\($0.side)", x: $0.pagesPerSecond, y: $0.meanExactMatch)
            }
            for run in runs where run.mode != .qzoom {
                points.append(ParetoPlot.Point(series: run.label, label: run.label, x: run.pagesPerSecond, y: run.meanExactMatch))
            }
            try ParetoPlot.write(points, title: "\(template.name): exact match against speed, \(documents.count) documents",
                                 to: URL(fileURLWithPath: plot))
        }
    }

    struct Run {
        var label: String
        var mode: EngineMode
        var side: Int
        var right: [String: Int] = [:]
        var counted: [String: Int] = [:]
        var pages = 0
        var seconds = 0.0
        /// Wall time of each document, in the order of the documents; nil where it failed.
        var secondsPerDocument: [Double?] = []
        var megapixels = 0.0
        var zoomed = 0
        var answers = 0
        var failures = 0
        var linesDetected = 0
        var linesRead = 0

        var pagesPerSecond: Double { seconds > 0 ? Double(pages) / seconds : 0 }
        /// The median over documents of how many times faster than `full` this run read the document.
        func medianSpeedup(over full: Run) -> Double? {
            let ratios = zip(full.secondsPerDocument, secondsPerDocument).compactMap { pair -> Double? in
                guard let base = pair.0, let own = pair.1, own > 0 else { return nil }
                return base / own
            }.sorted()
            guard !ratios.isEmpty else { return nil }
            let middle = ratios.count / 2
            return ratios.count % 2 == 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2
        }
        func exactMatch(_ query: String) -> Double? {
            (counted[query] ?? 0) > 0 ? Double(right[query] ?? 0) / Double(counted[query] ?? 1) : nil
        }
        var meanExactMatch: Double {
            let values = counted.keys.compactMap(exactMatch)
            return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        }
    }

    /// Runs one document through `modeProcessor` and adds what it took and what it got right to `run`.
    func measure(_ modeProcessor: EngineProcessor, document: (file: String, labels: [String: String]), template: Template,
                 into run: inout Run) {
        let start = DispatchTime.now()
        var pages: [PageResult] = []
        var failed = false
        do {
            let opened = try modeProcessor.open(URL(fileURLWithPath: document.file), requestedTemplate: template.name)
            for page in stride(from: 1, through: opened.pageCount, by: 1) {
                pages.append(try modeProcessor.process(page: page, of: opened))
            }
        } catch {
            run.failures += 1
            failed = true
            FileHandle.standardError.write(Data("qzoom bench: \(document.file): \(error)\n".utf8))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        run.seconds += seconds
        run.secondsPerDocument.append(failed ? nil : seconds)
        run.pages += pages.count
        run.megapixels += pages.map(\.megapixels).reduce(0, +)
        run.linesDetected += pages.compactMap(\.linesDetected).reduce(0, +)
        run.linesRead += pages.compactMap(\.linesRead).reduce(0, +)
        let answers = pages.flatMap(\.answers)
        for query in template.queries {
            guard let expected = document.labels[query.name], !expected.isEmpty else { continue }
            let best = answers.filter { $0.query == query.name }.max { $0.confidence < $1.confidence }
            run.counted[query.name, default: 0] += 1
            let right = query.type == .region ? ExactMatch.regionHolds(best?.value, expected)
                : ExactMatch.matches(best?.value, expected, type: query.type, dateOrder: template.dateOrder)
            if right {
                run.right[query.name, default: 0] += 1
            }
        }
        run.answers += answers.count
        run.zoomed += answers.filter { $0.route == .zoom }.count
    }

    static func table(_ runs: [Run], template: Template, coarseSide: Int, documents: Int, heads: String) -> String {
        let queries = template.queries.map(\.name).filter { name in runs.contains { ($0.counted[name] ?? 0) > 0 } }
        let full = runs.first { $0.mode == .full }
        var lines = ["| run | " + queries.joined(separator: " | ") + " | mean EM | pages/s | × full | median × full | MP/page | lines read | zoom rate | failed |",
                     "|---" + String(repeating: "|---", count: queries.count + 8) + "|"]
        for run in runs {
            let cells = queries.map { run.exactMatch($0).map { String(format: "%.3f", $0) } ?? "–" }
            let ratio = full.map { $0.pagesPerSecond > 0 ? String(format: "%.2f×", run.pagesPerSecond / $0.pagesPerSecond) : "–" } ?? "–"
            let median = full.flatMap { run.medianSpeedup(over: $0) }.map { String(format: "%.2f×", $0) } ?? "–"
            lines.append("| \(run.label) | " + cells.joined(separator: " | ")
                + String(format: " | %.3f | %.3f | %@ | %@ | %.2f | %.2f | %.2f | %d |", run.meanExactMatch, run.pagesPerSecond, ratio, median,
                         run.pages > 0 ? run.megapixels / Double(run.pages) : 0,
                         run.linesDetected > 0 ? Double(run.linesRead) / Double(run.linesDetected) : 0,
                         run.answers > 0 ? Double(run.zoomed) / Double(run.answers) : 0, run.failures))
        }
        lines.append("")
        lines.append("\(documents) documents, template \(template.name) (coarse pass \(coarseSide) px), heads \(heads).")
        return lines.joined(separator: "\n")
    }
}
