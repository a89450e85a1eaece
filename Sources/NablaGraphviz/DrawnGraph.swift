/// What a drawing shows of a graph: each closed scope (a loss) folded into one named box, each
/// unnamed decimal constant read by one op folded into that op's label, the edges redirected to
/// what is drawn and kept once.
struct DrawnGraph {
    /// A closed scope drawn as one node.
    struct Box {
        /// The scope's name, the part of its path that closed it (`loss`).
        let name: String
        /// The names of its ops, in the order they ran, each once.
        let ops: [String]
        /// How many ops it holds.
        let count: Int
    }

    /// The nodes drawn, in the graph's order.
    private(set) var nodes: [ComputationGraph.Node] = []
    /// The edges drawn, in the graph's order, each once.
    private(set) var edges: [ComputationGraph.Edge] = []
    /// The boxes, by the id of the node that stands for them (the scope's last op).
    private(set) var boxes: [Int: Box] = [:]
    /// The scope each drawn node is drawn in: a box is drawn in its scope's parent.
    private(set) var scopes: [Int: String] = [:]
    /// The decimal constants folded into each op, as printed.
    private(set) var foldedConstants: [Int: [String]] = [:]

    init(graph: ComputationGraph, closedScopes: Set<String>) {
        // Which closed scope each node belongs to, if any.
        var closedScopeOf: [Int: String] = [:]
        for node in graph.nodes {
            guard let scope = node.scope else { continue }
            let parts = scope.split(separator: ".").map(String.init)
            if let index = parts.firstIndex(where: closedScopes.contains) {
                closedScopeOf[node.id] = parts[...index].joined(separator: ".")
            }
        }
        let consumers = Dictionary(grouping: graph.edges, by: \.from).mapValues { $0.map(\.to) }
        // Leaves read only inside one closed scope go into its box too.
        for node in graph.nodes where node.kind == .input {
            let readers = Set((consumers[node.id] ?? []).map { closedScopeOf[$0] })
            if readers.count == 1, let scope = readers.first! { closedScopeOf[node.id] = scope }
        }
        var representative: [Int: Int] = [:]
        let members = Dictionary(grouping: graph.nodes.filter { closedScopeOf[$0.id] != nil }) { closedScopeOf[$0.id]! }
        for (scope, inside) in members {
            let last = inside.map(\.id).max()!
            let ops = inside.compactMap(\.op)
            boxes[last] = Box(name: String(scope.split(separator: ".").last!),
                              ops: ops.reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
                              count: ops.count)
            for node in inside { representative[node.id] = last }
            let parent = scope.split(separator: ".").dropLast().joined(separator: ".")
            if !parent.isEmpty { scopes[last] = parent }
        }
        func drawn(_ id: Int) -> Int { representative[id] ?? id }
        // Unnamed one-element constants that are not whole numbers, read by a single op.
        var folded: Set<Int> = []
        for node in graph.nodes where node.kind == .input && node.name == nil && representative[node.id] == nil {
            guard let value = node.value, value != value.rounded(),
                  let readers = consumers[node.id], Set(readers.map(drawn)).count == 1 else { continue }
            folded.insert(node.id)
            foldedConstants[drawn(readers[0]), default: []].append(formatConstant(value))
        }
        for node in graph.nodes where !folded.contains(node.id) && (representative[node.id] ?? node.id) == node.id {
            nodes.append(node)
            if scopes[node.id] == nil, boxes[node.id] == nil, let scope = node.scope { scopes[node.id] = scope }
        }
        var seen: Set<[Int]> = []
        for edge in graph.edges where !folded.contains(edge.from) {
            let from = drawn(edge.from), to = drawn(edge.to)
            guard from != to, seen.insert([from, to]).inserted else { continue }
            edges.append(ComputationGraph.Edge(from: from, to: to))
        }
    }
}
