/// Text in Graphviz's DOT language, the one form both drawings of Nabla write: computation graphs
/// (NablaGraphviz) and session attributions (NablaSessions).
///
/// ```swift
/// "n1 [label=\(DOT.quoted("tanh\n[32, 100]"))];"   // n1 [label="tanh\n[32, 100]"];
/// ```
public enum DOT {
    /// `text` as a DOT double-quoted string: quotes and backslashes escaped, line breaks (`LF` or
    /// `CRLF`) written as `\n` (Graphviz centres each line), other carriage returns left out.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n", "\r\n": result += "\\n"
            case "\r": continue
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
