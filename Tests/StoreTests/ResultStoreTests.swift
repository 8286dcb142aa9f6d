import Foundation
import QZoomCore
@testable import Store
import XCTest

/// The store on a real SQLite file: schema, WAL, replace-on-rerun, idempotent completion, queries.
final class ResultStoreTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("qzoom-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func makeStore() throws -> ResultStore { try ResultStore(path: folder.appendingPathComponent("q.sqlite").path) }

    func newDocument(_ name: String, sha: String = UUID().uuidString) -> ResultStore.NewDocument {
        .init(sha256: sha, originalName: name, sizeBytes: 10, template: nil, path: "/drop/processing/\(name)", claimName: name)
    }

    func page(_ number: Int, answers: [Answer] = []) -> PageResult {
        PageResult(page: number, size: Size(width: 595, height: 842), coarseScale: 0.5, megapixels: 0.12,
                   timings: StageTimings([.render: 12, .detect: 30]), answers: answers)
    }

    static let total = Answer(query: "total", value: "$12.50", normalized: "12.50", currency: "USD", confidence: 0.91,
                              route: .zoom, gateProbability: 0.8, roi: Rect(x: 10, y: 20, width: 200, height: 100),
                              box: Rect(x: 50, y: 60, width: 40, height: 12), fineScale: 3,
                              timings: StageTimings([.gate: 1, .fineRender: 5]))

    func testTheSchemaIsVersionedAndTheDatabaseRunsInWALMode() throws {
        let store = try makeStore()
        XCTAssertEqual(try store.journalMode, "wal")
        XCTAssertEqual(try store.integrityCheck(), ["ok"])
        // Opening again applies nothing twice.
        let again = try ResultStore(path: store.path)
        XCTAssertEqual(try again.read { db in try Schema.migrator.appliedIdentifiers(db) },
                       ["v1: documents, pages, answers, daemon state"])
    }

    func testReadersNeverCreateOrMigrateADatabase() throws {
        XCTAssertThrowsError(try ResultStore.existing(path: folder.appendingPathComponent("none.sqlite").path)) { error in
            guard case StoreError.noDatabase = error else { return XCTFail("\(error)") }
        }
        let other = folder.appendingPathComponent("other.sqlite").path
        FileManager.default.createFile(atPath: other, contents: nil)
        XCTAssertThrowsError(try ResultStore.existing(path: other)) { error in
            guard case StoreError.schemaNotCurrent = error else { return XCTFail("\(error)") }
        }
        _ = try makeStore()
        XCTAssertNoThrow(try ResultStore.existing(path: folder.appendingPathComponent("q.sqlite").path))
    }

    func testAPageStoredTwiceIsStoredOnceWithTheLatestAnswers() throws {
        let store = try makeStore()
        let id = try store.insertQueued(newDocument("a.pdf"))
        try store.commitPage(page(1, answers: [Self.total]), documentID: id, engineVersion: "e1", headsVersion: "h1")
        var changed = Self.total
        changed.value = "$13.00"
        try store.commitPage(page(1, answers: [changed]), documentID: id, engineVersion: "e2", headsVersion: "h1")
        try store.commitPage(page(2), documentID: id, engineVersion: "e2", headsVersion: "h1")

        let answers = try store.answers(.init(documentID: id))
        XCTAssertEqual(answers.count, 1)
        XCTAssertEqual(answers.first?.answer.value, "$13.00")
        XCTAssertEqual(answers.first?.engineVersion, "e2")
        XCTAssertEqual(try store.pages(documentID: id).map(\.page), [1, 2])
    }

    func testEveryAnswerFieldRoundTrips() throws {
        let store = try makeStore()
        let id = try store.insertQueued(newDocument("a.pdf"))
        var bare = Answer(query: "date")
        bare.timings = StageTimings([.answer: 0.5])
        try store.commitPage(page(1, answers: [Self.total, bare]), documentID: id, engineVersion: "e", headsVersion: nil)
        let stored = try store.answers(.init(documentID: id)).map(\.answer)
        XCTAssertEqual(stored, [bare, Self.total])
        let pageRecord = try XCTUnwrap(store.pages(documentID: id).first)
        XCTAssertEqual(pageRecord.timings, StageTimings([.render: 12, .detect: 30]))
        XCTAssertEqual(pageRecord.size, Size(width: 595, height: 842))
    }

    func testCompletingTwiceIsHarmlessAndDropsPagesBeyondTheCount() throws {
        let store = try makeStore()
        let id = try store.insertQueued(newDocument("a.pdf"))
        for n in 1...3 { try store.commitPage(page(n, answers: [Self.total]), documentID: id, engineVersion: "e", headsVersion: nil) }
        try store.complete(id, pageCount: 2, template: "generic", path: "/drop/done/a.pdf")
        try store.complete(id, pageCount: 2, template: "generic", path: "/drop/done/a.pdf")
        XCTAssertEqual(try store.pages(documentID: id).map(\.page), [1, 2])
        XCTAssertEqual(try store.answers(.init(documentID: id)).count, 2)
        let record = try XCTUnwrap(store.document(id: id))
        XCTAssertEqual(record.status, .done)
        XCTAssertEqual(record.pageCount, 2)
        XCTAssertNil(record.errorCode)
    }

    func testAttemptsAreCountedAndRefunded() throws {
        let store = try makeStore()
        let id = try store.insertQueued(newDocument("a.pdf"))
        XCTAssertEqual(try store.beginAttempt(id), 1)
        XCTAssertEqual(try store.beginAttempt(id), 2)
        try store.refundAttempt(id)
        XCTAssertEqual(try store.document(id: id)?.attempts, 1)
        XCTAssertEqual(try store.document(id: id)?.status, .queued)
    }

    func testDuplicatesAndRetries() throws {
        let store = try makeStore()
        let first = try store.insertQueued(newDocument("a.pdf", sha: "abc"))
        let copy = try store.insertDuplicate(newDocument("b.pdf", sha: "abc"), of: first)
        XCTAssertEqual(try store.original(sha256: "abc")?.id, first)
        XCTAssertEqual(try store.document(id: copy)?.status, .duplicate)

        try store.fail(first, code: "corrupt", message: "bad xref", path: "/drop/failed/a.pdf")
        XCTAssertEqual(try store.requestRetryOfFailed(), 1)
        XCTAssertEqual(try store.requestRetry(documentID: copy), 1)
        XCTAssertEqual(try store.retryRequests().map(\.id), [first, copy])
        try store.adoptRetry(copy, claimName: "b.pdf", path: "/drop/processing/b.pdf", template: nil)
        let adopted = try XCTUnwrap(store.document(id: copy))
        XCTAssertEqual(adopted.status, .queued)
        XCTAssertNil(adopted.duplicateOf)
        XCTAssertFalse(adopted.retryRequested)
        XCTAssertThrowsError(try store.requestRetry(documentID: 999))
    }

    func testFiltersAndSummary() throws {
        let store = try makeStore()
        let a = try store.insertQueued(newDocument("a.pdf"))
        let b = try store.insertQueued(newDocument("b.pdf"))
        var date = Self.total
        date.query = "date"
        try store.commitPage(page(1, answers: [Self.total, date]), documentID: a, engineVersion: "e", headsVersion: nil)
        try store.commitPage(page(1, answers: [Self.total]), documentID: b, engineVersion: "e", headsVersion: nil)
        try store.complete(a, pageCount: 1, template: "invoice", path: "/drop/done/a.pdf")
        try store.fail(b, code: "corrupt", message: "bad", path: "/drop/failed/b.pdf")

        XCTAssertEqual(try store.answers(.init(file: "a.pdf")).count, 2)
        XCTAssertEqual(try store.answers(.init(file: "/drop/done/a.pdf")).count, 2)
        XCTAssertEqual(try store.answers(.init(query: "total")).count, 2)
        XCTAssertEqual(try store.answers(.init(since: Date().addingTimeInterval(3600))).count, 0)
        XCTAssertEqual(try store.document(named: "#\(b)").originalName, "b.pdf")
        XCTAssertEqual(try store.document(named: "a.pdf").id, a)

        let summary = try store.summary()
        XCTAssertEqual(summary.countsByStatus["done"], 1)
        XCTAssertEqual(summary.countsByStatus["failed"], 1)
        XCTAssertEqual(summary.pagesStored, 2)
        XCTAssertEqual(summary.answersStored, 3)
        XCTAssertEqual(summary.lastErrors.map(\.errorCode), ["corrupt"])
    }
}
