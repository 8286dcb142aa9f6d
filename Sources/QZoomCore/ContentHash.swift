import Crypto
import Foundation

/// SHA-256 as lowercase hex: the identity of a document (de-duplication in the daemon) and of the
/// files a head was trained on. One place, over swift-crypto.
public enum ContentHash {
    public static func hex(of bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).hexadecimal
    }

    /// Hashes a file in 1 MiB chunks, so a large document never has to fit in memory.
    public static func hex(ofFileAt url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().hexadecimal
    }
}

extension Digest {
    var hexadecimal: String { map { String(format: "%02x", $0) }.joined() }
}
