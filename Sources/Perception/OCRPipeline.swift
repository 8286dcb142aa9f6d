import Dispatch
import Foundation
import NeuralRuntime
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
        let found = try detect(source, page: page, region: region, budget: budget)
        return try read(found)
    }

    /// Reads an image that is already rendered: the detector runs on `rendered` (stretched to sides
    /// that are multiples of 32), and lines are cut from `cropSource` (`rendered` by default; any render
    /// of the same page region works, since crops are placed through page coordinates).
    public func read(_ rendered: PageImage, cropSource: PageImage? = nil) throws -> OCRResult {
        try read(try detect(rendered, cropSource: cropSource))
    }

    /// Recognises every line `found` holds and puts them in reading order.
    func read(_ found: DetectedLines) throws -> OCRResult {
        var timings = found.timings
        let lines = try recognize(found.crops.indices, of: found, timings: &timings).compactMap { $0 }
        let ordered = ReadingOrder.order(lines.map(\.box)).map { lines[$0] }
        return OCRResult(lines: ordered, detection: found.detection, detectionImage: found.detectionImage, timings: timings)
    }

    /// The first half of a pass: render `region` of `page` at `budget`, detect its text lines and cut
    /// them out, without reading them. `cropFromPagePixels` overrides the option (a coarse pass cuts
    /// lines from its own render, so that it really is coarse). `features`: the detector's neck maps
    /// to keep in `DetectedLines.detection` (none by default).
    public func detect(_ source: PageSource, page: Int, region: Rect? = nil, budget: PixelBudget,
                       cropFromPagePixels: Bool? = nil, features: [TextDetector.FeatureName] = []) throws -> DetectedLines {
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
        if cropFromPagePixels ?? options.cropFromPagePixels, info.unit == .pixel {
            let largest = (Double(options.maximumCropSourcePixels) / area.area).squareRoot()
            cropScale = max(detectionScale, min(1, largest))
        }

        let start = DispatchTime.now()
        let rendered = try source.render(page: page, region: area, scale: detectionScale)
        let cropSource = cropScale > detectionScale * 1.001
            ? try source.render(page: page, region: area, scale: cropScale) : rendered
        let renderTime = milliseconds(since: start)

        var found = try detect(rendered, cropSource: cropSource, features: features)
        found.timings.render = renderTime
        return found
    }

    /// Detects and cuts out the lines of an image that is already rendered (see `read(_:cropSource:)`).
    public func detect(_ rendered: PageImage, cropSource: PageImage? = nil,
                       features: [TextDetector.FeatureName] = []) throws -> DetectedLines {
        var timings = OCRTimings()
        var clock = DispatchTime.now()
        func lap(_ stage: WritableKeyPath<OCRTimings, Double>) {
            timings[keyPath: stage] = milliseconds(since: clock)
            clock = DispatchTime.now()
        }

        let image = Self.detectionInput(rendered)
        let detection = try detector.detect(image, features: features)
        lap(\.detect)

        let boxes = detection.probability.withUnsafeBufferPointer {
            DBPostprocess.boxes(probabilities: $0, width: detection.width, height: detection.height,
                                destinationWidth: image.width, destinationHeight: image.height,
                                options: options.postprocess)
        }
        lap(\.postprocess)

        let source = cropSource ?? rendered
        let crops = Self.inParallel(boxes) { box in
            let quad = box.corners.map { source.pageToPixel(image.pixelToPage($0)) }
            return LineCrop.crop(source, quad: quad, maximumHeight: TextRecognizer.lineHeight)
        }
        lap(\.crop)
        return DetectedLines(crops: crops, cropSource: source, detection: detection, detectionImage: image,
                             timings: timings)
    }

    /// The second half of a pass: turns upside-down lines and reads the lines at `indices` of `found`, in
    /// the order given. A line that reads as nothing or under the confidence floor is nil. The time
    /// goes to `timings.classify` and `timings.recognize` (added, so a pass can read in several rounds).
    ///
    /// A long line the classifier turns is read both ways, and the more confident reading is kept. The
    /// classifier sees a line squeezed into 192 × 48 px, so on a line longer than that (`isSqueezed`) it
    /// sometimes says "upside down", with high confidence, about an upright line (rapidocr then prints
    /// garbage for that line); the recognizer, which sees the whole line, tells the two apart, and
    /// turned lines are few.
    public func recognize(_ indices: some Collection<Int>, of found: DetectedLines,
                          timings: inout OCRTimings) throws -> [TextLine?] {
        guard !indices.isEmpty else { return [] }
        var clock = DispatchTime.now()
        var crops = indices.map { found.crops[$0] }
        var turned: [(position: Int, original: LineCrop.Line)] = []
        if options.correctOrientation {
            let orientations = try classifier.classify(crops.map(\.image))
            for (i, orientation) in orientations.enumerated() where orientation.needsRotation {
                if OrientationClassifier.isSqueezed(crops[i].image) { turned.append((i, crops[i])) }
                crops[i] = LineCrop.rotatedHalfTurn(crops[i])
            }
        }
        timings.classify += milliseconds(since: clock)
        clock = DispatchTime.now()
        var texts = try recognizer.recognize(crops.map(\.image) + turned.map(\.original.image))
        for (k, line) in turned.enumerated() where texts[crops.count + k].confidence > texts[line.position].confidence {
            texts[line.position] = texts[crops.count + k]
            crops[line.position] = line.original
        }
        texts.removeLast(turned.count)
        timings.recognize += milliseconds(since: clock)

        return zip(crops, texts).map { crop, text in
            // rapidocr drops lines that read as nothing and lines under its text score.
            guard !text.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                  text.confidence >= options.minimumLineConfidence else { return nil }
            return TextLine(quad: Quad(crop.quad.map(found.cropSource.pixelToPage)), text: text.text,
                            confidence: Double(text.confidence), characterConfidences: text.confidences)
        }
    }
}

/// The lines a pass found and cut out, before any is read.
public struct DetectedLines: Sendable {
    /// Upright crops of every line, with quads in `cropSource` pixels.
    public var crops: [LineCrop.Line]
    public var cropSource: PageImage
    public var detection: TextDetection
    /// The detector's input; see `OCRResult.detectionImage`.
    public var detectionImage: PageImage
    /// Render, detect, post-processing and crop times.
    public var timings: OCRTimings

    /// Each line's bounding box in page coordinates.
    public var boxes: [Rect] { crops.map { Quad($0.quad.map(cropSource.pixelToPage)).boundingRect } }
}

extension OCRPipeline {
    /// `items.map(transform)`, the items shared out over the runtime's workers (line crops are
    /// independent, and the other core would otherwise idle between network runs).
    static func inParallel<Item, Result>(_ items: [Item], _ transform: (Item) -> Result) -> [Result] {
        Array(unsafeUninitializedCapacity: items.count) { buffer, initialized in
            // The ranges are disjoint and cover every index.
            nonisolated(unsafe) let slots = buffer
            Parallel.chunks(items.count, minimumPerChunk: 1) { range in
                for i in range { slots.initializeElement(at: i, to: transform(items[i])) }
            }
            initialized = items.count
        }
    }

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
