/// The time steps of a recurrent graph, placed in a grid: one row per layer (the scope before
/// `tT`, such as `gru.layer1`, without a trainer's `step N`), one column per time step.
///
/// A step's state is its last op (inputs come before the ops reading them, so the last op of a
/// step is what it hands on). States are named by layer and time, `h¹₃` for `layer1.t3`, unless
/// the model named the tensor (``ComputationGraph/Node/name``).
struct TimeGrid {
    /// One time step: its scope (`gru.layer1.t3`), its row (`gru.layer1`), layer and time.
    struct Step: Hashable {
        let scope: String
        let row: String
        let layer: Int
        let time: Int
    }

    /// The step of every node that ran inside one.
    private(set) var stepOfNode: [Int: Step] = [:]
    /// The state node of every step, by step scope.
    private(set) var stateOfStep: [String: Int] = [:]
    /// The rows, bottom (first layer) to top, each with its states left (earliest) to right.
    private(set) var rows: [(row: String, states: [Int])] = []
    /// The drawn name of every state node.
    private(set) var stateNames: [Int: String] = [:]

    /// Whether the graph has any time step.
    var isEmpty: Bool { stepOfNode.isEmpty }

    init(graph: ComputationGraph) {
        var rowOrder: [String] = []
        var steps: [String: Step] = [:]
        for node in graph.nodes {
            guard let scope = node.scope, let (stepScope, _) = ComputationGraph.timeStep(in: scope) else { continue }
            let parts = stepScope.split(separator: ".").map(String.init)
            let row = parts.dropLast().filter { !Self.isTrainingStep($0) }.joined(separator: ".")
            if !rowOrder.contains(row) { rowOrder.append(row) }
            let layer = parts.dropLast().last.flatMap(Self.layerNumber) ?? rowOrder.firstIndex(of: row)!
            let step = steps[stepScope] ?? Step(scope: stepScope, row: row, layer: layer,
                                                time: ComputationGraph.stepNumber(stepScope))
            steps[stepScope] = step
            stepOfNode[node.id] = step
            stateOfStep[stepScope] = node.id
        }
        let byRow = Dictionary(grouping: steps.values, by: \.row)
        let rowsBottomUp = rowOrder.sorted { byRow[$0]![0].layer < byRow[$1]![0].layer }
        rows = rowsBottomUp.map { row in
            (row, byRow[row]!.sorted { $0.time < $1.time }.map { stateOfStep[$0.scope]! })
        }
        let layered = steps.values.contains { $0.layer > 0 } || rows.count > 1
        for node in graph.nodes {
            guard let step = stepOfNode[node.id], stateOfStep[step.scope] == node.id else { continue }
            stateNames[node.id] = node.name ?? "h" + (layered ? Self.superscripted(step.layer) : "") + Self.subscripted(step.time)
        }
    }

    /// Whether the edge `from → to` carries a state to a later step of the same layer.
    func isRecurrent(from: Int, to: Int) -> Bool {
        guard let source = stepOfNode[from], let target = stepOfNode[to] else { return false }
        return source.row == target.row && source.time < target.time
    }

    /// Whether `part` is a trainer's scope of one step of a window (`step 2`): the step's time
    /// already places it, so rows leave it out and `step 1.gru.layer0.t0` and
    /// `step 2.gru.layer0.t1` share the row `gru.layer0`.
    static func isTrainingStep(_ part: String) -> Bool {
        part.hasPrefix("step ") && part.dropFirst(5).allSatisfy(\.isNumber) && part.count > 5
    }

    /// `3` for `layer3`, `nil` for a part that does not name a layer.
    private static func layerNumber(_ part: String) -> Int? {
        part.hasPrefix("layer") ? Int(part.dropFirst(5)) : nil
    }

    static func superscripted(_ number: Int) -> String {
        String(String(number).map { Array("⁰¹²³⁴⁵⁶⁷⁸⁹")[$0.wholeNumberValue!] })
    }

    static func subscripted(_ number: Int) -> String {
        String(String(number).map { Array("₀₁₂₃₄₅₆₇₈₉")[$0.wholeNumberValue!] })
    }
}
