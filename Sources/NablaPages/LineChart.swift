import Foundation

/// A small chart drawn as SVG: axes with ticks and labels, one or more series as lines or as
/// points, a legend; written into a ``SelfContainedPage`` with ``PageBlock/chart(_:)``.
///
/// Points whose x or y is not a finite number (or not positive on a logarithmic axis) are not
/// drawn; a note under the chart says how many were left out.
///
/// ```swift
/// let chart = LineChart(title: "Loss", xLabel: "epoch", yLabel: "loss",
///                       series: [ChartSeries(name: "mean loss", points: [(1, 0.9), (2, 0.7), (3, 0.6)])])
/// let svg = chart.svg
/// ```
public struct LineChart: Sendable {
    /// The title above the chart.
    public var title: String
    /// The x axis's label.
    public var xLabel: String
    /// The y axis's label.
    public var yLabel: String
    /// The series, drawn in order.
    public var series: [ChartSeries]
    /// The width and height in pixels.
    public var width: Double, height: Double
    /// Whether the x or the y axis follows the logarithm of the values.
    public var logarithmicX: Bool, logarithmicY: Bool
    /// Names for the x ticks at 0, 1, 2, ... instead of numbers (for a categorical value).
    public var xCategories: [String]?

    /// A chart of `series`.
    public init(title: String, xLabel: String, yLabel: String, series: [ChartSeries], width: Double = 640, height: Double = 300,
                logarithmicX: Bool = false, logarithmicY: Bool = false, xCategories: [String]? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.width = width
        self.height = height
        self.logarithmicX = logarithmicX
        self.logarithmicY = logarithmicY
        self.xCategories = xCategories
    }

    /// Space around the plotting area for the title, the ticks and the labels.
    static let margin = (left: 64.0, right: 16.0, top: 44.0, bottom: 44.0)
    /// The series' colours, in turn.
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    /// Whether `point` can be drawn: finite, and positive on a logarithmic axis.
    func isDrawable(_ point: ChartPoint) -> Bool {
        point.x.isFinite && point.y.isFinite && (!logarithmicX || point.x > 0) && (!logarithmicY || point.y > 0)
    }

    /// The points that cannot be drawn, over all series.
    public var skippedPointCount: Int { series.reduce(0) { $0 + $1.points.count { !isDrawable($0) } } }

    /// The x axis's scale (over every drawable point; 0 to the last category with categories).
    public var xScale: ChartScale {
        let pixels = (lower: Self.margin.left, upper: width - Self.margin.right)
        if let xCategories {
            return ChartScale(domain: -0.5...(Double(max(xCategories.count, 1)) - 0.5), pixels: pixels)
        }
        return ChartScale(values: series.flatMap { $0.points.filter(isDrawable).map(\.x) }, pixels: pixels, logarithmic: logarithmicX)
    }

    /// The y axis's scale (over every drawable point).
    public var yScale: ChartScale {
        ChartScale(values: series.flatMap { $0.points.filter(isDrawable).map(\.y) },
                   pixels: (lower: height - Self.margin.bottom, upper: Self.margin.top), logarithmic: logarithmicY)
    }

