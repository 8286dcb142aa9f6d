import ArgumentParser
import Foundation
import Perception
import QZoom
import QZoomCore

/// The answerer on sroie-dev's ground-truth lines (`box/NNN.csv`) as oracle OCR, scored against
/// `key/NNN.json` with `ExactMatch`: the upper bound of the engine's accuracy, without any OCR.
@main
struct AnswerOracle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer-oracle",
        abstract: "Exact match per field of the answerer on ground-truth text lines (oracle OCR).",
        discussion: """
            The documents are split into two halves by sorted file name (first half: development, \
            second half: held out); both are reported, and all together.
            """)

    @Option(help: "Folder with key/NNN.json, box/NNN.csv and img/NNN.jpg.")
    var data = "../shared/data/sroie-dev"

    @Option(help: "The template whose queries are answered (query names must match the label keys).")
    var template = "config/templates/receipt.toml"

    @Option(help: "Models folder holding minilm/ (for --similarity minilm).")
    var models = "models"

    @Option(help: "Question-to-line similarity: minilm (the sentence encoder) or none (key phrases only).")
    var similarity: SimilarityChoice = .minilm

    @Option(help: "Print the wrong answers of this half (first or second).")
    var misses: Half?

    @Option(help: "Print the five best candidates of every query on this document (a file name without extension).")
    var explain: String?

    enum SimilarityChoice: String, ExpressibleByArgument, CaseIterable { case minilm, none }
    enum Half: String, ExpressibleByArgument, CaseIterable { case first, second }

    func run() throws {
        let template = try TemplateLoader.load(URL(fileURLWithPath: self.template))
        let root = URL(fileURLWithPath: data)
        let names = try FileManager.default.contentsOfDirectory(atPath: root.appending(path: "key").path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
        guard !names.isEmpty else { throw ValidationError("no key/*.json in \(data)") }
        if let explain, !names.contains(explain) { throw ValidationError("no key/\(explain).json in \(data)") }
        let encoder: EmbeddingSimilarity? = similarity == .minilm
            ? EmbeddingSimilarity(embedder: try SentenceEncoder(modelsDirectory: URL(fileURLWithPath: models))) : nil
        let answerer = Answerer(dateOrder: template.dateOrder)
        var tally = Tally(queries: template.queries.map(\.name))
        var answerSeconds = 0.0, encodeSeconds = 0.0
        for (index, name) in names.enumerated() where explain == nil || explain == name {
            let half: Half = index < names.count / 2 ? .first : .second
            let labels = try GroundTruth.labels(at: root.appending(path: "key/\(name).json"))
            let lines = try GroundTruth.lines(csvAt: root.appending(path: "box/\(name).csv"))
            guard let size = JPEGSize.read(root.appending(path: "img/\(name).jpg")) else {
                throw ValidationError("cannot read the size of img/\(name).jpg")
            }
            let page = PageText(lines: lines, size: Size(width: Double(size.width), height: Double(size.height)))
            for query in template.queries {
                guard let expected = labels[query.name], !expected.isEmpty else { continue }
                let encodeStart = Date()
                let similarities = try encoder?.similarities(of: query.question, to: lines.map(\.text))
                let answerStart = Date()
                let answer = answerer.answer(query, on: page, similarities: similarities)
                answerSeconds += Date().timeIntervalSince(answerStart)
                encodeSeconds += answerStart.timeIntervalSince(encodeStart)
                if name == explain {
                    print(Self.explanation(answer, expected: expected))
                    if let similarities {
                        let top = zip(lines.map(\.text), similarities).sorted { $0.1 > $1.1 }.prefix(6)
                        print("  most similar lines: " + top.map { String(format: "%.2f \"%@\"", $0.1, $0.0) }.joined(separator: ", "))
                    }
                }
                let correct = ExactMatch.matches(answer.value, expected, type: query.type, dateOrder: template.dateOrder)
                let loose = ExactMatch.matchesLettersAndDigits(answer.value, expected, type: query.type,
                                                               dateOrder: template.dateOrder)
                tally.add(query.name, half: half, correct: correct, loose: loose, confidence: answer.confidence)
                if query.type == .text, Self.someJoinMatches(lines.map(\.text), expected) { tally.reachable[query.name, default: [:]][half, default: 0] += 1 }
                if !correct, misses == half {
                    print("\(name) \(query.name): got \(answer.value.map { "\"\($0)\"" } ?? "nothing")"
                          + " (confidence \(String(format: "%.2f", answer.confidence))), expected \"\(expected)\"")
                }
            }
            encoder?.removeAll()
        }
        print(tally.table(similarity: similarity.rawValue))
        print(String(format: "answerer: %.2f ms per page (all queries); encoder: %.1f ms per page; %d pages",
                     1000 * answerSeconds / Double(names.count), 1000 * encodeSeconds / Double(names.count), names.count))
        print(tally.calibration())
    }
}

