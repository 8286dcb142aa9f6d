import Foundation
import Glibc

/// Test-only faults, read only by workers and off unless the environment asks for them:
/// `QZOOM_TEST_WORKER_FAULT=crash:NAME` makes a worker handed a file whose name contains NAME die of
/// SIGSEGV; `hang:NAME` makes it hang (so the daemon's time limit must kill it). The daemon tests use
/// it to prove that one broken worker does not stop the others; nothing sets it by default.
enum FaultInjection {
    static let variable = "QZOOM_TEST_WORKER_FAULT"

    static func apply(to file: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let spec = environment[variable], let colon = spec.firstIndex(of: ":") else { return }
        let fault = spec[..<colon], needle = spec[spec.index(after: colon)...]
        guard !needle.isEmpty, file.lastPathComponent.contains(needle) else { return }
        switch fault {
        case "crash": raise(SIGSEGV)
        case "hang": while true { sleep(3600) }
        default: return
        }
    }
}
