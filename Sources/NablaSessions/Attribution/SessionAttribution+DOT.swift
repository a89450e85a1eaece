import Foundation
import NablaNN

extension SessionAttribution {
    /// The session drawn as a chain of items, left to right, each filled by its attribution, with
    /// the explained item at the end, as Graphviz DOT text (render it with `NablaGraphviz`'s
    /// `Graphviz.render(dot:format:to:)`).
    ///
    /// Red steps raised the target's score and blue steps lowered it; the stronger the colour, the
    /// larger the attribution compared with the largest one in the session. Each step shows its
    /// attribution and its share of the total; the target shows its score and the baseline's, and
    /// the title gives the method and the completeness residual.
    ///
    /// - Parameters:
    ///   - itemMap: the model's item ids, to name the steps and the target.
    ///   - title: a first line for the title, before the method and the sums.
    /// - Returns: a `digraph` in DOT.
    public func dot(itemMap: ItemMap, title: String? = nil) -> String {
        let largest = attributions.map(abs).max() ?? 0
        let shares = shares
        var lines = [
            "digraph attribution {",
            "  rankdir=LR;",
            "  labelloc=t;",
            "  fontname=\"Helvetica\";",
            "  label=\(DOT.quoted(titleLines(title).joined(separator: "\n")));",
            "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=12];",
            "  edge [color=\"#777777\"];",
        ]
        for (step, item) in session.enumerated() {
            let value = attributions[step]
            let share = shares.map { "  (" + Self.percent($0[step]) + ")" } ?? ""
            let label = "\(step + 1). \(itemMap.ids[item])\n\(Self.signed(value))\(share)"
            let strength = largest > 0 ? abs(value) / largest : 0
            lines.append("  step\(step) [label=\(DOT.quoted(label)), fillcolor=\"\(Self.fill(value, strength: strength))\", "
                + "fontcolor=\"\(strength > 0.6 ? "white" : "black")\"];")
        }
        let targetLabel = "\(itemMap.ids[target])\nscore \(Self.fixed(score))\nbaseline score \(Self.fixed(baselineScore))"
        lines.append("  target [label=\(DOT.quoted(targetLabel)), shape=box, style=\"bold,rounded\", penwidth=2];")
        for step in session.indices {
            let next = step + 1 < session.count ? "step\(step + 1)" : "target"
            lines.append("  step\(step) -> \(next);")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The title: the caller's line, the method and baseline, and the completeness sums.
    func titleLines(_ title: String?) -> [String] {
        let baselineText = method == .gradientTimesInput ? "" : ", \(baseline)"
        return (title.map { [$0] } ?? []) + [
            "\(method)\(baselineText): red raised the score, blue lowered it",
            "sum \(Self.fixed(total)), score − baseline score \(Self.fixed(score - baselineScore)), "
                + "residual \(String(format: "%.2e", residual))",
        ]
    }

    /// White blended towards red (positive) or blue (negative) by `strength` in `[0, 1]`.
    static func fill(_ value: Double, strength: Double) -> String {
        let full: (Double, Double, Double) = value >= 0 ? (215, 48, 39) : (69, 117, 180)
        let mix = { (channel: Double) in Int((255 + (channel - 255) * strength).rounded()) }
        return String(format: "#%02x%02x%02x", mix(full.0), mix(full.1), mix(full.2))
    }

    /// `+1.2345` or `-0.0123`.
    static func signed(_ value: Double) -> String { String(format: "%+.4f", value) }

    /// `1.2345`.
    static func fixed(_ value: Double) -> String { String(format: "%.4f", value) }

    /// `45.1%`.
    static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }
}
