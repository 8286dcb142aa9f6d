import Foundation

/// The two EXIF facts a page needs from a JPEG: its orientation and its resolution.
struct ExifMetadata: Equatable {
    var orientation: Int?
    var density: PixelDensity?

    private static let header: [UInt8] = Array("Exif".utf8) + [0, 0]

    /// Reads the first EXIF APP1 segment of a JPEG; nil when there is none or it cannot be parsed.
    /// Every read is bounds-checked: the bytes come from the file.
    init?(jpeg data: Data) {
        guard let parsed = data.withUnsafeBytes({ bytes -> ExifMetadata? in
            let reader = ByteReader(bytes: bytes, bigEndian: true)
            guard reader.u16(at: 0) == 0xFFD8 else { return nil }
            var position = 2
            while let marker = reader.u8(at: position + 1), reader.u8(at: position) == 0xFF {
                if marker == 0xFF { position += 1; continue }  // fill byte
                if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { position += 2; continue }
                if marker == 0xDA || marker == 0xD9 { return nil }  // image data starts: no EXIF before it
                guard let length = reader.u16(at: position + 2), length >= 2 else { return nil }
                let start = position + 4, end = position + 2 + Int(length)
                guard end <= bytes.count else { return nil }
                if marker == 0xE1, end - start > Self.header.count,
                   Array(bytes[start..<start + Self.header.count]) == Self.header {
                    return ExifMetadata(tiff: UnsafeRawBufferPointer(rebasing: bytes[(start + Self.header.count)..<end]))
                }
                position = end
            }
            return nil
        }) else { return nil }
        self = parsed
    }

    init(orientation: Int?, density: PixelDensity?) {
        self.orientation = orientation
        self.density = density
    }

    /// Parses IFD0 of the TIFF structure inside the APP1 segment.
    private init?(tiff bytes: UnsafeRawBufferPointer) {
        let bigEndian: Bool
        switch (bytes.count >= 2 ? bytes[0] : 0, bytes.count >= 2 ? bytes[1] : 0) {
        case (0x4D, 0x4D): bigEndian = true
        case (0x49, 0x49): bigEndian = false
        default: return nil
        }
        let reader = ByteReader(bytes: bytes, bigEndian: bigEndian)
        guard reader.u16(at: 2) == 42, let ifd = reader.u32(at: 4).map(Int.init),
              let count = reader.u16(at: ifd) else { return nil }
        var x: Double?, y: Double?, unit = 2
        func rational(_ entry: Int) -> Double? {
            guard let offset = reader.u32(at: entry + 8).map(Int.init),
                  let numerator = reader.u32(at: offset), let denominator = reader.u32(at: offset + 4),
                  denominator > 0 else { return nil }
            return Double(numerator) / Double(denominator)
        }
        for index in 0..<Int(count) {
            let entry = ifd + 2 + index * 12
            switch reader.u16(at: entry) {
            case 0x0112: orientation = reader.u16(at: entry + 8).map(Int.init)
            case 0x011A: x = rational(entry)
            case 0x011B: y = rational(entry)
            case 0x0128: unit = reader.u16(at: entry + 8).map(Int.init) ?? unit
            default: break
            }
        }
        if let x, let y {
            density = switch unit {
            case 3: .perCentimetre(x: x, y: y)
            case 1: .aspectOnly(x: x, y: y)
            default: .perInch(x: x, y: y)
            }
        }
    }

    /// An APP1 payload with just the orientation tag, for the JPEG writer.
    static func app1Payload(orientation: Int) -> [UInt8] {
        var bytes = header
        bytes += [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8]          // big-endian TIFF header, IFD0 at 8
        bytes += [0, 1]                                        // one entry
        bytes += [0x01, 0x12, 0, 3, 0, 0, 0, 1]                // orientation, SHORT, count 1
        bytes += [UInt8(orientation >> 8), UInt8(orientation & 0xFF), 0, 0]
        bytes += [0, 0, 0, 0]                                  // no next IFD
        return bytes
    }
}

/// Bounds-checked integer reads from untrusted bytes.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let bigEndian: Bool

    func u8(at offset: Int) -> UInt8? {
        offset >= 0 && offset < bytes.count ? bytes[offset] : nil
    }

    func u16(at offset: Int) -> UInt16? {
        guard offset >= 0, offset + 2 <= bytes.count else { return nil }
        let a = UInt16(bytes[offset]), b = UInt16(bytes[offset + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func u32(at offset: Int) -> UInt32? {
        guard let first = u16(at: offset), let second = u16(at: offset + 2) else { return nil }
        return bigEndian ? UInt32(first) << 16 | UInt32(second) : UInt32(second) << 16 | UInt32(first)
    }
}
