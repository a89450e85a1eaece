import NablaNN

/// The grid of a recurrent graph's time steps: ranks, labels, and the weights beside it.
extension DOTWriter {
    /// Each layer's states on one rank, ordered by time with invisible edges, the row's name on
    /// its left; the times above the top row.
    mutating func writeGridRanks() {
        let visible = Set(drawn.nodes.map(\.id))
        for (index, (row, states)) in grid.rows.enumerated() {
            let shown = states.filter(visible.contains)
            guard !shown.isEmpty else { continue }
            lines.append("  row_\(index) [label=\(DOT.quoted(row)), shape=plaintext, fontcolor=\"#444466\"];")
            lines.append("  { rank=same; row_\(index); \(shown.map { "n\($0);" }.joined(separator: " ")) }")
            // Order the row by invisible edges only where no recurrent edge does already: two flat
            // edges between the same nodes make Graphviz 2.42 lose one and corrupt its memory.
            let drawnPairs = Set(drawn.edges.map { [$0.from, $0.to] })
            lines.append("  row_\(index) -> n\(shown[0]) [style=invis];")
            for (left, right) in zip(shown, shown.dropFirst()) where !drawnPairs.contains([left, right]) {
                lines.append("  n\(left) -> n\(right) [style=invis];")
            }
        }
        guard let top = grid.rows.last?.states.filter(visible.contains), !top.isEmpty else { return }
        let times = top.map { grid.stepOfNode[$0]!.time }
        lines.append("  { rank=same; \(times.map { "time_\($0) [label=\"t\($0)\", shape=plaintext, fontcolor=\"#444466\"];" }.joined(separator: " ")) }")
        for (state, time) in zip(top, times) { lines.append("  n\(state) -> time_\(time) [style=invis];") }
        if times.count > 1 { lines.append("  \(times.map { "time_\($0)" }.joined(separator: " -> ")) [style=invis];") }
        for (_, parameters) in weightsOfRows where parameters.count > 1 {
            lines.append("  \(parameters.map { "n\($0)" }.joined(separator: " -> ")) [style=invis];")
        }
    }

    /// The layer's steps a row's weights are read by: `t0–t3`.
    func timeSpan(of row: String) -> String {
        let times = grid.rows.first { $0.row == row }!.states.compactMap { grid.stepOfNode[$0]?.time }
        return "t\(times.min()!)–t\(times.max()!)"
    }

    /// The parameters read by several steps of one layer and by nothing else, by the layer's row
    /// (`gru.layer0`).
    static func sharedParameters(drawn: DrawnGraph, grid: TimeGrid, nodes: [Int: ComputationGraph.Node]) -> [Int: String] {
        var readers: [Int: [Int]] = [:]
        for edge in drawn.edges where nodes[edge.from]?.kind == .parameter { readers[edge.from, default: []].append(edge.to) }
        return readers.compactMapValues { readers in
            let steps = readers.map { grid.stepOfNode[$0] }
            guard let row = steps.first??.row, !row.isEmpty, steps.allSatisfy({ $0?.row == row }),
                  Set(steps.map { $0!.time }).count > 1 else { return nil }
            return row
        }
    }

    /// A row's weights are drawn once, beside the grid, with one dotted edge from their cluster to
    /// the row's first state rather than one edge per step. The edge leaves the ranks alone, and
    /// its label is placed after the layout: Graphviz 2.42 corrupts its memory laying out a
    /// label on an edge that does not constrain the ranks.
    mutating func writeSharedParameterEdges() {
        for (row, parameters) in weightsOfRows {
            guard let first = grid.rows.first(where: { $0.row == row })?.states.first else { continue }
            lines.append("  n\(parameters.last!) -> n\(first) [ltail=\(Self.clusterIdentifier("weights." + row)), "
                         + "style=dotted, color=\"#7f9cc8\", constraint=false, xlabel=\(DOT.quoted("read by \(timeSpan(of: row))"))];")
        }
    }
}
