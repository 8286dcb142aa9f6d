import Foundation
import QZoomCore
import TOMLKit

/// Reads templates from TOML (format in docs/templates.md). Every problem is a `TemplateError`
/// with the file, the line of the offending key and the reason; nothing in a file can crash it.
public enum TemplateLoader {
    /// Every `*.toml` in `directory`, sorted by file name. Two files may not define the same name, and
    /// at most one template may be the fallback.
    public static func loadDirectory(_ directory: URL) throws(TemplateError) -> [Template] {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "toml" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw TemplateError(file: directory.path, line: 0, reason: .unreadable(error.localizedDescription))
        }
        var templates: [Template] = []
        var definingFile: [String: String] = [:]
        for file in files {
            let source = try read(file)
            let template = try parse(source, file: file.path)
            if let first = definingFile[template.name] {
                throw TemplateError(file: file.path, line: TOMLSourceMap(source: source).line(of: "name", in: .root),
                                    reason: .duplicateTemplate(name: template.name, firstFile: first))
            }
            if template.match.isFallback, let first = templates.first(where: \.match.isFallback) {
                throw TemplateError(file: file.path, line: TOMLSourceMap(source: source).line(of: "fallback", in: .table("match")),
                                    reason: .secondFallback(firstTemplate: first.name))
            }
            definingFile[template.name] = file.path
            templates.append(template)
        }
        return templates
    }

    public static func load(_ file: URL) throws(TemplateError) -> Template {
        try parse(try read(file), file: file.path)
    }

    private static func read(_ file: URL) throws(TemplateError) -> String {
        do {
            return try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw TemplateError(file: file.path, line: 0, reason: .unreadable(error.localizedDescription))
        }
    }

    /// Parses the text of a template; `file` is only used in errors.
    public static func parse(_ source: String, file: String) throws(TemplateError) -> Template {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            throw TemplateError(file: file, line: error.source.begin.line, reason: .syntax(error.description))
        } catch {
            throw TemplateError(file: file, line: 1, reason: .syntax("\(error)"))
        }
        let reader = TableReader(table: root, section: .root,
                                 context: TemplateSource(file: file, map: TOMLSourceMap(source: source)))
        return try readTemplate(reader)
    }

    private static func readTemplate(_ root: TableReader) throws(TemplateError) -> Template {
        try root.rejectUnknownKeys(["name", "description", "date_order", "coarse_long_side", "match", "query"])
        let name = try root.requiredString("name")
        try root.check(isValidName(name), key: "name", .invalidName(name))
        let dateOrder: DateOrder
        if let order = try root.string("date_order") {
            guard let parsed = DateOrder(rawValue: order.uppercased()) else {
                throw root.error(.unknownDateOrder(order), key: "date_order")
            }
            dateOrder = parsed
        } else {
            dateOrder = .dayMonthYear
        }
        let coarseLongSide = try root.int("coarse_long_side")
        try root.check(coarseLongSide.map { (64...8192).contains($0) } ?? true, key: "coarse_long_side",
                       .outOfRange(key: "coarse_long_side", detail: "must be between 64 and 8192 pixels"))
        let match = try root.subtable("match").map(readMatchRules) ?? MatchRules()
        let elements = try root.arrayOfTables("query")
        guard !elements.isEmpty else { throw root.error(.noQueries) }
        var queries: [Query] = []
        for element in elements {
            let query = try readQuery(element)
            try element.check(!queries.contains { $0.name == query.name }, key: "name", .duplicateQuery(query.name))
            queries.append(query)
        }
        return Template(name: name, description: try root.string("description") ?? "", dateOrder: dateOrder,
                        match: match, coarseLongSide: coarseLongSide, queries: queries)
    }

    private static func readMatchRules(_ table: TableReader) throws(TemplateError) -> MatchRules {
        try table.rejectUnknownKeys(["folders", "keywords", "min_keywords", "fallback"])
        let keywords = try table.strings("keywords")
        let minimum = try table.int("min_keywords") ?? 1
        try table.check(minimum >= 1 && (keywords.isEmpty || minimum <= keywords.count), key: "min_keywords",
                        .outOfRange(key: "min_keywords", detail: "must be between 1 and the number of keywords"))
        return MatchRules(folders: try table.strings("folders"), keywords: keywords, minimumKeywords: minimum,
                          isFallback: try table.bool("fallback") ?? false)
    }

    private static func readQuery(_ table: TableReader) throws(TemplateError) -> Query {
        try table.rejectUnknownKeys(["name", "question", "type", "keys", "cues", "exclude", "stop", "hint", "lines",
                                     "block", "drop_ids", "report", "gate", "roi", "stop_confidence"])
        let name = try table.requiredString("name")
        try table.check(isValidName(name), key: "name", .invalidName(name))
        let question = try table.requiredString("question")
        try table.check(!question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, key: "question",
                        .emptyQuestion)
        let typeName = try table.requiredString("type")
        guard let type = AnswerType(rawValue: typeName) else {
            throw table.error(.unknownAnswerType(typeName), key: "type")
        }
        let hint = try readHint(table)
        // A region query reads the text inside its hint, so it needs one.
        try table.check(type != .region || hint != nil, key: "hint", .missingKey("hint"))
        let lines = try table.int("lines") ?? 1
        try table.check((1...12).contains(lines), key: "lines",
                        .outOfRange(key: "lines", detail: "must be between 1 and 12"))
        try table.check(lines == 1 || type == .text, key: "lines",
                        .outOfRange(key: "lines", detail: "only text queries span several lines"))
        let isBlock = try table.bool("block") ?? false
        try table.check(!isBlock || type == .text, key: "block",
                        .outOfRange(key: "block", detail: "applies to text queries only"))
        let report = try table.string("report") ?? "value"
        try table.check(report == "value" || report == "currency", key: "report",
                        .outOfRange(key: "report", detail: "must be \"value\" or \"currency\""))
        try table.check(report == "value" || type == .amount, key: "report",
                        .outOfRange(key: "report", detail: "\"currency\" applies to amount queries only"))
        let dropsIdentifiers = try table.bool("drop_ids") ?? false
        try table.check(!dropsIdentifiers || type == .text, key: "drop_ids",
                        .outOfRange(key: "drop_ids", detail: "applies to text queries only"))
        return Query(name: name, question: question, type: type, keys: try table.strings("keys"),
                     cues: try table.strings("cues"), exclude: try table.strings("exclude"),
                     stop: try table.strings("stop"), hint: hint,
                     maxLines: lines, isBlock: isBlock, reportsCurrency: report == "currency", dropsIdentifiers: dropsIdentifiers,
                     thresholds: QueryThresholds(gate: try table.fraction("gate"), roi: try table.fraction("roi"),
                                                 stopConfidence: try table.fraction("stop_confidence")))
    }

    /// `hint = "bottom"` or `hint = [x0, y0, x1, y1]` as fractions of the page.
    private static func readHint(_ table: TableReader) throws(TemplateError) -> PositionHint? {
        guard let value = table.table["hint"] else { return nil }
        if let name = value.string {
            guard let hint = PositionHint(named: name) else {
                let names = PositionHint.named.keys.sorted().joined(separator: ", ")
                throw table.error(.badHint("unknown region \"\(name)\" (expected one of: \(names), or [x0, y0, x1, y1])"),
                                  key: "hint")
            }
            return hint
        }
        guard let array = value.array else {
            throw table.error(.badHint("expected a region name or [x0, y0, x1, y1]"), key: "hint")
        }
        let numbers = array.compactMap { $0.double ?? $0.int.map(Double.init) }
        guard numbers.count == 4, array.count == 4 else {
            throw table.error(.badHint("expected four numbers [x0, y0, x1, y1]"), key: "hint")
        }
        guard numbers.allSatisfy({ (0...1).contains($0) }), numbers[0] < numbers[2], numbers[1] < numbers[3] else {
            throw table.error(.badHint("fractions must lie in 0...1 with x0 < x1 and y0 < y1"), key: "hint")
        }
        return PositionHint(region: Rect(minX: numbers[0], minY: numbers[1], maxX: numbers[2], maxY: numbers[3]))
    }

    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
    }
}

