import ArgumentParser

@main
struct QZoomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qzoom",
        abstract: "Query-aware coarse-to-fine document processing.",
        subcommands: [InfoCommand.self, RenderCommand.self]
    )
}
