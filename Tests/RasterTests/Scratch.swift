import Foundation

/// A temporary directory for one test's fixtures, removed when the test is done with it.
final class Scratch {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qzoom-raster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Writes raw bytes (for bad-input fixtures) and returns the file's URL.
    func file(_ name: String, bytes: [UInt8]) throws -> URL {
        let url = url(name)
        try Data(bytes).write(to: url)
        return url
    }
}
