import ArgumentParser

@main
struct QZoomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qzoom",
        abstract: "Query-aware coarse-to-fine document processing.",
        subcommands: [
            InfoCommand.self, RenderCommand.self, OCRCommand.self, ProcessCommand.self, TrainCommand.self, BenchCommand.self,
            DaemonCommand.self, ResultsCommand.self, StatusCommand.self, ShowCommand.self, RetryCommand.self,
            ExportCommand.self, WorkerCommand.self,
        ]
    )
}
