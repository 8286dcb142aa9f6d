import ArgumentParser
import Foundation
import Ingest
import NeuralRuntime
import QZoom
import QZoomCore
import Raster

/// `qzoom process FILE... [--template T] [--mode M] [--json]`: the engine on files, models loaded once.
struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Answer a template's questions on every page of the given files.",
        discussion: """
        Per page the engine makes one coarse pass (the page rendered small, its text lines detected, \
        the lines most relevant to the questions read first), then per question asks the gate whether \
        that was enough and, if not, re-reads only the region of interest at a higher resolution \
        (docs/engine.md). For every page and question it prints the value, the normalised value, the \
        confidence, the route (coarse or zoom), the gate's probability, the RoI and answer boxes (page \
        coordinates: PDF points, or pixels of an image) and the time of every stage.

        Modes: qzoom (gated, the default), coarse (never zoom), zoom (zoom every question), full (the \
        whole page at the high budget, the baseline).

        Without --template the template is chosen by the match rules of the templates folder (keywords \
        in the coarse text of page 1), else generic. A file that cannot be read is reported and the \
        others go on; the exit status is then that of the last failure.

        --config reads the [engine] table (budgets, thresholds, paths) of a qzoom.toml. --timeout is \
        per file: the run gives up after that many seconds times the number of files.

        \(ExitStatus.helpTable)
        """)

    @Argument(help: "PDF, TIFF, PNG or JPEG files.")
    var files: [String]

    @Option(help: ArgumentHelp("The template to answer (a name in the templates folder).", valueName: "name"))
    var template: String?

    @Option(help: ArgumentHelp("qzoom, coarse, zoom or full (default: the configuration's, else qzoom).", valueName: "mode"))
    var mode: EngineMode?

    @Flag(help: "Print one JSON document: per file its path, template and pages; per page its answers.")
    var json = false

    @OptionGroup var engine: EngineOptions

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one file.") }
    }

    func run() throws {
        limits.startClock(for: files)
        let processor: EngineProcessor
        do {
            processor = try engine.makeProcessor(limits: limits.limits, mode: mode)
        } catch {
            FileHandle.standardError.write(Data("qzoom: cannot set up the engine: \(error)\n".utf8))
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        if let template, processor.library.template(named: template) == nil {
            let known = processor.library.templates.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("qzoom: no template named \(template) (known: \(known))\n".utf8))
            throw ExitCode(ExitStatus.usage.rawValue)
        }

        var report = ProcessReport(mode: processor.mode.rawValue, engine: processor.engineVersion, heads: processor.headsVersion)
        var status = ExitStatus.success
        let progress = Progress(total: files.count)
        for (index, file) in files.enumerated() {
            progress.show(index, file)
            do {
                let document = try processor.open(URL(fileURLWithPath: file), requestedTemplate: template)
                var pages: [ProcessReport.Page] = []
                for page in stride(from: 1, through: document.pageCount, by: 1) {
                    pages.append(ProcessReport.Page(try processor.process(page: page, of: document)))
                }
                report.documents.append(.init(file: file, template: document.template, pages: pages))
            } catch {
                let (code, message, _) = WorkerMain.describe(error)
                FileHandle.standardError.write(Data("qzoom: \(file): \(message)\n".utf8))
                report.documents.append(.init(file: file, error: message, code: code))
                status = (error as? InputError).map(ExitStatus.init) ?? .failure
            }
        }
        progress.finish()
        print(json ? try jsonText(report) : report.text(), terminator: json ? "\n" : "")
        if status != .success { throw ExitCode(status.rawValue) }
    }
}

/// "[3/10] file" on stderr, rewritten in place, when stderr is a terminal.
struct Progress {
    let total: Int
    let enabled = isatty(2) == 1

    func show(_ done: Int, _ name: String) {
        guard enabled else { return }
        let width = 30, filled = total > 0 ? width * done / total : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(done)/\(total) \(URL(fileURLWithPath: name).lastPathComponent)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

extension EngineMode: ExpressibleByArgument {}
