import CTIFF
import Foundation
import QZoomCore

/// The one owner of a libtiff handle and of the messages libtiff reports on it.
/// libtiff handles are not thread-safe: the page source or writer that owns this serialises use.
final class TIFFHandle {
    let tiff: OpaquePointer
    private let messages: UnsafeMutablePointer<qz_tiff_messages>

    /// Installed once per process, before the first handle is opened.
    private static let globalHandlersSilenced: Void = qz_tiff_silence_global_handlers()

    /// `mode` is libtiff's: "rm" reads without memory-mapping (a file truncated while mapped would
    /// kill the process with SIGBUS), "w" writes.
    init(path: String, mode: String, maxSingleAllocation: Int) throws {
        _ = Self.globalHandlersSilenced
        messages = .allocate(capacity: 1)
        qz_tiff_messages_reset(messages)
        guard let tiff = qz_tiff_open(path, mode, messages, tmsize_t(maxSingleAllocation)) else {
            let reason = string(fromCharacterArray: messages.pointee.firstError)
            messages.deallocate()
            throw InputError.corrupt(detail: reason.isEmpty ? "libtiff cannot open the file" : reason)
        }
        self.tiff = tiff
    }

    deinit {
        TIFFClose(tiff)
        messages.deallocate()
    }

    /// Forgets earlier messages, so that an error describes the operation that follows.
    func resetMessages() { qz_tiff_messages_reset(messages) }

    var hasErrors: Bool { messages.pointee.errorCount > 0 }

    /// The first error libtiff reported since the last reset, or `fallback`.
    func errorText(or fallback: String) -> String {
        let text = string(fromCharacterArray: messages.pointee.firstError)
        return text.isEmpty ? fallback : text
    }

    func corrupt(_ fallback: String) -> InputError { .corrupt(detail: errorText(or: fallback)) }

    func u16(_ tag: Int32) -> UInt16? {
        var value: UInt16 = 0
        return qz_tiff_get_u16(tiff, UInt32(tag), &value) == 1 ? value : nil
    }

    func defaultedU16(_ tag: Int32) -> UInt16? {
        var value: UInt16 = 0
        return qz_tiff_get_defaulted_u16(tiff, UInt32(tag), &value) == 1 ? value : nil
    }

    func u32(_ tag: Int32) -> UInt32? {
        var value: UInt32 = 0
        return qz_tiff_get_u32(tiff, UInt32(tag), &value) == 1 ? value : nil
    }

    func float(_ tag: Int32) -> Float? {
        var value: Float = 0
        return qz_tiff_get_float(tiff, UInt32(tag), &value) == 1 ? value : nil
    }
}
