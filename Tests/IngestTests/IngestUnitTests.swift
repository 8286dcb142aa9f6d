import Foundation
@testable import Ingest
import QZoom
import XCTest

/// The small pieces of Ingest on their own.
final class IngestUnitTests: XCTestCase {
    func testTemporaryAndHiddenNamesAreIgnored() {
        for name in [".x.pdf", "a.pdf.part", "a.PART", "a.tmp", "a.crdownload", "a.pdf~", "#a.pdf#", "a.swp", "a.pdf.error.json"] {
            XCTAssertTrue(DropTree.isIgnored(name: name), name)
        }
        for name in ["a.pdf", "scan 01.tiff", "partial-invoice.pdf", "tmp.pdf"] {
            XCTAssertFalse(DropTree.isIgnored(name: name), name)
        }
    }

    func testTheInboxFolderNamesTheTemplate() {
        XCTAssertEqual(DropTree.template(forRelativePath: "invoice/a.pdf"), "invoice")
        XCTAssertEqual(DropTree.template(forRelativePath: "receipt/2026/a.pdf"), "receipt")
        XCTAssertNil(DropTree.template(forRelativePath: "a.pdf"))
    }

    func testUniqueNamesKeepTheExtensionAndFolder() {
        XCTAssertEqual(DropTree.uniqueCandidate("a/b.pdf", attempt: 1), "a/b.pdf")
        XCTAssertEqual(DropTree.uniqueCandidate("a/b.pdf", attempt: 3), "a/b-3.pdf")
        XCTAssertEqual(DropTree.uniqueCandidate("README", attempt: 2), "README-2")
    }

    func testMoveNeverReplacesAFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("move-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("to"), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: folder.appendingPathComponent("to/x.pdf"))
        try Data("new".utf8).write(to: folder.appendingPathComponent("x.pdf"))
        let used = try DropTree.moveUniquely(folder.appendingPathComponent("x.pdf").path,
                                             into: folder.appendingPathComponent("to"), relative: "x.pdf")
        XCTAssertEqual(used, "x-2.pdf")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("to/x.pdf"), encoding: .utf8), "old")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("to/x-2.pdf"), encoding: .utf8), "new")
    }

    func testConfigurationDefaultsAndValidation() throws {
        let folder = URL(fileURLWithPath: "/etc/qzoom")
        let empty = try ConfigurationFile.parse("", file: "q.toml", relativeTo: folder)
        XCTAssertEqual(empty.workers, DaemonConfiguration().workers)
        let set = try ConfigurationFile.parse("""
            [paths]
            root = "drop"
            db = "/var/lib/qzoom/q.sqlite"
            [daemon]
            workers = 4
            polling = true
            [worker]
            memory_limit_mb = 1024
            documents_per_worker = 7
            [raster]
            max_pages = 50
            [engine]
            mode = "coarse"
            coarse_long_side = 800
            coarse_page_pixels = false
            models = "models"
            """, file: "q.toml", relativeTo: folder)
        XCTAssertEqual(set.engine.mode, .coarse)
        XCTAssertEqual(set.engine.coarseLongSide, 800)
        XCTAssertFalse(set.engine.coarsePagePixels)
        XCTAssertEqual(set.models?.path, "/etc/qzoom/models")
        XCTAssertEqual(set.root.path, "/etc/qzoom/drop")
        XCTAssertTrue(set.databaseIsConfigured)
        XCTAssertEqual(set.workers, 4)
        XCTAssertTrue(set.polling)
        XCTAssertEqual(set.workerMemoryLimitMegabytes, 1024)
        XCTAssertEqual(set.documentsPerWorker, 7)
        XCTAssertEqual(set.rasterLimits.maxPages, 50)

        let failures: [(String, String)] = [
            ("[daemon]\nworkers = \"two\"", "q.toml: daemon.workers: must be an integer"),
            ("[daemon]\nworkers = 100", "q.toml: daemon.workers: must be between 1 and 64 (got 100)"),
            ("[daemon]\npolling = 1", "q.toml: daemon.polling: must be true or false"),
            ("[worker]\ndocuments_per_worker = 0", "q.toml: worker.documents_per_worker: must be between 1 and 1000000 (got 0)"),
            ("[worker]\ntimeout = 5", "q.toml: worker.timeout: unknown setting"),
            ("[workers]\n", "q.toml: workers: unknown setting"),
            ("daemon = 3", "q.toml: daemon: must be a table"),
            ("[paths]\nroot = \"\"", "q.toml: paths.root: must be a non-empty string"),
            ("[daemon", "q.toml: not valid TOML"),
            ("[engine]\nmode = \"fast\"", "q.toml: engine.mode: must be one of coarse, full, zoom, qzoom"),
            ("[engine]\nstop_confidence = 2", "q.toml: engine.stop_confidence: must be between 0.0 and 1.0 (got 2.0)"),
            ("[engine]\ncoarse_page_pixels = 1", "q.toml: engine.coarse_page_pixels: must be true or false"),
            ("[engine]\nspeed = 1", "q.toml: engine.speed: unknown setting"),
            ("[engine]\nheads = 3", "q.toml: engine.heads: must be a path"),
        ]
        for (text, expected) in failures {
            XCTAssertThrowsError(try ConfigurationFile.parse(text, file: "q.toml", relativeTo: folder), text) { error in
                XCTAssertTrue("\(error)".hasPrefix(expected), "\(error) does not start with \(expected)")
            }
        }
    }

    func testTheShippedConfigurationFileIsValidAndSaysTheDefaults() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/qzoom.toml")
        var shipped = try ConfigurationFile.load(url)
        shipped.file = nil
        shipped.databaseIsConfigured = false
        XCTAssertEqual(shipped, DaemonConfiguration(), "config/qzoom.toml and DaemonConfiguration disagree")
    }
}
