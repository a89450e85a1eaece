import Foundation
import Testing

/// Code listings and printed output in the Markdown documents, tied to compiled, tested Swift.
///
/// A listing in README, `Docs/` or `Tutorials/` is marked in the Markdown with
/// `<!-- snippet: NAME -->` right above its fenced block; the same code stands in a Swift source
/// under `Tests/` or `Examples/` between `// snippet: NAME` and `// end snippet`. A test compares
/// the two, so a listing cannot drift from code that compiles and runs. Printed output shown
/// under `<!-- output: NAME -->` is compared with what the running code printed.
public enum DocumentSnippets {
    /// A fenced block found in a Markdown file.
    public struct Block: Sendable {
        /// The file it was found in, relative to the package root.
        public let file: String
        /// The block's text without its fences.
        public let text: String
    }

    /// The package's root folder (the one holding `Package.swift`).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    /// The Markdown files that may hold listings.
    public static func markdownFiles() -> [URL] {
        let readme = packageRoot.appendingPathComponent("README.md")
        return [readme] + files(under: ["Docs", "Tutorials"], withExtension: "md")
    }

    /// Every `<!-- snippet: NAME -->` (kind `"snippet"`) or `<!-- output: NAME -->` block, by name.
    public static func markdownBlocks(kind: String) -> [String: [Block]] {
        var blocks: [String: [Block]] = [:]
        for file in markdownFiles() {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            let lines = text.components(separatedBy: "\n")
            var index = 0
            while index < lines.count {
                let line = lines[index].trimmingCharacters(in: .whitespaces)
                index += 1
                let prefix = "<!-- \(kind): "
                guard line.hasPrefix(prefix), line.hasSuffix("-->") else { continue }
                let name = String(line.dropFirst(prefix.count).dropLast(3)).trimmingCharacters(in: .whitespaces)
                while index < lines.count && !lines[index].trimmingCharacters(in: .whitespaces).hasPrefix("```") { index += 1 }
                index += 1
                var body: [String] = []
                while index < lines.count && !lines[index].trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                    body.append(lines[index])
                    index += 1
                }
                let relative = file.path.replacingOccurrences(of: packageRoot.path + "/", with: "")
                blocks[name, default: []].append(Block(file: relative, text: body.joined(separator: "\n")))
            }
        }
        return blocks
    }

    /// Every `// snippet: NAME` … `// end snippet` region in the Swift sources of `Tests/` and
    /// `Examples/`, dedented, by name.
    public static func sourceSnippets() -> [String: String] {
        var snippets: [String: String] = [:]
        for file in files(under: ["Tests", "Examples"], withExtension: "swift") {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            var current: (name: String, lines: [String])?
            for line in text.components(separatedBy: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("// snippet: ") {
                    current = (String(trimmed.dropFirst("// snippet: ".count)), [])
                } else if trimmed == "// end snippet", let finished = current {
                    snippets[finished.name] = dedent(finished.lines)
                    current = nil
                } else if current != nil {
                    current!.lines.append(line)
                }
            }
        }
        return snippets
    }

    /// A listing with its leading `import` lines and blank lines removed: the imports stand at
    /// the top of the compiled file instead.
    public static func withoutImports(_ text: String) -> String {
        var lines = text.components(separatedBy: "\n")[...]
        while let first = lines.first, first.hasPrefix("import ") || first.trimmingCharacters(in: .whitespaces).isEmpty {
            lines = lines.dropFirst()
        }
        return lines.joined(separator: "\n")
    }

    /// Expects the Markdown `<!-- output: NAME -->` block(s) to equal `printed`.
    ///
    /// With the environment variable `NABLA_RECORD_OUTPUTS` set to a folder, the printed text is
    /// also written there as `NAME.txt`, to paste into a document after changing a listing.
    public static func expectOutput(_ name: String, _ printed: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if let folder = ProcessInfo.processInfo.environment["NABLA_RECORD_OUTPUTS"] {
            try? printed.write(toFile: "\(folder)/\(name).txt", atomically: true, encoding: .utf8)
        }
        let blocks = markdownBlocks(kind: "output")[name] ?? []
        #expect(!blocks.isEmpty, "no <!-- output: \(name) --> block in the documents; the code prints:\n\(printed)",
                sourceLocation: sourceLocation)
        for block in blocks {
            #expect(sameOutput(shown: block.text, printed: printed.trimmingCharacters(in: .newlines)),
                    "output '\(name)' in \(block.file) differs from what the code prints:\n\(printed)", sourceLocation: sourceLocation)
        }
    }

    /// Whether `printed` is the output a document shows: the same text, where each number with a
    /// fraction or an exponent may differ from the one shown by at most two units of its last
    /// printed digit, written with as many digits (whole numbers, which count things, must be
    /// equal). OpenBLAS chooses its kernels by CPU, and kernels of other cores round sums in
    /// another order, so a figure printed to four places can end one digit apart on another
    /// machine (`-4.75e-04` and `-4.76e-04`); anything more is a real difference.
    public static func sameOutput(shown: String, printed: String) -> Bool {
        if shown == printed { return true }
        let (shownText, shownNumbers) = numbersTakenOut(of: shown), (printedText, printedNumbers) = numbersTakenOut(of: printed)
        guard shownText == printedText, shownNumbers.count == printedNumbers.count else { return false }
        return zip(shownNumbers, printedNumbers).allSatisfy { shown, printed in
            guard shown.text != printed.text else { return true }
            guard shown.digitsAfterPoint == printed.digitsAfterPoint, shown.exponent == printed.exponent,
                  shown.digitsAfterPoint > 0 || !shown.exponent.isEmpty,
                  let a = shown.digits, let b = printed.digits else { return false }
            return abs(a - b) <= 2
        }
    }

    /// A number as printed: its text, its digits as one integer (sign included; `nil` past 18
    /// digits), how many of them follow the decimal point, and its exponent (`e-04`), so that two
    /// numbers compare in units of the last digit.
    struct PrintedNumber {
        let text: String
        let digits: Int?
        let digitsAfterPoint: Int
        let exponent: String
    }

    /// The text with every number replaced by `#`, and the numbers in order.
    static func numbersTakenOut(of text: String) -> (text: String, numbers: [PrintedNumber]) {
        var template = "", numbers: [PrintedNumber] = []
        var rest = Substring(text)
        let number = /(-?)(\d+)(?:\.(\d+))?((?:e[-+]\d+)?)/
        while let match = rest.firstMatch(of: number) {
            template += rest[..<match.range.lowerBound] + "#"
            let (_, sign, whole, fraction, exponent) = match.output
            let value = Int(String(whole) + String(fraction ?? ""))
            numbers.append(PrintedNumber(text: String(match.output.0), digits: value.map { sign.isEmpty ? $0 : -$0 },
                                         digitsAfterPoint: fraction?.count ?? 0, exponent: String(exponent)))
            rest = rest[match.range.upperBound...]
        }
        return (template + rest, numbers)
    }

    /// Collects what `print` would write, for code that shows its output in a document.
    public final class Printer: @unchecked Sendable {
        /// Everything printed so far.
        public private(set) var text = ""
        /// Creates an empty printer.
        public init() {}
        /// Appends the items as `Swift.print` would write them.
        public func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
            text += items.map { "\($0)" }.joined(separator: separator) + terminator
        }
    }

    private static func dedent(_ lines: [String]) -> String {
        let indent = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix(while: { $0 == " " }).count }.min() ?? 0
        return lines.map { String($0.dropFirst(Swift.min(indent, $0.prefix(while: { $0 == " " }).count))) }
            .joined(separator: "\n")
    }

    private static func files(under folders: [String], withExtension ext: String) -> [URL] {
        folders.flatMap { folder -> [URL] in
            let root = packageRoot.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
            return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == ext && !$0.path.contains("/.build") }
        }.sorted { $0.path < $1.path }
    }
}