extension AnswerOracle {
    /// True when some run of up to eight consecutive transcript lines, joined by spaces, matches: the
    /// ceiling any line-joining answerer can reach on these labels.
    static func someJoinMatches(_ texts: [String], _ expected: String) -> Bool {
        for start in texts.indices {
            for end in (start + 1)...min(texts.count, start + 8)
            where ExactMatch.matches(texts[start..<end].joined(separator: " "), expected, type: .text) {
                return true
            }
        }
        return false
    }

    static func explanation(_ answer: QueryAnswer, expected: String) -> String {
        var text = "\(answer.query) (expected \"\(expected)\", confidence \(String(format: "%.2f", answer.confidence))):"
        for candidate in answer.candidates.prefix(5) {
            let f = candidate.features
            text += String(format: "\n  %.3f  key %.2f valid %.2f pos %.2f ocr %.2f sim %.2f cue %.2f prom %.2f%@  \"%@\" at %@",
                           candidate.score, f.key, f.validity, f.position, f.ocr, f.similarity, f.cue, f.prominence,
                           f.isExcluded ? " EXCLUDED" : "", candidate.value, candidate.box.description)
            if let keyBox = candidate.keyBox { text += " key at \(keyBox)" }
        }
        return text
    }
}

/// Counts of right answers per query and half, and confidences for the calibration table.
struct Tally {
    let queries: [String]
    var right: [String: [AnswerOracle.Half: Int]] = [:]
    var looseRight: [String: Int] = [:]
    var reachable: [String: [AnswerOracle.Half: Int]] = [:]
    var total: [String: [AnswerOracle.Half: Int]] = [:]
    var confidences: [(Double, Bool)] = []
    var confidencesByQuery: [String: [(Double, Bool)]] = [:]

    init(queries: [String]) { self.queries = queries }

    mutating func add(_ query: String, half: AnswerOracle.Half, correct: Bool, loose: Bool, confidence: Double) {
        total[query, default: [:]][half, default: 0] += 1
        if loose { looseRight[query, default: 0] += 1 }
        if correct { right[query, default: [:]][half, default: 0] += 1 }
        confidences.append((confidence, correct))
        confidencesByQuery[query, default: []].append((confidence, correct))
    }

    func table(similarity: String) -> String {
        func cell(_ r: Int, _ n: Int) -> String { n == 0 ? "–" : String(format: "%.3f (%d/%d)", Double(r) / Double(n), r, n) }
        var rows = ["| field (similarity: \(similarity)) | first half (dev) | second half (held out) | all | all, letters and digits only | mean confidence right / wrong |",
                    "|---|---|---|---|---|---|"]
        for query in queries {
            let r1 = right[query]?[.first] ?? 0, n1 = total[query]?[.first] ?? 0
            let r2 = right[query]?[.second] ?? 0, n2 = total[query]?[.second] ?? 0
            func mean(_ correct: Bool) -> String {
                let values = (confidencesByQuery[query] ?? []).filter { $0.1 == correct }.map(\.0)
                return values.isEmpty ? "–" : String(format: "%.2f", values.reduce(0, +) / Double(values.count))
            }
            rows.append("| \(query) | \(cell(r1, n1)) | \(cell(r2, n2)) | \(cell(r1 + r2, n1 + n2)) | "
                        + "\(cell(looseRight[query] ?? 0, n1 + n2)) | \(mean(true)) / \(mean(false)) |")
        }
        let text = queries.filter { reachable[$0] != nil }
        if !text.isEmpty {
            rows += ["", "| text field | reachable by joining transcript lines: first half | second half |", "|---|---|---|"]
            for query in text {
                rows.append("| \(query) | \(cell(reachable[query]?[.first] ?? 0, total[query]?[.first] ?? 0)) | "
                            + "\(cell(reachable[query]?[.second] ?? 0, total[query]?[.second] ?? 0)) |")
            }
        }
        return rows.joined(separator: "\n")
    }

    /// Accuracy per confidence bin: a calibrated confidence has accuracy close to the bin's mean.
    func calibration() -> String {
        var rows = ["| confidence | answers | mean confidence | exact match |", "|---|---|---|---|"]
        for lower in stride(from: 0.0, to: 1.0, by: 0.2) {
            let bin = confidences.filter { $0.0 >= lower && ($0.0 < lower + 0.2 || lower >= 0.8) }
            guard !bin.isEmpty else { continue }
            let mean = bin.map(\.0).reduce(0, +) / Double(bin.count)
            let accuracy = Double(bin.filter(\.1).count) / Double(bin.count)
            rows.append(String(format: "| %.1f–%.1f | %d | %.2f | %.3f |", lower, lower + 0.2, bin.count, mean, accuracy))
        }
        return rows.joined(separator: "\n")
    }
}
