import QZoomCore

/// Stored pixels for an orientation tag, made from the upright image with the words of the TIFF
/// and EXIF specifications: each tag says which visual edge the stored row 0 and column 0 lie on.
enum OrientationFixtures {
    enum Edge { case top, bottom, left, right }

    /// (where stored row 0 is, where stored column 0 is), for tags 1...8.
    static let edges: [Int: (row0: Edge, column0: Edge)] = [
        1: (.top, .left), 2: (.top, .right), 3: (.bottom, .right), 4: (.bottom, .left),
        5: (.left, .top), 6: (.right, .top), 7: (.right, .bottom), 8: (.left, .bottom),
    ]

    static func stored(_ upright: PageImage, orientation tag: Int) -> PageImage {
        let (row0, column0) = edges[tag]!
        let w = upright.width, h = upright.height, channels = upright.channels
        let rowsRunAcross = row0 == .top || row0 == .bottom   // stored rows are visual rows
        let storedWidth = rowsRunAcross ? w : h, storedHeight = rowsRunAcross ? h : w
        var pixels = [UInt8](repeating: 0, count: w * h * channels)
        for r in 0..<storedHeight {
            for c in 0..<storedWidth {
                let x: Int, y: Int
                if rowsRunAcross {
                    y = row0 == .top ? r : h - 1 - r
                    x = column0 == .left ? c : w - 1 - c
                } else {
                    x = row0 == .left ? r : w - 1 - r
                    y = column0 == .top ? c : h - 1 - c
                }
                for channel in 0..<channels {
                    pixels[(r * storedWidth + c) * channels + channel] = upright.pixels[(y * w + x) * channels + channel]
                }
            }
        }
        return PageImage(width: storedWidth, height: storedHeight, channels: channels, pixels: pixels,
                         region: Rect(x: 0, y: 0, width: Double(storedWidth), height: Double(storedHeight)))
    }
}
