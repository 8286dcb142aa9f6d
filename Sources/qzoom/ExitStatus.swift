import ArgumentParser
import Foundation
import QZoomCore
import Raster

/// Exit statuses of qzoom's commands, stable so that scripts can act on them.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    case failure = 1
    case notFound = 10
    case unreadable = 11
    case unsupportedType = 12
    case corrupt = 13
    case encrypted = 14
    case noPages = 15
    case tooManyPages = 16
    case tooManyPixels = 17
    case pageOutOfRange = 18
    case invalidRegion = 19
    case cannotWriteOutput = 20
    case timedOut = 21
    /// swift-argument-parser's status for bad options.
    case usage = 64

    init(_ error: InputError) {
        self = switch error {
        case .notFound: .notFound
        case .unreadable: .unreadable
        case .unsupportedType: .unsupportedType
        case .corrupt: .corrupt
        case .encrypted: .encrypted
        case .noPages: .noPages
        case .tooManyPages: .tooManyPages
        case .tooManyPixels: .tooManyPixels
        case .pageOutOfRange: .pageOutOfRange
        case .invalidRegion: .invalidRegion
        }
    }

    var meaning: String {
        switch self {
        case .success: "done"
        case .failure: "an unexpected failure"
        case .notFound: "the input file does not exist"
        case .unreadable: "the input file cannot be read (permissions, a directory, I/O)"
        case .unsupportedType: "not a PDF, TIFF, PNG or JPEG, or a variant qzoom cannot decode"
        case .corrupt: "the file is empty, truncated or damaged"
        case .encrypted: "the PDF needs a password"
        case .noPages: "the document has no pages"
        case .tooManyPages: "the document has more pages than --max-pages"
        case .tooManyPixels: "a render or a decoded page would exceed --max-pixels"
        case .pageOutOfRange: "the page does not exist"
        case .invalidRegion: "the region or scale is not valid for the page"
        case .cannotWriteOutput: "the output file cannot be written"
        case .timedOut: "the file took longer than --timeout"
        case .usage: "bad command-line options"
        }
    }

    /// The table shown in --help.
    static var helpTable: String {
        "Exit status:\n" + allCases.map { "  \(String($0.rawValue).padding(toLength: 4, withPad: " ", startingAt: 0)) \($0.meaning)" }
            .joined(separator: "\n")
    }
}

/// Runs a command's body; a bad input file or a failed write becomes one line on stderr and its
/// exit status, instead of a stack of messages.
func reportingFailures(file: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as InputError {
        // Some descriptions name the file already, as given or as an absolute path.
        let message = error.description
        let named = message.contains(file) || message.contains(URL(fileURLWithPath: file).path)
        throw fail(named ? nil : file, message, .init(error))
    } catch let error as ImageWriteError {
        throw fail(nil, error.description, .cannotWriteOutput)
    }
}

private func fail(_ file: String?, _ message: String, _ status: ExitStatus) -> ExitCode {
    let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    let line = "qzoom: " + (file.map { "\($0): " } ?? "") + oneLine + "\n"
    FileHandle.standardError.write(Data(line.utf8))
    return ExitCode(status.rawValue)
}
