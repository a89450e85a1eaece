import Foundation
import Nabla
import NablaGraphviz
import NablaNN
import NablaTestSupport
import Testing

/// The backpropagation page of a GRU step: its trace says what `backward()` did, and the page
/// needs nothing outside itself.
@Suite struct BackpropagationPageTests {
    /// A GRU unrolled over two steps, scored against four items with cross-entropy, after
    /// `backward()` with every op's gradient kept.
    static func gruStepLoss(_ implementation: GRUImplementation) -> Tensor<Double> {
        var generator = SeededRandomGenerator(seed: 11)
        let gru = GRU<Double>(inputSize: 3, hiddenSizes: [4], implementation: implementation, using: &generator)
        gru.labelParameters(prefix: "gru")
        let inputs = [Tensor<Double>(ones: [2, 3]), Tensor<Double>([0.5, -1, 2, 0.25, 1, -0.5], shape: [2, 3])]
        let output = Tensor<Double>((0..<8).map { Double($0) / 10 - 0.3 }, shape: [4, 2], requiresGrad: true)
        let scores = matmul(gru.unrolled(inputs).outputs[1].tanh(), output)
        let loss = Losses.crossEntropy(scores.sliced(0..<2, axis: 1))
        ComputationGraph.retainGradients(of: loss)
        loss.backward()
        return loss
    }

    @Test(arguments: GRUImplementation.allCases)
    func backwardRunsTheOpsInReverseTopologicalOrder(_ implementation: GRUImplementation) {
        let loss = Self.gruStepLoss(implementation)
        let trace = BackpropagationTrace(of: loss)
        #expect(trace.backward.map(\.node) == trace.forward.reversed())
        #expect(trace.backward.first?.node == trace.nodes.count - 1)
        // Every op's inputs come after it in the backward order.
        let position = Dictionary(uniqueKeysWithValues: trace.backward.enumerated().map { ($1.node, $0) })
        for step in trace.backward {
            for input in trace.nodes[step.node].inputs {
                if let later = position[input] { #expect(later > position[step.node]!) }
            }
        }
        #expect(trace.forward == trace.nodes.filter { $0.op != nil }.map(\.id))
    }

    @Test(arguments: GRUImplementation.allCases)
    func everyOpOfAGRUStepHasItsRule(_ implementation: GRUImplementation) {
        let trace = BackpropagationTrace(of: Self.gruStepLoss(implementation))
        for step in trace.backward {
            #expect(DerivativeRules.rules[step.op]?.isEmpty == false, "no rule for \(step.op)")
            #expect(step.rule.hasPrefix("\(step.op): ") && step.rule.count > step.op.count + 4)
        }
    }

    @Test func gradientSummariesAreTheTensorsGradients() {
        let loss = Self.gruStepLoss(.fused)
        let trace = BackpropagationTrace(of: loss)
        let tensors = loss.graphTensors()
        #expect(tensors.count == trace.nodes.count)
        for (tensor, node) in zip(tensors, trace.nodes) {
            #expect(node.value == TensorSummary(of: tensor))
            guard let gradient = tensor.grad else {
                #expect(node.gradient == nil)
                continue
            }
            let values = gradient.scalars
            #expect(node.gradient?.first == Array(values.prefix(TensorSummary.shownCount)))
            #expect(node.gradient?.max == values.max())
            #expect(abs((node.gradient?.norm ?? -1) - values.reduce(0) { $0 + $1 * $1 }.squareRoot()) < 1e-12)
        }
        #expect(trace.nodes.last?.gradient?.first == [1])
        #expect(trace.nodes.last?.gradientCompleteAfterStep == -1)
    }

    @Test func gradientIsCompleteAfterTheLastReaderRan() {
        let trace = BackpropagationTrace(of: Self.gruStepLoss(.fused))
        for node in trace.nodes where node.gradientCompleteAfterStep != nil && node.kind != "output" {
            let readers = trace.backward.indices.filter { trace.nodes[trace.backward[$0].node].inputs.contains(node.id) }
            #expect(node.gradientCompleteAfterStep == readers.max())
        }
    }

    @Test func pageIsSelfContainedAndNamesEveryNode() throws {
        let loss = Self.gruStepLoss(.fused)
        let page = try BackpropagationPage(of: loss, title: "A GRU step")
        let html = try page.html
        #expect(!html.contains("http:") && !html.contains("https:"))
        #expect(!html.contains("src="))
        let hrefs = html.matches(of: /href="([^"]*)"/).map { String($0.output.1) }
        #expect(hrefs.allSatisfy { $0.hasPrefix("#") })
        #expect(html.contains(#"<script type="application/json" id="trace">"#))
        for step in page.trace.backward { #expect(html.contains("<title>n\(step.node)</title>")) }
        #expect(html.contains("<svg") && !html.contains("<?xml"))
    }

    @Test func pageIsWrittenToAFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backpropagation-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("step.html")
        let page = try BackpropagationPage(of: Self.gruStepLoss(.composed), title: "A GRU step")
        try page.write(to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == page.html)
    }

    @Test func recordedStepsSayWhatEachDerivativeSentToEachInput() throws {
        var generator = SeededRandomGenerator(seed: 11)
        let gru = GRU<Double>(inputSize: 3, hiddenSizes: [4], implementation: .composed, using: &generator)
        let loss = gru.unrolled([Tensor<Double>(ones: [2, 3]), Tensor<Double>(ones: [2, 3])]).outputs[1].tanh().sum()
        let trace = BackpropagationTrace.backpropagating(loss)
        let readers = Dictionary(grouping: trace.backward.flatMap { step in trace.nodes[step.node].inputs.map { ($0, step.node) } }, by: \.0)
        var checked = 0
        for step in trace.backward {
            let sent = try #require(step.sent)
            #expect(sent.count == trace.nodes[step.node].inputs.count)
            for (input, summary) in zip(trace.nodes[step.node].inputs, sent) {
                let node = trace.nodes[input]
                guard node.gradient != nil else { continue }
                #expect(summary != nil, "\(step.op) sent nothing to n\(input)")
                // An input read once receives exactly its whole gradient from that one reader.
                if readers[input]?.count == 1 {
                    #expect(summary == node.gradient, "\(step.op) → n\(input)")
                    checked += 1
                }
            }
        }
        #expect(checked > 10)
        let page = try BackpropagationPage.backpropagating(gru.unrolled([Tensor<Double>(ones: [2, 3])]).outputs[0].sum(), title: "t")
        #expect(try page.html.contains(#""sent":["#))
        #expect(BackpropagationTrace(of: loss).backward.allSatisfy { $0.sent == nil })
    }
}
