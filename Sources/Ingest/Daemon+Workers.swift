import Foundation
import Glibc
import Store

/// Starting workers, storing what they report, and deciding what their end means.
extension Daemon {
    func dispatch(now: Double) throws {
        while running.count < configuration.workers,
              let index = queue.firstIndex(where: { $0.notBefore <= now }) {
            let document = queue.remove(at: index)
            // Counted before the worker starts: a file that kills its worker, or the machine, is given
            // up on after `maxAttempts`, even across restarts.
            let attempt = try retryingTransient("counting an attempt") { try store.beginAttempt(document.id) }
            if attempt > configuration.maxAttempts {
                try store.refundAttempt(document.id)
                try finishFailed(document, code: "too_many_attempts", attempts: attempt - 1,
                                 message: "gave up after \(attempt - 1) attempts that did not finish (worker crash, time limit, or the daemon was killed)")
                continue
            }
            do {
                let process = try WorkerProcess(executable: executable, arguments: workerArguments(for: document))
                running[process.pid] = RunningDocument(document: document, process: process, attempt: attempt,
                                                       deadline: now + Double(configuration.workerTimeoutSeconds))
            } catch {
                log("\(document.claimName): cannot start a worker: \(error); trying again later")
                try store.refundAttempt(document.id)
                var later = document
                later.notBefore = now + 5
                queue.append(later)
                return
            }
        }
    }

    private func workerArguments(for document: QueuedDocument) -> [String] {
        var arguments = ["--file", tree.processing.appendingPathComponent(document.claimName).path,
                         "--memory-limit-mb", String(configuration.workerMemoryLimitMegabytes),
                         "--max-pixels", String(configuration.rasterLimits.maxPixelsPerRender),
                         "--max-pages", String(configuration.rasterLimits.maxPages),
                         "--daemon-pid", String(getpid())]
        if let template = document.requestedTemplate { arguments += ["--template", template] }
        if let file = configuration.file { arguments += ["--config", file.path] }
        return arguments
    }

    /// Reads every worker's pipe, stores pages as they arrive, and settles workers that have ended.
    func handleWorkerOutput() throws {
        for pid in running.keys.sorted() { try consume(running[pid]?.process.readLines() ?? [], from: pid) }
        for (pid, status) in reapChildren() {
            guard let worker = running[pid] else { continue }
            // The worker is gone, so its pipe holds everything it wrote: read to the end.
            for _ in 0..<1000 where worker.process.descriptor >= 0 { try consume(worker.process.readLines(), from: pid) }
            try settle(pid: pid, status: status)
        }
    }

    private func consume(_ lines: [Data], from pid: pid_t) throws {
        for line in lines {
            guard var worker = running[pid] else { return }
            guard let message = try? JSONDecoder().decode(WorkerMessage.self, from: line) else {
                log("\(worker.document.claimName): worker \(pid) sent an unreadable line; ignored")
                continue
            }
            switch message.kind {
            case .opened:
                worker.template = message.template
            case .page:
                guard let page = message.page else { continue }
                try retryingTransient("storing page \(page.page) of \(worker.document.claimName)") {
                    try store.commitPage(page, documentID: worker.document.id,
                                         engineVersion: message.engineVersion ?? "unknown", headsVersion: message.headsVersion)
                }
                worker.pagesStored += 1
                throughput.record()
            case .finished, .failed, .abandoned:
                worker.outcome = message
            }
            running[pid] = worker
        }
    }

    /// What a worker's end means for its document.
    private func settle(pid: pid_t, status: ExitStatus) throws {
        guard let worker = running.removeValue(forKey: pid) else { return }
        let document = worker.document
        switch worker.outcome?.kind {
        case .finished:
            let message = worker.outcome
            try finishDone(document, template: message?.template ?? worker.template ?? "generic",
                           pageCount: message?.pageCount ?? worker.pagesStored)
        case .failed where worker.outcome?.transient == true:
            try requeueAfterTransient(document, reason: worker.outcome?.errorMessage ?? "transient error", attempt: worker.attempt)
        case .failed:
            try finishFailed(document, code: worker.outcome?.errorCode ?? "processing_error", attempts: worker.attempt,
                             message: worker.outcome?.errorMessage ?? "the worker reported a failure")
        case .abandoned, .opened, .page, nil:
            if stopRequested && !worker.timedOut {
                // We asked it to stop: the file stays in processing/ and is resumed at the next start.
                try store.refundAttempt(document.id)
                log("\(document.claimName): left in processing/ after \(worker.pagesStored) pages (shutdown)")
                queue.append(document)
            } else if worker.timedOut {
                try crashed(document, attempt: worker.attempt, code: "worker_timeout",
                            message: "the worker took longer than \(configuration.workerTimeoutSeconds) s and was killed")
            } else {
                try crashed(document, attempt: worker.attempt, code: "worker_crashed",
                            message: "the worker \(status) (a decoder crash, or the \(configuration.workerMemoryLimitMegabytes) MB memory limit)")
            }
        }
    }

    /// A crash or a timeout: try again later, until the attempts are used up.
    private func crashed(_ document: QueuedDocument, attempt: Int, code: String, message: String) throws {
        if attempt >= configuration.maxAttempts {
            try finishFailed(document, code: code, attempts: attempt,
                             message: "\(message); gave up after \(attempt) attempts")
            return
        }
        log("\(document.claimName): \(message); attempt \(attempt) of \(configuration.maxAttempts), trying again")
        var later = document
        later.notBefore = monotonicSeconds() + min(60, pow(2, Double(attempt)))
        queue.append(later)
    }

    private func requeueAfterTransient(_ document: QueuedDocument, reason: String, attempt: Int) throws {
        var later = document
        later.transientFailures += 1
        if later.transientFailures > configuration.transientRetries {
            try finishFailed(document, code: "transient_error", attempts: attempt,
                             message: "\(reason) (still failing after \(configuration.transientRetries) retries)")
            return
        }
        try store.refundAttempt(document.id)
        later.notBefore = monotonicSeconds() + min(60, 0.5 * pow(2, Double(later.transientFailures)))
        log("\(document.claimName): \(reason); retry \(later.transientFailures) of \(configuration.transientRetries) later")
        queue.append(later)
    }
}
