import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Nabla
import NablaGraphviz
import NablaNN
import Testing

/// Rendering in-process with libgvc: SVG, PNG, PDF, errors, memory and thread safety.
@Suite struct RenderTests {
    /// Counts SVG `<g class="...">` groups by class.
    final class GroupCounter: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            if element == "g", let kind = attributes["class"] { counts[kind, default: 0] += 1 }
        }
    }

    func unrolledGRU() -> Tensor<Double> {
        var generator = SeededRandomGenerator(seed: 7)
        let gru = GRU<Double>(inputSize: 2, hiddenSizes: [2], implementation: .composed, using: &generator)
        return gru.unrolled([Tensor(ones: [1, 2]), Tensor(ones: [1, 2])]).outputs[1].sum()
    }

    @Test func svgHasOneNodePerTensorAndOneClusterPerScope() throws {
        let y = unrolledGRU()
        let graph = ComputationGraph.capture(y)
        let svg = try y.renderGraph(.svg, options: DOTOptions(showLegend: false, arrangeTimeSteps: false))
        let parser = XMLParser(data: Data(svg))
        let counter = GroupCounter()
        parser.delegate = counter
        #expect(parser.parse(), "the SVG is not well-formed XML")
        #expect(counter.counts["node"] == graph.nodes.count)
        let scopes = Set(graph.nodes.compactMap(\.scope).flatMap { scope in
            let parts = scope.split(separator: ".")
            return (1...parts.count).map { parts.prefix($0).joined(separator: ".") }
        })
        #expect(counter.counts["cluster"] == scopes.count)
        #expect(counter.counts["edge"] == graph.edges.count)
    }

    @Test func pngHasTheSignatureAndSaneDimensions() throws {
        let png = try unrolledGRU().renderGraph(.png)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width > 100 && width < 20_000)
        #expect(height > 100 && height < 20_000)
    }

    @Test func pdfStartsWithTheMagicBytes() throws {
        let pdf = try unrolledGRU().renderGraph(.pdf)
        #expect(String(decoding: pdf.prefix(5), as: UTF8.self) == "%PDF-")
    }

    @Test func renderingToAFileWritesTheFormat() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-graph-\(UUID()).svg")
        defer { try? FileManager.default.removeItem(at: url) }
        try unrolledGRU().renderGraph(.svg, to: url)
        #expect(try String(contentsOf: url, encoding: .utf8).contains("<svg"))
    }

    @Test func brokenDOTThrowsGraphvizsOwnMessage() {
        do {
            _ = try Graphviz.render(dot: "digraph { a -> ; }", format: .svg)
            Issue.record("broken DOT was rendered")
        } catch let error as GraphvizError {
            #expect(error.stage == "parsing DOT")
            #expect(error.message.contains("syntax error"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        // The library is still usable afterwards.
        #expect((try? Graphviz.render(dot: "digraph { a -> b }", format: .svg)) != nil)
    }

    /// Measured in a child process of its own, so other tests' allocations do not count. The
    /// graph has no clusters: Graphviz 2.42's dot layout itself loses about 2 KB per cluster per
    /// layout (valgrind: `virtual_edge` and `make_aux_edge` in `class1`/`class2`), which no caller
    /// can free; see Docs/visualization.md.
    @Test func memoryStaysFlatOverAThousandRenders() async {
        await #expect(processExitsWith: .success) {
            let w = Tensor<Double>([1, 2], requiresGrad: true)
            let dot = ((w * 2).tanh() * w).sum().graphDOT(DOTOptions(showLegend: false))
            // Warm up: the first renders load plugins, fonts and caches once.
            for _ in 0..<50 { _ = try? Graphviz.render(dot: dot, format: .svg) }
            for _ in 0..<20 { _ = try? Graphviz.render(dot: dot, format: .png) }
            let before = RenderTests.residentBytes()
            for _ in 0..<1000 { _ = try? Graphviz.render(dot: dot, format: .svg) }
            for _ in 0..<100 { _ = try? Graphviz.render(dot: dot, format: .png) }
            let growth = RenderTests.residentBytes() - before
            // AddressSanitizer keeps freed memory in quarantine by design, so resident memory
            // says nothing under it; the renders still run and are checked for memory errors.
            let underAddressSanitizer = dlsym(dlopen(nil, RTLD_NOW), "__asan_init") != nil
            if growth > 1 << 20 && !underAddressSanitizer {
                fatalError("resident memory grew by \(growth) bytes over 1,100 renders")
            }
        }
    }

    @Test func concurrentRendersAreSerialisedSafely() async throws {
        let dot = "digraph { a -> b }"
        let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 { group.addTask { try Graphviz.render(dot: dot, format: .svg).count } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(sizes).count == 1)
    }

    /// The process's resident set size, from `/proc/self/statm`.
    static func residentBytes() -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
        return (Int(text.split(separator: " ")[1]) ?? 0) * 4096
    }
}
