import Foundation
import Nabla

/// One hyperparameter to search: its name and the values it may take.
///
/// The search works on one number per parameter, its *coordinate*: the value itself for a
/// numeric parameter (an integer as a whole `Double`), the index of the value for a categorical
/// one. ``text(of:)`` turns a coordinate into the text a parameter string carries, and every
/// coordinate the search proposes is snapped to a value whose text reads back to it exactly, so
/// what a journal records is what was trained.
///
/// ```swift
/// let layers = SearchParameter(name: "layers", domain: .integer(low: 64, high: 512, step: 32, log: false))
/// layers.text(of: 96)   // "96"
/// ```
public struct SearchParameter: Sendable, Equatable {
    /// The values a parameter may take.
    public enum Domain: Sendable, Equatable {
        /// The integers `low`, `low + step`, … up to `high`; drawn uniformly, or uniformly in
        /// their logarithm when `log` is true.
        case integer(low: Int, high: Int, step: Int, log: Bool)
        /// The reals from `low` to `high`, on the grid `low + k·step` when a step is given; drawn
        /// uniformly, or uniformly in their logarithm when `log` is true.
        case real(low: Double, high: Double, step: Double?, log: Bool)
        /// One of the listed values, as the text a parameter string carries.
        case categorical([String])
    }

    /// The parameter's name, as a parameter string spells it.
    public let name: String
    /// The values it may take.
    public let domain: Domain

    /// A parameter named `name` taking the values of `domain`.
    ///
    /// - Parameters:
    ///   - name: The name a parameter string gives it.
    ///   - domain: Its values; its bounds are assumed consistent (``SearchSpace/parse(_:source:)`` checks them).
    public init(name: String, domain: Domain) {
        self.name = name
        self.domain = domain
    }

    /// Whether the coordinate is a number on a line (rather than the index of a category).
    public var isNumeric: Bool {
        if case .categorical = domain { return false }
        return true
    }

    /// The number of categories (0 for a numeric parameter).
    public var categoryCount: Int {
        if case .categorical(let values) = domain { return values.count }
        return 0
    }

    // MARK: Coordinates and text

    /// The text of the value at `coordinate`, as a parameter string carries it.
    ///
    /// - Parameter coordinate: A value (numeric parameter) or a category index.
    /// - Returns: `96` for an integer, the shortest decimals of the grid for a stepped real
    ///   (`0.07`, not `0.07000000000000001`), six significant digits for a real without a step.
    public func text(of coordinate: Double) -> String {
        switch domain {
        case .integer:
            return String(Int(coordinate.rounded()))
        case .real(let low, _, let step?, _):
            let digits = max(Self.decimals(of: step), Self.decimals(of: low))
            return Self.trimmed(String(format: "%.\(digits)f", coordinate))
        case .real:
            return String(format: "%.6g", coordinate)
        case .categorical(let values):
            return values[min(max(Int(coordinate.rounded()), 0), values.count - 1)]
        }
    }

    /// The coordinate of a value given as text (a journal's), or `nil` if it is not one of this
    /// parameter's values.
    ///
    /// - Parameter text: A value's text, as ``text(of:)`` writes it.
    public func coordinate(ofText text: String) -> Double? {
        if case .categorical(let values) = domain { return values.firstIndex(of: text).map(Double.init) }
        guard let value = Double(text), value.isFinite else { return nil }
        return snapped(value) == value ? value : nil
    }

    /// The nearest value this parameter takes: clamped to its bounds, rounded to its grid, and
    /// read back from its own text.
    ///
    /// - Parameter coordinate: Any number in the coordinate's scale (not the logarithm).
    public func snapped(_ coordinate: Double) -> Double {
        switch domain {
        case .integer(let low, let high, let step, _):
            let steps = ((coordinate - Double(low)) / Double(step)).rounded()
            return min(max(Double(low) + steps * Double(step), Double(low)), Double(high))
        case .real(let low, let high, let step, _):
            var value = min(max(coordinate, low), high)
            if let step { value = min(low + ((value - low) / step).rounded() * step, high) }
            return Double(text(of: value)) ?? value
        case .categorical(let values):
            return min(max(coordinate.rounded(), 0), Double(values.count - 1))
        }
    }

    // MARK: The scale the search works in

    /// Whether the search works on the logarithm of the value.
    var isLogarithmic: Bool {
        switch domain {
        case .integer(_, _, _, let log), .real(_, _, _, let log): return log
        case .categorical: return false
        }
    }

    /// A value in the scale the search works in (its logarithm for a log-scaled parameter).
    func warped(_ value: Double) -> Double { isLogarithmic ? Foundation.log(value) : value }

    /// The inverse of ``warped(_:)``.
    func unwarped(_ value: Double) -> Double { isLogarithmic ? exp(value) : value }

    /// The interval the search draws from, in its scale: the bounds, widened by half a step on
    /// each side for a grid so that the end values are as likely as the others.
    var searchInterval: (low: Double, high: Double) {
        switch domain {
        case .integer(let low, let high, let step, _):
            let half = Double(step) / 2
            return (warped(max(Double(low) - half, isLogarithmic ? Double(low) / 2 : -.infinity)), warped(Double(high) + half))
        case .real(let low, let high, let step, _):
            let half = (step ?? 0) / 2
            return (warped(low - half), warped(high + half))
        case .categorical(let values):
            return (0, Double(values.count - 1))
        }
    }

    /// A value drawn uniformly (in the search's scale for a numeric parameter).
    ///
    /// - Parameter random: The generator to draw from.
    func uniformSample(using random: inout SeededRandomGenerator) -> Double {
        if case .categorical(let values) = domain { return Double(random.nextInt(below: values.count)) }
        let (low, high) = searchInterval
        return snapped(unwarped(low + random.nextUnitInterval() * (high - low)))
    }

    /// Decimal places needed to write `value` exactly (at most 12).
    static func decimals(of value: Double) -> Int {
        var scaled = abs(value)
        for digits in 0...12 {
            if abs(scaled - scaled.rounded()) < 1e-9 * max(1, scaled) { return digits }
            scaled *= 10
        }
        return 12
    }

    /// `0.070` → `0.07`, `1.000` → `1`.
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.hasSuffix("0") { result = result.dropLast() }
        if result.hasSuffix(".") { result = result.dropLast() }
        return result == "-0" ? "0" : String(result)
    }
}
