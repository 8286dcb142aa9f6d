import Foundation
import QZoomCore
import XCTest

/// The document identity: standard SHA-256 vectors, and a file hashed in chunks equals its bytes hashed whole.
final class ContentHashTests: XCTestCase {
    func testStandardVectors() {
        XCTAssertEqual(ContentHash.hex(of: Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(ContentHash.hex(of: Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testFileAcrossChunkBoundaries() throws {
        let bytes = Data(repeating: UInt8(ascii: "a"), count: 3_000_001)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try bytes.write(to: url)
        XCTAssertEqual(try ContentHash.hex(ofFileAt: url), ContentHash.hex(of: bytes))
    }

    func testMissingFileThrows() {
        XCTAssertThrowsError(try ContentHash.hex(ofFileAt: URL(fileURLWithPath: "/nonexistent/qzoom-\(UUID())")))
    }
}