    /// The chart as an SVG file of its own: the ``svg`` element with the SVG namespace, which a
    /// browser or a Markdown page needs to show a file as a picture (a page's inline SVG does not).
    public var svgFile: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" " + svg.dropFirst("<svg ".count)
    }

    /// The chart as an `<svg>` element.
    public var svg: String {
        let x = xScale, y = yScale
        let left = Self.margin.left, right = width - Self.margin.right, top = Self.margin.top, bottom = height - Self.margin.bottom
        var svg = "<svg width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" "
            + "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" role=\"img\" aria-label=\"\(HTMLText.escaped(title))\">\n"
        svg += "<text x=\"\(Self.number(left))\" y=\"18\" font-size=\"14\" font-weight=\"bold\">\(HTMLText.escaped(title))</text>\n"
        svg += "<rect x=\"\(Self.number(left))\" y=\"\(Self.number(top))\" width=\"\(Self.number(right - left))\" "
            + "height=\"\(Self.number(bottom - top))\" fill=\"none\" stroke=\"#999\"/>\n"
        let xTicks: [(Double, String)] = xCategories.map { $0.enumerated().map { (Double($0.offset), $0.element) } }
            ?? x.ticks.map { ($0, ChartScale.label($0)) }
        for (value, label) in xTicks {
            let position = Self.number(x.position(value))
            svg += "<line x1=\"\(position)\" y1=\"\(Self.number(bottom))\" x2=\"\(position)\" y2=\"\(Self.number(bottom + 4))\" stroke=\"#999\"/>"
                + "<text x=\"\(position)\" y=\"\(Self.number(bottom + 16))\" font-size=\"11\" text-anchor=\"middle\">\(HTMLText.escaped(label))</text>\n"
        }
        for value in y.ticks {
            let position = Self.number(y.position(value))
            svg += "<line x1=\"\(Self.number(left))\" y1=\"\(position)\" x2=\"\(Self.number(right))\" y2=\"\(position)\" stroke=\"#eee\"/>"
                + "<text x=\"\(Self.number(left - 6))\" y=\"\(position)\" font-size=\"11\" text-anchor=\"end\" dominant-baseline=\"middle\">"
                + "\(ChartScale.label(value))</text>\n"
        }
        svg += "<text x=\"\(Self.number((left + right) / 2))\" y=\"\(Self.number(height - 6))\" font-size=\"12\" text-anchor=\"middle\">"
            + "\(HTMLText.escaped(xLabel))</text>\n"
        svg += "<text transform=\"translate(14 \(Self.number((top + bottom) / 2))) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">"
            + "\(HTMLText.escaped(yLabel))</text>\n"
        var legendX = left
        for (index, series) in series.enumerated() {
            let color = Self.colors[index % Self.colors.count]
            let points = series.points.filter(isDrawable).map { (x: Self.number(x.position($0.x)), y: Self.number(y.position($0.y))) }
            svg += "<g class=\"series\" data-name=\"\(HTMLText.escaped(series.name))\">"
            if series.style == .line && points.count > 1 {
                svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\""
                    + points.map { "\($0.x),\($0.y)" }.joined(separator: " ") + "\"/>"
            }
            if series.style == .points || points.count == 1 {
                svg += points.map { "<circle cx=\"\($0.x)\" cy=\"\($0.y)\" r=\"3\" fill=\"\(color)\"/>" }.joined()
            }
            svg += "</g>\n"
            svg += "<rect x=\"\(Self.number(legendX))\" y=\"27.0\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
                + "<text x=\"\(Self.number(legendX + 14))\" y=\"36.0\" font-size=\"11\">\(HTMLText.escaped(series.name))</text>\n"
            legendX += 30 + 6.5 * Double(series.name.count)
        }
        let skipped = skippedPointCount
        if skipped > 0 {
            let reason = logarithmicX || logarithmicY ? "not finite or not positive on a logarithmic axis" : "not finite numbers"
            svg += "<text class=\"skipped\" x=\"\(Self.number(right))\" y=\"\(Self.number(height - 6))\" font-size=\"11\" text-anchor=\"end\" "
                + "fill=\"#a00\">\(skipped) point\(skipped == 1 ? "" : "s") not drawn (\(reason))</text>\n"
        }
        if series.allSatisfy({ $0.points.filter(isDrawable).isEmpty }) {
            svg += "<text x=\"\(Self.number((left + right) / 2))\" y=\"\(Self.number((top + bottom) / 2))\" font-size=\"12\" "
                + "text-anchor=\"middle\" fill=\"#666\">no data</text>\n"
        }
        return svg + "</svg>"
    }

    /// A coordinate with one decimal, as SVG reads it.
    static func number(_ value: Double) -> String { String(format: "%.1f", value) }
}
