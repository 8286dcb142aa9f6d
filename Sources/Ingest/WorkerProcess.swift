import CLinux
import Foundation
import Glibc

/// One running `qzoom worker`, seen from the daemon: its pid, the write end of its job pipe, the read
/// end of its message pipe, and the lines read so far. The daemon owns the process: it is the only one
/// that signals and reaps it. A worker takes one document after another (`send(_:)`) and exits when
/// its job pipe is closed (`release()`), so the engine loads once per worker, not once per document.
final class WorkerProcess {
    let pid: pid_t
    /// Read end of the message pipe (non-blocking); -1 once the worker closed it.
    private(set) var descriptor: Int32
    /// Write end of the job pipe (the worker's standard input); -1 once released.
    private var jobs: Int32
    /// Documents handed to this worker so far.
    private(set) var documentsStarted = 0
    private var pending = Data()

    /// Starts `executable worker ARGUMENTS` with the job pipe on standard input, the message pipe on
    /// descriptor 3, the daemon's stdout/stderr for logs, default signal handling, and its own process
    /// group (a Ctrl-C at the terminal reaches the daemon, which then stops the workers in order).
    init(executable: String, arguments: [String]) throws {
        var ends: [Int32] = [-1, -1]
        try systemCall("pipe2") { pipe2(&ends, O_CLOEXEC) }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        var jobEnds: [Int32] = [-1, -1]
        do {
            try systemCall("pipe2") { pipe2(&jobEnds, O_CLOEXEC) }
        } catch {
            close(readEnd); close(writeEnd)
            throw error
        }
        let (jobRead, jobWrite) = (jobEnds[0], jobEnds[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 onto 3 clears close-on-exec on the copy; the originals close at exec.
        posix_spawn_file_actions_adddup2(&actions, writeEnd, workerMessageDescriptor)
        posix_spawn_file_actions_adddup2(&actions, jobRead, 0)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in SignalFD.handled + [SIGPIPE] { sigaddset(&defaultSignals, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable, "worker"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment = Self.workerEnvironment().map { strdup($0) } + [nil]
        defer { environment.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, environment)
        close(writeEnd)
        close(jobRead)
        guard status == 0 else {
            close(readEnd); close(jobWrite)
            throw SystemError(call: "posix_spawn", subject: executable, errno: status)
        }
        pid = child
        descriptor = readEnd
        jobs = jobWrite
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        release()
    }

    /// Hands the worker its next document. A job line is far smaller than a pipe's buffer, and the
    /// worker reads it before anything else, so this does not block; a worker that has died gives
    /// EPIPE (the daemon ignores SIGPIPE), which the caller treats as a worker that could not start.
    func send(_ job: WorkerJob) throws {
        guard jobs >= 0 else { throw SystemError(call: "write", subject: "worker \(pid) job pipe", errno: EPIPE) }
        try writeAll(try job.encodedLine(), to: jobs, "worker \(pid) job pipe")
        documentsStarted += 1
    }

    var isReleased: Bool { jobs < 0 }

    /// Closes the job pipe: the worker finishes what it is doing and exits.
    func release() {
        if jobs >= 0 { close(jobs); jobs = -1 }
    }

    /// The daemon's environment, with OpenBLAS's own thread pool switched off: the neural runtime runs
    /// OpenBLAS single-threaded and spreads work over its own threads, and OpenBLAS would otherwise
    /// start an idle pool in a library constructor, reserving about 140 MB of the worker's address
    /// space (which `memory_limit_mb` caps).
    static func workerEnvironment() -> [String] {
        var variables = ProcessInfo.processInfo.environment
        variables["OPENBLAS_NUM_THREADS"] = "1"
        return variables.map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// Reads what the worker wrote; returns complete lines. At end of file the descriptor is closed.
    func readLines() -> [Data] {
        guard descriptor >= 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        readLoop: while true {
            do {
                let count = try systemCall("read", "worker \(pid)") { read(descriptor, &buffer, buffer.count) }
                if count == 0 { close(descriptor); descriptor = -1; break readLoop }
                pending.append(contentsOf: buffer[0..<count])
            } catch {
                // EAGAIN: nothing more for now. Anything else: the pipe is unusable; treat as closed.
                if (error as? SystemError)?.errno != EAGAIN { close(descriptor); descriptor = -1 }
                break readLoop
            }
        }
        var lines: [Data] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(pending[pending.startIndex..<newline])
            pending.removeSubrange(pending.startIndex...newline)
        }
        return lines
    }

    func signal(_ signal: Int32) { _ = kill(pid, signal) }
}

/// How a child ended, from waitpid.
enum ExitStatus: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    init(waitStatus status: Int32) {
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros; spelled out here.
        if status & 0x7f == 0 { self = .exited((status >> 8) & 0xff) } else { self = .signalled(status & 0x7f) }
    }

    var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signalled(let signal): "killed by signal \(signal) (\(String(cString: strsignal(signal))))"
        }
    }
}

/// Every child that has ended since the last call (non-blocking).
func reapChildren() -> [(pid_t, ExitStatus)] {
    var ended: [(pid_t, ExitStatus)] = []
    while true {
        var status: Int32 = 0
        let pid = waitpid(-1, &status, WNOHANG)
        if pid > 0 { ended.append((pid, ExitStatus(waitStatus: status))); continue }
        if pid == -1 && errno == EINTR { continue }
        return ended
    }
}
