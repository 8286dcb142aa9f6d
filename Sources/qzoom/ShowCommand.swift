import ArgumentParser
import Foundation
import Overlay
import QZoomCore
import Raster
import Store

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Write a page image with its RoI and answer boxes drawn and labelled, to check answers at a glance.")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: ArgumentHelp("The document: its id (12 or #12) or its file name.", valueName: "document"))
    var document: String
    @Option(help: "The page (from 1).") var page = 1
    @Option(name: .short, help: ArgumentHelp("The PNG file to write.", valueName: "page.png")) var output: String
    @Option(help: "Width of the longer side of the image, in pixels.") var size = 1600

    func validate() throws {
        if page < 1 { throw ValidationError("--page counts from 1") }
        if !(64...10_000).contains(size) { throw ValidationError("--size must be between 64 and 10000") }
    }

    func run() throws {
        let store = try database.open()
        let record = try store.document(named: document)
        let answers = try store.answers(.init(documentID: record.id)).filter { $0.page == page }.map(\.answer)
        let source = try openDocument(at: URL(fileURLWithPath: record.path))
        let info = try source.info(page: page)
        let scale = Double(size) / max(info.size.width, info.size.height)
        let image = try source.render(page: page, region: nil, scale: scale)
        let drawn = try AnswerOverlay.draw(answers, on: image)
        try ImageWriter.writePNG(drawn, to: URL(fileURLWithPath: output))
        emit("wrote \(output): page \(page) of #\(record.id) \(record.originalName), \(answers.count) answers")
    }
}
