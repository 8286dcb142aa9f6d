import ArgumentParser
import Foundation
import QZoomCore
import Raster

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a document's type, pages, page sizes, units and resolution.",
        discussion: """
        The type is read from the file's content, not its name. Sizes are in page units: PDF points \
        (1/72 inch) for PDFs, pixels for TIFF, PNG and JPEG files, after page rotation, crop box and \
        orientation tags are applied. These are the coordinates `qzoom render --region` takes.

        \(ExitStatus.helpTable)
        """)

    @Argument(help: "The PDF, TIFF, PNG or JPEG file.")
    var file: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var limits: LimitOptions

    func run() throws {
        limits.startClock(for: [file])
        try reportingFailures(file: file) {
            let url = URL(fileURLWithPath: file)
            let type = try DocumentType.detect(at: url)
            let document = try openDocument(at: url, limits: limits.limits)
            let pages = try (1...document.pageCount).map { DocumentInfo.Page(number: $0, info: try document.info(page: $0)) }
            let info = DocumentInfo(file: file, type: type, pageCount: document.pageCount, pages: pages)
            print(json ? try info.json() : info.table())
        }
    }
}

/// What `qzoom info` reports, as a table or as JSON.
struct DocumentInfo: Encodable {
    struct Page: Encodable {
        var page: Int
        var width: Double
        var height: Double
        var unit: PageUnit
        /// Page units per inch as the file states it; null for raster files that state none.
        var unitsPerInch: Double?

        init(number: Int, info: PageInfo) {
            page = number
            width = info.size.width
            height = info.size.height
            unit = info.unit
            unitsPerInch = info.unitsPerInch
        }

        enum CodingKeys: String, CodingKey { case page, width, height, unit, unitsPerInch }

        /// Written out even when null, so that scripts always find the key.
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(page, forKey: .page)
            try container.encode(width, forKey: .width)
            try container.encode(height, forKey: .height)
            try container.encode(unit, forKey: .unit)
            try container.encode(unitsPerInch, forKey: .unitsPerInch)
        }
    }

    var file: String
    var type: DocumentType
    var pageCount: Int
    var pages: [Page]

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func table() -> String {
        func number(_ value: Double) -> String {
            value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
        }
        func column(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        var lines = ["\(file): \(type.rawValue.uppercased()), \(pageCount) page\(pageCount == 1 ? "" : "s")",
                     "  page     width    height  unit   per inch  inches"]
        for page in pages {
            let perInch = page.unitsPerInch.map(number) ?? "-"
            let inches = page.unitsPerInch.map { String(format: "%.2f × %.2f", page.width / $0, page.height / $0) }
                ?? "unknown (no resolution stated)"
            lines.append(column(String(page.page), 6) + column(number(page.width), 10) + column(number(page.height), 10)
                         + "  " + page.unit.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)
                         + column(perInch, 10) + "  " + inches)
        }
        return lines.joined(separator: "\n")
    }
}
