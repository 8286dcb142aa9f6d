import Foundation
import Testing
@testable import QZoom
import QZoomCore

/// Templates parse into the documented structure, the shipped ones load, and every kind of bad
/// template is rejected with the file, the line of the offending key and the reason.
@Suite struct TemplateLoaderTests {
    static let valid = """
        name = "demo"
        description = "A demo"
        date_order = "mdy"
        coarse_long_side = 640

        [match]
        folders = ["demo"]
        keywords = ["alpha", "beta"]
        min_keywords = 2

        [[query]]
        name = "total"
        question = "What is the total?"
        type = "amount"
        keys = ["total", "sum"]
        exclude = ["subtotal"]
        stop = ["tax summary"]
        hint = "bottom"
        gate = 0.05
        roi = 0.2
        stop_confidence = 0.7

        [[query]]
        name = "address"
        question = "Where?"
        type = "text"
        cues = ["street"]
        hint = [0, 0, 0.5, 0.25]
        lines = 4
        block = true
        """

    @Test func parsesEveryField() throws {
        let template = try TemplateLoader.parse(Self.valid, file: "demo.toml")
        #expect(template.name == "demo")
        #expect(template.description == "A demo")
        #expect(template.dateOrder == .monthDayYear)
        #expect(template.coarseLongSide == 640)
        #expect(template.match == MatchRules(folders: ["demo"], keywords: ["alpha", "beta"], minimumKeywords: 2))
        #expect(template.queries.map(\.name) == ["total", "address"])
        let total = try #require(template.query(named: "total"))
        #expect(total.type == .amount)
        #expect(total.keys == ["total", "sum"])
        #expect(total.exclude == ["subtotal"])
        #expect(total.stop == ["tax summary"])
        #expect(total.hint?.name == "bottom")
        #expect(total.thresholds == QueryThresholds(gate: 0.05, roi: 0.2, stopConfidence: 0.7))
        let address = try #require(template.query(named: "address"))
        #expect(address.hint?.region == Rect(minX: 0, minY: 0, maxX: 0.5, maxY: 0.25))
        #expect(address.hint?.name == nil)
        #expect(address.maxLines == 4)
        #expect(address.isBlock)
        #expect(address.thresholds == QueryThresholds())
    }

