import CCairo
import Foundation
import XCTest

/// Small documents the tests make themselves.
enum Fixtures {
    /// A real PDF of `pages` A6 pages, each with a line of text that makes its content unique.
    static func pdf(at url: URL, pages: Int, label: String) throws {
        guard let surface = cairo_pdf_surface_create(url.path, 298, 420) else {
            throw FixtureError("cairo could not create \(url.path)")
        }
        let context = cairo_create(surface)
        for page in 1...pages {
            cairo_set_source_rgb(context, 0, 0, 0)
            cairo_select_font_face(context, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
            cairo_set_font_size(context, 14)
            cairo_move_to(context, 20, 40)
            cairo_show_text(context, "\(label) — page \(page) of \(pages)")
            cairo_rectangle(context, 20, 60, 200, 30)
            cairo_stroke(context)
            cairo_show_page(context)
        }
        cairo_destroy(context)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw FixtureError("cairo failed writing \(url.path)") }
    }

    static func pdfData(pages: Int, label: String) throws -> Data {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString).pdf")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try pdf(at: temporary, pages: pages, label: label)
        return try Data(contentsOf: temporary)
    }

    /// A PNG whose header declares `width`×`height` RGB pixels, followed by a few bytes of image data:
    /// tiny on disk, enormous once decoded (a decompression bomb as far as a decoder can tell).
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + body
            return bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed))
        }
        let header = bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        return Data(signature + chunk("IHDR", header) + chunk("IDAT", [0x78, 0x9C, 0x63, 0, 0, 0, 1, 0, 1])
                    + chunk("IEND", []))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// CRC-32 as PNG chunks use it (ISO 3309, reflected, 0xEDB88320).
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// A valid white PNG of `side`×`side` RGB pixels: small on disk (rows of one value deflate to
    /// almost nothing), `3·side²` bytes once decoded. Written by python3's zlib (a set-up dependency),
    /// since nothing in the Swift toolchain here compresses.
    static func whitePNG(at url: URL, side: Int) throws {
        let script = """
            import struct, sys, zlib
            side = int(sys.argv[2])
            def chunk(kind, body):
                return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
            rows = (b"\\x00" + b"\\xff" * (3 * side)) * side
            data = (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
                    + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
            open(sys.argv[1], "wb").write(data)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url.path, String(side)]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("python3 could not write \(url.path)") }
    }

    /// The shared corpus (read-only; copied before use), beside the project as ../shared/data.
    static var sharedData: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
