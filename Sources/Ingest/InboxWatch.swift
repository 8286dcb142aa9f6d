import Foundation
import Glibc

/// inotify on the inbox and every folder below it. It only says *where to look*: the scanner decides
/// what is a finished file, and a periodic rescan covers anything inotify misses (overflow, NFS).
final class InboxWatch {
    let descriptor: Int32
    private var folders: [Int32: String] = [:]
    private let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)

    init(inbox: URL) throws {
        descriptor = try systemCall("inotify_init1") { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) }
        try watchTree(inbox.path)
    }

    deinit { close(descriptor) }

    /// Watches `folder` and its subfolders (template folders may be created while the daemon runs).
    func watchTree(_ folder: String) throws {
        let wd = try systemCall("inotify_add_watch", folder) { inotify_add_watch(descriptor, folder, mask) }
        folders[wd] = folder
        let children = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for child in children where !child.hasPrefix(".") {
            var isFolder: ObjCBool = false
            let path = folder + "/" + child
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                try watchTree(path)
            }
        }
    }

    enum Event {
        /// Something happened to this path; look at it.
        case touched(String)
        /// Events were lost: rescan everything.
        case overflow
    }

    /// Reads every pending event without blocking.
    func drain() throws -> [Event] {
        var events: [Event] = []
        let capacity = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let count: Int
            do {
                count = try systemCall("read", "inotify") { read(descriptor, buffer, capacity) }
            } catch let error as SystemError where error.errno == EAGAIN {
                return events
            }
            if count == 0 { return events }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let nameStart = buffer.advanced(by: offset + MemoryLayout<inotify_event>.size)
                let name = event.len > 0 ? String(cString: nameStart.assumingMemoryBound(to: CChar.self)) : ""
                offset += MemoryLayout<inotify_event>.size + Int(event.len)
                if event.mask & UInt32(IN_Q_OVERFLOW) != 0 { events.append(.overflow); continue }
                if event.mask & UInt32(IN_IGNORED) != 0 { folders[event.wd] = nil; continue }
                guard let folder = folders[event.wd], !name.isEmpty else { continue }
                let path = folder + "/" + name
                if event.mask & UInt32(IN_ISDIR) != 0 {
                    // A new template folder (or one moved in): watch it, then look at what it already holds.
                    try? watchTree(path)
                    events.append(.overflow)
                } else if event.mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) != 0 {
                    events.append(.touched(path))
                }
            }
        }
    }
}
