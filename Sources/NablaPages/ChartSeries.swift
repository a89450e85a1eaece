/// A named list of points in a ``LineChart``.
public struct ChartSeries: Sendable {
    /// How a series is drawn.
    public enum Style: Sendable {
        /// Joined by a line (a single point is drawn as a dot).
        case line
        /// Dots, not joined.
        case points
    }

    /// The name the legend gives.
    public var name: String
    /// The points, in drawing order.
    public var points: [ChartPoint]
    /// Line or dots.
    public var style: Style

    /// A series named `name` through `points`.
    public init(name: String, points: [ChartPoint], style: Style = .line) {
        self.name = name
        self.points = points
        self.style = style
    }

    /// A series named `name` through the `(x, y)` pairs.
    public init(name: String, points: [(Double, Double)], style: Style = .line) {
        self.init(name: name, points: points.map { ChartPoint(x: $0.0, y: $0.1) }, style: style)
    }
}

/// A point of a ``ChartSeries``.
public struct ChartPoint: Sendable, Equatable {
    /// The value along the x axis.
    public var x: Double
    /// The value along the y axis.
    public var y: Double

    /// The point (`x`, `y`).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}
