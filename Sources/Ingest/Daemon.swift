import Foundation
import Glibc
import Store

/// The ingest daemon: one thread, one poll loop over the signal descriptor, inotify and the workers'
/// pipes. It is the only writer of the store and the only mover of files in the drop tree.
public final class Daemon {
    let configuration: DaemonConfiguration
    let tree: DropTree
    let store: ResultStore
    /// The `qzoom` binary, started again as `qzoom worker`.
    let executable: String
    let notifier = SystemdNotifier()
    let signals: SignalFD
    var watch: InboxWatch?
    /// Held (flock) for the daemon's lifetime: two daemons on one tree would both resume processing/.
    private let treeLock: Int32

    /// Claimed documents (in processing/) waiting for a worker, oldest first.
    var queue: [QueuedDocument] = []
    /// Every worker process that has not been reaped yet, busy or idle.
    var workers: [pid_t: WorkerProcess] = [:]
    /// The busy ones: the document each is processing.
    var running: [pid_t: RunningDocument] = [:]
    /// Inbox files seen but not yet stable: path → last fingerprint and since when it has not changed.
    var candidates: [String: (fingerprint: FileFingerprint, since: Double)] = [:]
    var throughput = Throughput()
    var finishedThisRun = (done: 0, failed: 0)
    var stopRequested = false
    var shutdownDeadline: Double?
    let startedAt = Date()
    var nextRescan = 0.0, nextRetryCheck = 0.0, nextStatus = 0.0, nextStateSave = 0.0, lastWatchdog = 0.0

