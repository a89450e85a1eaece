import NablaNN

extension DOTWriter {
    /// A legend of what the drawing shows, and nothing else: the node kinds present, the edge
    /// kinds of a grid, the mark of gradients summed over several `backward()` calls, and with
    /// gradients a colour bar printing its scale.
    mutating func writeLegend() {
        lines.append("  subgraph cluster_legend {")
        lines.append("    label=\"legend\"; style=\"rounded\"; color=\"#bbbbbb\"; fontcolor=\"#666666\";")
        var entries: [(String, String)] = []
        let kinds = Set(drawn.nodes.filter { drawn.boxes[$0.id] == nil }.map(\.kind))
        if kinds.contains(.input) {
            entries.append(("legend_input", "[label=\"input\", shape=ellipse, style=filled, fillcolor=\"#eeeeee\"]"))
        }
        if kinds.contains(.parameter) {
            let coloured = drawGradients && options.colorParameters
            let label = coloured ? "parameter\\n(coloured by ‖∇‖)" : "parameter"
            entries.append(("legend_parameter", "[label=\"\(label)\", shape=box, style=filled, fillcolor=\"\(coloured ? "#dddddd" : "#cfe2ff")\"]"))
        }
        if kinds.contains(.op) {
            entries.append(("legend_op", "[label=\"op\", shape=box, style=\"rounded,filled\", fillcolor=\"#fff8dc\"]"))
        }
        if namesStates {
            entries.append(("legend_state", "[label=\"state hᴸₜ\\n(layer L, time t)\", shape=box, style=\"rounded,filled,bold\", fillcolor=\"#dff0d8\"]"))
        }
        if !drawn.boxes.isEmpty {
            entries.append(("legend_box", "[label=\"closed scope\\n(its ops in one box)\", shape=box3d, style=filled, fillcolor=\"#fde2e4\"]"))
        }
        if kinds.contains(.output) {
            entries.append(("legend_output", "[label=\"output\", shape=doubleoctagon, style=filled, fillcolor=\"#ffe4b5\"]"))
        }
        if drawGradients && drawn.nodes.contains(where: { $0.backwardPasses > 1 && $0.gradientNorm != nil }) {
            entries.append(("legend_summed", "[label=\"gradient summed over\\nseveral backward()\", shape=box, peripheries=2]"))
        }
        if drawGradients {
            entries.append(("legend_scale", "[shape=plaintext, label=\(colourBar())]"))
        }
        for (name, attributes) in entries { lines.append("    \(name) \(attributes);") }
        let stateEdges = namesStates ? drawn.edges.filter { grid.stateNames[$0.from] != nil } : []
        if stateEdges.contains(where: { !grid.isRecurrent(from: $0.from, to: $0.to) }) {
            lines.append("    legend_input_from [shape=point, width=0.05]; legend_input_to [shape=point, width=0.05];")
            lines.append("    legend_input_from -> legend_input_to [label=\"state as input\\n(layer above, or output)\"];")
        }
        if stateEdges.contains(where: { grid.isRecurrent(from: $0.from, to: $0.to) }) {
            lines.append("    legend_recurrent_from [shape=point, width=0.05]; legend_recurrent_to [shape=point, width=0.05];")
            lines.append("    legend_recurrent_from -> legend_recurrent_to [label=\"state as recurrent input\\n(next step)\", style=dashed];")
        }
        if entries.count > 1 {
            lines.append("    \(entries.map(\.0).joined(separator: " -> ")) [style=invis];")
        }
        lines.append("  }")
    }

    /// The gradient colours as a bar of cells, with the norms at its ends and middle and whether
    /// the scale is logarithmic, fitted to this graph or fixed.
    private func colourBar() -> String {
        let cellCount = 9
        let cells = (0..<cellCount).map { index in
            let position = Double(index) / Double(cellCount - 1)
            return "<TD BGCOLOR=\"\(GradientHeat.color(atPosition: position))\" WIDTH=\"14\" HEIGHT=\"12\"></TD>"
        }.joined()
        let ticks = [(0.0, "LEFT"), (0.5, "CENTER"), (1.0, "RIGHT")].map { position, alignment in
            "<TD COLSPAN=\"3\" ALIGN=\"\(alignment)\">\(formatNorm(heat.norm(at: position)))</TD>"
        }.joined()
        let title = "‖∇‖, \(heat.scale.logarithmic ? "log" : "linear") scale, \(heat.isFitted ? "fitted to this graph" : "fixed")"
        return "<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">"
            + "<TR><TD COLSPAN=\"\(cellCount)\">\(title)</TD></TR><TR>\(cells)</TR><TR>\(ticks)</TR></TABLE>>"
    }
}
