import Foundation
import QZoomCore
import Raster
import Testing

/// Runs the real `qzoom` binary, as a user or a script would.
@Suite final class InfoAndRenderCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let scratch: URL

    init() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("qzoom-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    /// The test bundle sits in the build's products folder, next to the qzoom binary.
    static let binary: URL = {
        var folder = Bundle.main.bundleURL
        while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("qzoom").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("qzoom")
    }()

    /// The checkout the tests were built from.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func qzoom(_ arguments: [String]) throws -> Run { try Self.run(arguments) }

    /// Runs the binary with `arguments` and collects what it printed.
    static func run(_ arguments: [String]) throws -> Run { try run(binary, arguments) }

    /// Runs `executable` with `arguments` and collects its output.
    static func run(_ executable: URL, _ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Draws the bundled example invoice (scripts/example-document) at `url`.
    static func makeExampleInvoice(at url: URL) throws -> Run {
        try run(root.appendingPathComponent("scripts/example-document"), [url.path])
    }

    /// A 400 × 300 gray two-page TIFF at 200 dpi with a black box at 100…200 × 50…100 on page 2.
    func twoPageTIFF() throws -> URL {
        var first = [UInt8](repeating: 255, count: 400 * 300)
        var second = first
        for y in 50..<100 { for x in 100..<200 { second[y * 400 + x] = 0 } }
        first[0] = 0
        let url = scratch.appendingPathComponent("scan.tif")
        let bounds = Rect(x: 0, y: 0, width: 400, height: 300)
        try ImageWriter.writeTIFF([PageImage(width: 400, height: 300, channels: 1, pixels: first, region: bounds),
                                   PageImage(width: 400, height: 300, channels: 1, pixels: second, region: bounds)],
                                  to: url, options: TIFFWriteOptions(dotsPerInch: 200))
        return url
    }

    /// Proves `info --json` reports every page with its size, unit and resolution.
    @Test func infoAsJSON() throws {
        let run = try qzoom(["info", try twoPageTIFF().path, "--json"])
        #expect(run.status == 0 && run.stderr.isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["type"] as? String == "tiff")
        #expect(json["pageCount"] as? Int == 2)
        let pages = try #require(json["pages"] as? [[String: Any]])
        #expect(pages.count == 2)
        #expect(pages[1]["width"] as? Double == 400 && pages[1]["height"] as? Double == 300)
        #expect(pages[1]["unit"] as? String == "pixel" && pages[1]["unitsPerInch"] as? Double == 200)
    }

    /// Proves `render` writes just the region, at the DPI asked for, and the box lands where the
    /// page coordinates say.
    @Test func renderRegionAtDPI() throws {
        let output = scratch.appendingPathComponent("region.png")
        let run = try qzoom(["render", try twoPageTIFF().path, "--page", "2", "--region", "50,25,200,100",
                             "--dpi", "400", "-o", output.path])
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        let image = try openDocument(at: output).render(page: 1, region: nil, scale: 1)
        #expect(image.width == 400 && image.height == 200)  // 200 dpi page units at 400 dpi: ×2
        // The box, page 100…200 × 50…100, is pixels 100…300 × 50…150 of the region's image.
        #expect(image.gray(x: 95, y: 45) == 255 && image.gray(x: 105, y: 55) == 0)
        #expect(image.gray(x: 295, y: 145) == 0 && image.gray(x: 305, y: 155) == 255)
    }

    /// Proves bad input gives one line on stderr and the documented exit status.
    @Test func badInputExitStatuses() throws {
        let empty = scratch.appendingPathComponent("empty.pdf")
        try Data().write(to: empty)
        let garbage = scratch.appendingPathComponent("notes.tif")
        try Data("just some words".utf8).write(to: garbage)
        let tiff = try twoPageTIFF().path
        let out = scratch.appendingPathComponent("out.png").path
        let cases: [(arguments: [String], status: Int32)] = [
            (["info", scratch.appendingPathComponent("missing.pdf").path], 10),
            (["info", scratch.path], 11),
            (["info", garbage.path], 12),
            (["render", empty.path, "-o", out], 13),
            (["info", tiff, "--max-pages", "1"], 16),
            (["render", tiff, "--dpi", "2000", "--max-pixels", "1000000", "-o", out], 17),
            (["render", tiff, "--page", "3", "-o", out], 18),
            (["render", tiff, "--region", "500,500,10,10", "-o", out], 19),
            (["render", tiff, "-o", scratch.appendingPathComponent("no/such/folder/out.png").path], 20),
        ]
        for (arguments, status) in cases {
            let run = try qzoom(arguments)
            #expect(run.status == status, "\(arguments): \(run.stderr)")
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("qzoom: "), "\(arguments): \(run.stderr)")
        }
    }
}