    public init(configuration: DaemonConfiguration, executable: String) throws {
        self.configuration = configuration
        self.executable = executable
        tree = DropTree(root: configuration.root)
        try tree.create()
        treeLock = try Self.lockTree(tree)
        try FileManager.default.createDirectory(at: configuration.database.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        store = try Self.openStore(at: configuration.database.path)
        signals = try SignalFD()
        // A worker that dies leaves its job pipe without a reader: writing to it must fail with EPIPE.
        signal(SIGPIPE, SIG_IGN)
        if !configuration.polling { watch = try InboxWatch(inbox: tree.inbox) }
    }

    deinit { close(treeLock) }

    /// Opens (creating or migrating) the store; a busy or locked database (a reader such as `qzoom
    /// status` opening it while it is being created) is tried again for up to 30 s.
    static func openStore(at path: String) throws -> ResultStore {
        let deadline = Date().addingTimeInterval(30)
        while true {
            do {
                return try ResultStore(path: path)
            } catch let error as StoreError where error.isTransient && Date() < deadline {
                log("the database is busy (\(error)); trying again")
                usleep(250_000)
            }
        }
    }

    private static func lockTree(_ tree: DropTree) throws -> Int32 {
        let path = tree.root.appendingPathComponent(".qzoomd.lock").path
        let fd = try systemCall("open", path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        do {
            try systemCall("flock", path) { flock(fd, LOCK_EX | LOCK_NB) }
        } catch let error as SystemError where error.errno == EWOULDBLOCK {
            close(fd)
            throw DaemonError.treeInUse(root: tree.root.path)
        }
        return fd
    }

    /// Runs until SIGTERM or SIGINT; returns the exit status (0 after a clean shutdown).
    public func run() throws -> Int32 {
        log("watching \(tree.inbox.path) (\(configuration.polling ? "polling every \(configuration.pollIntervalMilliseconds) ms" : "inotify")), \(configuration.workers) workers, database \(store.path)")
        try resumeProcessing()
        scanInbox()
        notifier.ready()
        while true {
            try waitForEvents(timeout: nextTimeout())
            let now = monotonicSeconds()
            try handleSignals()
            try handleWorkerOutput()
            enforceDeadlines(now: now)
            if !stopRequested {
                if now >= nextRescan {
                    scanInbox()
                    let interval = configuration.polling ? Double(configuration.pollIntervalMilliseconds) / 1000
                                                         : Double(configuration.rescanIntervalSeconds)
                    nextRescan = now + interval
                }
                try claimStableCandidates(now: now)
                if now >= nextRetryCheck { try adoptRetryRequests(); nextRetryCheck = now + 1 }
                try dispatch(now: now)
            }
            report(now: now)
            if stopRequested && running.isEmpty { break }
        }
        releaseWorkers()
        try? store.saveDaemonState(daemonState(stopped: true))
        notifier.status("stopped")
        log("stopped cleanly; \(queue.count) documents wait in processing/ for the next start; \(Self.peakMemory())")
        return 0
    }

    /// Peak resident memory of the daemon and of the largest worker it has reaped, and the CPU time
    /// of each side (getrusage): what the benchmark reports.
    static func peakMemory() -> String {
        var own = rusage(), children = rusage()
        getrusage(RUSAGE_SELF.rawValue, &own)
        getrusage(RUSAGE_CHILDREN.rawValue, &children)
        func seconds(_ usage: rusage) -> String {
            let total = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
            return String(format: "%.2f", total)
        }
        return "peak RSS: daemon \(own.ru_maxrss / 1024) MiB, largest worker \(children.ru_maxrss / 1024) MiB; "
            + "CPU: daemon \(seconds(own)) s, workers \(seconds(children)) s"
    }

    private func nextTimeout() -> Double {
        var timeout = 1.0
        if !candidates.isEmpty {
            timeout = min(timeout, max(0.02, Double(configuration.stabilityDelayMilliseconds) / 4000))
        }
        if configuration.polling { timeout = min(timeout, Double(configuration.pollIntervalMilliseconds) / 1000) }
        if let interval = notifier.watchdogInterval { timeout = min(timeout, interval / 3) }
        if queue.contains(where: { $0.notBefore > monotonicSeconds() }) { timeout = min(timeout, 0.25) }
        return timeout
    }

    private func waitForEvents(timeout: Double) throws {
        var descriptors = [pollfd(fd: signals.descriptor, events: Int16(POLLIN), revents: 0)]
        if let watch { descriptors.append(pollfd(fd: watch.descriptor, events: Int16(POLLIN), revents: 0)) }
        for worker in running.values where worker.process.descriptor >= 0 {
            descriptors.append(pollfd(fd: worker.process.descriptor, events: Int16(POLLIN), revents: 0))
        }
        _ = try systemCall("poll") { poll(&descriptors, nfds_t(descriptors.count), Int32(timeout * 1000)) }
        if let watch, descriptors[1].revents != 0 {
            for event in try watch.drain() {
                switch event {
                case .touched(let path): track(path, now: monotonicSeconds())
                case .overflow: scanInbox()
                }
            }
        }
    }

    private func handleSignals() throws {
        for signal in try signals.drain() where signal == SIGTERM || signal == SIGINT {
            guard !stopRequested else { continue }
            stopRequested = true
            shutdownDeadline = monotonicSeconds() + Double(configuration.shutdownGraceSeconds)
            notifier.stopping()
            log("signal \(signal): stopping; \(running.count) workers finish their current page")
            for worker in running.values { worker.process.signal(SIGTERM) }
            for process in workers.values where running[process.pid] == nil { process.release() }
        }
    }

    /// Kills workers past their time limit, and every worker once the shutdown grace period is over.
    private func enforceDeadlines(now: Double) {
        for (pid, worker) in running where !worker.killed {
            if now > worker.deadline {
                log("\(worker.document.claimName): worker \(pid) exceeded \(configuration.workerTimeoutSeconds) s; killing it")
                running[pid]?.timedOut = true
            } else if let deadline = shutdownDeadline, now > deadline {
                log("\(worker.document.claimName): worker \(pid) did not stop in time; killing it")
            } else {
                continue
            }
            running[pid]?.killed = true
            worker.process.signal(SIGKILL)
        }
    }

    /// STATUS= for systemctl status, WATCHDOG=1 from this loop (so a wedged loop gets the service
    /// restarted), and the daemon's row for `qzoom status`.
    private func report(now: Double) {
        if let interval = notifier.watchdogInterval, now - lastWatchdog >= interval / 3 {
            notifier.watchdog()
            lastWatchdog = now
        }
        if now >= nextStatus {
            let rate = throughput.pagesPerMinute(now: now)
            notifier.status("queue \(queue.count + candidates.count), in flight \(running.count), done \(finishedThisRun.done), failed \(finishedThisRun.failed), \(String(format: "%.1f", rate)) pages/min")
            nextStatus = now + 1
        }
        if now >= nextStateSave {
            try? store.saveDaemonState(daemonState(stopped: false))
            nextStateSave = now + 2
        }
    }

    func daemonState(stopped: Bool) -> ResultStore.DaemonState {
        ResultStore.DaemonState(pid: getpid(), root: tree.root.path, startedAt: startedAt, heartbeatAt: Date(),
                                queueLength: queue.count + candidates.count, inFlight: running.count,
                                pagesPerMinute: throughput.pagesPerMinute(), stoppedAt: stopped ? Date() : nil)
    }

    /// Retries an operation that failed for a reason that may pass (locked database, full disk), with
    /// exponential backoff, a bounded number of times; then the error goes up.
    func retryingTransient<T>(_ what: String, _ body: () throws -> T) throws -> T {
        var delay = 0.05
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error where Self.isTransient(error) && attempt < configuration.transientRetries {
                attempt += 1
                log("\(what): \(error); trying again in \(Int(delay * 1000)) ms (\(attempt)/\(configuration.transientRetries))")
                usleep(UInt32(delay * 1_000_000))
                delay = min(delay * 2, 2)
                if let interval = notifier.watchdogInterval, delay > interval / 4 { notifier.watchdog() }
            }
        }
    }

    static func isTransient(_ error: Error) -> Bool {
        (error as? StoreError)?.isTransient == true || (error as? SystemError)?.isTransient == true
    }
}

public enum DaemonError: Error, CustomStringConvertible {
    case treeInUse(root: String)

    public var description: String {
        switch self {
        case .treeInUse(let root): "another qzoom daemon is already running on \(root)"
        }
    }
}

/// A claimed document waiting for a worker.
struct QueuedDocument {
    var id: Int64
    /// Its path relative to processing/.
    var claimName: String
    var requestedTemplate: String?
    /// Not started again before this time (backoff after a crash or a transient failure).
    var notBefore: Double = 0
    var transientFailures = 0
}

/// A document and the worker processing it.
struct RunningDocument {
    var document: QueuedDocument
    let process: WorkerProcess
    let attempt: Int
    let deadline: Double
    var template: String?
    var pagesStored = 0
    var timedOut = false
    var killed = false
}
