import Foundation
import NablaTestSupport
import Testing

/// What the documents say about `Sources/` is what `Sources/` holds.
///
/// A quote of the repository's code is a fenced `swift` block whose first line names its file,
/// `// Sources/Nabla/Ops/Tensor+Elementwise.swift` (or a file of `Tests/` or `Examples/`); every
/// other line of the block stands in that file, in the same order, with spaces compared loosely
/// (indentation and runs of spaces do not count), so a quote may leave out lines (attributes,
/// other cases) but never change one. `Scripts/paste-tutorials.sh` leaves such blocks out of the
/// programs it builds from the tutorials.
@Suite struct SourceQuoteTests {
    /// A fenced block of a Markdown file.
    struct FencedBlock {
        /// The file, relative to the package root, and the 1-based line of the opening fence.
        let file: String, line: Int
        /// The language after the opening fence, and the line above it (blank lines skipped).
        let language: String, lineAbove: String
        /// The lines between the fences.
        let lines: [String]

        /// The quoted file, when the block is a quote: its first line is a comment naming a file
        /// of `Sources/`, `Tests/` or `Examples/` (words may follow the name).
        var quotedPath: String? {
            guard let first = lines.first, let path = first.firstMatch(of: /^\s*\/\/ ((Sources|Tests|Examples)\/\S+?\.swift)\b/)
            else { return nil }
            return String(path.output.1)
        }
    }

    /// Every fenced block of README, `Docs/` and `Tutorials/`.
    static func fencedBlocks() -> [FencedBlock] {
        DocumentSnippets.markdownFiles().flatMap { url -> [FencedBlock] in
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
            return fencedBlocks(in: text, file: url.path.replacingOccurrences(of: DocumentSnippets.packageRoot.path + "/", with: ""))
        }
    }

    static func fencedBlocks(in text: String, file: String) -> [FencedBlock] {
        let lines = text.components(separatedBy: "\n")
        var blocks: [FencedBlock] = []
        var index = 0
        while index < lines.count {
            let fence = lines[index].trimmingCharacters(in: .whitespaces)
            guard fence.hasPrefix("```") else {
                index += 1
                continue
            }
            let above = lines[..<index].last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
            var end = index + 1
            while end < lines.count && !lines[end].trimmingCharacters(in: .whitespaces).hasPrefix("```") { end += 1 }
            blocks.append(FencedBlock(file: file, line: index + 1, language: String(fence.dropFirst(3)),
                                      lineAbove: above.trimmingCharacters(in: .whitespaces),
                                      lines: Array(lines[(index + 1)..<min(end, lines.count)])))
            index = end + 1
        }
        return blocks
    }

