import QZoomCore

/// Settings of DB (differentiable binarisation) post-processing; the defaults are rapidocr 3.10.0's.
public struct DBPostprocessOptions: Sendable, Equatable {
    /// A pixel is text when its probability exceeds this.
    public var threshold: Float = 0.3
    /// A region is kept when the mean probability inside its box reaches this.
    public var boxThreshold: Double = 0.5
    /// At most this many regions are considered (in OpenCV's contour order).
    public var maxCandidates: Int = 1000
    /// How far each box is grown: offset distance = area × ratio / perimeter.
    public var unclipRatio: Double = 1.6
    /// Dilate the binary mask by 2×2 before finding regions (joins characters split by one pixel).
    public var useDilation: Bool = true
    /// Boxes whose shorter side (in map pixels) is under this are dropped; after growing, under this + 2.
    public var minimumSize: Double = 3

    public init() {}
}

/// A detected text box: four corners (top-left, top-right, bottom-right, bottom-left) in the pixels of
/// the image the detector saw, and the mean text probability inside the kernel.
public struct DetectedBox: Sendable, Equatable {
    public var corners: [Point]
    public var score: Double

    public init(corners: [Point], score: Double) {
        self.corners = corners
        self.score = score
    }
}

/// rapidocr's `DBPostProcess` (score mode "fast"): binarise the probability map, take every region
/// border, fit a minimum-area rectangle, score it, grow it by a polygon offset, fit again, scale it to
/// the destination size, and clip it to the image.
public enum DBPostprocess {
    /// `probabilities` is a `width`×`height` row-major map; boxes come out in a
    /// `destinationWidth`×`destinationHeight` frame (the same size when the map has the image's size).
    public static func boxes(probabilities: UnsafeBufferPointer<Float>, width: Int, height: Int,
                             destinationWidth: Int, destinationHeight: Int,
                             options: DBPostprocessOptions = DBPostprocessOptions()) -> [DetectedBox] {
        guard width > 0, height > 0, probabilities.count >= width * height else { return [] }
        let mask = TextRegions.binarize(probabilities, width: width, height: height,
                                        threshold: options.threshold, dilate: options.useDilation)
        let borders = TextRegions.borders(of: mask, width: width, height: height).prefix(options.maxCandidates)
        let scaleX = Double(destinationWidth) / Double(width), scaleY = Double(destinationHeight) / Double(height)

        var found: [DetectedBox] = []
        for border in borders {
            let kernel = RotatedBox.miniBox(border.points)
            guard kernel.shortSide >= options.minimumSize else { continue }
            let score = TextRegions.meanScore(probabilities, width: width, height: height, box: kernel.box)
            guard score >= options.boxThreshold else { continue }
            let grown = unclip(kernel.box, ratio: options.unclipRatio)
            guard !grown.isEmpty else { continue }
            let box = RotatedBox.miniBox(grown)
            guard box.shortSide >= options.minimumSize + 2 else { continue }
            // numpy's round is half-to-even; the clip is to the destination size, as in rapidocr.
            let scaled = box.box.map { p in
                Point(x: min(max((p.x * scaleX).rounded(.toNearestOrEven), 0), Double(destinationWidth)),
                      y: min(max((p.y * scaleY).rounded(.toNearestOrEven), 0), Double(destinationHeight)))
            }
            // rapidocr's filter_det_res: reorder, clip inside the image, drop boxes of 3 pixels or less.
            let corners = RotatedBox.orderedClockwise(scaled).map { p in
                Point(x: min(max(p.x, 0), Double(destinationWidth - 1)),
                      y: min(max(p.y, 0), Double(destinationHeight - 1)))
            }
            guard distance(corners[0], corners[1]).rounded(.towardZero) > 3,
                  distance(corners[0], corners[3]).rounded(.towardZero) > 3 else { continue }
            found.append(DetectedBox(corners: corners, score: score))
        }
        return found
    }

    /// Grows a kernel box by area × ratio / perimeter with round corners (shapely for the distance,
    /// Clipper for the offset, as rapidocr does).
    static func unclip(_ box: [Point], ratio: Double) -> [Point] {
        let perimeter = PolygonOffset.perimeter(box)
        guard perimeter > 0 else { return [] }
        let distance = abs(PolygonOffset.signedArea(box)) * ratio / perimeter
        return PolygonOffset.roundOffset(box, by: distance)
    }

    private static func distance(_ a: Point, _ b: Point) -> Double {
        ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
    }
}
