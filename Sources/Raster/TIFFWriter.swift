import CTIFF
import Foundation
import QZoomCore

/// How `ImageWriter.writeTIFF` stores pages. The defaults suit scans: bilevel pages (gray pages
/// holding only black and white) become 1-bit min-is-white G4 fax, everything else 8-bit LZW.
public struct TIFFWriteOptions: Sendable, Equatable {
    public enum Compression: Sendable, Equatable {
        case none, lzw, deflate, packBits, ccittG3, ccittG4
        case jpeg(quality: Int)
    }

    public enum Photometric: Sendable, Equatable {
        case minIsBlack, minIsWhite, rgb, palette
    }

    /// nil: G4 for bilevel pages, LZW otherwise.
    public var compression: Compression?
    /// 1, 8 or 16; nil: 1 for bilevel pages, 8 otherwise. 1 bit thresholds at 128; 16 bits widen
    /// each 8-bit value v to v × 257.
    public var bitsPerSample: Int?
    /// nil: min-is-white for bilevel pages, min-is-black for other gray pages, RGB for colour.
    /// Palette pages may use at most 256 colours.
    public var photometric: Photometric?
    /// The orientation tag (1–8). Pixels are stored as given; the tag tells readers how to turn
    /// them upright.
    public var orientation: Int
    /// The horizontal resolution, written with the pages when given.
    public var dotsPerInch: Double?
    /// The vertical resolution when it differs (fax pages are 204 × 98 or 204 × 196 dpi).
    public var verticalDotsPerInch: Double?

    public init(compression: Compression? = nil, bitsPerSample: Int? = nil, photometric: Photometric? = nil,
                orientation: Int = 1, dotsPerInch: Double? = nil, verticalDotsPerInch: Double? = nil) {
        self.compression = compression
        self.bitsPerSample = bitsPerSample
        self.photometric = photometric
        self.orientation = orientation
        self.dotsPerInch = dotsPerInch
        self.verticalDotsPerInch = verticalDotsPerInch
    }
}

extension ImageWriter {
    /// Writes the pages as one (multi-page) TIFF file.
    public static func writeTIFF(_ pages: [PageImage], to url: URL, options: TIFFWriteOptions = TIFFWriteOptions()) throws {
        try writeTIFF(pages.map { ($0, options) }, to: url)
    }

    /// Writes the pages as one (multi-page) TIFF file, each page with its own options.
    public static func writeTIFF(_ pages: [(image: PageImage, options: TIFFWriteOptions)], to url: URL) throws {
        guard !pages.isEmpty else { throw ImageWriteError.unsupported(detail: "a TIFF needs at least one page") }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            let file: TIFFHandle
            do {
                file = try TIFFHandle(path: temporary.path, mode: "w", maxSingleAllocation: Int.max)
            } catch {
                throw ImageWriteError.cannotWrite(path: url.path, reason: "\(error)")
            }
            for (index, page) in pages.enumerated() {
                try TIFFPageWriter(page: page.image, options: page.options).write(into: file, number: index, of: pages.count)
            }
            guard TIFFFlush(file.tiff) == 1 else {
                throw ImageWriteError.cannotWrite(path: url.path, reason: file.errorText(or: "libtiff cannot flush the file"))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ImageWriteError.cannotWrite(path: url.path, reason: reason)
        }
    }
}

/// The decisions and the encoding for one page of a TIFF file.
private struct TIFFPageWriter {
    let page: PageImage
    let compression: TIFFWriteOptions.Compression
    let bits: Int
    let photometric: TIFFWriteOptions.Photometric
    let options: TIFFWriteOptions

    init(page: PageImage, options: TIFFWriteOptions) throws {
        self.page = page
        self.options = options
        let bilevel = page.channels == 1 && !page.pixels.contains { $0 != 0 && $0 != 255 }
        compression = options.compression ?? (bilevel ? .ccittG4 : .lzw)
        let fax = compression == .ccittG3 || compression == .ccittG4
        bits = options.bitsPerSample ?? (bilevel || fax ? 1 : 8)
        photometric = options.photometric ?? (bits == 1 ? .minIsWhite : page.channels == 1 ? .minIsBlack : .rgb)
        try validate(fax: fax)
    }

