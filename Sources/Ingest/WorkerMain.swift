import CLinux
import Foundation
import Glibc
import QZoomCore
import Raster

/// What `qzoom worker` does: limits itself, loads the engine once, then processes documents one at a
/// time, reporting each page to the daemon over descriptor 3. The daemon hands it documents as JSON
/// lines on standard input (`WorkerJob`) and closes that pipe to let it go; `--file` instead processes
/// that one document. It runs in its own process so a file that crashes or hangs a decoder takes down
/// only this process.
public enum WorkerMain {
    public struct Options: Sendable {
        /// One document to process, then exit; nil: read jobs from standard input until it closes.
        public var file: URL?
        public var requestedTemplate: String?
        public var memoryLimitMegabytes: Int?
        public var rasterLimits: RasterLimits
        public var configFile: URL?
        /// The daemon that started this worker; if it is already gone, the worker does nothing.
        public var daemonPID: Int32?
        public init(file: URL?, requestedTemplate: String?, memoryLimitMegabytes: Int?, rasterLimits: RasterLimits,
                    configFile: URL?, daemonPID: Int32?) {
            self.file = file; self.requestedTemplate = requestedTemplate
            self.memoryLimitMegabytes = memoryLimitMegabytes; self.rasterLimits = rasterLimits
            self.configFile = configFile; self.daemonPID = daemonPID
        }
    }

    /// The processor the workers run: the engine, set up by the daemon's configuration file.
    static func makeProcessor(_ options: Options) throws -> any DocumentProcessor {
        var configuration = try options.configFile.map(ConfigurationFile.load) ?? DaemonConfiguration()
        configuration.rasterLimits = options.rasterLimits
        return try EngineProcessor.make(configuration: configuration)
    }

    /// Returns the exit status: 0 whenever every document's messages said how it ended.
    public static func run(_ options: Options) -> Int32 {
        // Die with the daemon, even when it is killed with SIGKILL; and block SIGTERM/SIGINT so that a
        // shutdown request is seen between pages (`sigpending`) instead of cutting a page in half.
        _ = qzoom_set_parent_death_signal(SIGKILL)
        if let daemon = options.daemonPID, getppid() != daemon { return 1 }  // it died before the line above
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        sigprocmask(SIG_BLOCK, &stopSignals, nil)
        do { try SignalRouting.routeToCurrentThread([SIGTERM, SIGINT]) } catch { return 1 }  // the daemon counts it as a crash

        if let megabytes = options.memoryLimitMegabytes {
            var limit = rlimit(rlim_cur: rlim_t(megabytes) << 20, rlim_max: rlim_t(megabytes) << 20)
            setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
        }
        let channel = MessageChannel(descriptor: workerMessageDescriptor)
        var processor: Result<any DocumentProcessor, Error>?
        var single = options.file.map { WorkerJob(file: $0.path, template: options.requestedTemplate) }
        while !stopRequested() {
            guard let job = options.file == nil ? WorkerJob.readFromStandardInput() : single.take() else { break }
            // The engine loads once, when the first document arrives; a load that fails fails each document.
            if processor == nil { processor = Result { try makeProcessor(options) } }
            guard let processor, process(job, with: processor, channel: channel) else { return 1 }
        }
        return 0
    }

    /// Processes one document; false when the daemon can no longer be told how it went.
    private static func process(_ job: WorkerJob, with processor: Result<any DocumentProcessor, Error>,
                                channel: MessageChannel) -> Bool {
        let file = URL(fileURLWithPath: job.file)
        FaultInjection.atStart(of: file)
        do {
            let processor = try processor.get()
            let document = try processor.open(file, requestedTemplate: job.template)
            var opened = WorkerMessage(kind: .opened)
            opened.template = document.template
            opened.pageCount = document.pageCount
            try channel.send(opened)
            for page in stride(from: 1, through: document.pageCount, by: 1) {
                if stopRequested() {
                    try channel.send(WorkerMessage(kind: .abandoned))
                    return true
                }
                FaultInjection.beforePage(of: file)
                var message = WorkerMessage(kind: .page)
                message.page = try processor.process(page: page, of: document)
                message.engineVersion = processor.engineVersion
                message.headsVersion = processor.headsVersion
                try channel.send(message)
            }
            var finished = WorkerMessage(kind: .finished)
            finished.template = document.template
            finished.pageCount = document.pageCount
            try channel.send(finished)
            return true
        } catch {
            var failed = WorkerMessage(kind: .failed)
            (failed.errorCode, failed.errorMessage, failed.transient) = describe(error)
            return (try? channel.send(failed)) != nil
        }
    }

    private static func stopRequested() -> Bool {
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1
    }

    /// A stable code, a message for a person, and whether trying again later may help.
    public static func describe(_ error: Error) -> (String, String, Bool) {
        switch error {
        case let input as InputError: (input.code, input.description, false)
        case let system as SystemError: (system.isTransient ? "transient_system_error" : "system_error",
                                         system.description, system.isTransient)
        default: ("processing_error", String(describing: error), false)
        }
    }
}

/// Writes whole JSON lines to the daemon's pipe.
struct MessageChannel {
    let descriptor: Int32

    func send(_ message: WorkerMessage) throws {
        try writeAll(try message.encodedLine(), to: descriptor, "worker pipe")
    }
}
