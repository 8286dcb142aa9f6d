import Foundation

/// Where each key of a TOML file is written, so that a semantic error (an unknown answer type, a
/// duplicate query name) can name the line, as TOMLKit does for syntax errors. TOMLKit's tables
/// carry no source positions, so the source text is scanned once: table headers, `[[array]]`
/// elements and `key =` lines. The file has already parsed, so the scan only has to be right
/// on valid TOML.
struct TOMLSourceMap {
    enum Section: Hashable {
        case root
        case table(String)
        /// The element of an array of tables, counted from 0.
        case element(String, Int)
    }

    private var sectionLines: [Section: Int] = [.root: 1]
    private var keyLines: [Section: [String: Int]] = [:]

    init(source: String) {
        var section = Section.root
        var elementCounts: [String: Int] = [:]
        var inMultilineString = false
        // TOML lines end with LF or CRLF ("\r\n" is one Character).
        let sourceLines = source.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, rawLine) in sourceLines.enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            // Lines inside a """ or ''' string are text, not keys.
            let tripleQuotes = line.components(separatedBy: "\"\"\"").count - 1 + line.components(separatedBy: "'''").count - 1
            let startsInString = inMultilineString
            if tripleQuotes % 2 == 1 { inMultilineString.toggle() }
            if startsInString { continue }
            if line.hasPrefix("[[") {
                let name = Self.headerName(line.dropFirst(2))
                let count = elementCounts[name, default: 0]
                elementCounts[name] = count + 1
                section = .element(name, count)
                sectionLines[section] = lineNumber
            } else if line.hasPrefix("[") {
                section = .table(Self.headerName(line.dropFirst()))
                sectionLines[section] = lineNumber
            } else if let key = Self.assignedKey(line) {
                if keyLines[section]?[key] == nil { keyLines[section, default: [:]][key] = lineNumber }
            }
        }
    }

    /// The line of `key` in `section`; the section's header line when the key is not written there.
    func line(of key: String? = nil, in section: Section) -> Int {
        if let key, let line = keyLines[section]?[key] { return line }
        return sectionLines[section] ?? 1
    }

    private static func headerName(_ rest: Substring) -> String {
        let name = rest.prefix { $0 != "]" }
        return unquoted(name.trimmingCharacters(in: .whitespaces))
    }

    /// The key of a `key = value` line (bare or quoted), nil for other lines.
    private static func assignedKey(_ line: String) -> String? {
        guard let first = line.first, first != "#", first != "=" else { return nil }
        var key = ""
        var quote: Character?
        for character in line {
            if let open = quote {
                if character == open { quote = nil }
                key.append(character)
            } else if character == "\"" || character == "'" {
                quote = character
                key.append(character)
            } else if character == "=" {
                let trimmed = key.trimmingCharacters(in: .whitespaces)
                return trimmed.isEmpty ? nil : unquoted(trimmed)
            } else if character == "#" || character == "[" || character == "{" || character == "," {
                return nil
            } else {
                key.append(character)
            }
        }
        return nil
    }

    private static func unquoted(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}
