import CLinux
import Glibc

/// SIGTERM, SIGINT and SIGCHLD delivered as readable events on a descriptor, so the daemon's single
/// poll loop handles them with everything else (no handler runs at an arbitrary point).
final class SignalFD {
    let descriptor: Int32
    static let handled: [Int32] = [SIGTERM, SIGINT, SIGCHLD]

    init() throws {
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in Self.handled { sigaddset(&mask, signal) }
        try systemCall("sigprocmask") { sigprocmask(SIG_BLOCK, &mask, nil) }
        try SignalRouting.routeToCurrentThread(Self.handled)
        descriptor = try systemCall("signalfd") { signalfd(-1, &mask, Int32(SFD_NONBLOCK | SFD_CLOEXEC)) }
    }

    deinit { close(descriptor) }

    /// The signals that arrived since the last call.
    func drain() throws -> [Int32] {
        var signals: [Int32] = []
        var info = signalfd_siginfo()
        let size = MemoryLayout<signalfd_siginfo>.size
        while true {
            let count: Int
            do {
                count = try systemCall("read", "signalfd") { read(descriptor, &info, size) }
            } catch let error as SystemError where error.errno == EAGAIN {
                return signals
            }
            guard count == size else { return signals }
            signals.append(Int32(info.ssi_signo))
        }
    }
}
