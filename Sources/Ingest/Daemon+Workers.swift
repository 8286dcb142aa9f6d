import Foundation
import Glibc
import Store

/// Handing documents to workers, storing what they report, and deciding what each outcome means.
/// Workers are kept between documents (the engine loads once per worker); one that reported a failure,
/// was killed, or has done `documentsPerWorker` documents is let go and a new one started when needed.
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
            let job = WorkerJob(file: tree.processing.appendingPathComponent(document.claimName).path,
                                template: document.requestedTemplate)
            do {
                let process = try worker(for: job)
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

    /// An idle worker that takes `job`, or a new one.
    private func worker(for job: WorkerJob) throws -> WorkerProcess {
        while let index = workers.values.firstIndex(where: { running[$0.pid] == nil && !$0.isReleased }) {
            let idle = workers.values[index]
            do {
                try idle.send(job)
                return idle
            } catch {
                log("worker \(idle.pid) cannot take a document (\(error)); starting another")
                idle.release()
            }
        }
        let process = try WorkerProcess(executable: executable, arguments: workerArguments())
        workers[process.pid] = process
        log("started worker \(process.pid)")
        do {
            try process.send(job)
        } catch {
            process.signal(SIGKILL)
            throw error
        }
        return process
    }

    private func workerArguments() -> [String] {
        var arguments = ["--memory-limit-mb", String(configuration.workerMemoryLimitMegabytes),
                         "--max-pixels", String(configuration.rasterLimits.maxPixelsPerRender),
                         "--max-pages", String(configuration.rasterLimits.maxPages),
                         "--daemon-pid", String(getpid())]
        if let file = configuration.file { arguments += ["--config", file.path] }
        return arguments
    }

    /// Reads every busy worker's pipe, stores pages as they arrive, settles documents whose outcome
    /// arrived, and accounts for workers that have ended.
    func handleWorkerOutput() throws {
        for pid in running.keys.sorted() { try consume(running[pid]?.process.readLines() ?? [], from: pid) }
        for (pid, status) in reapChildren() {
            guard let process = workers.removeValue(forKey: pid) else { continue }
            guard running[pid] != nil else {
                if !process.isReleased { log("idle worker \(pid) \(status)") }
                continue
            }
            // The worker is gone, so its pipe holds everything it wrote: read to the end.
            for _ in 0..<1000 where process.descriptor >= 0 { try consume(process.readLines(), from: pid) }
            if let worker = running.removeValue(forKey: pid) { try settleEnded(worker, status: status) }
        }
    }

    /// Lets every worker go (at shutdown, once no document is in flight) and waits a little for them
    /// to exit, so their resource use is counted; any still there are killed.
    func releaseWorkers() {
        for process in workers.values { process.release() }
        let deadline = monotonicSeconds() + 5
        while !workers.isEmpty {
            for (pid, _) in reapChildren() { workers.removeValue(forKey: pid) }
            if workers.isEmpty { break }
            if monotonicSeconds() > deadline {
                for process in workers.values { process.signal(SIGKILL) }
            }
            usleep(20_000)
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
                running[pid] = worker
            case .page:
                guard let page = message.page else { continue }
                try retryingTransient("storing page \(page.page) of \(worker.document.claimName)") {
                    try store.commitPage(page, documentID: worker.document.id,
                                         engineVersion: message.engineVersion ?? "unknown", headsVersion: message.headsVersion)
                }
                worker.pagesStored += 1
                running[pid] = worker
                throughput.record()
            case .finished, .failed, .abandoned:
                running.removeValue(forKey: pid)
                try settle(worker, outcome: message)
                let reusable = message.kind == .finished && !worker.killed && !stopRequested
                    && worker.process.documentsStarted < configuration.documentsPerWorker
                if !reusable { worker.process.release() }
            }
        }
    }

    /// What a worker's report on its document means.
    private func settle(_ worker: RunningDocument, outcome message: WorkerMessage) throws {
        let document = worker.document
        switch message.kind {
        case .finished:
            try finishDone(document, template: message.template ?? worker.template ?? "generic",
                           pageCount: message.pageCount ?? worker.pagesStored)
        case .failed where message.transient == true:
            try requeueAfterTransient(document, reason: message.errorMessage ?? "transient error", attempt: worker.attempt)
        case .failed:
            try finishFailed(document, code: message.errorCode ?? "processing_error", attempts: worker.attempt,
                             message: message.errorMessage ?? "the worker reported a failure")
        case .abandoned, .opened, .page:
            try leftForNextStart(worker)
        }
    }

    /// A worker that ended in the middle of a document, without saying how it went.
    private func settleEnded(_ worker: RunningDocument, status: ExitStatus) throws {
        let document = worker.document
        if stopRequested && !worker.timedOut {
            try leftForNextStart(worker)
        } else if worker.timedOut {
            try crashed(document, attempt: worker.attempt, code: "worker_timeout",
                        message: "the worker took longer than \(configuration.workerTimeoutSeconds) s and was killed")
        } else {
            try crashed(document, attempt: worker.attempt, code: "worker_crashed",
                        message: "the worker \(status) (a decoder crash, or the \(configuration.workerMemoryLimitMegabytes) MB memory limit)")
        }
    }

    /// We asked the worker to stop: the file stays in processing/ and is resumed at the next start.
    private func leftForNextStart(_ worker: RunningDocument) throws {
        try store.refundAttempt(worker.document.id)
        log("\(worker.document.claimName): left in processing/ after \(worker.pagesStored) pages (shutdown)")
        queue.append(worker.document)
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