    private func validate(fax: Bool) throws {
        func reject(_ detail: String) -> ImageWriteError { .unsupported(detail: detail) }
        guard [1, 8, 16].contains(bits) else { throw reject("TIFF bits per sample must be 1, 8 or 16, not \(bits)") }
        guard (1...8).contains(options.orientation) else { throw reject("orientation must be 1–8, not \(options.orientation)") }
        let gray = photometric == .minIsBlack || photometric == .minIsWhite
        if bits == 1 && !gray { throw reject("1-bit TIFF pages must be min-is-white or min-is-black") }
        if fax && bits != 1 { throw reject("G3 and G4 compression need 1-bit pages") }
        if case .jpeg(let quality) = compression {
            if bits != 8 || photometric == .palette { throw reject("JPEG compression needs 8-bit gray or RGB pages") }
            if !(1...100).contains(quality) { throw reject("JPEG quality must be 1–100, not \(quality)") }
        }
        if photometric == .palette && bits != 8 { throw reject("palette TIFF pages are written with 8 bits") }
    }

    func write(into file: TIFFHandle, number: Int, of count: Int) throws {
        let tiff = file.tiff
        file.resetMessages()
        let (samples, rows, colormap) = try encodedRows()
        var ok = true
        func set16(_ tag: Int32, _ value: Int) { ok = ok && qz_tiff_set_u16(tiff, UInt32(tag), UInt16(value)) == 1 }
        func set32(_ tag: Int32, _ value: Int) { ok = ok && qz_tiff_set_u32(tiff, UInt32(tag), UInt32(value)) == 1 }
        set32(TIFFTAG_IMAGEWIDTH, page.width)
        set32(TIFFTAG_IMAGELENGTH, page.height)
        set16(TIFFTAG_BITSPERSAMPLE, bits)
        set16(TIFFTAG_SAMPLESPERPIXEL, samples)
        set16(TIFFTAG_PLANARCONFIG, Int(PLANARCONFIG_CONTIG))
        set16(TIFFTAG_ORIENTATION, options.orientation)
        set16(TIFFTAG_COMPRESSION, Int(compressionTag))
        set16(TIFFTAG_PHOTOMETRIC, Int(photometricTag))
        if count > 1 {
            set32(TIFFTAG_SUBFILETYPE, Int(FILETYPE_PAGE))
            ok = ok && qz_tiff_set_u16_pair(tiff, UInt32(TIFFTAG_PAGENUMBER), UInt16(number), UInt16(count)) == 1
        }
        if let dpi = options.dotsPerInch {
            ok = ok && qz_tiff_set_double(tiff, UInt32(TIFFTAG_XRESOLUTION), dpi) == 1
            ok = ok && qz_tiff_set_double(tiff, UInt32(TIFFTAG_YRESOLUTION), options.verticalDotsPerInch ?? dpi) == 1
            set16(TIFFTAG_RESOLUTIONUNIT, Int(RESUNIT_INCH))
        }
        if case .jpeg(let quality) = compression {
            ok = ok && qz_tiff_set_int(tiff, UInt32(TIFFTAG_JPEGQUALITY), Int32(quality)) == 1
            // Colour JPEG pages are stored as YCbCr, as scanners do; libtiff converts from RGB.
            if samples == 3 { ok = ok && qz_tiff_set_int(tiff, UInt32(TIFFTAG_JPEGCOLORMODE), JPEGCOLORMODE_RGB) == 1 }
        }
        if [.lzw, .deflate].contains(compression) && bits >= 8 && photometric != .palette {
            set16(TIFFTAG_PREDICTOR, Int(PREDICTOR_HORIZONTAL))
        }
        if var map = colormap {
            ok = ok && map.red.withUnsafeMutableBufferPointer { red in
                map.green.withUnsafeMutableBufferPointer { green in
                    map.blue.withUnsafeMutableBufferPointer { blue in
                        qz_tiff_set_colormap(tiff, red.baseAddress, green.baseAddress, blue.baseAddress) == 1
                    }
                }
            }
        }
        // JPEG strips must hold whole 16-row MCUs; the others are kept near 64 KiB.
        let rowBytes = rows.first?.count ?? 1
        set32(TIFFTAG_ROWSPERSTRIP, max(16, ((64 << 10) / max(1, rowBytes)) / 16 * 16))
        guard ok else { throw failure("the tags of page \(number + 1)", file) }
        for (index, var row) in rows.enumerated() {
            guard row.withUnsafeMutableBytes({ TIFFWriteScanline(tiff, $0.baseAddress, UInt32(index), 0) }) == 1 else {
                throw failure("row \(index) of page \(number + 1)", file)
            }
        }
        guard TIFFWriteDirectory(tiff) == 1 else { throw failure("page \(number + 1)", file) }
    }

