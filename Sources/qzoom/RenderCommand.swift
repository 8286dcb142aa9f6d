import ArgumentParser
import Foundation
import QZoomCore
import Raster

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a page, or a region of it, to a PNG, JPEG or TIFF image.",
        discussion: """
        Only the requested region is rendered, so a small region at a high resolution is cheap. \
        Regions are in page units (see `qzoom info`): PDF points for PDFs, pixels for raster files, \
        from the top-left corner of the page as displayed. A region reaching past the page is cut to it.

        Raster pages are resampled with area averaging when shrinking and bilinear interpolation when \
        enlarging. A raster file that states no resolution is taken as \
        \(Int(PageInfo.assumedRasterDotsPerInch)) dpi for --dpi.

        \(ExitStatus.helpTable)
        """)

    @Argument(help: "The PDF, TIFF, PNG or JPEG file.")
    var file: String

    @Option(help: "The page to render, from 1.")
    var page = 1

    @Option(help: "Render at this many pixels per inch (default 150 unless --long-side is given).")
    var dpi: Double?

    @Option(name: .customLong("long-side"), help: "Render so that the longer side of the output has this many pixels.")
    var longSide: Int?

    @Option(help: ArgumentHelp("Render only this region, in page units.", valueName: "x,y,width,height"))
    var region: RegionArgument?

    @Option(name: [.short, .customLong("output")],
            help: ArgumentHelp("The image to write; .png, .jpg/.jpeg or .tif/.tiff chooses the format.", valueName: "file"))
    var output: String

    @OptionGroup var limits: LimitOptions

    static let defaultDotsPerInch = 150.0

    func validate() throws {
        guard page >= 1 else { throw ValidationError("--page counts from 1") }
        if dpi != nil && longSide != nil { throw ValidationError("give --dpi or --long-side, not both") }
        if let dpi, !(dpi.isFinite && dpi > 0) { throw ValidationError("--dpi must be a positive number") }
        if let longSide, longSide <= 0 { throw ValidationError("--long-side must be a positive number of pixels") }
        _ = try OutputFormat(path: output)
    }

    func run() throws {
        limits.startClock(for: [file])
        try reportingFailures(file: file) {
            let document = try openDocument(at: URL(fileURLWithPath: file), limits: limits.limits)
            let info = try document.info(page: page)
            let covered = region?.rect.intersection(info.bounds) ?? region?.rect ?? info.bounds
            let scale = longSide.map { Double($0) / max(covered.width, covered.height) }
                ?? info.scale(forDotsPerInch: dpi ?? Self.defaultDotsPerInch)
            let image = try document.render(page: page, region: region?.rect, scale: scale)
            // The image's own resolution: pixels per page unit times page units per inch.
            let dotsPerInch = image.scaleX * info.resolvedUnitsPerInch
            try OutputFormat(path: output).write(image, dotsPerInch: dotsPerInch, to: URL(fileURLWithPath: output))
            print("\(output): \(image.width)×\(image.height) px, page \(page), region \(image.region), "
                  + String(format: "%.4g px per %@", image.scaleX, info.unit.rawValue))
        }
    }
}

/// `--region x,y,width,height`.
struct RegionArgument: ExpressibleByArgument {
    var rect: Rect

    init?(argument: String) {
        let values = argument.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == 4, values.allSatisfy(\.isFinite), values[2] > 0, values[3] > 0 else { return nil }
        rect = Rect(x: values[0], y: values[1], width: values[2], height: values[3])
    }
}

/// The image format an output path asks for.
enum OutputFormat {
    case png, jpeg, tiff

    init(path: String) throws {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        case "tif", "tiff": self = .tiff
        default: throw ValidationError("the output must end in .png, .jpg, .jpeg, .tif or .tiff: \(path)")
        }
    }

    /// Writes the image; JPEG and TIFF files record its resolution (the PNG writer cannot).
    func write(_ image: PageImage, dotsPerInch: Double, to url: URL) throws {
        switch self {
        case .png: try ImageWriter.writePNG(image, to: url)
        case .jpeg: try ImageWriter.writeJPEG(image, to: url, dotsPerInch: Int(dotsPerInch.rounded()))
        case .tiff: try ImageWriter.writeTIFF([image], to: url, options: TIFFWriteOptions(dotsPerInch: dotsPerInch))
        }
    }
}
