import Foundation
import NablaPages
import Testing

/// A page needs nothing outside itself, and nothing given to it can end an element early.
@Suite struct SelfContainedPageTests {
    func page() throws -> SelfContainedPage {
        var page = SelfContainedPage(title: "Loss <b>", subtitle: "run & done", script: "console.log('</script>')")
        page.add(PageSection(heading: "Figures", blocks: [
            .paragraph("a < b"), .note("\"quoted\""),
            .table(header: ["epoch", "loss"], rows: [["1", "0.5"], ["two", "1,234"]]),
            .chart(LineChart(title: "loss", xLabel: "epoch", yLabel: "loss", series: [ChartSeries(name: "s", points: [(1, 0.5), (2, 0.4)])])),
        ]))
        try page.embed(["names": ["</script><script>alert(1)</script>", "<!--"]], id: "data")
        return page
    }

    @Test func everyTextIsEscaped() throws {
        let html = try page().html
        #expect(html.contains("<title>Loss &lt;b&gt;</title>") && html.contains("<h1>Loss &lt;b&gt;</h1>"))
        #expect(html.contains("<p class=\"subtitle\">run &amp; done</p>") && html.contains("<p>a &lt; b</p>"))
        #expect(html.contains("<p class=\"note\">&quot;quoted&quot;</p>"))
        #expect(html.contains(#"<td>two</td><td class="number">1,234</td>"#))
    }

    @Test func embeddedDataAndScriptCannotCloseTheirElement() throws {
        let html = try page().html
        // The script elements' own closers only: one for the data, one for the script.
        #expect(html.components(separatedBy: "</script>").count - 1 == 2, "\(html)")
        #expect(!html.contains("<!--"))
        #expect(html.contains(#"console.log('<\/script>')"#))
        let start = try #require(html.range(of: #"<script type="application/json" id="data">"#))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let decoded = try JSONDecoder().decode([String: [String]].self, from: Data(html[start.upperBound..<end.lowerBound].utf8))
        #expect(decoded["names"] == ["</script><script>alert(1)</script>", "<!--"])
    }

    @Test func thePageReferencesNothingOutsideItself() throws {
        let html = try page().html
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        for reference in ["http:", "https:", "src=", "href=", "@import", "url("] { #expect(!html.contains(reference), "\(reference)") }
        #expect(html.contains("<svg") && html.contains("<style>"))
    }

    @Test func nonFiniteNumbersAreEmbeddedAsStrings() throws {
        var page = SelfContainedPage(title: "t")
        try page.embed([Double.nan, .infinity, 1], id: "values")
        #expect(page.html.contains(#"["NaN","Infinity",1]"#))
    }
}
