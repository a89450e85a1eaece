import Foundation
import NablaNN

extension ComputationGraph {
    /// The graph as DOT text, Graphviz's input language. Pure Swift and deterministic: the same
    /// graph and options always give the same text.
    ///
    /// Ops that ran inside a scope are grouped in a cluster per scope, nested by the dots of the
    /// scope path (`layer0` ⊃ `layer0.t3` ⊃ `layer0.t3.r`). Time steps are laid out in a grid,
    /// time left to right and layers bottom to top, with each step's state named (`h¹₃`) and a
    /// layer's shared weights drawn once beside it (see ``DOTOptions/arrangeTimeSteps``). Parameters are
    /// drawn as blue boxes labelled with their names, inputs as grey ellipses, ops as rounded
    /// boxes, a closed scope such as a loss as one named box, the output as a double octagon.
    /// Every node is named `n<id>` after ``Node/id``.
    public func dot(_ options: DOTOptions = DOTOptions()) -> String {
        let graph = options.collapseRepeatedSteps ? collapsingRepeatedSteps() : self
        return DOTWriter(graph: graph, options: options).text()
    }
}

/// Writes one graph as DOT; see ``ComputationGraph/dot(_:)``.
struct DOTWriter {
    let graph: ComputationGraph
    let options: DOTOptions
    let drawn: DrawnGraph
    let grid: TimeGrid
    let heat: GradientHeat
    let drawGradients: Bool
    /// Whether time steps are drawn in a grid (some layer has more than one step).
    let gridded: Bool
    /// Whether the steps' states are named and marked (`h¹₃`).
    let namesStates: Bool
    /// Every node of the graph by id.
    let nodeWithID: [Int: ComputationGraph.Node]
    /// The row (`gru.layer0`) of each parameter read by several steps of that layer only.
    let sharedRows: [Int: String]
    /// Those parameters by row, rows bottom to top, parameters in the graph's order.
    let weightsOfRows: [(row: String, parameters: [Int])]
    var lines: [String] = []

