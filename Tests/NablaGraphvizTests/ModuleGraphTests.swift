import Foundation
import NablaGraphviz
import NablaTestSupport
import Testing

/// The module picture in `Docs/architecture.md` is drawn from `Docs/diagrams/modules.dot` and tells
/// the truth: following its arrows between the libraries reaches exactly what the dependencies in
/// `Package.swift` reach (the picture leaves out arrows implied by others, such as
/// `NablaSessions -> Nabla` through `NablaNN`), and they point down only (no cycles).
///
/// `NABLA_RECORD_PICTURES=1 swift test --filter ModuleGraphTests` redraws `Docs/images/modules.svg`.
@Suite struct ModuleGraphTests {
    static let libraries: Set<String> = ["NablaKernels", "Nabla", "NablaNN", "NablaGraphviz", "NablaTuning", "NablaSessions", "GRU4Rec", "NARM", "NablaPages", "NablaCommandLine"]
    static let root = DocumentSnippets.packageRoot

    /// `from -> to` arrows between the libraries in the DOT file.
    func drawnEdges(_ dot: String) -> Set<String> {
        var edges = Set<String>()
        for statement in dot.split(whereSeparator: { $0 == ";" || $0 == "\n" }) {
            let parts = statement.split(separator: "->").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, Self.libraries.contains(parts[0]), Self.libraries.contains(parts[1]) else { continue }
            edges.insert("\(parts[0]) -> \(parts[1])")
        }
        return edges
    }

    /// `target -> dependency` arrows between the libraries declared in `Package.swift`.
    func declaredEdges(_ manifest: String) throws -> Set<String> {
        var edges = Set<String>()
        let pattern = try Regex(#"\.target\(\s*name:\s*"(\w+)",\s*dependencies:\s*\[([^\]]*)\]"#)
        for match in manifest.matches(of: pattern) {
            let target = String(match.output[1].substring ?? "")
            guard Self.libraries.contains(target) else { continue }
            for dependency in (match.output[2].substring ?? "").split(separator: ",") {
                let name = dependency.trimmingCharacters(in: CharacterSet(charactersIn: " \n\"")
                )
                if Self.libraries.contains(name) { edges.insert("\(target) -> \(name)") }
            }
        }
        return edges
    }

    /// Every `from -> to` pair connected by a path of arrows.
    func reachable(_ edges: Set<String>) -> Set<String> {
        var closure = edges
        var grew = true
        while grew {
            grew = false
            for first in closure {
                let ab = first.components(separatedBy: " -> ")
                for second in closure where second.hasPrefix(ab[1] + " -> ") {
                    let path = "\(ab[0]) -> \(second.components(separatedBy: " -> ")[1])"
                    if closure.insert(path).inserted { grew = true }
                }
            }
        }
        return closure
    }

    @Test func arrowsBetweenLibrariesReachWhatThePackagesDependenciesReach() throws {
        let dot = try String(contentsOf: Self.root.appendingPathComponent("Docs/diagrams/modules.dot"), encoding: .utf8)
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let declared = try declaredEdges(manifest)
        #expect(declared.count >= 5, "the manifest's library targets were not found")
        #expect(reachable(drawnEdges(dot)) == reachable(declared))
        #expect(drawnEdges(dot).isSubset(of: declared), "the picture draws a dependency the package does not declare")
    }

    @Test func dependenciesPointDownOnly() throws {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let edges = try declaredEdges(manifest).map { $0.components(separatedBy: " -> ") }
        // Repeatedly remove libraries nothing depends on; a cycle would leave some behind.
        var remaining = Self.libraries
        while let top = remaining.first(where: { library in !edges.contains { $0[1] == library && remaining.contains($0[0]) } }) {
            remaining.remove(top)
        }
        #expect(remaining.isEmpty, "a dependency cycle among \(remaining.sorted())")
    }

    @Test func thePictureIsDrawnFromTheDOTFile() throws {
        let dot = try String(contentsOf: Self.root.appendingPathComponent("Docs/diagrams/modules.dot"), encoding: .utf8)
        let svg = try Graphviz.render(dot: dot, format: .svg)
        let picture = Self.root.appendingPathComponent("Docs/images/modules.svg")
        if ProcessInfo.processInfo.environment["NABLA_RECORD_PICTURES"] != nil {
            try Data(svg).write(to: picture)
        }
        let committed = try String(contentsOf: picture, encoding: .utf8)
        for library in Self.libraries.union(["gru4rec"]) {
            #expect(committed.contains(">\(library)<"), "the committed picture has no \(library); redraw it")
        }
        #expect(String(decoding: svg, as: UTF8.self).contains(">NablaSessions<"))
    }
}
