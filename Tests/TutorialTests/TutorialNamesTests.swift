import Foundation
import NablaTestSupport
import Testing

/// Every public type that a tutorial's listings use is listed in the DocC catalog of its module,
/// and an example shows it: in a Swift listing of that catalog or in the documentation of the file
/// that declares it.
@Suite struct TutorialNamesTests {
    @Test func everyPublicTypeATutorialUsesIsInItsCatalogWithAnExample() throws {
        let root = DocumentSnippets.packageRoot
        let declared = try publicTypes(under: root.appendingPathComponent("Sources"))
        var used = Set<String>()
        for tutorial in try tutorials(in: root.appendingPathComponent("Tutorials")) {
            for listing in swiftListings(in: try String(contentsOf: tutorial, encoding: .utf8))
            where !listing.hasPrefix("// Sources/") && !listing.hasPrefix("// swift-tools-version") {
                used.formUnion(capitalisedWords(in: listing))
            }
        }
        let types = used.compactMap { name in declared[name].map { (name, $0) } }.sorted { $0.0 < $1.0 }
        #expect(types.count > 20, "found only \(types.map(\.0))")
        for (name, declaration) in types {
            let catalog = try catalogText(of: declaration.module, root: root)
            #expect(catalog.contains("``\(name)``"), "\(name) is not in the DocC catalog of \(declaration.module)")
            let declaringFile = try String(contentsOf: declaration.file, encoding: .utf8)
            let example = swiftListings(in: catalog).contains { capitalisedWords(in: $0).contains(name) }
                || declaringFile.contains("/// ```")
            #expect(example, "no example shows \(name): neither the \(declaration.module) catalog nor \(declaration.file.lastPathComponent)")
        }
    }

    /// Public classes, structures, enumerations and protocols, by name: their module and file.
    func publicTypes(under sources: URL) throws -> [String: (module: String, file: URL)] {
        var types: [String: (module: String, file: URL)] = [:]
        let walker = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        for case let file as URL in walker where file.pathExtension == "swift" {
            let module = file.pathComponents[sources.pathComponents.count]
            for line in try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n") {
                let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
                guard words.first == "public" else { continue }
                let kinds = ["class", "struct", "enum", "protocol"]
                guard let kindIndex = words.firstIndex(where: kinds.contains), kindIndex + 1 < words.count else { continue }
                let name = String(words[kindIndex + 1].prefix { $0.isLetter || $0.isNumber })
                if !name.isEmpty { types[name] = (module, file) }
            }
        }
        return types
    }

    func tutorials(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "md" && $0.lastPathComponent.first?.isNumber == true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The text of every ```swift block.
    func swiftListings(in markdown: String) -> [String] {
        var listings: [String] = []
        var current: [String]?
        for line in markdown.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed == "```swift" {
                current = []
            } else if current != nil, trimmed.hasPrefix("```") {
                listings.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return listings
    }

    func capitalisedWords(in text: String) -> Set<String> {
        Set(text.split { !$0.isLetter && !$0.isNumber }.filter { $0.first!.isUppercase }.map(String.init))
    }

    func catalogText(of module: String, root: URL) throws -> String {
        let catalog = root.appendingPathComponent("Sources/\(module)/\(module).docc")
        return try FileManager.default.contentsOfDirectory(at: catalog, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "md" }
            .map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
    }
}