    private func failure(_ what: String, _ file: TIFFHandle) -> ImageWriteError {
        .encodingFailed(format: "TIFF", detail: "\(what): \(file.errorText(or: "libtiff failed"))")
    }

    private var compressionTag: Int32 {
        switch compression {
        case .none: COMPRESSION_NONE
        case .lzw: COMPRESSION_LZW
        case .deflate: COMPRESSION_ADOBE_DEFLATE
        case .packBits: COMPRESSION_PACKBITS
        case .ccittG3: COMPRESSION_CCITTFAX3
        case .ccittG4: COMPRESSION_CCITTFAX4
        case .jpeg: COMPRESSION_JPEG
        }
    }

    private var photometricTag: Int32 {
        switch photometric {
        case .minIsBlack: PHOTOMETRIC_MINISBLACK
        case .minIsWhite: PHOTOMETRIC_MINISWHITE
        case .palette: PHOTOMETRIC_PALETTE
        case .rgb: if case .jpeg = compression { PHOTOMETRIC_YCBCR } else { PHOTOMETRIC_RGB }
        }
    }

    /// The samples per pixel, each row's bytes as libtiff expects them, and the colour map of a palette page.
    private func encodedRows() throws -> (Int, [[UInt8]], (red: [UInt16], green: [UInt16], blue: [UInt16])?) {
        let width = page.width
        switch photometric {
        case .minIsBlack, .minIsWhite:
            let invert = photometric == .minIsWhite
            let gray = page.grayscale().pixels
            let rows = (0..<page.height).map { y -> [UInt8] in
                let values = gray[(y * width)..<((y + 1) * width)].map { invert ? 255 - $0 : $0 }
                return Self.pack(values, bits: bits)
            }
            return (1, rows, nil)
        case .rgb:
            let rgb = page.channels == 3 ? page.pixels : page.pixels.flatMap { [$0, $0, $0] }
            let rows = (0..<page.height).map { y in Self.pack(Array(rgb[(y * width * 3)..<((y + 1) * width * 3)]), bits: bits) }
            return (3, rows, nil)
        case .palette:
            return try paletteRows()
        }
    }

    private func paletteRows() throws -> (Int, [[UInt8]], (red: [UInt16], green: [UInt16], blue: [UInt16])?) {
        var indexOf: [UInt32: UInt8] = [:]
        var map = (red: [UInt16](repeating: 0, count: 256), green: [UInt16](repeating: 0, count: 256),
                   blue: [UInt16](repeating: 0, count: 256))
        var indices = [UInt8](repeating: 0, count: page.width * page.height)
        for pixel in 0..<(page.width * page.height) {
            let base = pixel * page.channels
            let (r, g, b) = page.channels == 3 ? (page.pixels[base], page.pixels[base + 1], page.pixels[base + 2])
                                               : (page.pixels[base], page.pixels[base], page.pixels[base])
            let key = UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
            if let index = indexOf[key] { indices[pixel] = index; continue }
            guard indexOf.count < 256 else {
                throw ImageWriteError.unsupported(detail: "a palette TIFF page holds at most 256 colours")
            }
            let index = UInt8(indexOf.count)
            indexOf[key] = index
            map.red[Int(index)] = UInt16(r) * 257
            map.green[Int(index)] = UInt16(g) * 257
            map.blue[Int(index)] = UInt16(b) * 257
            indices[pixel] = index
        }
        let rows = (0..<page.height).map { y in Array(indices[(y * page.width)..<((y + 1) * page.width)]) }
        return (1, rows, map)
    }

    /// Packs 8-bit samples into `bits` per sample: 1 bit (MSB first, dark below 128 is 0), 8, or
    /// 16 (native byte order, which libtiff expects).
    private static func pack(_ samples: [UInt8], bits: Int) -> [UInt8] {
        switch bits {
        case 1:
            var packed = [UInt8](repeating: 0, count: (samples.count + 7) / 8)
            for (i, value) in samples.enumerated() where value >= 128 { packed[i / 8] |= 0x80 >> UInt8(i % 8) }
            return packed
        case 16:
            return samples.flatMap { value -> [UInt8] in
                withUnsafeBytes(of: UInt16(value) * 257) { Array($0) }
            }
        default:
            return samples
        }
    }
}