    init(graph: ComputationGraph, options: DOTOptions) {
        self.graph = graph
        self.options = options
        drawn = DrawnGraph(graph: graph, closedScopes: options.closedScopes)
        grid = TimeGrid(graph: graph)
        gridded = options.arrangeTimeSteps && grid.rows.contains { $0.states.count > 1 }
        namesStates = options.arrangeTimeSteps && !grid.isEmpty
        nodeWithID = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.id, $0) })
        sharedRows = gridded ? Self.sharedParameters(drawn: drawn, grid: grid, nodes: nodeWithID) : [:]
        let rows = sharedRows, ids = drawn.nodes.map(\.id)
        weightsOfRows = grid.rows.map { row in (row.row, ids.filter { rows[$0] == row.row }) }.filter { !$0.parameters.isEmpty }
        let colouredNorms = drawn.nodes.filter { $0.kind != .parameter || options.colorParameters }.compactMap(\.gradientNorm)
        heat = GradientHeat(scale: options.gradientScale, norms: colouredNorms)
        drawGradients = options.showGradients && graph.hasGradients
    }

    func text() -> String {
        var writer = self
        writer.writeAll()
        return writer.lines.joined(separator: "\n") + "\n"
    }

    private mutating func writeAll() {
        lines.append("digraph computation {")
        lines.append("  rankdir=\(namesStates ? DOTOptions.Direction.bottomToTop.rawValue : options.direction.rawValue);")
        lines.append("  compound=true; newrank=true; fontname=\"Helvetica\";")
        lines.append("  node [fontname=\"Helvetica\", fontsize=10];")
        lines.append("  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\"];")
        var caption = options.title.map { [$0] } ?? []
        if options.showGradients && !graph.hasGradients {
            caption.append("gradients not computed yet: call backward() first")
        }
        if !caption.isEmpty {
            lines.append("  labelloc=t; label=\(DOT.quoted(caption.joined(separator: "\n")));")
        }
        writeClusters()
        if gridded { writeGridRanks() }
        for edge in drawn.edges { writeEdge(edge) }
        if gridded { writeSharedParameterEdges() }
        if options.showLegend { writeLegend() }
        lines.append("}")
    }

    // MARK: Nodes and clusters

    /// Clusters nest by scope prefix; nodes without a scope stand outside every cluster, and a
    /// grid's shared weights stand in a cluster per layer.
    private mutating func writeClusters() {
        var scopeOrder: [String] = []
        var membersOfScope: [String: [ComputationGraph.Node]] = [:]
        var parents: [String: String] = [:]
        for node in drawn.nodes {
            let path = clusterPath(of: node.id)
            for (outer, inner) in zip(path, path.dropFirst()) { parents[inner] = outer }
            for scope in path where membersOfScope[scope] == nil {
                membersOfScope[scope] = []
                scopeOrder.append(scope)
            }
            if let innermost = path.last { membersOfScope[innermost]!.append(node) }
        }
        for node in drawn.nodes where clusterPath(of: node.id).isEmpty && sharedRows[node.id] == nil {
            writeNode(node, indent: "  ")
        }
        for (row, parameters) in weightsOfRows {
            lines.append("  subgraph \(Self.clusterIdentifier("weights." + row)) {")
            lines.append("    label=\(DOT.quoted("\(row) weights, shared by \(timeSpan(of: row))")); style=\"rounded\"; color=\"#9db7e0\"; fontcolor=\"#3a5a8c\";")
            for parameter in parameters { writeNode(nodeWithID[parameter]!, indent: "    ") }
            lines.append("  }")
        }
        for scope in scopeOrder where parents[scope] == nil {
            writeCluster(scope, order: scopeOrder, parents: parents, members: membersOfScope, indent: "  ")
        }
    }

    /// The clusters a node is drawn in, outermost first: every prefix of its scope (`layer0`,
    /// `layer0.t3`, `layer0.t3.r`). In a grid the steps and what holds them are not clusters,
    /// nor is a trainer's `step N` (its column places it), only the scopes inside a step (a gate)
    /// and beside the grid (`step 2.scores`): Graphviz 2.42 neither keeps the order of states in
    /// different clusters nor lays such graphs out safely, so the grid's rows and columns are
    /// labelled instead.
    private func clusterPath(of id: Int) -> [String] {
        guard let scope = drawn.scopes[id] else { return [] }
        let parts = scope.split(separator: ".").map(String.init)
        var depths = Array(1...parts.count)
        if gridded, let step = grid.stepOfNode[id] {
            depths = depths.filter { $0 > step.scope.split(separator: ".").count }
        }
        if gridded { depths = depths.filter { !TimeGrid.isTrainingStep(parts[$0 - 1]) } }
        return depths.map { parts[..<$0].joined(separator: ".") }
    }

    private mutating func writeCluster(_ scope: String, order: [String], parents: [String: String],
                                       members: [String: [ComputationGraph.Node]], indent: String) {
        lines.append("\(indent)subgraph \(Self.clusterIdentifier(scope)) {")
        lines.append("\(indent)  label=\(clusterLabel(scope)); style=\"rounded,dashed\"; color=\"#8888aa\"; fontcolor=\"#444466\";")
        for node in members[scope] ?? [] { writeNode(node, indent: indent + "  ") }
        for child in order where parents[child] == scope {
            writeCluster(child, order: order, parents: parents, members: members, indent: indent + "  ")
        }
        lines.append("\(indent)}")
    }

    /// The scope's name; a step standing for repeated ones says how many (`layer0.t* × 4`) and,
    /// with gradients, shows each step's state norm in a small bar of coloured cells.
    private func clusterLabel(_ scope: String) -> String {
        guard let count = graph.repeatCounts[scope] else { return DOT.quoted(scope) }
        let title = "\(ComputationGraph.timeStep(in: scope)?.family ?? scope) × \(count)"
        guard drawGradients, let norms = graph.stepGradientNorms[scope] else { return DOT.quoted(title) }
        let firstTime = ComputationGraph.stepNumber(scope) - norms.count + 1
        let cells = norms.enumerated().map { offset, norm in
            let colour = norm.map { " BGCOLOR=\"\(heat.color($0))\"" } ?? ""
            return "<TD BORDER=\"1\"\(colour)>t\(firstTime + offset)<BR/>\(norm.map(formatNorm) ?? "–")</TD>"
        }.joined()
        let span = "COLSPAN=\"\(norms.count)\""
        return "<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">"
            + "<TR><TD \(span)>\(title)</TD></TR><TR><TD \(span)><FONT POINT-SIZE=\"8\">state ‖∇‖ per step</FONT></TD></TR>"
            + "<TR>\(cells)</TR></TABLE>>"
    }

    private mutating func writeNode(_ node: ComputationGraph.Node, indent: String) {
        var attributes: [String] = []
        var label = nodeTitle(node)
        let isState = namesStates && grid.stateNames[node.id] != nil
        if drawn.boxes[node.id] != nil {
            attributes += ["shape=box3d", "style=filled", "fillcolor=\"\(node.kind == .output ? "#ffe4b5" : "#fde2e4")\""]
        } else {
            switch node.kind {
            case .input: attributes += ["shape=ellipse", "style=filled", "fillcolor=\"#eeeeee\""]
            case .parameter: attributes += ["shape=box", "style=filled", "fillcolor=\"#cfe2ff\""]
            case .op where isState: attributes += ["shape=box", "style=\"rounded,filled,bold\"", "fillcolor=\"#dff0d8\""]
            case .op: attributes += ["shape=box", "style=\"rounded,filled\"", "fillcolor=\"#fff8dc\""]
            case .output: attributes += ["shape=doubleoctagon", "style=filled", "fillcolor=\"#ffe4b5\""]
            }
        }
        if drawGradients {
            if let norm = node.gradientNorm {
                label += "\n‖∇‖ = \(formatNorm(norm))"
                if node.backwardPasses > 1 {
                    label += "\nsum of \(node.backwardPasses) backward()"
                    attributes.append("peripheries=2")
                }
                if node.kind != .parameter || options.colorParameters {
                    attributes[2] = "fillcolor=\(DOT.quoted(heat.color(norm)))"
                }
            } else {
                label += "\nno gradient"
            }
        }
        lines.append("\(indent)n\(node.id) [label=\(DOT.quoted(label)), \(attributes.joined(separator: ", "))];")
    }

    /// What a node says: a state its name and op, a box its name and ops, an op the constants
    /// folded into it; then the shape.
    private func nodeTitle(_ node: ComputationGraph.Node) -> String {
        let shape = "[\(node.shape.map(String.init).joined(separator: ", "))]"
        if let box = drawn.boxes[node.id] {
            let ops = box.ops.count > 4 ? box.ops.prefix(3).joined(separator: ", ") + ", …" : box.ops.joined(separator: ", ")
            return "\(box.name)\n\(box.count) ops: \(ops)\n\(shape)"
        }
        var title = String(node.label.split(separator: "\n", omittingEmptySubsequences: false).dropLast().joined(separator: "\n"))
        if namesStates, let state = grid.stateNames[node.id] {
            title = "\(state) = \(title)"
        } else if node.kind == .op || node.kind == .output, let name = node.name {
            title = "\(name) = \(title)"
        }
        if let constants = drawn.foldedConstants[node.id] {
            title += "\nwith constant \(constants.joined(separator: ", "))"
        }
        return node.shape.isEmpty && node.kind == .input && node.name == nil ? node.label : "\(title)\n\(shape)"
    }

    // MARK: Edges

    private mutating func writeEdge(_ edge: ComputationGraph.Edge) {
        if sharedRows[edge.from] != nil { return }
        var attributes: [String] = []
        let source = nodeWithID[edge.from]!
        if namesStates, let state = grid.stateNames[edge.from] {
            // A recurrent edge joins two states of one rank; a label on such a flat edge would need
            // a rank of its own, so it is placed after the layout (`xlabel`).
            let recurrent = grid.isRecurrent(from: edge.from, to: edge.to)
            attributes.append("\(recurrent ? "xlabel" : "label")=\(DOT.quoted(state))")
            if recurrent { attributes.append("style=dashed") }
        }
        if drawGradients, let norm = source.gradientNorm, source.kind != .parameter || options.colorParameters {
            let width = 0.6 + 2.4 * heat.position(norm)
            attributes += ["color=\(DOT.quoted(heat.color(norm)))", "penwidth=\(formatWidth(width))"]
        }
        lines.append("  n\(edge.from) -> n\(edge.to)\(attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]");")
    }

    // MARK: Text helpers

    static func clusterIdentifier(_ scope: String) -> String {
        "cluster_" + String(scope.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}

func formatWidth(_ width: Double) -> String {
    let hundredths = Int((width * 100).rounded())
    return "\(hundredths / 100).\(String(format: "%02d", hundredths % 100))"
}
