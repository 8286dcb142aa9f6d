import Foundation
import Glibc

/// The folders the daemon owns: files are dropped into `inbox/`, claimed into `processing/`, and end in
/// `done/` or `failed/`. A file's path below `inbox/` is kept all the way through, so the template
/// folder it was dropped in (`inbox/invoice/…`) survives a crash and shows in `done/invoice/…`.
public struct DropTree: Sendable {
    public let root: URL
    public var inbox: URL { root.appendingPathComponent("inbox") }
    public var processing: URL { root.appendingPathComponent("processing") }
    public var done: URL { root.appendingPathComponent("done") }
    public var failed: URL { root.appendingPathComponent("failed") }

    public init(root: URL) { self.root = root.standardizedFileURL }

    /// Creates the four folders when missing.
    public func create() throws {
        for folder in [inbox, processing, done, failed] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    /// The template a file's place asks for: the first folder below the inbox, if any.
    public static func template(forRelativePath relative: String) -> String? {
        let components = relative.split(separator: "/")
        return components.count > 1 ? String(components[0]) : nil
    }

    /// Names that are not (yet) documents: hidden files, partial downloads, editor and temporary files.
    public static func isIgnored(name: String) -> Bool {
        if name.hasPrefix(".") || name.hasSuffix("~") || (name.hasPrefix("#") && name.hasSuffix("#")) { return true }
        let lower = name.lowercased()
        let temporarySuffixes = [".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".swp",
                                 ".filepart", ".!qb", ".error.json"]
        return temporarySuffixes.contains { lower.hasSuffix($0) }
    }

    /// Moves `source` to `folder/relative`, or to `folder/stem-2.ext`, `stem-3.ext`… when that name is
    /// taken. The move is an atomic rename that never replaces a file. Returns the relative path used.
    @discardableResult
    public static func moveUniquely(_ source: String, into folder: URL, relative: String) throws -> String {
        let target = folder.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        for attempt in 1...10_000 {
            let candidate = uniqueCandidate(relative, attempt: attempt)
            do {
                try renameNoReplace(source, folder.appendingPathComponent(candidate).path)
                return candidate
            } catch let error as SystemError where error.errno == EEXIST {
                continue
            }
        }
        throw SystemError(call: "rename", subject: "\(source): no free name in \(folder.path)", errno: EEXIST)
    }

    /// `a/b.pdf`, then `a/b-2.pdf`, `a/b-3.pdf`, … (bounded: 10 000 copies of a name is a problem to report).
    static func uniqueCandidate(_ relative: String, attempt: Int) -> String {
        guard attempt > 1 else { return relative }
        let url = URL(fileURLWithPath: relative)
        let folder = (relative as NSString).deletingLastPathComponent
        let ext = url.pathExtension
        let stem = url.deletingPathExtension().lastPathComponent
        let name = ext.isEmpty ? "\(stem)-\(attempt)" : "\(stem)-\(attempt).\(ext)"
        return folder.isEmpty ? name : "\(folder)/\(name)"
    }

    /// Every regular file below `folder`, as paths relative to it, skipping ignored names.
    public static func files(below folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else { return [] }
        var found: [String] = []
        let base = folder.standardizedFileURL.path
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                  !isIgnored(name: url.lastPathComponent) else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base + "/") else { continue }
            found.append(String(path.dropFirst(base.count + 1)))
        }
        return found.sorted()
    }
}

/// Size and modification time: a file is taken once these stop changing.
struct FileFingerprint: Equatable {
    var size: Int64
    var modifiedNanoseconds: Int64

    static func of(_ path: String) -> FileFingerprint? {
        var info = stat()
        guard (try? systemCall("stat", path, { stat(path, &info) })) != nil,
              (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileFingerprint(size: Int64(info.st_size),
                               modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }
}
