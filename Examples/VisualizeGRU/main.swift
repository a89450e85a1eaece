// Draws a GRU's computation graph: one step with every gate, and four unrolled steps coloured by
// gradient norm, so you can watch the gradient fade as it flows back through time: once with
// fused cells, once with composed cells whose repeated steps are drawn once.
//
//     swift run VisualizeGRU [output-folder]
//
// writes gru-step.svg, gru-unrolled.png and gru-collapsed.svg into the folder (default: nabla-pictures in the
// temporary folder, so that a run from the repository leaves it as it was). The pictures of
// Docs/images are drawn by Scripts/draw-doc-pictures.sh.
import Foundation
import Nabla
import NablaGraphviz
import NablaNN

let folder = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("nabla-pictures").path, isDirectory: true)
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)

// A short session over a 6-item catalogue: Camera, Memory Card, Camera Bag, Phone, Phone Case, Charger.
let session = [0, 1, 2, 1, 2]
var generator = SeededRandomGenerator(seed: 42)
let items = Embedding<Float>(count: 6, dimension: 4, using: &generator)
let gru = GRU<Float>(inputSize: 4, hiddenSizes: [5, 5], formulation: .pytorch, implementation: .composed, using: &generator)
let output = Dense<Float>(inputSize: 5, outputSize: 6, using: &generator)
items.labelParameters(prefix: "items")
gru.labelParameters(prefix: "gru")
output.labelParameters(prefix: "output")

// One step, every gate: the composed cell draws r, z and n as clusters of primitive ops.
let oneStep = withScope("gru") { gru.step(items([session[0]]), gru.zeroStates(batchSize: 1), time: 0) }
// The loss runs in the scope "loss", so the drawing shows it as one box.
let stepLogits = output(oneStep[1])
let stepLoss = withScope("loss") { Losses.softmaxCrossEntropy(logits: stepLogits, labels: [session[1]]) }
try stepLoss.renderGraph(.svg, to: folder.appendingPathComponent("gru-step.svg"),
                         options: DOTOptions(title: "One step of a 2-layer GRU (PyTorch formulation), every gate"))

// Four steps, then a loss on the last prediction only: the gradient must travel back through
// time to reach the first inputs. Fused cells keep each layer and step to one node; the drawing
// puts time left to right and layers bottom to top. Both gradient pictures share one colour scale.
let scale = GradientScale(lower: 0.01, upper: 2)
@MainActor func unrolledLoss() -> Tensor<Float> {
    let inputs = session.prefix(4).map { items([$0]) }
    let logits = output(withScope("gru") { gru.unrolled(inputs) }.outputs[3])
    let loss = withScope("loss") { Losses.softmaxCrossEntropy(logits: logits, labels: [session[4]]) }
    ComputationGraph.retainGradients(of: loss)
    loss.backward()
    return loss
}
gru.implementation = .fused
let loss = unrolledLoss()
try loss.renderGraph(.png, to: folder.appendingPathComponent("gru-unrolled.png"),
                     options: DOTOptions(showGradients: true, title: "4 unrolled steps, coloured by gradient norm (loss on the last step)",
                                         gradientScale: scale))
let norms = ComputationGraph.capture(loss).nodes.filter { $0.op == "gru.pytorch" }
for node in norms {
    print("\(node.scope ?? "")  ‖∇h‖ = \(formatted(node.gradientNorm ?? 0))")
}

// The same with composed cells, every gate a node: the four steps of each layer are drawn once,
// with each step's gradient norm in a small bar under the step's name.
gru.implementation = .composed
for parameter in items.parameters + gru.parameters + output.parameters { parameter.zeroGrad() }
try unrolledLoss().renderGraph(.svg, to: folder.appendingPathComponent("gru-collapsed.svg"),
                               options: DOTOptions(showGradients: true, collapseRepeatedSteps: true,
                                                   title: "4 composed steps drawn once, each step's gradient norm kept",
                                                   gradientScale: scale))
let written = ["gru-step.svg", "gru-unrolled.png", "gru-collapsed.svg"].map { folder.appendingPathComponent($0).path }
print("wrote \(written[0]), \(written[1]) and \(written[2])")

func formatted(_ value: Double) -> String { String(format: "%.3e", value) }
