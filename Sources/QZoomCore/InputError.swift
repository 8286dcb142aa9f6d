/// Why an input file cannot be read. Every case carries what a user needs to act on it;
/// `code` is a stable short name for the store and for `failed/NAME.error.json`.
public enum InputError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(path: String)
    case unreadable(path: String, reason: String)
    case unsupportedType(path: String, detail: String)
    case corrupt(detail: String)
    case encrypted
    case noPages
    case tooManyPages(count: Int, limit: Int)
    case tooManyPixels(width: Int, height: Int, limit: Int)
    case pageOutOfRange(page: Int, count: Int)
    case invalidRegion(detail: String)

    public var code: String {
        switch self {
        case .notFound: "not_found"
        case .unreadable: "unreadable"
        case .unsupportedType: "unsupported_type"
        case .corrupt: "corrupt"
        case .encrypted: "encrypted"
        case .noPages: "no_pages"
        case .tooManyPages: "too_many_pages"
        case .tooManyPixels: "too_many_pixels"
        case .pageOutOfRange: "page_out_of_range"
        case .invalidRegion: "invalid_region"
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path): "no such file: \(path)"
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .unsupportedType(let path, let detail): "unsupported file type for \(path): \(detail)"
        case .corrupt(let detail): "corrupt or truncated file: \(detail)"
        case .encrypted: "the document is encrypted or password-protected"
        case .noPages: "the document has no pages"
        case .tooManyPages(let count, let limit): "the document has \(count) pages, more than the limit of \(limit)"
        case .tooManyPixels(let w, let h, let limit):
            "an image of \(w)×\(h) pixels exceeds the limit of \(limit) pixels"
        case .pageOutOfRange(let page, let count): "page \(page) does not exist (the document has \(count) pages)"
        case .invalidRegion(let detail): "invalid region: \(detail)"
        }
    }
}
