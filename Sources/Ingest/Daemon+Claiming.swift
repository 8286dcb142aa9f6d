import Foundation
import Glibc
import QZoomCore
import Store

/// From the inbox to the queue: noticing files, waiting until they are stable, claiming them into
/// processing/ and recording them (or recognising them as duplicates or as files a crash left behind).
extension Daemon {
    /// Everything in processing/ at startup is a file an earlier run claimed: finish what was finished,
    /// queue the rest.
    func resumeProcessing() throws {
        let left = DropTree.files(below: tree.processing)
        if !left.isEmpty { log("resuming \(left.count) files left in processing/") }
        for claimName in left { try register(claimName: claimName) }
        // A document the store thinks is waiting, whose file is not in processing/ any more (removed by
        // hand, or a move the disk lost): say so instead of counting it as queued forever.
        for status in [DocumentStatus.queued, .processing] {
            for record in try store.documents(status: status) where !queue.contains(where: { $0.id == record.id }) {
                log("document \(record.id) (\(record.claimName)): its file is no longer in processing/")
                try store.fail(record.id, code: "missing_file", message: "the file was no longer in processing/ at startup",
                               path: record.path)
            }
        }
    }

    func scanInbox() {
        let now = monotonicSeconds()
        for relative in DropTree.files(below: tree.inbox) {
            track(tree.inbox.appendingPathComponent(relative).path, now: now)
        }
    }

    func track(_ path: String, now: Double) {
        guard path.hasPrefix(tree.inbox.path + "/") else { return }
        let relative = String(path.dropFirst(tree.inbox.path.count + 1))
        guard !relative.split(separator: "/").contains(where: { DropTree.isIgnored(name: String($0)) }),
              let fingerprint = FileFingerprint.of(path) else { return }
        if candidates[path]?.fingerprint != fingerprint { candidates[path] = (fingerprint, now) }
    }

    /// Claims every candidate whose size and mtime have not changed for the stability delay.
    func claimStableCandidates(now: Double) throws {
        let delay = Double(configuration.stabilityDelayMilliseconds) / 1000
        for (path, seen) in candidates.sorted(by: { $0.key < $1.key }) {
            guard let fingerprint = FileFingerprint.of(path) else { candidates[path] = nil; continue }
            if fingerprint != seen.fingerprint { candidates[path] = (fingerprint, now); continue }
            guard now - seen.since >= delay else { continue }
            candidates[path] = nil
            let relative = String(path.dropFirst(tree.inbox.path.count + 1))
            let claimName: String
            do {
                claimName = try retryingTransient("claiming \(relative)") {
                    try DropTree.moveUniquely(path, into: tree.processing, relative: relative)
                }
            } catch {
                // Gone (taken by someone else) or not ours to move: nothing was changed.
                log("\(relative): not claimed: \(error)")
                continue
            }
            try register(claimName: claimName)
        }
    }

    /// Records a file that is in processing/: as a new document, a duplicate, an adopted retry, or the
    /// document it already belongs to (after a crash).
    func register(claimName: String) throws {
        let path = tree.processing.appendingPathComponent(claimName).path
        let sha256: String
        let size: Int64
        do {
            sha256 = try ContentHash.hex(ofFileAt: URL(fileURLWithPath: path))
            size = FileFingerprint.of(path)?.size ?? 0
        } catch {
            try failUnrecorded(claimName: claimName, code: "unreadable", message: "cannot read the file: \(error)")
            return
        }
        let template = DropTree.template(forRelativePath: claimName)

        if let known = try store.document(claimName: claimName, sha256: sha256),
           !(known.status.isFinal && FileManager.default.fileExists(atPath: known.path)) {
            // This very file: a crash came between recording its outcome and moving it, or before it ran.
            if known.status.isFinal {
                try completeMove(of: known, from: path)
            } else {
                queue.append(QueuedDocument(id: known.id, claimName: claimName, requestedTemplate: known.template))
            }
            return
        }
        let new = ResultStore.NewDocument(sha256: sha256, originalName: (claimName as NSString).lastPathComponent,
                                          sizeBytes: size, template: template, path: path, claimName: claimName)
        if let original = try store.original(sha256: sha256) {
            if original.retryRequested {
                try store.adoptRetry(original.id, claimName: claimName, path: path, template: template)
                queue.append(QueuedDocument(id: original.id, claimName: claimName, requestedTemplate: template))
            } else {
                try recordDuplicate(new, of: original)
            }
            return
        }
        let id = try retryingTransient("recording \(claimName)") { try store.insertQueued(new) }
        log("\(claimName): queued as document \(id)\(template.map { " (template \($0))" } ?? "")")
        queue.append(QueuedDocument(id: id, claimName: claimName, requestedTemplate: template))
    }

    /// A file whose content was already processed: recorded, moved to done/, not processed again.
    private func recordDuplicate(_ new: ResultStore.NewDocument, of original: DocumentRecord) throws {
        let target = freeName(in: tree.done, for: new.claimName)
        var record = new
        record.path = tree.done.appendingPathComponent(target).path
        let id = try retryingTransient("recording duplicate \(new.claimName)") {
            try store.insertDuplicate(record, of: original.id)
        }
        log("\(new.claimName): duplicate of document \(original.id) (\(original.originalName)); not processed again")
        let source = tree.processing.appendingPathComponent(new.claimName).path
        try moveFinished(source, documentID: id, into: tree.done, relative: target)
    }

    /// `qzoom retry` marked documents: bring their files back from done/ or failed/ and queue them.
    func adoptRetryRequests() throws {
        for document in try store.retryRequests() {
            if queue.contains(where: { $0.id == document.id }) || running.values.contains(where: { $0.document.id == document.id }) {
                try store.cancelRetry(document.id)
                continue
            }
            guard FileManager.default.fileExists(atPath: document.path),
                  let relative = relativePath(of: document.path) else {
                log("document \(document.id): cannot retry, its file is no longer at \(document.path)")
                try store.cancelRetry(document.id)
                continue
            }
            let claimName = try retryingTransient("reclaiming \(relative)") {
                try DropTree.moveUniquely(document.path, into: tree.processing, relative: relative)
            }
            unlink(document.path + ".error.json")
            let template = DropTree.template(forRelativePath: claimName)
            try store.adoptRetry(document.id, claimName: claimName,
                                 path: tree.processing.appendingPathComponent(claimName).path, template: template)
            log("document \(document.id): retrying \(claimName)")
            queue.append(QueuedDocument(id: document.id, claimName: claimName, requestedTemplate: template))
        }
    }

    /// The path of a finished file relative to done/ or failed/.
    private func relativePath(of path: String) -> String? {
        for folder in [tree.done, tree.failed] where path.hasPrefix(folder.path + "/") {
            return String(path.dropFirst(folder.path.count + 1))
        }
        return nil
    }
}
