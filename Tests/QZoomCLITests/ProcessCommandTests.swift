import Foundation
import QZoomCore
import Testing

/// `qzoom process` end to end: the real binary, the real networks, on the bundled example invoice
/// (scripts/example-document, drawn with cairo: known values, and 5.5-pt small print at the bottom).
@Suite(.serialized) final class ProcessCommandTests {
    let scratch: URL
    let invoice: URL

    init() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("qzoom-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        invoice = scratch.appendingPathComponent("invoice.pdf")
        #expect(try InfoAndRenderCommandTests.makeExampleInvoice(at: invoice).status == 0)
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    func process(_ arguments: [String]) throws -> (status: Int32, json: [String: Any], stderr: String) {
        let run = try InfoAndRenderCommandTests.run(["process", "--json", "--timeout", "300"] + arguments)
        let json = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        return (run.status, json, run.stderr)
    }

    /// page → query → answer object, of the first document.
    func answers(_ json: [String: Any]) -> [Int: [String: [String: Any]]] {
        let documents = json["documents"] as? [[String: Any]] ?? []
        var result: [Int: [String: [String: Any]]] = [:]
        for page in documents.first?["pages"] as? [[String: Any]] ?? [] {
            let number = page["page"] as? Int ?? 0
            for answer in page["answers"] as? [[String: Any]] ?? [] {
                result[number, default: [:]][answer["query"] as? String ?? ""] = answer
            }
        }
        return result
    }

    @Test func qzoomAnswersTheInvoiceAndZoomsIntoTheSmallPrint() throws {
        let run = try process([invoice.path, "--template", "invoice"])
        #expect(run.status == 0, "\(run.stderr)")
        let documents = run.json["documents"] as? [[String: Any]] ?? []
        #expect(documents.first?["file"] as? String == invoice.path)
        #expect(documents.first?["template"] as? String == "invoice")
        let page1 = try #require(answers(run.json)[1], "no answers on page 1: \(run.json)")
        #expect(page1["total"]?["normalized"] as? String == "631.92")
        #expect(page1["invoice_number"]?["value"] as? String == "INV-2024-0815")
        #expect(page1["date"]?["normalized"] as? String == "2024-08-15")
        #expect(page1["due_date"]?["normalized"] as? String == "2024-09-14")

        // The 5.5-pt small print is read by a fine pass over a region at the bottom of the page.
        let small = try #require(page1["small_print"])
        #expect(small["route"] as? String == "zoom")
        let value = (small["value"] as? String ?? "").uppercased().filter { $0.isLetter || $0.isNumber }
        #expect(value.contains("SC418822"), "small print read as \(small["value"] ?? "nothing")")
        let roi = try #require(small["roi"] as? [String: Double])
        let y = roi["y"] ?? 0, height = roi["height"] ?? 0
        #expect(y < 800 - 5.5 && y + height > 808, "the RoI \(roi) holds both small-print lines (baselines 800, 808 pt)")
        #expect(height < 842 / 2, "the RoI \(roi) is a region, not the page")
        #expect((small["fine_scale"] as? Double ?? 0) > 2, "read finer than the coarse pass")
        for answer in page1.values {
            let timings = answer["timings_ms"] as? [String: Double] ?? [:]
            #expect(timings.values.allSatisfy { $0 >= 0 })
            #expect(answer["gate_probability"] is Double, "qzoom mode has a gate: \(answer)")
        }
    }

    @Test func everyModeGivesTheSameShapeAndFullReadsEveryLine() throws {
        for mode in ["coarse", "full", "zoom"] {
            let run = try process([invoice.path, "--template", "invoice", "--mode", mode])
            #expect(run.status == 0, "\(mode): \(run.stderr)")
            #expect(run.json["mode"] as? String == mode)
            let page1 = answers(run.json)[1] ?? [:]
            #expect(Set(page1.keys) == ["vendor", "invoice_number", "date", "due_date", "total", "currency", "small_print"], "\(mode)")
            #expect(page1["total"]?["normalized"] as? String == "631.92", "\(mode): \(page1["total"] ?? [:])")
            let routes = Set(page1.values.compactMap { $0["route"] as? String })
            switch mode {
            case "coarse", "full": #expect(routes == ["coarse"], "\(mode) never zooms")
            default: #expect(routes.contains("zoom"), "zoom mode zooms")
            }
        }
    }

    /// The generic template asks one `region` query, which the gate rule always refines: in qzoom mode
    /// the coarse pass only detects (it reads no line) and the fine pass reads the small print. In
    /// coarse mode the coarse pass reads the lines of the footer, all of them, and no others.
    @Test func aRegionQueryIsReadByTheFinePassAloneOrWhollyByTheCoarsePass() throws {
        func page1(_ mode: String) throws -> (page: [String: Any], small: [String: Any]) {
            let run = try process([invoice.path, "--template", "generic", "--mode", mode])
            #expect(run.status == 0, "\(mode): \(run.stderr)")
            let pages = (run.json["documents"] as? [[String: Any]])?.first?["pages"] as? [[String: Any]] ?? []
            let page = try #require(pages.first, "\(mode): no pages in \(run.json)")
            return (page, try #require(answers(run.json)[1]?["small_print"], "\(mode): no small print"))
        }
        func letters(_ answer: [String: Any]) -> String {
            (answer["value"] as? String ?? "").uppercased().filter { $0.isLetter || $0.isNumber }
        }
        let qzoom = try page1("qzoom")
        #expect(qzoom.page["lines_read"] as? Int == 0, "\(qzoom.page)")
        #expect(qzoom.small["route"] as? String == "zoom")
        #expect(letters(qzoom.small).contains("SC418822"), "read as \(qzoom.small["value"] ?? "nothing")")

        let coarse = try page1("coarse")
        let read = coarse.page["lines_read"] as? Int ?? 0, detected = coarse.page["lines_detected"] as? Int ?? 0
        #expect(read >= 2 && read < detected / 2, "the footer's lines only: \(read) of \(detected)")
        #expect(coarse.small["route"] as? String == "coarse")
        // The generic template's own coarse budget (config/templates/generic.toml), not the engine's 1024.
        let size = coarse.page["size"] as? [String: Double] ?? [:]
        let longSide = max(size["width"] ?? 0, size["height"] ?? 0) * (coarse.page["coarse_scale"] as? Double ?? 0)
        #expect(abs(longSide - 768) < 32, "coarse long side \(longSide)")  // the detector's input is rounded to 32 px
    }

    /// A query's own `stop_confidence` governs when it stops reading coarse lines: at 0 it is closed
    /// before its first line, at 1 it reads on while a relevant line is unread.
    @Test func aQuerysStopConfidenceEndsItsReading() throws {
        func linesRead(stop: Double) throws -> Int {
            let templates = scratch.appendingPathComponent("templates-\(stop)")
            try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
            let toml = "name = \"totals\"\n[[query]]\nname = \"total\"\nquestion = \"What is the total?\"\n"
                + "type = \"amount\"\nkeys = [\"total\"]\nstop_confidence = \(stop)\n"
            try Data(toml.utf8).write(to: templates.appendingPathComponent("totals.toml"))
            let run = try process([invoice.path, "--template", "totals", "--mode", "coarse", "--templates", templates.path])
            #expect(run.status == 0, "\(run.stderr)")
            let pages = (run.json["documents"] as? [[String: Any]])?.first?["pages"] as? [[String: Any]] ?? []
            return try #require(pages.first?["lines_read"] as? Int, "\(run.json)")
        }
        #expect(try linesRead(stop: 0) == 0)
        #expect(try linesRead(stop: 1) > 0)
    }

    /// `qzoom bench` scores each mode against a label file and runs the template at its own coarse budget.
    @Test func benchScoresEveryModeAtTheTemplatesCoarseBudget() throws {
        let labels = scratch.appendingPathComponent("labels")
        try FileManager.default.createDirectory(at: labels, withIntermediateDirectories: true)
        try Data(#"{"small_print": "SC418822"}"#.utf8).write(to: labels.appendingPathComponent("invoice.json"))
        let run = try InfoAndRenderCommandTests.run(["bench", "--template", "generic", "--labels", labels.path,
                                                     "--modes", "coarse,qzoom", "--sweep", "", invoice.path])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = run.stdout.split(separator: "\n").map(String.init)
        let qzoom = try #require(rows.first { $0.hasPrefix("| qzoom |") }, "\(run.stdout)")
        #expect(qzoom.hasPrefix("| qzoom | 1.000 | 1.000 |"), "the fine pass reads the small print: \(qzoom)")
        #expect(rows.contains { $0.hasPrefix("| coarse |") })
        #expect(run.stdout.contains("1 documents, template generic (coarse pass 768 px)"), "\(run.stdout)")
    }

    @Test func aBadFileIsReportedAndTheOthersGoOn() throws {
        let broken = scratch.appendingPathComponent("broken.pdf")
        try Data("%PDF-1.4 not really".utf8).write(to: broken)
        let run = try process([broken.path, invoice.path, "--template", "generic"])
        #expect(run.status == 13, "a damaged file: exit status 13 (\(run.stderr))")
        #expect(run.stderr.contains("broken.pdf"))
        let documents = run.json["documents"] as? [[String: Any]] ?? []
        #expect(documents.count == 2)
        #expect(documents.first?["code"] as? String == "corrupt")
        #expect((documents.last?["pages"] as? [Any])?.count == 2)
    }

    @Test func anUnknownTemplateIsAUsageError() throws {
        let run = try InfoAndRenderCommandTests.run(["process", invoice.path, "--template", "nonesuch"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("no template named nonesuch"))
    }
}
