import Foundation
import Glibc

/// Test-only faults, read only by workers and off unless the environment asks for them:
/// `QZOOM_TEST_WORKER_FAULT=crash:NAME` makes a worker handed a file whose name contains NAME die of
/// SIGSEGV; `hang:NAME` makes it hang (so the daemon's time limit must kill it); `slow:NAME` makes it
/// pause 100 ms before each page (so a test can stop or kill the daemon in the middle of a document,
/// whatever the real per-page cost). Several faults are separated by commas. The daemon tests use it
/// to prove that one broken worker does not stop the others; nothing sets it by default.
enum FaultInjection {
    static let variable = "QZOOM_TEST_WORKER_FAULT"

    /// Called when the worker starts on `file`.
    static func atStart(of file: URL) {
        if applies("crash", to: file) {
            // A real invalid access, as a decoder bug would make (raise() would return once the Swift
            // runtime's backtracer has handled the signal).
            let invalid = UnsafeMutablePointer<Int>(bitPattern: 8)
            invalid?.pointee = 1
        }
        if applies("hang", to: file) { while true { sleep(3600) } }
    }

    /// Called before each page.
    static func beforePage(of file: URL) {
        if applies("slow", to: file) { usleep(100_000) }
    }

    private static func applies(_ fault: String, to file: URL) -> Bool {
        guard let spec = ProcessInfo.processInfo.environment[variable] else { return false }
        return spec.split(separator: ",").contains { entry in
            let parts = entry.split(separator: ":", maxSplits: 1)
            return parts.count == 2 && parts[0] == fault && file.lastPathComponent.contains(parts[1])
        }
    }
}
