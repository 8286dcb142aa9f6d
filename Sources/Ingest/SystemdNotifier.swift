import Foundation
import Glibc

/// The systemd notify protocol (sd_notify(3)): datagrams like `READY=1` to the AF_UNIX socket named by
/// $NOTIFY_SOCKET. Without that variable (not run by systemd) every call does nothing.
final class SystemdNotifier {
    private let socketPath: String?
    private var descriptor: Int32 = -1
    /// How often systemd wants a `WATCHDOG=1`, from $WATCHDOG_USEC (nil: no watchdog).
    let watchdogInterval: Double?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        // $WATCHDOG_PID, when set, names the process that must ping; honour it if it is not us.
        let watchdogPID = environment["WATCHDOG_PID"].flatMap(Int32.init)
        if let micros = environment["WATCHDOG_USEC"].flatMap(Double.init), micros > 0,
           watchdogPID == nil || watchdogPID == getpid() {
            watchdogInterval = micros / 1_000_000
        } else {
            watchdogInterval = nil
        }
        if path != nil {
            descriptor = (try? systemCall("socket") { socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }) ?? -1
        }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    var isActive: Bool { socketPath != nil && descriptor >= 0 }

    func ready() { send("READY=1") }
    func stopping() { send("STOPPING=1") }
    func watchdog() { send("WATCHDOG=1") }
    func status(_ text: String) { send("STATUS=\(text)") }

    /// Failures are ignored on purpose: a missing systemd must never stop the work (sd_notify does the same).
    private func send(_ message: String) {
        guard let socketPath, descriptor >= 0 else { return }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        // A leading '@' names an abstract socket: the name starts with a NUL byte.
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in pathBytes.enumerated() { raw[i] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                try? systemCall("sendto", socketPath) {
                    sendto(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
        }
    }
}
