extension ComputationGraph {
    /// The same graph with identical time steps drawn once.
    ///
    /// Scopes with a time component (`layer0.t3`) are grouped by everything but the step number.
    /// The last step (the one the output depends on directly) is kept; earlier steps whose ops
    /// match it exactly are removed, and the kept cluster is labelled with the family and the
    /// count (`layer0.t* × 4`). Inputs that fed only removed steps go too. The gradient norm of
    /// every step's state is kept in ``stepGradientNorms``.
    public func collapsingRepeatedSteps() -> ComputationGraph {
        // The step each node belongs to, e.g. "layer0.t3", and that step's family, "layer0.t*".
        var stepOf: [Int: String] = [:]
        var stepsOfFamily: [String: [String]] = [:]
        var familyOrder: [String] = []
        for node in nodes {
            guard let scope = node.scope, let (step, family) = Self.timeStep(in: scope) else { continue }
            stepOf[node.id] = step
            if stepsOfFamily[family] == nil { familyOrder.append(family) }
            if !(stepsOfFamily[family]?.contains(step) ?? false) { stepsOfFamily[family, default: []].append(step) }
        }
        func signature(_ step: String) -> [String] {
            nodes.filter { stepOf[$0.id] == step }
                .map { "\($0.scope!.dropFirst(step.count))|\($0.op ?? "")|\($0.shape)" }.sorted()
        }
        var removedSteps: Set<String> = []
        var counts: [String: Int] = [:]
        var stepNorms: [String: [Double?]] = [:]
        for family in familyOrder {
            let steps = stepsOfFamily[family]!.sorted { Self.stepNumber($0) < Self.stepNumber($1) }
            let kept = steps[steps.count - 1]
            let keptSignature = signature(kept)
            let repeats = steps.dropLast().filter { signature($0) == keptSignature }
            removedSteps.formUnion(repeats)
            if !repeats.isEmpty {
                counts[kept] = repeats.count + 1
                stepNorms[kept] = (repeats + [kept]).map { step in
                    nodes.last { stepOf[$0.id] == step }?.gradientNorm
                }
            }
        }
        var removed = Set(nodes.filter { stepOf[$0.id].map(removedSteps.contains) ?? false }.map(\.id))
        // Drop what now feeds nothing: inputs of removed steps, and chains leading only to them.
        var changed = true
        while changed {
            changed = false
            for node in nodes.reversed() where !removed.contains(node.id) && node.kind != .output {
                let consumers = edges.filter { $0.from == node.id }.map(\.to)
                if !consumers.isEmpty && consumers.allSatisfy(removed.contains) {
                    removed.insert(node.id)
                    changed = true
                }
            }
        }
        var result = self
        result.nodes = nodes.filter { !removed.contains($0.id) }
        result.edges = edges.filter { !removed.contains($0.from) && !removed.contains($0.to) }
        result.repeatCounts = counts
        result.stepGradientNorms = stepNorms
        return result
    }

    /// The number of a step such as `layer0.t12` (12).
    static func stepNumber(_ step: String) -> Int {
        Int(step.split(separator: ".").last!.dropFirst()) ?? 0
    }

    /// For a scope such as `gru.layer0.t3.r`: the step `gru.layer0.t3` and its family `gru.layer0.t*`.
    static func timeStep(in scope: String) -> (step: String, family: String)? {
        let parts = scope.split(separator: ".")
        guard let index = parts.firstIndex(where: { $0.count > 1 && $0.first == "t" && $0.dropFirst().allSatisfy(\.isNumber) })
        else { return nil }
        let step = parts[...index].joined(separator: ".")
        let family = (parts[..<index] + ["t*"]).joined(separator: ".")
        return (step, family)
    }
}
