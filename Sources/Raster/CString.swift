import Foundation

/// The text in a fixed-size C `char` array (which Swift imports as a tuple), up to its first NUL.
func string<Buffer>(fromCharacterArray buffer: Buffer) -> String {
    withUnsafeBytes(of: buffer) { bytes in
        String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The text in a NUL-terminated buffer that C filled in.
func string(fromCharacters buffer: [CChar]) -> String {
    String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
}
