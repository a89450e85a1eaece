import Foundation
import NablaTestSupport
import Testing

/// `gru4rec draw` of a window of several steps lays GRU4Rec's states out in the time grid (time
/// left to right, layers bottom to top), as the unrolled GRU's pictures are, and its title
/// counts sessions in the right number.
@Suite struct DrawGridCommandTests: DemoDataCommandSuite {
    /// Where each drawn text starting with `prefix` stands in `svg`, by the whole text: Graphviz
    /// writes `<text ... x="…" y="…" ...>label</text>`, y growing downwards.
    static func textPositions(in svg: String, startingWith prefix: String) -> [String: SIMD2<Double>] {
        var positions: [String: SIMD2<Double>] = [:]
        for match in svg.matches(of: /<text[^>]* x="([-0-9.]+)" y="([-0-9.]+)"[^>]*>([^<]*)<\/text>/) {
            let text = String(match.output.3)
            guard text.hasPrefix(prefix), let x = Double(match.output.1), let y = Double(match.output.2) else { continue }
            positions[text] = SIMD2(x, y)
        }
        return positions
    }

    @Test func aWindowOfTwoLayersIsDrawnInTheTimeGrid() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let picture = folder.appendingPathComponent("window.svg").path
        let drawn = try gru4rec([
            "draw", "--train", folder.appendingPathComponent("demo_train.tsv").path,
            "-p", "layers=4/3,n_sample=2,bptt_steps=3", "--slots", "1", "--output", picture])
        #expect(drawn.status == 0, "\(drawn.errors)")
        #expect(!drawn.errors.contains("triangulation failed"), "\(drawn.errors)")
        let svg = try String(contentsOfFile: picture, encoding: .utf8)
        #expect(svg.contains("one training window of 3 steps over 1 session<") && !svg.contains("1 sessions"))
        let states = Self.textPositions(in: svg, startingWith: "h")
        func centre(_ layer: Int, _ time: Int) throws -> SIMD2<Double> {
            let layers = ["⁰", "¹"], times = ["₀", "₁", "₂"]
            return try #require(states["h\(layers[layer])\(times[time]) = gru.pytorch"], "no state of layer \(layer) at t\(time): \(states.keys)")
        }
        for layer in 0..<2 {
            for time in 1..<3 {
                #expect(try centre(layer, time - 1).x < centre(layer, time).x, "layer \(layer): t\(time - 1) is not left of t\(time)")
                #expect(try centre(layer, time - 1).y == centre(layer, time).y, "layer \(layer): t\(time - 1) and t\(time) on different rows")
            }
        }
        for time in 0..<3 {
            #expect(try centre(0, time).y > centre(1, time).y, "t\(time): layer 0 is not below layer 1")
        }
        for time in 0..<3 { #expect(svg.contains(">t\(time)</text>")) }
    }

    @Test func oneStepOverTwoSessionsSaysSessions() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path
        for (slots, title) in [("1", "one training step over 1 session<"), ("2", "one training step over 2 sessions<")] {
            let picture = folder.appendingPathComponent("step\(slots).svg").path
            let drawn = try gru4rec(["draw", "--train", train, "-p", "layers=4,n_sample=2",
                                                                     "--slots", slots, "--output", picture])
            #expect(drawn.status == 0, "\(drawn.errors)")
            #expect(try String(contentsOfFile: picture, encoding: .utf8).contains(title), "\(slots) slots")
        }
    }
}
