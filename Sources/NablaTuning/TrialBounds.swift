/// What a trial of a search can report: the range of its metric and the most steps it runs.
///
/// A search records a report outside these bounds as a failed trial, and a journal refuses a line
/// outside them, naming the line: an MRR of 1.5 or eleven values of a ten-epoch trial were not
/// written by a search.
///
/// ```swift
/// let bounds = TrialBounds(values: 0...1, steps: 5)   // a metric such as MRR, five epochs at most
/// bounds.problem(with: [0.2, 1.5])   // "the metric value 1.5 is outside 0.0...1.0"
/// ```
public struct TrialBounds: Sendable, Equatable {
    /// The values the metric can take.
    public var values: ClosedRange<Double>
    /// The most steps (values) a trial reports.
    public var steps: Int

    /// Any finite value, any number of steps.
    public static let unbounded = TrialBounds(values: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude, steps: .max)

    /// Bounds of `values` and `steps`.
    ///
    /// - Parameters:
    ///   - values: The range of the metric.
    ///   - steps: The most values one trial reports (at least 1).
    public init(values: ClosedRange<Double>, steps: Int) {
        self.values = values
        self.steps = max(steps, 1)
    }

    /// What is wrong with the metric values a trial reported, or `nil` when they fit.
    ///
    /// - Parameter reported: The values, one per step.
    public func problem(with reported: [Double]) -> String? {
        if reported.count > steps { return "\(reported.count) metric values, but a trial runs at most \(steps) steps" }
        if let bad = reported.first(where: { !$0.isFinite }) { return "the metric value \(bad) is not a finite number" }
        if let bad = reported.first(where: { !values.contains($0) }) { return "the metric value \(bad) is outside \(values)" }
        return nil
    }
}
