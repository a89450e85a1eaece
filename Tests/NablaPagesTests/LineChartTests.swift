import NablaPages
import Testing

/// The SVG of a chart: where points land, escaping, and series with no, one or non-finite points.
@Suite struct LineChartTests {
    /// A 640×300 chart of `series` (plotting area: x from 64 to 624, y from 256 up to 44).
    func chart(_ series: [ChartSeries], title: String = "chart", logarithmicY: Bool = false) -> LineChart {
        LineChart(title: title, xLabel: "x", yLabel: "y", series: series, logarithmicY: logarithmicY)
    }

    @Test func aChartWrittenAsAFileCarriesTheSVGNamespaceAndTheSameDrawing() {
        let chart = LineChart(title: "Loss", xLabel: "epoch", yLabel: "loss", series: [ChartSeries(name: "loss", points: [(1, 0.9), (2, 0.7)])])
        #expect(chart.svgFile.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width="))
        #expect(chart.svgFile.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\" ", with: "") == chart.svg)
        #expect(!chart.svg.contains("http:"), "a page's inline chart refers to nothing outside it")
    }

    @Test func pointsMapOntoThePlottingArea() {
        let svg = chart([ChartSeries(name: "line", points: [(0, 0), (5, 5), (10, 10)])]).svg
        #expect(svg.contains(#"points="64.0,256.0 344.0,150.0 624.0,44.0""#), "\(svg)")
        // Ticks every 2 along both axes, labelled.
        #expect(svg.contains(#">10</text>"#) && svg.contains(#">4</text>"#))
    }

    @Test func aScatterSeriesIsDrawnAsDots() {
        let svg = chart([ChartSeries(name: "dots", points: [(0, 0), (10, 10)], style: .points)]).svg
        #expect(svg.contains(#"<circle cx="64.0" cy="256.0""#) && svg.contains(#"<circle cx="624.0" cy="44.0""#))
        #expect(!svg.contains("<polyline"))
    }

    @Test func aSinglePointSitsInTheMiddleAsADot() {
        let svg = chart([ChartSeries(name: "one", points: [(3, 7)])]).svg
        #expect(svg.contains(#"<circle cx="344.0" cy="150.0""#), "\(svg)")
        #expect(!svg.contains("<polyline"))
    }

    @Test func anEmptyChartSaysItHasNoData() {
        let svg = chart([ChartSeries(name: "none", points: [ChartPoint]())]).svg
        #expect(svg.contains(">no data</text>") && !svg.contains("<polyline") && !svg.contains("<circle"))
        #expect(chart([]).svg.contains(">no data</text>"))
        #expect(chart([], logarithmicY: true).yScale.domain == 1...10)
        let logarithmicX = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [], logarithmicX: true)
        #expect(logarithmicX.svg.contains(">no data</text>") && logarithmicX.xScale.ticks == [1, 10])
    }

    @Test func nonFinitePointsAreLeftOutWithANote() {
        let chart = chart([ChartSeries(name: "gaps", points: [(0, 0), (1, .nan), (2, .infinity), (4, 4)]),
                           ChartSeries(name: "more", points: [(-.infinity, 1)], style: .points)])
        #expect(chart.skippedPointCount == 3)
        #expect(chart.svg.contains(#"points="64.0,256.0 624.0,44.0""#), "\(chart.svg)")
        #expect(chart.svg.contains("3 points not drawn (not finite numbers)"))
        #expect(chart.svg.ranges(of: /="[^"]*(nan|inf)/).isEmpty, "no attribute holds a non-finite number")
    }

    @Test func aLogarithmicAxisPlacesPowersOfTenEvenly() {
        let chart = chart([ChartSeries(name: "log", points: [(0, 1), (1, 10), (2, 100), (3, 0)])], logarithmicY: true)
        #expect(chart.yScale.domain == 1...100)
        #expect(chart.svg.contains(#"points="64.0,256.0 344.0,150.0 624.0,44.0""#), "\(chart.svg)")
        #expect(chart.svg.contains("1 point not drawn (not finite or not positive on a logarithmic axis)"))
    }

    @Test func textsAreEscaped() {
        let svg = chart([ChartSeries(name: #"a "b" <c>"#, points: [(0, 1)])], title: #"<script>alert("x")</script> & co"#).svg
        #expect(!svg.contains("<script") && !svg.contains(#"a "b""#))
        #expect(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"))
        #expect(svg.contains(#"data-name="a &quot;b&quot; &lt;c&gt;""#))
    }

    @Test func categoriesNameTheXTicks() {
        let chart = LineChart(title: "alpha", xLabel: "sample_alpha", yLabel: "MRR", series: [
            ChartSeries(name: "trials", points: [(0, 0.1), (2, 0.3)], style: .points)], xCategories: ["0", "0.5", "1"])
        #expect(chart.xScale.domain == -0.5...2.5)
        #expect(chart.svg.contains(">0.5</text>"))
        // Category 0 at a sixth of the width, category 2 at five sixths.
        #expect(chart.svg.contains(#"<circle cx="157.3""#) && chart.svg.contains(#"<circle cx="530.7""#), "\(chart.svg)")
    }

    @Test func extremeValuesStillGiveAnAxis() {
        let scale = ChartScale(values: [-1e308, 1e308], pixels: (lower: 0, upper: 100))
        #expect(scale.ticks.count >= 2 && scale.ticks.allSatisfy(\.isFinite))
        let svg = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [ChartSeries(name: "s", points: [(0, -1e308), (1, 1e308)])]).svg
        #expect(svg.contains(#"points="64.0,256.0 624.0,44.0""#), "\(svg)")
    }

    @Test func ticksAreRoundNumbersCoveringTheValues() {
        let scale = ChartScale(values: [0.013, 0.0871], pixels: (lower: 0, upper: 100))
        #expect(scale.domain == 0...0.1)
        #expect(scale.ticks.map(ChartScale.label) == ["0", "0.02", "0.04", "0.06", "0.08", "0.1"])
        #expect(scale.position(0.05) == 50)
    }
}
