/// Names a region of the computation graph, so a drawing can group the ops made inside it.
public enum GraphScope {
    /// The scope ops are tagged with now, e.g. `"gru.layer0.t3"`; `nil` outside any scope.
    @TaskLocal public static var current: String?
}

/// Tags every op created inside `body` with `name`, nested under the enclosing scope.
///
/// `withScope("gru") { withScope("layer0") { ... } }` tags ops with `"gru.layer0"`.
public func withScope<Result>(_ name: String, _ body: () throws -> Result) rethrows -> Result {
    let full = GraphScope.current.map { "\($0).\(name)" } ?? name
    return try GraphScope.$current.withValue(full) { try body() }
}
