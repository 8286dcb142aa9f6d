import CTIFF
import QZoomCore

/// TIFF pages through libtiff. Every image directory is a page, except reduced-resolution copies
/// (thumbnails). Pixels go through libtiff's RGBA interface, which understands every compression
/// and photometric libtiff supports (fax G3/G4, LZW, Deflate, PackBits, JPEG, old-style JPEG;
/// 1–16 bits; palette, min-is-white, YCbCr, CMYK, Lab); gray pages stay gray.
final class TIFFDecoder: RasterDecoder {
    private let path: String
    private let file: TIFFHandle
    /// libtiff's directory index of each page.
    private let directories: [tdir_t]
    private var layouts: [Int: RasterLayout] = [:]

    init(path: String, limits: RasterLimits) throws {
        self.path = path
        // Hostile files declare huge strip tables and tiles; no single allocation of libtiff's needs
        // more than a page's worth of RGBA words.
        let pageBytes = limits.maxPixelsPerRender > Int.max / 4 ? Int.max : limits.maxPixelsPerRender * 4
        file = try TIFFHandle(path: path, mode: "rm", maxSingleAllocation: max(64 << 20, pageBytes))
        var pages: [tdir_t] = []
        repeat {
            let subfileType = file.u32(TIFFTAG_SUBFILETYPE) ?? 0
            if subfileType & UInt32(FILETYPE_REDUCEDIMAGE) == 0 {
                pages.append(TIFFCurrentDirectory(file.tiff))
                if pages.count > limits.maxPages {
                    throw InputError.tooManyPages(count: Int(TIFFNumberOfDirectories(file.tiff)), limit: limits.maxPages)
                }
            }
        } while TIFFReadDirectory(file.tiff) == 1
        // A directory chain that breaks after some pages keeps the pages before the break: they are
        // what the file holds. A file whose every directory is a reduced copy is read as it is.
        if pages.isEmpty { pages = [0] }
        directories = pages
    }

    var pageCount: Int { directories.count }

    func layout(page: Int) throws -> RasterLayout {
        if let known = layouts[page] { return known }
        try select(page)
        guard let width = file.u32(TIFFTAG_IMAGEWIDTH), let height = file.u32(TIFFTAG_IMAGELENGTH) else {
            throw file.corrupt("page \(page) has no image size")
        }
        let orientation = Orientation(tag: file.defaultedU16(TIFFTAG_ORIENTATION).map(Int.init))
        let layout = RasterLayout(storedWidth: Int(width), storedHeight: Int(height),
                                  orientation: orientation, density: density())
        layouts[page] = layout
        return layout
    }

    func decode(page: Int, layout: RasterLayout) throws -> RasterBitmap {
        try select(page)
        var message = [CChar](repeating: 0, count: 1024)
        guard TIFFRGBAImageOK(file.tiff, &message) == 1 else {
            throw InputError.unsupportedType(path: path, detail: "page \(page): \(string(fromCharacters: message))")
        }
        var image = TIFFRGBAImage()
        guard TIFFRGBAImageBegin(&image, file.tiff, 1, &message) == 1 else {
            throw file.corrupt(string(fromCharacters: message))
        }
        defer { TIFFRGBAImageEnd(&image) }
        // Ask for the orientation the file has, so libtiff hands over rows as stored; orientation is
        // applied afterwards for all eight cases (libtiff's own handling only flips).
        image.req_orientation = image.orientation

        let gray = image.photometric == UInt16(PHOTOMETRIC_MINISWHITE) || image.photometric == UInt16(PHOTOMETRIC_MINISBLACK)
        let channels = gray ? 1 : 3
        let width = layout.storedWidth, height = layout.storedHeight
        var stored = [UInt8](repeating: 255, count: width * height * channels)
        // Decode in bands of rows so the 4-byte RGBA buffer stays small.
        let bandRows = max(1, min(height, (4 << 20) / width))
        var band = [UInt32](repeating: 0, count: width * bandRows)
        var row = 0
        while row < height {
            let rows = min(bandRows, height - row)
            image.row_offset = Int32(row)
            image.col_offset = 0
            file.resetMessages()
            guard TIFFRGBAImageGet(&image, &band, UInt32(width), UInt32(rows)) == 1 else {
                throw file.corrupt("page \(page) cannot be decoded at row \(row)")
            }
            Self.convert(band, rows: rows, width: width, channels: channels, into: &stored, at: row * width * channels)
            row += rows
        }
        return RasterBitmap(stored: stored, layout: layout, channels: channels)
    }

    private func select(_ page: Int) throws {
        file.resetMessages()
        guard TIFFSetDirectory(file.tiff, directories[page - 1]) == 1 else {
            throw file.corrupt("page \(page) cannot be read")
        }
    }

    private func density() -> PixelDensity? {
        guard let x = file.float(TIFFTAG_XRESOLUTION), let y = file.float(TIFFTAG_YRESOLUTION) else { return nil }
        switch Int32(file.defaultedU16(TIFFTAG_RESOLUTIONUNIT) ?? UInt16(RESUNIT_INCH)) {
        case RESUNIT_CENTIMETER: return .perCentimetre(x: Double(x), y: Double(y))
        case RESUNIT_NONE: return .aspectOnly(x: Double(x), y: Double(y))
        default: return .perInch(x: Double(x), y: Double(y))
        }
    }

    /// libtiff's RGBA pixels are ABGR words with alpha premultiplied; transparent parts become white paper.
    private static func convert(_ band: [UInt32], rows: Int, width: Int, channels: Int,
                                into stored: inout [UInt8], at offset: Int) {
        band.withUnsafeBufferPointer { source in
            stored.withUnsafeMutableBufferPointer { target in
                var t = offset
                for i in 0..<(rows * width) {
                    let abgr = source[i]
                    let paper = 255 - Int(abgr >> 24)
                    let red = min(255, Int(abgr & 0xFF) + paper)
                    if channels == 1 {
                        target[t] = UInt8(red)
                    } else {
                        target[t] = UInt8(red)
                        target[t + 1] = UInt8(min(255, Int((abgr >> 8) & 0xFF) + paper))
                        target[t + 2] = UInt8(min(255, Int((abgr >> 16) & 0xFF) + paper))
                    }
                    t += channels
                }
            }
        }
    }
}
