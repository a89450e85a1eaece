/// Escaping for text written into a page: every text a page or a chart shows goes through it.
public enum HTMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references, so that it reads
    /// as itself in an element's content and in a quoted attribute value alike.
    ///
    /// ```swift
    /// HTMLText.escaped(#"loss < 1 & "fast""#)  // loss &lt; 1 &amp; &quot;fast&quot;
    /// ```
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// JSON text made safe inside a `<script>` element: every `<` becomes `\u003c`, which JSON
    /// reads as the same character, so no `</script>` or `<!--` can end or change the element.
    public static func scriptSafeJSON(_ json: String) -> String {
        json.replacingOccurrences(of: "<", with: "\\u003c")
    }
}