    /// A line with its indentation and trailing spaces dropped and every run of spaces made one.
    static func normalised(_ line: String) -> String {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The first line of `quote` not found in `source` after the lines before it, or `nil` when
    /// every line is there in order.
    static func firstDriftingLine(of quote: [String], in source: String) -> String? {
        let sourceLines = source.components(separatedBy: "\n").map(normalised)
        var next = 0
        for line in quote.map(normalised) where !line.isEmpty {
            guard let found = sourceLines[next...].firstIndex(of: line) else { return line }
            next = found + 1
        }
        return nil
    }

    @Test func everyQuoteOfTheSourcesStandsInItsFileInOrder() throws {
        let quotes = Self.fencedBlocks().filter { $0.quotedPath != nil }
        #expect(quotes.count >= 4)
        for quote in quotes {
            let path = quote.quotedPath!
            let url = DocumentSnippets.packageRoot.appendingPathComponent(path)
            guard let source = try? String(contentsOf: url, encoding: .utf8) else {
                Issue.record("\(quote.file):\(quote.line) quotes \(path), which does not exist")
                continue
            }
            if let drifted = Self.firstDriftingLine(of: Array(quote.lines.dropFirst()), in: source) {
                Issue.record("\(quote.file):\(quote.line): the quote of \(path) has '\(drifted)', which is not in the file (or not after the lines quoted before it)")
            }
        }
    }

    @Test func everyListingOfLibraryCodeIsAQuoteOrACompiledSnippet() {
        let declaration = /^\s*(public|open)\s+(func|protocol|struct|class|final|enum|init|convenience|static|var|let|extension)\b/
        for block in Self.fencedBlocks() where block.language == "swift" && block.quotedPath == nil
            && !block.lineAbove.hasPrefix("<!-- snippet:") {
            let declares = block.lines.contains { $0.firstMatch(of: declaration) != nil }
            #expect(!declares, "\(block.file):\(block.line) shows library declarations, but is neither a quote (first line '// Sources/…swift') nor a compiled snippet ('<!-- snippet: NAME -->')")
        }
    }

    @Test func aQuoteThatDriftsFromItsFileIsFound() {
        let source = "func f() {\n    let a = 1\n    return a\n}\n"
        #expect(Self.firstDriftingLine(of: ["func f() {", "  return  a"], in: source) == nil)
        #expect(Self.firstDriftingLine(of: ["    let a = 2"], in: source) == "let a = 2")
        #expect(Self.firstDriftingLine(of: ["return a", "let a = 1"], in: source) == "let a = 1")
    }

    @Test func theArchitecturePageNamesOnlyFilesThatExist() throws {
        let page = try String(contentsOf: DocumentSnippets.packageRoot.appendingPathComponent("Docs/architecture.md"), encoding: .utf8)
        let prose = page.replacing(/```[\s\S]*?```/, with: "")
        let files = Self.repositoryFiles()
        for match in prose.matches(of: /`([A-Za-z0-9_+\/.-]+\.(swift|c|h|sh))`/) {
            let name = String(match.output.1)
            #expect(files.contains { $0 == name || $0.hasSuffix("/" + name) }, "Docs/architecture.md names `\(name)`, which no file is")
        }
    }

    @Test func theArchitecturePageTablesListTheFoldersAndFilesOfTheirModule() throws {
        let page = try String(contentsOf: DocumentSnippets.packageRoot.appendingPathComponent("Docs/architecture.md"), encoding: .utf8)
        // Modules whose table lists every folder (or file) they have, not only ones that exist.
        let complete: Set<String> = ["Nabla", "NablaKernels", "NablaNN", "NablaSessions"]
        var module: String?
        var listed: [String: Set<String>] = [:]
        for line in page.components(separatedBy: "\n") {
            if line.hasPrefix("## "), let name = line.firstMatch(of: /`(\w+)`/) {
                module = String(name.output.1)
            } else if line.hasPrefix("## ") {
                module = nil
            } else if let module, line.hasPrefix("| `") {
                let cell = line.split(separator: "|")[0]
                for entry in cell.matches(of: /`([^`]+)`/) { listed[module, default: []].insert(String(entry.output.1)) }
            }
        }
        #expect(Set(listed.keys).isSuperset(of: complete.union(["NablaSessions"])), "\(listed.keys.sorted())")
        for (module, entries) in listed {
            let folder = DocumentSnippets.packageRoot.appendingPathComponent("Sources/\(module)")
            let present = Set(((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { !$0.hasSuffix(".docc") }
                .map { $0.hasSuffix(".swift") ? $0 : $0 + "/" })
            for entry in entries.subtracting(present) {
                Issue.record("Docs/architecture.md lists `\(entry)` under \(module), which Sources/\(module) does not hold")
            }
            if complete.contains(module) {
                for missing in present.subtracting(entries) {
                    Issue.record("Sources/\(module) holds \(missing), which the table of Docs/architecture.md leaves out")
                }
            }
        }
    }

    /// Every file's path under the package root, relative to it, outside `.build` and `.git`.
    static func repositoryFiles() -> [String] {
        let root = DocumentSnippets.packageRoot
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var paths: [String] = []
        for case let url as URL in walker {
            if url.lastPathComponent == ".build" || url.lastPathComponent == ".git" {
                walker.skipDescendants()
                continue
            }
            paths.append(url.path.replacingOccurrences(of: root.path + "/", with: ""))
        }
        return paths
    }
}
