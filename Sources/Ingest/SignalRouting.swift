import Glibc

/// Keeps signals that the daemon and its workers take synchronously (signalfd, sigpending) on the
/// thread that blocked them.
///
/// Blocking a signal only protects the threads that exist when it is blocked. Libraries start
/// threads of their own before `main` runs (OpenBLAS starts its thread pool in a library
/// constructor), and those threads leave the signals unblocked, so the kernel delivers a SIGTERM to
/// one of them, where the default action ends the process mid-page. A handler, installed for the
/// whole process, runs on whichever thread receives the signal and re-sends it to the routing thread,
/// where it stays pending until the loop reads it.
enum SignalRouting {
    nonisolated(unsafe) private static var target = pthread_self()

    /// Call on the thread that has just blocked `signals` and will read them.
    static func routeToCurrentThread(_ signals: [Int32]) throws {
        target = pthread_self()
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                // pthread_kill is async-signal-safe; the blocked target keeps the signal pending.
                _ = pthread_kill(SignalRouting.target, signal)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            try systemCall("sigaction") { sigaction(signal, &action, nil) }
        }
    }
}
