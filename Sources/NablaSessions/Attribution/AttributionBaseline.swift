import Nabla
import NablaNN

/// The input that stands for "no information" at every step, where integrated gradients start
/// their path.
///
/// The attributions explain the difference between the score of the session and the score the
/// model gives when every step reads the baseline instead, so the baseline is part of the
/// question asked: zeros ask "compared with reading nothing", the mean input vector asks
/// "compared with an average item at every step".
public enum AttributionBaseline: Sendable, Equatable, CustomStringConvertible {
    /// The zero vector at every step.
    case zeros
    /// The mean of every item's input vector, at every step.
    case meanInputVector
    /// The same given vector at every step; its size must be the model's input vector size.
    case vector([Double])

    /// `zero baseline`, `mean-item baseline` or `custom baseline`.
    public var description: String {
        switch self {
        case .zeros: return "zero baseline"
        case .meanInputVector: return "mean-item baseline"
        case .vector: return "custom baseline"
        }
    }

    /// The baseline vector for `model`, whose input vectors have `size` elements.
    func vector<Model: AttributableSessionModel>(for model: Model, size: Int) -> [Model.Scalar] {
        switch self {
        case .zeros:
            return [Model.Scalar](repeating: 0, count: size)
        case .meanInputVector:
            return withNoGrad { model.inputVectors(Array(0..<model.itemCount)).mean(axes: [0]).scalars }
        case .vector(let values):
            if values.count != size {
                misuse("AttributionBaseline", "a baseline of \(values.count) elements for input vectors of \(size)")
            }
            return values.map { Model.Scalar($0) }
        }
    }
}
