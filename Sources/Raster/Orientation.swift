/// The TIFF/EXIF orientation tag (274): how the stored rows and columns are laid out on the page.
/// The names say where the stored row 0 and column 0 are when the image is viewed upright.
enum Orientation: Int, Sendable, CaseIterable {
    case topLeft = 1       // as stored
    case topRight = 2      // mirrored left–right
    case bottomRight = 3   // rotated 180°
    case bottomLeft = 4    // mirrored top–bottom
    case leftTop = 5       // transposed
    case rightTop = 6      // needs 90° clockwise to view
    case rightBottom = 7   // transversed
    case leftBottom = 8    // needs 90° counter-clockwise to view

    /// Unknown or missing values mean "as stored", as the TIFF and EXIF specifications say.
    init(tag: Int?) { self = tag.flatMap(Orientation.init(rawValue:)) ?? .topLeft }

    /// Whether stored rows become displayed columns.
    var swapsAxes: Bool { rawValue >= 5 }

    /// Rearranges stored pixels (`width` × `height`, `channels` per pixel) into the upright image.
    func upright(_ stored: [UInt8], width: Int, height: Int, channels: Int) -> (pixels: [UInt8], width: Int, height: Int) {
        if self == .topLeft { return (stored, width, height) }
        let outWidth = swapsAxes ? height : width
        let outHeight = swapsAxes ? width : height
        // Displayed pixel (x, y) is stored pixel (row r, column c); every case is affine in x and y,
        // so the stored index is start + x * stepX + y * stepY.
        let (rowOf, columnOf) = storedPosition(displayedWidth: outWidth, displayedHeight: outHeight)
        let start = rowOf.start * width + columnOf.start
        let stepX = rowOf.perX * width + columnOf.perX
        let stepY = rowOf.perY * width + columnOf.perY
        var out = [UInt8](repeating: 0, count: stored.count)
        stored.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                var targetIndex = 0
                for y in 0..<outHeight {
                    var sourcePixel = start + y * stepY
                    for _ in 0..<outWidth {
                        let sourceIndex = sourcePixel * channels
                        for channel in 0..<channels { target[targetIndex + channel] = source[sourceIndex + channel] }
                        targetIndex += channels
                        sourcePixel += stepX
                    }
                }
            }
        }
        return (out, outWidth, outHeight)
    }

    /// The stored row and column of displayed pixel (x, y), each as start + x * perX + y * perY.
    private func storedPosition(displayedWidth w: Int, displayedHeight h: Int)
        -> (row: (start: Int, perX: Int, perY: Int), column: (start: Int, perX: Int, perY: Int)) {
        switch self {
        case .topLeft: ((0, 0, 1), (0, 1, 0))
        case .topRight: ((0, 0, 1), (w - 1, -1, 0))
        case .bottomRight: ((h - 1, 0, -1), (w - 1, -1, 0))
        case .bottomLeft: ((h - 1, 0, -1), (0, 1, 0))
        case .leftTop: ((0, 1, 0), (0, 0, 1))
        case .rightTop: ((w - 1, -1, 0), (0, 0, 1))
        case .rightBottom: ((w - 1, -1, 0), (h - 1, 0, -1))
        case .leftBottom: ((0, 1, 0), (h - 1, 0, -1))
        }
    }
}
