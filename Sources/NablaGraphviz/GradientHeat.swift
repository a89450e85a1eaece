import Foundation

/// Maps gradient norms to colours, from dark blue (smallest) through green and yellow to red
/// (largest), over a ``GradientScale``: the one given, or one fitted to the graph's norms. On the
/// default logarithmic scale a gradient that shrinks by orders of magnitude through time steps
/// shows as a colour gradient.
struct GradientHeat {
    /// The scale the colours span.
    let scale: GradientScale
    /// Whether the scale was fitted to the graph rather than given.
    let isFitted: Bool

    init(scale given: GradientScale?, norms: [Double]) {
        if let given {
            scale = given
            isFitted = false
        } else {
            let positive = norms.filter { $0 > 0 && $0.isFinite }
            scale = GradientScale(lower: positive.min() ?? 1, upper: positive.max() ?? 1)
            isFitted = true
        }
    }

    /// The ends of the scale in the coordinate colours are spread over (log10 or the value).
    private var ends: (low: Double, high: Double) {
        guard scale.logarithmic else { return (scale.lower, scale.upper) }
        let lower = scale.lower > 0 ? scale.lower : scale.upper * 1e-6
        return (log10(lower), log10(scale.upper))
    }

    /// Where `norm` lies between the lower end (0) and the upper end (1) of the scale.
    func position(_ norm: Double) -> Double {
        guard norm.isFinite, norm > 0 || !scale.logarithmic else { return 0 }
        let (low, high) = ends
        let coordinate = scale.logarithmic ? log10(norm) : norm
        return high > low ? min(1, max(0, (coordinate - low) / (high - low))) : 1
    }

    /// A Graphviz colour (`#rrggbb`) for `norm`.
    func color(_ norm: Double) -> String {
        Self.color(atPosition: position(norm))
    }

    /// The colour at `position` in `[0, 1]`: hue 0.66 (blue) down to 0 (red), saturation 0.75,
    /// value 0.95.
    static func color(atPosition position: Double) -> String {
        let hue = 0.66 * (1 - position) * 6, saturation = 0.75, value = 0.95
        let sector = min(5, Int(hue)), fraction = hue - Double(sector)
        let p = value * (1 - saturation), q = value * (1 - saturation * fraction)
        let t = value * (1 - saturation * (1 - fraction))
        let (red, green, blue) = [(value, t, p), (q, value, p), (p, value, t),
                                  (p, q, value), (t, p, value), (value, p, q)][sector]
        return "#" + [red, green, blue].map { String(format: "%02x", Int(($0 * 255).rounded())) }.joined()
    }

    /// The norm at `position` in `[0, 1]` of the scale, for the colour bar.
    func norm(at position: Double) -> Double {
        let (low, high) = ends
        let coordinate = low + position * (high - low)
        return scale.logarithmic ? pow(10, coordinate) : coordinate
    }
}

/// A gradient norm printed compactly: `3.2e-05`, `0.0413`, `12.5`.
func formatNorm(_ norm: Double) -> String {
    if norm == 0 { return "0" }
    if norm >= 1e-3 && norm < 1e4 { return String(format: "%.3g", norm) }
    return String(format: "%.2e", norm)
}
