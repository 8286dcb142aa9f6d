import ArgumentParser
import Foundation
import Store

/// `--db PATH`, shared by every command that reads the results.
struct DatabaseOptions: ParsableArguments {
    static let defaultPath = ProcessInfo.processInfo.environment["QZOOM_DB"] ?? "/var/lib/qzoom/qzoom.sqlite"

    @Option(name: .long, help: ArgumentHelp("The results database (default: $QZOOM_DB, else /var/lib/qzoom/qzoom.sqlite).",
                                            valueName: "path"))
    var db: String = DatabaseOptions.defaultPath

    func open() throws -> ResultStore { try ResultStore.existing(path: db) }
}

/// `--format table|json|csv`.
enum ResultFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Prints to stdout.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
