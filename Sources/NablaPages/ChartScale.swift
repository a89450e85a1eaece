import Foundation

/// Maps values of one axis onto pixel positions, linearly or in the logarithm, and chooses the
/// axis's ticks.
public struct ChartScale: Sendable, Equatable {
    /// The values at the two ends of the axis.
    public let domain: ClosedRange<Double>
    /// The pixel positions of `domain`'s lower and upper ends (a y axis runs from bottom to top,
    /// so its lower end has the larger pixel position).
    public let pixels: (lower: Double, upper: Double)
    /// Whether positions follow the logarithm of the values.
    public let isLogarithmic: Bool

    /// A scale from the finite `values` (positive ones, when `logarithmic`) onto `pixels`. A
    /// linear domain is widened to round ticks; a single value sits in the middle of the axis.
    public init(values: [Double], pixels: (lower: Double, upper: Double), logarithmic: Bool = false) {
        let usable = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
        var low = usable.min() ?? (logarithmic ? 1 : 0), high = usable.max() ?? (logarithmic ? 10 : 1)
        if logarithmic {
            if low == high { low /= 10; high *= 10 }
            low = pow(10, floor(log10(low)))
            high = pow(10, ceil(log10(high)))
        } else {
            if low == high { low -= low == 0 ? 1 : abs(low) / 2; high += high == 0 ? 1 : abs(high) / 2 }
            let step = Self.niceStep((high - low) / 5)
            low = floor(low / step) * step
            high = ceil(high / step) * step
        }
        self.domain = low...high
        self.pixels = pixels
        self.isLogarithmic = logarithmic
    }

    /// A scale mapping `domain` exactly onto `pixels`.
    public init(domain: ClosedRange<Double>, pixels: (lower: Double, upper: Double), logarithmic: Bool = false) {
        self.domain = domain
        self.pixels = pixels
        self.isLogarithmic = logarithmic
    }

    /// The pixel position of `value`.
    public func position(_ value: Double) -> Double {
        let transform: (Double) -> Double = isLogarithmic ? log10 : { $0 }
        let low = transform(domain.lowerBound), high = transform(domain.upperBound)
        // Halved first, so that the span of the largest finite values does not overflow.
        let fraction = high == low ? 0.5 : (transform(value) / 2 - low / 2) / (high / 2 - low / 2)
        return pixels.lower + fraction * (pixels.upper - pixels.lower)
    }

    /// Round values inside the domain to mark on the axis: about five, at steps of 1, 2 or 5
    /// times a power of ten; powers of ten on a logarithmic axis.
    public var ticks: [Double] {
        if isLogarithmic {
            let first = Int(log10(domain.lowerBound).rounded()), last = Int(log10(domain.upperBound).rounded())
            let every = max(1, (last - first + 5) / 6)
            return stride(from: first, through: last, by: every).map { pow(10, Double($0)) }
        }
        let step = Self.niceStep((domain.upperBound - domain.lowerBound) / 5)
        let count = ((domain.upperBound - domain.lowerBound) / step).rounded()
        guard count.isFinite, count <= 100 else { return [domain.lowerBound, domain.upperBound] }
        return (0...max(Int(count), 0)).map { domain.lowerBound + Double($0) * step }
    }

    /// 1, 2 or 5 times a power of ten, the nearest at or above `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, floor(log10(rough)))
        return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough * 0.999_999 } ?? 10 * power
    }

    /// A tick's label: at most four significant digits, no trailing zeros.
    public static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 1e5 || abs(value) < 1e-3 { return String(format: "%.0e", value) }
        return String(format: "%.4g", value)
    }

    /// Whether two scales have the same domain, pixels and kind.
    public static func == (left: ChartScale, right: ChartScale) -> Bool {
        left.domain == right.domain && left.pixels == right.pixels && left.isLogarithmic == right.isLogarithmic
    }
}
