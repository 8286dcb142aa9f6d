import ArgumentParser
import Foundation
import NeuralRuntime
import Perception
import QZoom
import QZoomCore
import Raster

/// `qzoom ocr FILE [--page N] [--long-side PX | --dpi D] [--json]`: full-page OCR, models loaded once.
struct OCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocr",
        abstract: "Read all the text on a document's pages with the PP-OCR networks.",
        discussion: """
        Each page is rendered at a pixel budget; text lines are detected, cut out upright, turned when \
        upside down and recognised, and printed in reading order with their confidence. Boxes are in \
        page coordinates: PDF points for PDFs, pixels for images (as `qzoom info` reports them).

        Without --long-side or --dpi the budget is rapidocr's: from the page's own pixels (a PDF counts \
        as a 300-dpi scan), the long side at most 2000 px, then the short side at least 736 px.

        The networks are loaded once and read every page of every file. With --json each file is one \
        JSON object on its own line (JSON Lines). A file that cannot be read gets its one-line error on \
        stderr and the others are still read; the exit status is that of the last failure. --timeout \
        is per file (the run gives up after --timeout × the number of files): raise it for long \
        documents or slow machines.

        \(ExitStatus.helpTable)
        """)

    @Argument(help: "The PDF, TIFF, PNG or JPEG files.")
    var files: [String]

    @Option(help: ArgumentHelp("Read only this page, numbered from 1 (default: every page).", valueName: "n"))
    var page: Int?

    @Option(name: .customLong("long-side"),
            help: ArgumentHelp("Render each page so that its long side has this many pixels.", valueName: "px"))
    var longSide: Int?

    @Option(help: ArgumentHelp("""
        Render each page at this many dots per inch (an image by the resolution it states, 300 dpi when \
        it states none).
        """, valueName: "d"))
    var dpi: Double?

    @Flag(help: "Print one JSON object: the pages, their lines (quad, text, confidences) and stage timings.")
    var json = false

    @Option(help: ArgumentHelp("Threads for the networks (default: every core).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("""
        The folder holding the model files (default: $QZOOM_MODELS, else ./models, else the models \
        folder of the checkout the binary was built in, else /usr/local/share/qzoom/models).
        """, valueName: "dir"))
    var models: String?

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one file.") }
        if longSide != nil && dpi != nil { throw ValidationError("Give --long-side or --dpi, not both.") }
        if let longSide, longSide < 32 || longSide > 20_000 { throw ValidationError("--long-side must be 32…20000 pixels.") }
        if let dpi, !(dpi >= 10 && dpi <= 2400) { throw ValidationError("--dpi must be 10…2400.") }
        if let page, page < 1 { throw ValidationError("--page counts from 1.") }
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be 1…256.") }
    }

    var budget: PixelBudget {
        if let longSide { return .longSide(longSide) }
        if let dpi { return .dotsPerInch(dpi) }
        return .rapidOCR
    }

    func run() throws {
        limits.startClock(for: files)
        BLAS.configureThreads(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let directory = InstallLocation.models(models)
        let pipeline: OCRPipeline
        do {
            pipeline = try OCRPipeline(modelsDirectory: directory)
        } catch {
            FileHandle.standardError.write(Data("qzoom: cannot load the OCR models from \(directory.path): \(error)\n".utf8))
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        var failure: ExitCode?
        for file in files {
            do {
                try reportingFailures(file: file) {
                    let report = try read(file, with: pipeline)
                    print(json ? report.json() : report.text(), terminator: json ? "\n" : "")
                }
            } catch let code as ExitCode {
                failure = code
            }
        }
        if let failure { throw failure }
    }

    private func read(_ file: String, with pipeline: OCRPipeline) throws -> OCRReport {
        let source = try openDocument(at: URL(fileURLWithPath: file), limits: limits.limits)
        guard source.pageCount > 0 else { throw InputError.noPages }
        let pages = try page.map { number in
            guard number <= source.pageCount else { throw InputError.pageOutOfRange(page: number, count: source.pageCount) }
            return [number]
        } ?? Array(1...source.pageCount)
        var report = OCRReport(file: file, pages: [])
        for number in pages {
            let info = try source.info(page: number)
            report.pages.append(.init(page: number, info: info, result: try pipeline.read(source, page: number, budget: budget)))
        }
        return report
    }
}
