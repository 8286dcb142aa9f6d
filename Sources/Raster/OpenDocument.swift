import Foundation
import QZoomCore

/// The kinds of file qzoom reads. The type comes from the file's first bytes, never its name.
public enum DocumentType: String, Codable, Sendable, CaseIterable {
    case pdf, tiff, png, jpeg

    /// Reads the first bytes of the file at `url` and names its type.
    public static func detect(at url: URL) throws -> DocumentType {
        try detect(header: readHeader(of: url), path: url.path)
    }

    /// PDF readers accept the `%PDF-` header anywhere in the first kilobyte, and files in the wild
    /// rely on it, so the sniffer does too.
    static let pdfHeaderWindow = 1024

    static func detect(header: [UInt8], path: String) throws -> DocumentType {
        func starts(with magic: [UInt8]) -> Bool { header.starts(with: magic) }
        if header.isEmpty { throw InputError.corrupt(detail: "the file is empty") }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        // Classic TIFF (42) and BigTIFF (43), little- and big-endian.
        if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A])
            || starts(with: [0x49, 0x49, 0x2B, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2B]) { return .tiff }
        let pdfMagic = Array("%PDF-".utf8)
        if header.count >= pdfMagic.count,
           (0...(header.count - pdfMagic.count)).contains(where: { header[$0..<$0 + pdfMagic.count].elementsEqual(pdfMagic) }) {
            return .pdf
        }
        let shown = header.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
        throw InputError.unsupportedType(path: path, detail: "not a PDF, TIFF, PNG or JPEG file (it starts with \(shown))")
    }

    private static func readHeader(of url: URL) throws -> [UInt8] {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError.notFound(path: path)
        }
        guard !isDirectory.boolValue else { throw InputError.unreadable(path: path, reason: "it is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError.unreadable(path: path, reason: "permission denied or not a regular file")
        }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.read(upToCount: pdfHeaderWindow) ?? Data())
        } catch {
            throw InputError.unreadable(path: path, reason: error.localizedDescription)
        }
    }
}

/// Opens the document at `url` as a page source, choosing the reader by the file's content.
/// Throws `InputError` for anything wrong with the file, including the limits.
public func openDocument(at url: URL, limits: RasterLimits = RasterLimits()) throws -> PageSource {
    let path = url.path
    switch try DocumentType.detect(at: url) {
    case .pdf:
        return try PDFDocument(path: path, limits: limits)
    case .tiff:
        return RasterDocument(decoder: try TIFFDecoder(path: path, limits: limits), limits: limits)
    case .png:
        return RasterDocument(decoder: try PNGDecoder(data: try readAll(path)), limits: limits)
    case .jpeg:
        return RasterDocument(decoder: try JPEGDecoder(data: try readAll(path)), limits: limits)
    }
}

private func readAll(_ path: String) throws -> Data {
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw InputError.unreadable(path: path, reason: error.localizedDescription)
    }
}
