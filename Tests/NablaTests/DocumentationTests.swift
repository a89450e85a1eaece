import Nabla
import NablaTestSupport
import Testing

/// Every listing in the documents is compiled code, and shown output is what it prints.
@Suite struct DocumentationTests {
    @Test func everyMarkdownListingMatchesItsCompiledSource() {
        let sources = DocumentSnippets.sourceSnippets()
        let listings = DocumentSnippets.markdownBlocks(kind: "snippet")
        #expect(!listings.isEmpty)
        for (name, blocks) in listings {
            guard let source = sources[name] else {
                Issue.record("listing '\(name)' in \(blocks[0].file) has no '// snippet: \(name)' region in Tests/ or Examples/")
                continue
            }
            for block in blocks {
                #expect(DocumentSnippets.withoutImports(block.text) == source,
                        "listing '\(name)' in \(block.file) differs from its compiled source")
            }
        }
    }

    @Test func readmeAutodiffSnippetRunsAndPrintsWhatReadmeShows() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: readme-autodiff
        let x = Tensor<Double>([1, 2, 3], requiresGrad: true)
        let w = Tensor<Double>([0.5, -1, 2], requiresGrad: true)
        let y = (x * w).sum().tanh()        // y = tanh(Σ xᵢwᵢ)
        y.backward()                        // dy/dxᵢ = wᵢ(1 − y²)
        print(y.item)
        print(x.grad!)
        print(w.grad!)
        // end snippet

        DocumentSnippets.expectOutput("readme-autodiff", printer.text)
    }
}
