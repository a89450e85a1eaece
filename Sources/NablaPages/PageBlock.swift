/// One thing a ``PageSection`` shows.
public enum PageBlock: Sendable {
    /// A paragraph of text.
    case paragraph(String)
    /// A paragraph in grey, for remarks.
    case note(String)
    /// A table: its header and rows of cells; cells that read as numbers are aligned right.
    case table(header: [String], rows: [[String]])
    /// A chart, drawn as inline SVG.
    case chart(LineChart)
    /// Several charts side by side, wrapping to the next line.
    case charts([LineChart])
    /// Markup written as it is (inline SVG of a drawing, say): the caller escapes its text.
    case markup(String)

    /// The block as HTML.
    var html: String {
        switch self {
        case .paragraph(let text): return "<p>\(HTMLText.escaped(text))</p>\n"
        case .note(let text): return "<p class=\"note\">\(HTMLText.escaped(text))</p>\n"
        case .table(let header, let rows):
            func cell(_ text: String, _ tag: String) -> String {
                let numeric = tag == "td" && Double(text.replacingOccurrences(of: ",", with: "")) != nil
                return "<\(tag)\(numeric ? " class=\"number\"" : "")>\(HTMLText.escaped(text))</\(tag)>"
            }
            return "<table>\n<tr>" + header.map { cell($0, "th") }.joined() + "</tr>\n"
                + rows.map { "<tr>" + $0.map { cell($0, "td") }.joined() + "</tr>\n" }.joined() + "</table>\n"
        case .chart(let chart): return "<figure>\(chart.svg)</figure>\n"
        case .charts(let charts): return "<div class=\"charts\">\n" + charts.map { $0.svg + "\n" }.joined() + "</div>\n"
        case .markup(let markup): return markup + "\n"
        }
    }
}
