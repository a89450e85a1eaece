/// Whether layers and losses run their fused ops (one op each, with a hand-written backward
/// pass) or the composed ops each fused op is proven equal to (every step a node in the graph).
///
/// Backed by a task-local value, like ``GradMode``: ``withComposedOps(_:)`` affects only the code
/// it wraps. Every fused op honours it: the GRU step, the sampled output scores, cross-entropy
/// and BPR-max.
public enum FusedOps {
    /// `true` unless inside ``withComposedOps(_:)``.
    @TaskLocal public static var areEnabled = true
}

/// Runs `body` with every fused op replaced by its composed equivalent: slower, but each step is
/// an op of the core, so the graph can be drawn and every rule checked.
///
/// ```swift
/// let loss = withComposedOps { trainer.lossOfFirstStep() }   // every gate and score in the graph
/// ```
public func withComposedOps<Result>(_ body: () throws -> Result) rethrows -> Result {
    try FusedOps.$areEnabled.withValue(false) { try body() }
}
