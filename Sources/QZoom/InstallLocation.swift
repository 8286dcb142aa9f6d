import Foundation

/// Where the engine's files are when no option names them: the model files (`setup` fetches them),
/// the templates and the trained heads. For each, in this order: the option; the environment variable;
/// the folder under the current directory; the folder in the checkout the binary was built in (found
/// a few levels above `.build/<triple>/release/qzoom`); `/usr/local/share/qzoom/` (a service install).
public enum InstallLocation {
    public static let shared = URL(fileURLWithPath: "/usr/local/share/qzoom")

    public static func models(_ option: String?) -> URL {
        resolve(option, environment: "QZOOM_MODELS", relative: "models", marker: "ppocr")
    }

    public static func templates(_ option: String?) -> URL {
        resolve(option, environment: "QZOOM_TEMPLATES", relative: "config/templates", marker: "generic.toml",
                sharedName: "templates")
    }

    public static func heads(_ option: String?) -> URL {
        resolve(option, environment: "QZOOM_HEADS", relative: "heads", marker: "README.md")
    }

    static func resolve(_ option: String?, environment: String, relative: String, marker: String,
                        sharedName: String? = nil) -> URL {
        if let option { return URL(fileURLWithPath: option) }
        if let value = ProcessInfo.processInfo.environment[environment], !value.isEmpty {
            return URL(fileURLWithPath: value)
        }
        let manager = FileManager.default
        let local = URL(fileURLWithPath: relative)
        if manager.fileExists(atPath: local.appending(path: marker).path) { return local }
        let binary = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var folder = binary.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = folder.appending(path: relative)
            if manager.fileExists(atPath: candidate.appending(path: marker).path) { return candidate }
            folder.deleteLastPathComponent()
        }
        let installed = shared.appending(path: sharedName ?? relative)
        if manager.fileExists(atPath: installed.appending(path: marker).path) { return installed }
        return local
    }
}