struct TemplateSource {
    let file: String
    let map: TOMLSourceMap
}

/// Typed access to one table of a template, with errors that point at the key's line.
struct TableReader {
    let table: TOMLTable
    let section: TOMLSourceMap.Section
    let context: TemplateSource

    func error(_ reason: TemplateError.Reason, key: String? = nil) -> TemplateError {
        TemplateError(file: context.file, line: context.map.line(of: key, in: section), reason: reason)
    }

    func check(_ condition: Bool, key: String, _ reason: TemplateError.Reason) throws(TemplateError) {
        if !condition { throw error(reason, key: key) }
    }

    func rejectUnknownKeys(_ known: Set<String>) throws(TemplateError) {
        if let unknown = table.keys.sorted().first(where: { !known.contains($0) }) {
            throw error(.unknownKey(unknown), key: unknown)
        }
    }

    func string(_ key: String) throws(TemplateError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw error(.wrongType(key: key, expected: "a string"), key: key) }
        return string
    }

    func requiredString(_ key: String) throws(TemplateError) -> String {
        guard let string = try string(key) else { throw error(.missingKey(key)) }
        return string
    }

    func int(_ key: String) throws(TemplateError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let int = value.int else { throw error(.wrongType(key: key, expected: "an integer"), key: key) }
        return int
    }

    func bool(_ key: String) throws(TemplateError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let bool = value.bool else { throw error(.wrongType(key: key, expected: "true or false"), key: key) }
        return bool
    }

    /// A number in 0...1 (thresholds).
    func fraction(_ key: String) throws(TemplateError) -> Double? {
        guard let value = table[key] else { return nil }
        guard let number = value.double ?? value.int.map(Double.init) else {
            throw error(.wrongType(key: key, expected: "a number"), key: key)
        }
        try check((0...1).contains(number), key: key, .outOfRange(key: key, detail: "must be between 0 and 1"))
        return number
    }

    /// An array of non-empty strings; absent means empty.
    func strings(_ key: String) throws(TemplateError) -> [String] {
        guard let value = table[key] else { return [] }
        let wrongType = error(.wrongType(key: key, expected: "an array of non-empty strings"), key: key)
        guard let array = value.array else { throw wrongType }
        var strings: [String] = []
        for element in array {
            guard let string = element.string,
                  !string.trimmingCharacters(in: .whitespaces).isEmpty else { throw wrongType }
            strings.append(string)
        }
        return strings
    }

    func subtable(_ key: String) throws(TemplateError) -> TableReader? {
        guard let value = table[key] else { return nil }
        guard let subtable = value.table else { throw error(.wrongType(key: key, expected: "a table"), key: key) }
        return TableReader(table: subtable, section: .table(key), context: context)
    }

    func arrayOfTables(_ key: String) throws(TemplateError) -> [TableReader] {
        guard let value = table[key] else { return [] }
        let wrongType = error(.wrongType(key: key, expected: "an array of tables ([[\(key)]])"), key: key)
        guard let array = value.array else { throw wrongType }
        var readers: [TableReader] = []
        for (index, element) in array.enumerated() {
            guard let table = element.table else { throw wrongType }
            readers.append(TableReader(table: table, section: .element(key, index), context: context))
        }
        return readers
    }
}
