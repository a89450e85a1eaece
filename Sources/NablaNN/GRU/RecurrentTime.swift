import Nabla

/// The time step a recurrent layer is at when its caller does not say: what lets a model that
/// steps one item at a time (a session model) have its steps drawn in a time grid.
///
/// A layer stepped with an explicit `time` (``GRU/step(_:states:time:)``, ``GRU/unrolled(_:initialState:)``)
/// tags its ops `layerK.tT`. A session model's `step` has no time parameter, so whoever knows the
/// time, a trainer drawing a window or a function reading a whole session, sets it around the
/// step instead, and the model's ``GRU`` tags its ops with it:
///
/// ```swift
/// for (t, items) in session.enumerated() {
///     hidden = withRecurrentTime(t) { model.step(items, states: &states) }   // gru.layer0.tT
/// }
/// ```
public enum RecurrentTime {
    /// The time step set by the innermost ``withRecurrentTime(_:_:)``, or `nil` outside any.
    @TaskLocal public static var current: Int?
}

/// Runs `body` with recurrent layers that are not given a time tagging their step with `time`
/// (see ``RecurrentTime``).
public func withRecurrentTime<Result>(_ time: Int, _ body: () throws -> Result) rethrows -> Result {
    try RecurrentTime.$current.withValue(time) { try body() }
}
