import Foundation
import NablaNN

extension ComputationGraph {
    /// The graph as DOT text, Graphviz's input language. Pure Swift and deterministic: the same
    /// graph and options always give the same text.
    ///
    /// Ops that ran inside a scope are grouped in a cluster per scope, nested by the dots of the
    /// scope path (`layer0` ⊃ `layer0.t3` ⊃ `layer0.t3.r`). Parameters are drawn as blue boxes
    /// labelled with their names, inputs as grey ellipses, ops as rounded boxes, the output as a
    /// double octagon.
    public func dot(_ options: DOTOptions = DOTOptions()) -> String {
        let graph = options.collapseRepeatedSteps ? collapsingRepeatedSteps() : self
        return DOTWriter(graph: graph, options: options).text()
    }
}

/// Writes one graph as DOT; see ``ComputationGraph/dot(_:)``.
private struct DOTWriter {
    let graph: ComputationGraph
    let options: DOTOptions
    let heat: GradientHeat
    let drawGradients: Bool
    var lines: [String] = []

    init(graph: ComputationGraph, options: DOTOptions) {
        self.graph = graph
        self.options = options
        heat = GradientHeat(norms: graph.nodes.compactMap(\.gradientNorm))
        drawGradients = options.showGradients && graph.hasGradients
    }

    func text() -> String {
        var writer = self
        writer.writeAll()
        return writer.lines.joined(separator: "\n") + "\n"
    }

    private mutating func writeAll() {
        lines.append("digraph computation {")
        lines.append("  rankdir=\(options.direction.rawValue);")
        lines.append("  compound=true; newrank=true;")
        lines.append("  node [fontname=\"Helvetica\", fontsize=10];")
        lines.append("  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\"];")
        var caption = options.title.map { [$0] } ?? []
        if options.showGradients && !graph.hasGradients {
            caption.append("gradients not computed yet: call backward() first")
        }
        if !caption.isEmpty {
            lines.append("  labelloc=t; fontname=\"Helvetica\"; label=\(DOT.quoted(caption.joined(separator: "\n")));")
        }
        writeClusters()
        for edge in graph.edges { writeEdge(edge) }
        if options.showLegend { writeLegend() }
        lines.append("}")
    }

    // MARK: Nodes and clusters

    /// Clusters nest by scope prefix; nodes without a scope stand outside every cluster.
    private mutating func writeClusters() {
        var scopeOrder: [String] = []
        var membersOfScope: [String: [ComputationGraph.Node]] = [:]
        for node in graph.nodes {
            guard let scope = node.scope else { continue }
            let parts = scope.split(separator: ".").map(String.init)
            for depth in 1...parts.count {
                let prefix = parts[..<depth].joined(separator: ".")
                if membersOfScope[prefix] == nil {
                    membersOfScope[prefix] = []
                    scopeOrder.append(prefix)
                }
            }
            membersOfScope[scope]!.append(node)
        }
        for node in graph.nodes where node.scope == nil { writeNode(node, indent: "  ") }
        for scope in scopeOrder where !scope.contains(".") {
            writeCluster(scope, order: scopeOrder, members: membersOfScope, indent: "  ")
        }
    }

    private mutating func writeCluster(_ scope: String, order: [String], members: [String: [ComputationGraph.Node]], indent: String) {
        let label = graph.repeatCounts[scope].map { count in
            "\(ComputationGraph.timeStep(in: scope)?.family ?? scope) × \(count)"
        } ?? scope
        lines.append("\(indent)subgraph \(clusterIdentifier(scope)) {")
        lines.append("\(indent)  label=\(DOT.quoted(label)); style=\"rounded,dashed\"; color=\"#8888aa\"; fontcolor=\"#444466\";")
        for node in members[scope] ?? [] { writeNode(node, indent: indent + "  ") }
        let depth = scope.split(separator: ".").count
        for child in order where child.hasPrefix(scope + ".") && child.split(separator: ".").count == depth + 1 {
            writeCluster(child, order: order, members: members, indent: indent + "  ")
        }
        lines.append("\(indent)}")
    }

    private mutating func writeNode(_ node: ComputationGraph.Node, indent: String) {
        var attributes: [String] = []
        var label = node.label
        switch node.kind {
        case .input: attributes += ["shape=ellipse", "style=filled", "fillcolor=\"#eeeeee\""]
        case .parameter: attributes += ["shape=box", "style=filled", "fillcolor=\"#cfe2ff\""]
        case .op: attributes += ["shape=box", "style=\"rounded,filled\"", "fillcolor=\"#fff8dc\""]
        case .output: attributes += ["shape=doubleoctagon", "style=filled", "fillcolor=\"#ffe4b5\""]
        }
        if drawGradients {
            if let norm = node.gradientNorm {
                label += "\n‖∇‖ = \(formatNorm(norm))"
                attributes[attributes.count - 1] = "fillcolor=\(DOT.quoted(heat.color(norm)))"
            } else {
                label += "\nno gradient"
            }
        }
        lines.append("\(indent)n\(node.id) [label=\(DOT.quoted(label)), \(attributes.joined(separator: ", "))];")
    }

    // MARK: Edges

    private mutating func writeEdge(_ edge: ComputationGraph.Edge) {
        guard drawGradients, let norm = graph.nodes.first(where: { $0.id == edge.from })?.gradientNorm else {
            lines.append("  n\(edge.from) -> n\(edge.to);")
            return
        }
        let width = 0.6 + 2.4 * heat.position(norm)
        lines.append("  n\(edge.from) -> n\(edge.to) [color=\(DOT.quoted(heat.color(norm))), penwidth=\(formatWidth(width))];")
    }

    // MARK: Legend

    private mutating func writeLegend() {
        lines.append("  subgraph cluster_legend {")
        lines.append("    label=\"legend\"; style=\"rounded\"; color=\"#bbbbbb\"; fontcolor=\"#666666\";")
        let kinds: [(String, String)] = [
            ("legend_input", "[label=\"input\", shape=ellipse, style=filled, fillcolor=\"#eeeeee\"]"),
            ("legend_parameter", "[label=\"parameter\", shape=box, style=filled, fillcolor=\"#cfe2ff\"]"),
            ("legend_op", "[label=\"op\", shape=box, style=\"rounded,filled\", fillcolor=\"#fff8dc\"]"),
            ("legend_output", "[label=\"output\", shape=doubleoctagon, style=filled, fillcolor=\"#ffe4b5\"]"),
        ]
        for (name, attributes) in kinds { lines.append("    \(name) \(attributes);") }
        var chain = kinds.map(\.0)
        if drawGradients {
            for (index, position) in [0.0, 0.25, 0.5, 0.75, 1.0].enumerated() {
                let norm = heat.norm(at: position)
                lines.append("    legend_heat\(index) [label=\(DOT.quoted("‖∇‖ \(formatNorm(norm))")), shape=box, style=filled, fillcolor=\(DOT.quoted(heat.color(norm)))];")
                chain.append("legend_heat\(index)")
            }
        }
        lines.append("    \(chain.joined(separator: " -> ")) [style=invis];")
        lines.append("  }")
    }

    // MARK: Text helpers

    private func clusterIdentifier(_ scope: String) -> String {
        "cluster_" + String(scope.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}

private func formatWidth(_ width: Double) -> String {
    let hundredths = Int((width * 100).rounded())
    return "\(hundredths / 100).\(String(format: "%02d", hundredths % 100))"
}
