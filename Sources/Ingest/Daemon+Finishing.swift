import Foundation
import Glibc
import Store

/// From processing/ to done/ or failed/. The outcome is recorded in the store first, with the path the
/// file will have; then the file is moved (atomically, never over another file). A crash between the
/// two is repaired at the next start: the store says where the file belongs, and the move is finished.
extension Daemon {
    func finishDone(_ document: QueuedDocument, template: String, pageCount: Int) throws {
        let target = freeName(in: tree.done, for: document.claimName)
        try retryingTransient("completing \(document.claimName)") {
            try store.complete(document.id, pageCount: pageCount, template: template,
                               path: tree.done.appendingPathComponent(target).path)
        }
        let source = tree.processing.appendingPathComponent(document.claimName).path
        try moveFinished(source, documentID: document.id, into: tree.done, relative: target)
        finishedThisRun.done += 1
        log("\(document.claimName): done, \(pageCount) pages (document \(document.id))")
    }

    func finishFailed(_ document: QueuedDocument, code: String, attempts: Int, message: String) throws {
        let target = freeName(in: tree.failed, for: document.claimName)
        let path = tree.failed.appendingPathComponent(target).path
        try retryingTransient("failing \(document.claimName)") {
            try store.fail(document.id, code: code, message: message, path: path)
        }
        let record = try store.document(id: document.id)
        try writeReport(code: code, message: message, attempts: attempts, record: record, besides: path)
        let source = tree.processing.appendingPathComponent(document.claimName).path
        try moveFinished(source, documentID: document.id, into: tree.failed, relative: target)
        finishedThisRun.failed += 1
        log("\(document.claimName): failed: \(code): \(message)")
    }

    /// Finishes the move of a file whose outcome the store already holds.
    func completeMove(of record: DocumentRecord, from source: String) throws {
        let folder = record.status == .failed ? tree.failed : tree.done
        guard record.path.hasPrefix(folder.path + "/") else {
            try finishFailed(QueuedDocument(id: record.id, claimName: record.claimName),
                             code: record.errorCode ?? "internal", attempts: record.attempts,
                             message: record.errorMessage ?? "recorded as finished without a destination")
            return
        }
        let relative = String(record.path.dropFirst(folder.path.count + 1))
        if record.status == .failed {
            try writeReport(code: record.errorCode ?? "failed", message: record.errorMessage ?? "",
                            attempts: record.attempts, record: record, besides: record.path)
        }
        try moveFinished(source, documentID: record.id, into: folder, relative: relative)
        log("\(record.claimName): finished the move to \(folder.lastPathComponent)/ that an earlier run began")
    }

    /// A file that cannot even be read to be hashed: recorded as failed without a content hash.
    func failUnrecorded(claimName: String, code: String, message: String) throws {
        let path = tree.processing.appendingPathComponent(claimName).path
        let new = ResultStore.NewDocument(sha256: "", originalName: (claimName as NSString).lastPathComponent,
                                          sizeBytes: FileFingerprint.of(path)?.size ?? 0,
                                          template: DropTree.template(forRelativePath: claimName),
                                          path: path, claimName: claimName)
        let id = try retryingTransient("recording \(claimName)") { try store.insertQueued(new) }
        try finishFailed(QueuedDocument(id: id, claimName: claimName), code: code, attempts: 0, message: message)
    }

    /// Moves `source` to `folder/relative` (or the next free name, which is then recorded).
    func moveFinished(_ source: String, documentID: Int64, into folder: URL, relative: String) throws {
        let used = try retryingTransient("moving \(relative)") {
            try DropTree.moveUniquely(source, into: folder, relative: relative)
        }
        guard used != relative else { return }
        let path = folder.appendingPathComponent(used).path
        if folder == tree.failed {
            // The report was written for the name we expected; it belongs beside the name we got.
            let expected = folder.appendingPathComponent(relative).path + ".error.json"
            _ = try? renameNoReplace(expected, path + ".error.json")
        }
        try store.setPath(documentID, path: path)
    }

    /// The first name in `folder` free for the file and (in failed/) for its error report.
    func freeName(in folder: URL, for relative: String) -> String {
        for attempt in 1...10_000 {
            let candidate = DropTree.uniqueCandidate(relative, attempt: attempt)
            let path = folder.appendingPathComponent(candidate).path
            if !FileManager.default.fileExists(atPath: path),
               !FileManager.default.fileExists(atPath: path + ".error.json") { return candidate }
        }
        return relative
    }

    private func writeReport(code: String, message: String, attempts: Int, record: DocumentRecord?, besides path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let report = ErrorReport(code: code, message: message, attempts: attempts, time: ErrorReport.timestamp(),
                                 document: record?.id, originalName: record?.originalName ?? (path as NSString).lastPathComponent,
                                 sha256: record?.sha256.isEmpty == false ? record?.sha256 : nil)
        try retryingTransient("writing \(path).error.json") { try report.write(besides: path) }
    }
}
