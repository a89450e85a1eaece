/// Whether ops record the graph that `backward()` needs.
///
/// Backed by a task-local value: a no-grad scope affects only the code it wraps, and in Swift 6
/// strict concurrency a global mutable flag would not compile.
public enum GradMode {
    /// `true` unless inside ``withNoGrad(_:)-55f0s``.
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording a graph: results have no ``OpRecord`` and require no gradient.
///
/// Use it for evaluation, for parameter updates, and wherever gradients are not wanted.
///
/// ```swift
/// let scores = withNoGrad { model(x) }   // nothing is kept for backward
/// ```
public func withNoGrad<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradMode.$isEnabled.withValue(false) { try body() }
}

/// Runs async `body` without recording a graph.
public func withNoGrad<Result>(_ body: () async throws -> Result) async rethrows -> Result {
    try await GradMode.$isEnabled.withValue(false) { try await body() }
}
