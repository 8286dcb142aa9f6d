/// Plain-text tables and CSV for the results commands.
enum TextTable {
    /// Columns padded to their widest cell; long cells are cut at `maxWidth` with an ellipsis.
    static func render(header: [String], rows: [[String]], maxWidth: Int = 40) -> String {
        let clipped = rows.map { $0.map { $0.count > maxWidth ? String($0.prefix(maxWidth - 1)) + "…" : $0 } }
        var widths = header.map(\.count)
        for row in clipped { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + clipped.map(line))
            .joined(separator: "\n")
    }

    /// RFC 4180: cells with commas, quotes or line breaks are quoted, quotes doubled.
    static func csv(header: [String], rows: [[String]]) -> String {
        func cell(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        return ([header] + rows).map { $0.map(cell).joined(separator: ",") }.joined(separator: "\n")
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
