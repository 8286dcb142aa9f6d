import Foundation
import QZoomCore

/// Writes page images as PNG, JPEG or TIFF files. Files are written whole to a temporary name and
/// renamed into place, so a reader never sees half a file.
public enum ImageWriter {}

/// Why an image could not be written.
public enum ImageWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The options do not fit the image (for example G4 compression of a colour page).
    case unsupported(detail: String)
    case encodingFailed(format: String, detail: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .unsupported(let detail): "cannot write the image: \(detail)"
        case .encodingFailed(let format, let detail): "cannot encode \(format): \(detail)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

extension ImageWriter {
    static func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ImageWriteError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }
}
