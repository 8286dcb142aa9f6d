import Dispatch
import Foundation
import QZoomCore
import Raster

/// Settings of the OCR pipeline; the defaults follow rapidocr 3.10.0 where it has one.
public struct OCROptions: Sendable, Equatable {
    public var postprocess = DBPostprocessOptions()
    /// Run the 0°/180° classifier and turn the lines it finds upside down (rapidocr: `use_cls`).
    public var correctOrientation = true
    /// Lines whose mean character confidence is under this are dropped (rapidocr: `text_score`).
    public var minimumLineConfidence: Float = 0.5
    /// Cut lines from the page's own pixels when they are finer than the detection render (raster pages
    /// only: a PDF has no pixels of its own). The detector needs only a modest resolution to find lines;
    /// the recognizer reads more from a sharp crop shrunk with area averaging than from a crop of the
    /// already shrunk page.
    public var cropFromPagePixels = true
    /// A render to cut lines from is at most this many pixels (a cap for very large scans).
    public var maximumCropSourcePixels = 40_000_000

    public init() {}
}

/// Wall time of each stage of one OCR pass, in milliseconds.
public struct OCRTimings: Codable, Sendable, Equatable {
    public var render = 0.0
    public var detect = 0.0
    public var postprocess = 0.0
    public var crop = 0.0
    public var classify = 0.0
    public var recognize = 0.0

    public init() {}

    public var total: Double { render + detect + postprocess + crop + classify + recognize }
}

/// What one OCR pass produced.
public struct OCRResult: Sendable {
    /// The lines read, in reading order, with quads in page coordinates.
    public var lines: [TextLine]
    /// The detector's output (probability map and feature maps) on `detectionImage`.
    public var detection: TextDetection
    /// The detector's input (the render stretched to multiples of 32); its `region`, `scaleX` and
    /// `scaleY` map detection pixels to page coordinates.
    public var detectionImage: PageImage
    public var timings: OCRTimings
}

/// Full OCR of a page or a region of one: render at a pixel budget, detect text, DB post-processing,
/// cut the lines out upright, correct their orientation, recognise them, and put them in reading order.
/// The networks are loaded once, by `init`, and reused for every page. One pass runs at a time per
/// pipeline (the networks serialise their runs).
public final class OCRPipeline: Sendable {
    public let detector: TextDetector
    public let recognizer: TextRecognizer
    public let classifier: OrientationClassifier
    public let options: OCROptions

    public init(modelsDirectory: URL, options: OCROptions = OCROptions()) throws {
        detector = try TextDetector(modelsDirectory: modelsDirectory)
        recognizer = try TextRecognizer(modelsDirectory: modelsDirectory)
        classifier = try OrientationClassifier(modelsDirectory: modelsDirectory)
        self.options = options
    }

    /// Reads `region` of `page` (nil: the whole page; page numbers from 1) rendered at `budget`.
    /// Throws `InputError` for a bad page or region or a failing render, `RuntimeError` from the networks.
    public func read(_ source: PageSource, page: Int, region: Rect? = nil,
                     budget: PixelBudget = .rapidOCR) throws -> OCRResult {
        let info = try source.info(page: page)
        let area: Rect
        if let region {
            guard let clipped = region.clamped(to: info.bounds), !clipped.isEmpty else {
                throw InputError.invalidRegion(detail: "\(region) does not overlap page \(page) (\(info.bounds))")
            }
            area = clipped
        } else {
            area = info.bounds
        }
        let detectionScale = budget.scale(for: area.size, on: info)
        var cropScale = detectionScale
        if options.cropFromPagePixels, info.unit == .pixel {
            let largest = (Double(options.maximumCropSourcePixels) / area.area).squareRoot()
            cropScale = max(detectionScale, min(1, largest))
        }

        let start = DispatchTime.now()
        let rendered = try source.render(page: page, region: area, scale: detectionScale)
        let cropSource = cropScale > detectionScale * 1.001
            ? try source.render(page: page, region: area, scale: cropScale) : rendered
        let renderTime = milliseconds(since: start)

        var result = try read(rendered, cropSource: cropSource)
        result.timings.render = renderTime
        return result
    }

    /// Reads an image that is already rendered: the detector runs on `rendered` (stretched to sides
    /// that are multiples of 32), and lines are cut from `cropSource` (`rendered` by default; any render
    /// of the same page region works, since crops are placed through page coordinates).
    public func read(_ rendered: PageImage, cropSource: PageImage? = nil) throws -> OCRResult {
        var timings = OCRTimings()
        var clock = DispatchTime.now()
        func lap(_ stage: WritableKeyPath<OCRTimings, Double>) {
            timings[keyPath: stage] = milliseconds(since: clock)
            clock = DispatchTime.now()
        }

        let image = Self.detectionInput(rendered)
        let detection = try detector.detect(image)
        lap(\.detect)

        let boxes = detection.probability.withUnsafeBufferPointer {
            DBPostprocess.boxes(probabilities: $0, width: detection.width, height: detection.height,
                                destinationWidth: image.width, destinationHeight: image.height,
                                options: options.postprocess)
        }
        lap(\.postprocess)

        let source = cropSource ?? rendered
        var crops = boxes.map { box in
            let quad = box.corners.map { source.pageToPixel(image.pixelToPage($0)) }
            return LineCrop.crop(source, quad: quad, maximumHeight: TextRecognizer.lineHeight)
        }
        lap(\.crop)

        if options.correctOrientation, !crops.isEmpty {
            let orientations = try classifier.classify(crops.map(\.image))
            for (i, orientation) in orientations.enumerated() where orientation.needsRotation {
                crops[i] = LineCrop.rotatedHalfTurn(crops[i])
            }
        }
        lap(\.classify)

        let texts = crops.isEmpty ? [] : try recognizer.recognize(crops.map(\.image))
        lap(\.recognize)

        var lines: [TextLine] = []
        for (crop, text) in zip(crops, texts) {
            // rapidocr drops lines that read as nothing and lines under its text score.
            guard !text.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                  text.confidence >= options.minimumLineConfidence else { continue }
            let quad = Quad(crop.quad.map(source.pixelToPage))
            lines.append(TextLine(quad: quad, text: text.text, confidence: Double(text.confidence),
                                  characterConfidences: text.confidences))
        }
        let ordered = ReadingOrder.order(lines.map(\.box)).map { lines[$0] }
        return OCRResult(lines: ordered, detection: detection, detectionImage: image, timings: timings)
    }
}

extension OCRPipeline {
    /// The detector needs sides that are multiples of 32. rapidocr stretches the image to the nearest
    /// such size (Python's rounding, half to even) with a bilinear resize; so do we, so that the
    /// detector sees what it sees — padding instead shifts where the network splits lines into words.
    /// The stretch is at most 16 px per side and keeps the image's page region: pixels map to the page
    /// through `scaleX` and `scaleY` as before.
    static func detectionInput(_ image: PageImage) -> PageImage {
        func side(_ pixels: Int) -> Int { max(32, Int((Double(pixels) / 32).rounded(.toNearestOrEven)) * 32) }
        return LineImage.resized(image, width: side(image.width), height: side(image.height))
    }
}

private func milliseconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
}
