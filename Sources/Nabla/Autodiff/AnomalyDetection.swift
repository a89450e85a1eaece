/// Whether ops check their results for NaN and infinity (like PyTorch's `detect_anomaly`).
public enum AnomalyDetection {
    /// `true` inside ``withAnomalyDetection(_:)``.
    @TaskLocal public static var isEnabled = false
}

/// Runs `body` with anomaly detection: the first op whose result, or whose backward rule's
/// gradient, holds a NaN or an infinity stops the program with a message naming the op and its
/// scope. Slower (every value is checked); use it to find where a training run breaks.
public func withAnomalyDetection<Result>(_ body: () throws -> Result) rethrows -> Result {
    try AnomalyDetection.$isEnabled.withValue(true) { try body() }
}

extension Tensor {
    /// In anomaly mode, stops with the op's name if `values` hold a non-finite number.
    static func checkAnomaly(_ values: [Scalar], op: String, stage: String) {
        guard AnomalyDetection.isEnabled, let bad = values.first(where: { !$0.isFinite }) else { return }
        let scope = GraphScope.current.map { " in scope '\($0)'" } ?? ""
        misuse("anomaly", "\(stage) of '\(op)'\(scope) produced \(bad)")
    }
}
