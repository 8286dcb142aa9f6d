import Foundation
import QZoomCore
import Raster
import Testing

/// `qzoom ocr` as a user runs it: the real binary, the real models. What it reads is checked by
/// PerceptionTests/OCRPipelineTests; here, the command's output and exit statuses.
@Suite final class OCRCommandTests {
    let scratch: URL

    init() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("qzoom-ocr-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    func qzoom(_ arguments: [String]) throws -> InfoAndRenderCommandTests.Run { try InfoAndRenderCommandTests.run(arguments) }

    /// A 320 × 200 PNG: white, with one black bar (a "line" the detector may or may not take for text).
    func page() throws -> URL {
        var pixels = [UInt8](repeating: 255, count: 320 * 200)
        for y in 90..<110 { for x in 40..<280 { pixels[y * 320 + x] = 0 } }
        let url = scratch.appendingPathComponent("page.png")
        try ImageWriter.writePNG(PageImage(width: 320, height: 200, channels: 1, pixels: pixels,
                                           region: Rect(x: 0, y: 0, width: 320, height: 200)), to: url)
        return url
    }

    @Test func jsonReportsThePageTheBudgetAndEveryStage() throws {
        let run = try qzoom(["ocr", try page().path, "--json", "--long-side", "640", "--threads", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let pages = try #require(object["pages"] as? [[String: Any]])
        #expect(pages.count == 1)
        let page = try #require(pages.first)
        #expect(page["width"] as? Double == 320 && page["unit"] as? String == "pixel")
        // 640 × 400, stretched to multiples of 32 with Python's rounding: 400 / 32 = 12.5 → 12 → 384.
        #expect(page["imageWidth"] as? Int == 640 && page["imageHeight"] as? Int == 384)
        let timings = try #require(page["timings"] as? [String: Double])
        for stage in ["render", "detect", "postprocess", "crop", "classify", "recognize", "total"] {
            #expect(timings[stage] != nil, "no \(stage) timing")
        }
        #expect(page["lines"] is [Any])
    }

    @Test func badInputsGiveOneLineAndTheirExitStatus() throws {
        let missing = try qzoom(["ocr", scratch.appendingPathComponent("nope.pdf").path])
        #expect(missing.status == 10)
        #expect(missing.stderr.split(separator: "\n").count == 1)

        let page = try page().path
        let noSuchPage = try qzoom(["ocr", page, "--page", "2"])
        #expect(noSuchPage.status == 18)

        let both = try qzoom(["ocr", page, "--dpi", "300", "--long-side", "1000"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("--long-side or --dpi"))

        let noModels = try qzoom(["ocr", page, "--models", scratch.path])
        #expect(noModels.status == 1)
        #expect(noModels.stderr.contains("cannot load the OCR models"))
    }

    @Test func severalFilesGiveOneJSONLineEachAndABadOneDoesNotStopTheOthers() throws {
        let page = try page().path, missing = scratch.appendingPathComponent("nope.png").path
        let run = try qzoom(["ocr", page, missing, page, "--json", "--long-side", "320", "--threads", "1"])
        #expect(run.status == 10, "the missing file's status")
        #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.contains("nope.png"))
        let objects = run.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(objects.count == 2)
        #expect(objects.allSatisfy { $0["file"] as? String == page && ($0["pages"] as? [Any])?.count == 1 })
    }

    /// Page 2 of the example invoice (scripts/example-document): 50 long lines of 8.5-pt terms under a
    /// title. Squeezed into its 192 × 48 px input, the orientation classifier takes some of these upright
    /// lines for upside-down ones; read turned, they came out as garbage ("nu  i i e  uue ue"), 10 of 50
    /// at 150 dpi. Every line must read as the PDF's own text layer has it (pdftotext, letters only).
    @Test func longUprightLinesTheClassifierWouldTurnStillReadRight() throws {
        let invoice = scratch.appendingPathComponent("invoice.pdf")
        try #require(try InfoAndRenderCommandTests.makeExampleInvoice(at: invoice).status == 0)
        let printed = try InfoAndRenderCommandTests.run(URL(fileURLWithPath: "/usr/bin/pdftotext"),
                                                       ["-f", "2", "-l", "2", "-layout", invoice.path, "-"])
        try #require(printed.status == 0, "\(printed.stderr)")
        func letters(_ text: some StringProtocol) -> String { String(text.lowercased().filter { $0.isLetter }) }
        let known = Set(printed.stdout.split(separator: "\n").map { letters($0) }.filter { !$0.isEmpty })
        try #require(known.count == 9, "the title and eight sentences: \(known)")

        let run = try qzoom(["ocr", invoice.path, "--page", "2", "--dpi", "150", "--json", "--timeout", "300"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let pages = try #require(object["pages"] as? [[String: Any]])
        let texts = (pages.first?["lines"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        let right = texts.filter { known.contains(letters($0)) }
        // 2 lines of slack for a character read differently on another CPU's kernels.
        #expect(right.count >= 48, "read \(texts.filter { !known.contains(letters($0)) })")
    }
}
