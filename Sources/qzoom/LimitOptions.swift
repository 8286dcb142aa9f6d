import ArgumentParser
import Foundation
import Raster

/// The hard limits every command that opens documents accepts.
struct LimitOptions: ParsableArguments {
    @Option(name: .customLong("max-pixels"),
            help: "Refuse a render, or a raster page to decode, with more pixels than this.")
    var maxPixels: Int = RasterLimits().maxPixelsPerRender

    @Option(name: .customLong("max-pages"), help: "Refuse documents with more pages than this.")
    var maxPages: Int = RasterLimits().maxPages

    @Option(help: ArgumentHelp("Give up on the file after this many seconds (0: never).", valueName: "seconds"))
    var timeout: Double = 20

    var limits: RasterLimits { RasterLimits(maxPixelsPerRender: maxPixels, maxPages: maxPages) }

    func validate() throws {
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be positive") }
        guard maxPages > 0 else { throw ValidationError("--max-pages must be positive") }
        guard timeout.isFinite, timeout >= 0 else { throw ValidationError("--timeout must be 0 or more seconds") }
    }

    /// Starts the clock for `files`: --timeout for each of them.
    ///
    /// A few PDFs keep poppler busy for minutes or for ever (decompression bombs; function-based
    /// shadings, which its cairo backend draws very slowly), and a poppler call cannot be
    /// interrupted. So when the time is up the process prints one line and exits at once
    /// (`_exit`: the stuck thread holds poppler's locks, so no clean-up may run), and the operating
    /// system reclaims the work.
    func startClock(for files: [String]) {
        guard timeout > 0 else { return }
        let seconds = timeout * Double(files.count)
        let name = files.count == 1 ? files[0] : "\(files.count) files"
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: seconds)
            let line = "qzoom: \(name): gave up after \(seconds) s (see --timeout)\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            _exit(ExitStatus.timedOut.rawValue)
        }
    }
}
