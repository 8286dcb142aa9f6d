import Foundation

/// The templates of a run (`config/templates/*.toml`) and the choice of one for a document.
public struct TemplateLibrary: Sendable {
    public let templates: [Template]

    public init(templates: [Template]) {
        self.templates = templates
    }

    /// Every template in `directory` (see `TemplateLoader.loadDirectory`).
    public static func load(directory: URL) throws(TemplateError) -> TemplateLibrary {
        TemplateLibrary(templates: try TemplateLoader.loadDirectory(directory))
    }

    public func template(named name: String) -> Template? { templates.first { $0.name == name } }

    /// This library with `template` in place of the one of its name.
    public func replacing(_ template: Template) -> TemplateLibrary {
        TemplateLibrary(templates: templates.map { $0.name == template.name ? template : $0 })
    }

    /// The template an inbox subfolder names: by its name or one of its `folders` (case-insensitive).
    public func template(forFolder folder: String) -> Template? {
        let folder = folder.lowercased()
        guard !folder.isEmpty else { return nil }
        return templates.first { $0.name == folder || $0.match.folders.contains { $0.lowercased() == folder } }
    }

    /// The template for a document, in this order: the one whose `folders` (or name) is the inbox
    /// subfolder the file arrived in; else the one that finds the most of its keywords in the coarse
    /// text, counting only templates that reach their `min_keywords`; else the fallback; else nil.
    public func select(folder: String?, coarseText lines: [String]) -> Template? {
        if let folder, let byFolder = template(forFolder: folder) { return byFolder }
        let prepared = lines.map { MatchText($0) }
        var best: (template: Template, found: Int)?
        for template in templates where !template.match.keywords.isEmpty {
            let found = template.match.keywords.filter { keyword in
                let phrase = MatchText(phrase: keyword)
                return prepared.contains { PhraseMatcher.match(phrase, in: $0) != nil }
            }.count
            guard found >= template.match.minimumKeywords, found > (best?.found ?? 0) else { continue }
            best = (template, found)
        }
        return best?.template ?? templates.first(where: \.match.isFallback)
    }
}