    @Test func shippedTemplatesLoad() throws {
        let library = try TemplateLibrary.load(directory: Self.projectRoot.appending(path: "config/templates"))
        #expect(library.templates.map(\.name) == ["generic", "invoice", "receipt"])
        #expect(library.template(named: "receipt")?.queries.map(\.name) == ["company", "date", "address", "total"])
        #expect(library.template(named: "invoice")?.queries.map(\.name)
                == ["vendor", "invoice_number", "date", "due_date", "total", "currency", "small_print"])
        let smallPrint = try #require(library.template(named: "generic")?.query(named: "small_print"))
        #expect(smallPrint.type == .region && smallPrint.hint?.name == "footer")
        #expect(library.templates.filter(\.match.isFallback).map(\.name) == ["generic"])
        #expect(library.template(named: "generic")?.coarseLongSide == 768)
        #expect(library.template(named: "receipt")?.coarseLongSide == nil)
    }

    /// Each bad template names the line of its problem.
    @Test(arguments: [
        // TOML syntax: TOMLKit's own line.
        ("name = \"x\"\n[[query]\nname = \"a\"", 2, "TOML syntax error"),
        // Root level.
        ("description = \"no name\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"", 1, "missing required key `name`"),
        ("name = 3\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"", 1, "`name` must be a string"),
        ("name = \"Bad Name\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"", 1, "invalid name"),
        ("name = \"x\"\ncolour = \"red\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"", 2, "unknown key `colour`"),
        ("name = \"x\"\ndate_order = \"DYM\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"", 2, "unknown date order"),
        ("name = \"x\"\ncoarse_long_side = 32\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"", 2, "`coarse_long_side` must be between 64 and 8192"),
        ("name = \"x\"\ndescription = \"nothing to ask\"\n", 1, "the template has no [[query]]"),
        // Match rules.
        ("name = \"x\"\n[match]\nkeywords = [\"a\"]\nmin_keywords = 2\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"", 4, "`min_keywords`"),
        ("name = \"x\"\n[match]\nfolders = \"inbox\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"", 3, "`folders` must be an array"),
        // Queries.
        ("name = \"x\"\n[[query]]\nname = \"a\"\ntype = \"text\"", 2, "missing required key `question`"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"   \"\ntype = \"text\"", 4, "the question is empty"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"money\"", 5, "unknown answer type \"money\""),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"\n\n[[query]]\nname = \"a\"\nquestion = \"r\"\ntype = \"date\"",
         8, "duplicate query name \"a\""),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"\nwhere = \"top\"", 6, "unknown key `where`"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"\nhint = \"upstairs\"", 6, "unknown region \"upstairs\""),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"\nhint = [0, 0, 1]", 6, "four numbers"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"\nhint = [0.5, 0, 0.2, 1]", 6, "x0 < x1"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"\nhint = [0, 0, 1, 1.5]", 6, "0...1"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"\nhint = 4", 6, "bad position hint"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"region\"", 2, "missing required key `hint`"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"\nlines = 40", 6, "`lines` must be between 1 and 12"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"amount\"\nlines = 2", 6, "only text queries span several lines"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"date\"\nblock = true", 6, "`block` applies to text queries only"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"date\"\ndrop_ids = true", 6, "`drop_ids` applies to text queries only"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"\nreport = \"currency\"", 6, "applies to amount queries only"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"amount\"\ngate = 1.5", 6, "`gate` must be between 0 and 1"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"amount\"\nroi = \"high\"", 6, "`roi` must be a number"),
        ("name = \"x\"\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"amount\"\nkeys = [\"total\", 3]", 6, "`keys` must be an array of non-empty strings"),
        ("name = \"x\"\nquery = \"total\"", 2, "`query` must be an array of tables"),
        // CRLF line ends count lines as TOML does.
        ("name = \"x\"\r\n[[query]]\r\nname = \"a\"\r\nquestion = \"q\"\r\ntype = \"money\"", 5, "unknown answer type"),
    ])
    func rejectsWithLineAndReason(source: String, line: Int, reason: String) {
        do {
            _ = try TemplateLoader.parse(source, file: "bad.toml")
            Issue.record("accepted a bad template: \(source)")
        } catch {
            #expect(error.file == "bad.toml")
            #expect(error.line == line, "\(error)")
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test func rejectsDuplicateTemplatesAndASecondFallbackAcrossFiles() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let query = "\n[[query]]\nname = \"a\"\nquestion = \"q\"\ntype = \"text\"\n"
        try ("name = \"same\"" + query).write(to: folder.appending(path: "a.toml"), atomically: true, encoding: .utf8)
        try ("# again\nname = \"same\"" + query).write(to: folder.appending(path: "b.toml"), atomically: true, encoding: .utf8)
        #expect(throws: TemplateError(file: folder.appending(path: "b.toml").path, line: 2,
                                      reason: .duplicateTemplate(name: "same", firstFile: folder.appending(path: "a.toml").path))) {
            try TemplateLoader.loadDirectory(folder)
        }
        try ("name = \"b\"\n[match]\nfallback = true" + query).write(to: folder.appending(path: "b.toml"), atomically: true, encoding: .utf8)
        try ("name = \"c\"\n[match]\n\nfallback = true" + query).write(to: folder.appending(path: "c.toml"), atomically: true, encoding: .utf8)
        #expect(throws: TemplateError(file: folder.appending(path: "c.toml").path, line: 4,
                                      reason: .secondFallback(firstTemplate: "b"))) {
            try TemplateLoader.loadDirectory(folder)
        }
    }

    @Test func reportsUnreadableFilesAndFolders() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/qzoom/receipt.toml")
        #expect(throws: TemplateError.self) { try TemplateLoader.load(missing) }
        do {
            _ = try TemplateLoader.loadDirectory(URL(fileURLWithPath: "/nonexistent/qzoom"))
            Issue.record("read a missing folder")
        } catch {
            guard case .unreadable = error.reason else { Issue.record("wrong reason: \(error)"); return }
        }
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = folder.appending(path: "binary.toml")
        try Data([0xFF, 0xFE, 0x00, 0x80]).write(to: binary)
        #expect(throws: TemplateError.self) { try TemplateLoader.load(binary) }
    }

    static var projectRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "qzoom-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
