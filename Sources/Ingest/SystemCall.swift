import CLinux
import Foundation
import Glibc

/// A failed system call: which one, on what, and the errno it returned.
public struct SystemError: Error, CustomStringConvertible, Sendable, Equatable {
    public let call: String
    public let subject: String
    public let errno: Int32

    public init(call: String, subject: String = "", errno: Int32) {
        self.call = call; self.subject = subject; self.errno = errno
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        return subject.isEmpty ? "\(call): \(reason)" : "\(call) \(subject): \(reason)"
    }

    /// A full disk, a quota, or a shortage of descriptors or memory may clear up if we wait.
    public var isTransient: Bool {
        [ENOSPC, EDQUOT, EAGAIN, EMFILE, ENFILE, ENOMEM, EBUSY].contains(errno)
    }
}

/// The one funnel for raw system calls (after swift-nio's `System.swift`): retries on EINTR and turns
/// -1 plus errno into a typed `SystemError`. Every raw call in Ingest goes through here.
@discardableResult
func systemCall<T: BinaryInteger>(_ name: String, _ subject: String = "", _ body: () -> T) throws -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw SystemError(call: name, subject: subject, errno: code)
    }
}

/// `renameat2(RENAME_NOREPLACE)`: moves atomically and fails with EEXIST instead of replacing a file.
/// This is how the daemon claims files and finishes them without ever overwriting one.
func renameNoReplace(_ from: String, _ to: String) throws {
    try systemCall("rename", "\(from) → \(to)") { qzoom_rename_noreplace(from, to) }
}

/// Writes all of `data` to `descriptor`, however many calls that takes.
func writeAll(_ data: Data, to descriptor: Int32, _ subject: String) throws {
    try data.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count, let base = raw.baseAddress {
            offset += try systemCall("write", subject) { Glibc.write(descriptor, base + offset, raw.count - offset) }
        }
    }
}
