import Foundation

/// One HTML file that needs nothing else: its style, pictures (inline SVG), data (JSON) and
/// script are all inside it, so it opens in any browser without a network.
///
/// Every text given to a page is escaped when the page is written; only SVG from ``LineChart``
/// and markup passed as ``PageBlock/markup(_:)`` are written as they are.
///
/// ```swift
/// var page = SelfContainedPage(title: "Training")
/// page.add(PageSection(heading: "Loss", blocks: [.paragraph("Mean loss per epoch."), .chart(chart)]))
/// try page.embed(["loss": [0.9, 0.7]], id: "losses")
/// let html = page.html
/// ```
public struct SelfContainedPage: Sendable {
    /// The page's title, shown as its first heading and in the browser's tab.
    public var title: String
    /// A line under the title (empty: none).
    public var subtitle: String
    /// The page's CSS, written in a `<style>` element.
    public var style: String
    /// An optional script, written in a `<script>` element at the end of the body; any
    /// `</script` in it is written as `<\/script`.
    public var script: String?
    /// The sections, in order.
    public private(set) var sections: [PageSection] = []
    /// Data embedded as `<script type="application/json">` elements: id and JSON text.
    public private(set) var embeddedData: [(id: String, json: String)] = []

    /// An empty page titled `title`, with the default style.
    public init(title: String, subtitle: String = "", style: String = SelfContainedPage.defaultStyle, script: String? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.style = style
        self.script = script
    }

    /// Adds `section` after the others.
    public mutating func add(_ section: PageSection) { sections.append(section) }

    /// Embeds `value` as JSON under `id`, for a script or a reader to take back out of the page
    /// (`JSON.parse(document.getElementById(id).textContent)`).
    ///
    /// Non-finite numbers are written as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.
    ///
    /// - Throws: `EncodingError` when `value`'s own encoding fails.
    public mutating func embed<Value: Encodable>(_ value: Value, id: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        embeddedData.append((id, String(decoding: try encoder.encode(value), as: UTF8.self)))
    }

    /// The whole page as HTML text.
    public var html: String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escaped(title))</title>
            <style>
            \(style.replacingOccurrences(of: "</", with: "<\\/"))
            </style>
            </head>
            <body>
            <h1>\(HTMLText.escaped(title))</h1>\n
            """
        if !subtitle.isEmpty { html += "<p class=\"subtitle\">\(HTMLText.escaped(subtitle))</p>\n" }
        for section in sections { html += section.html }
        for (id, json) in embeddedData {
            html += "<script type=\"application/json\" id=\"\(HTMLText.escaped(id))\">\(HTMLText.scriptSafeJSON(json))</script>\n"
        }
        if let script {
            let safe = script.replacingOccurrences(of: "</script", with: "<\\/script", options: .caseInsensitive)
            html += "<script>\n\(safe)\n</script>\n"
        }
        return html + "</body>\n</html>\n"
    }

    /// A plain style: system fonts, readable widths, tables with lines between rows, small
    /// charts side by side.
    public static let defaultStyle = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
               max-width: 1100px; margin: 1.5em auto; padding: 0 1em; line-height: 1.4; }
        h1 { font-size: 1.5em; margin-bottom: 0.2em; }
        h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
        .subtitle, .note { color: #666; }
        table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
        th, td { padding: 0.2em 0.8em; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        .charts { display: flex; flex-wrap: wrap; gap: 0.8em; }
        svg { background: #fff; }
        svg text { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
        """
}
