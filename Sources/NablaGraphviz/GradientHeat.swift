import Foundation

/// Maps gradient norms to colours on a logarithmic scale, from dark blue (smallest) through
/// green and yellow to red (largest), so a gradient that shrinks by orders of magnitude through
/// time steps shows as a colour gradient.
struct GradientHeat {
    /// log10 of the smallest and largest positive norm in the graph.
    let lowExponent: Double, highExponent: Double

    init(norms: [Double]) {
        let positive = norms.filter { $0 > 0 && $0.isFinite }
        lowExponent = positive.min().map(log10) ?? 0
        highExponent = positive.max().map(log10) ?? 0
    }

    /// Where `norm` lies between the smallest (0) and largest (1) norm, logarithmically.
    func position(_ norm: Double) -> Double {
        guard norm > 0, norm.isFinite else { return 0 }
        let span = highExponent - lowExponent
        return span > 0 ? min(1, max(0, (log10(norm) - lowExponent) / span)) : 1
    }

    /// A Graphviz colour for `norm`: an HSV triple from hue 0.66 (blue) down to 0 (red).
    func color(_ norm: Double) -> String {
        String(format: "%.3f 0.75 0.95", 0.66 * (1 - position(norm)))
    }

    /// The norm at `position` in `[0, 1]` of the scale, for the legend.
    func norm(at position: Double) -> Double {
        pow(10, lowExponent + position * (highExponent - lowExponent))
    }
}

/// A gradient norm printed compactly: `3.2e-05`, `0.0413`, `12.5`.
func formatNorm(_ norm: Double) -> String {
    if norm == 0 { return "0" }
    if norm >= 1e-3 && norm < 1e4 { return String(format: "%.3g", norm) }
    return String(format: "%.2e", norm)
}
