import Nabla

/// A few numbers that describe a tensor's values at a glance: its extremes, mean, norm and
/// first elements.
public struct TensorSummary: Sendable, Equatable, Codable {
    /// How many elements the tensor has.
    public let count: Int
    /// The smallest element (0 for an empty tensor).
    public let min: Double
    /// The mean of the elements (0 for an empty tensor).
    public let mean: Double
    /// The largest element (0 for an empty tensor).
    public let max: Double
    /// The L2 norm of the elements.
    public let norm: Double
    /// The first elements, at most ``shownCount``.
    public let first: [Double]

    /// How many first elements a summary keeps.
    public static let shownCount = 6

    /// The summary of `values`.
    public init(_ values: [Double]) {
        count = values.count
        min = values.min() ?? 0
        max = values.max() ?? 0
        mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        first = Array(values.prefix(Self.shownCount))
    }

    /// The summary of `tensor`'s values.
    public init<Scalar>(of tensor: Tensor<Scalar>) {
        self.init(tensor.scalars.map { Double($0) })
    }
}
