import Foundation
import Nabla
import NablaNN
import NablaPages

/// One self-contained HTML file to step through a backward pass in a browser: the graph drawn
/// by Graphviz, and its ``BackpropagationTrace`` with a small script (no network, no library).
///
/// Buttons and the arrow keys walk the ops in the order `backward()` ran their derivatives (or,
/// in forward mode, the order they ran); the current op's node is highlighted, its rule and
/// gradients shown beside the drawing, and the nodes whose gradient is complete are marked.
/// Hovering a node shows its summary; the wheel zooms, dragging pans; the address holds the
/// step (`#step=N`, `#mode=forward&step=N`), so a step can be linked.
///
/// ```swift
/// let page = try BackpropagationPage.backpropagating(loss, title: "One GRU step")  // runs backward()
/// try page.write(to: URL(fileURLWithPath: "step.html"))
/// ```
///
/// ``init(of:title:options:)`` draws a graph whose `backward()` already ran (after
/// ``ComputationGraph/retainGradients(of:)``); it shows the inputs' final gradients only.
public struct BackpropagationPage: Sendable {
    /// What the page steps through.
    public let trace: BackpropagationTrace
    /// The drawing, Graphviz's SVG without its XML prolog and namespace declarations.
    public let svg: String
    /// The page's title.
    public let title: String

    /// The page of `output`'s graph, read after `output.backward()`; every op is drawn (no
    /// closed scopes) unless `options` says otherwise.
    ///
    /// - Throws: ``GraphvizError`` when Graphviz fails to draw the graph.
    public init<Scalar>(of output: Tensor<Scalar>, title: String,
                        options: DOTOptions = DOTOptions(showGradients: true, closedScopes: [])) throws {
        try self.init(of: output, trace: BackpropagationTrace(of: output), title: title, options: options)
    }

    /// Runs `output.backward()` with ``BackpropagationTrace/backpropagating(_:)``, so that the
    /// page also shows the gradient each op sends to each input, and returns the page.
    ///
    /// - Throws: ``GraphvizError`` when Graphviz fails to draw the graph.
    public static func backpropagating<Scalar>(_ output: Tensor<Scalar>, title: String,
                                               options: DOTOptions = DOTOptions(showGradients: true, closedScopes: [])) throws -> BackpropagationPage {
        try BackpropagationPage(of: output, trace: .backpropagating(output), title: title, options: options)
    }

    /// The page of `output`'s graph showing `trace`.
    private init<Scalar>(of output: Tensor<Scalar>, trace: BackpropagationTrace, title: String, options: DOTOptions) throws {
        self.trace = trace
        let bytes = try Graphviz.render(dot: ComputationGraph.capture(output).dot(options), format: .svg)
        svg = Self.inlineSVG(String(decoding: bytes, as: UTF8.self))
        self.title = title
    }

    /// The whole page as HTML text.
    public var html: String {
        get throws {
            var page = SelfContainedPage(title: title, subtitle: "Step through the backward pass: ← → or the buttons; "
                + "the wheel zooms, dragging pans, hovering a node shows its values.",
                style: SelfContainedPage.defaultStyle + Self.style, script: Self.script)
            page.add(PageSection(heading: "Backpropagation", blocks: [.markup(Self.layout(svg: svg))]))
            try page.embed(trace, id: "trace")
            return page.html
        }
    }

    /// Writes the page to `url` atomically (a temporary file renamed into place).
    ///
    /// - Throws: `SafeTensorsError.io(path:detail:)` (NablaNN) when the file cannot be written.
    public func write(to url: URL) throws {
        try AtomicFile.write(Array(html.utf8), to: url)
    }

    /// Graphviz's SVG as an element to put inside HTML: no XML declaration, no DOCTYPE, no
    /// namespace declarations (HTML gives inline SVG its namespace), no address of any kind.
    static func inlineSVG(_ svg: String) -> String {
        var text = svg
        if let start = text.range(of: "<svg") { text = String(text[start.lowerBound...]) }
        for declaration in [#" xmlns="http://www.w3.org/2000/svg""#, #" xmlns:xlink="http://www.w3.org/1999/xlink""#] {
            text = text.replacingOccurrences(of: declaration, with: "")
        }
        return text
    }

    /// The controls, the drawing and the side panel.
    static func layout(svg: String) -> String {
        """
        <div id="controls"><button id="previous" type="button">← previous</button> \
        <button id="next" type="button">next →</button> \
        <button id="mode" type="button">backward / forward</button> \
        <input id="search" type="search" placeholder="search a node by name"></div>
        <div id="stage"><div id="graph">\(svg)</div><aside id="panel"></aside></div>
        <pre id="tooltip" hidden></pre>
        """
    }

    /// The page's own CSS: the drawing beside the panel, and the classes the script sets.
    static let style = """
        body { max-width: none; }
        #stage { display: flex; gap: 1em; align-items: flex-start; }
        #graph { flex: 3; height: 80vh; border: 1px solid #ddd; overflow: hidden; cursor: grab; }
        #graph svg { width: 100%; height: 100%; }
        #panel { flex: 1; min-width: 18em; font-size: 0.9em; overflow-wrap: anywhere; }
        #panel h2 { margin-top: 0; }
        #rule { font-family: ui-monospace, monospace; background: #f4f4f4; padding: 0.4em; }
        #tooltip { position: absolute; background: #fffbe6; border: 1px solid #bbb; padding: 0.4em;
                   font-size: 0.8em; white-space: pre-wrap; max-width: 40em; pointer-events: none; }
        g.node.done :is(polygon, ellipse, path) { stroke: #2a7d2a; stroke-width: 2.5; }
        g.node.current :is(polygon, ellipse, path) { stroke: #d62728; stroke-width: 6; }
        g.node.current text { font-weight: bold; }
        g.node.match :is(polygon, ellipse, path) { stroke: #9467bd; stroke-width: 4; stroke-dasharray: 4 2; }
        """
}
