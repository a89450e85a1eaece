import Foundation
import NablaTestSupport
import Testing

/// `gru4rec draw --output step.html` writes one self-contained page stepping through the
/// backward pass of a training step, and refuses to replace a file without `--overwrite`.
@Suite struct DrawPageCommandTests: DemoDataCommandSuite {
    @Test func drawWritesAPageThatStepsThroughBackpropagation() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path
        let page = folder.appendingPathComponent("step.html").path
        let arguments = ["draw", "--train", train, "-p", "layers=4,n_sample=4", "--slots", "1", "--output", page]
        let drawn = try gru4rec(arguments)
        #expect(drawn.status == 0, "\(drawn.errors)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.contains("http:") && !html.contains("src="))
        let trace = try PageTrace(html: html)
        #expect(trace.backward.map(\.node) == trace.forward.reversed())
        #expect(!trace.backward.isEmpty)
        for step in trace.backward {
            #expect(!step.rule.contains("no rule recorded"), "no rule for \(step.op)")
            #expect(html.contains("<title>n\(step.node)</title>"))
        }
        let again = try gru4rec(arguments)
        #expect(again.status != 0 && again.errors.contains("pass --overwrite"), "\(again.errors)")
        #expect(try gru4rec(arguments + ["--overwrite"]).status == 0)
    }

    @Test func drawRefusesAnUnknownExtension() throws {
        let refused = try gru4rec(["draw", "--train", "x.tsv", "--output", "step.htm"])
        #expect(refused.status != 0 && refused.errors.contains(".svg, .png, .pdf or .html"), "\(refused.errors)")
    }
}
