/// The range of gradient norms a drawing's colours span, and how the colours are spread over it.
///
/// Give two drawings the same scale to compare their colours:
///
/// ```swift
/// let scale = GradientScale(lower: 1e-3, upper: 2)
/// let options = DOTOptions(showGradients: true, gradientScale: scale)
/// ```
///
/// Norms outside the range take the colour of its nearest end.
public struct GradientScale: Sendable, Equatable {
    /// The norm drawn in the coldest colour (dark blue).
    public var lower: Double
    /// The norm drawn in the hottest colour (red).
    public var upper: Double
    /// Spread the colours over the orders of magnitude (`true`) or evenly over the values.
    public var logarithmic: Bool

    /// A scale from `lower` to `upper`, logarithmic unless asked otherwise. A logarithmic scale
    /// needs a positive `lower`; a zero or negative one is taken as a millionth of `upper`.
    public init(lower: Double, upper: Double, logarithmic: Bool = true) {
        self.lower = lower
        self.upper = upper
        self.logarithmic = logarithmic
    }
}
