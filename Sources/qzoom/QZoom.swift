import ArgumentParser

@main
struct QZoomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qzoom",
        abstract: "Query-aware coarse-to-fine document processing.",
        subcommands: [
            InfoCommand.self, RenderCommand.self, OCRCommand.self,
            DaemonCommand.self, ResultsCommand.self, StatusCommand.self, ShowCommand.self, RetryCommand.self,
            ExportCommand.self, WorkerCommand.self,
        ]
    )
}
