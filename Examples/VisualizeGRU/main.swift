// Draws a GRU's computation graph: one step with every gate, and four unrolled steps coloured by
// gradient norm, so you can watch the gradient fade as it flows back through time.
//
//     swift run VisualizeGRU [output-folder]
//
// writes gru-step.svg and gru-unrolled.png into the folder (default: nabla-pictures in the
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
let stepLoss = Losses.softmaxCrossEntropy(logits: output(oneStep[1]), labels: [session[1]])
try stepLoss.renderGraph(.svg, to: folder.appendingPathComponent("gru-step.svg"),
                         options: DOTOptions(title: "One step of a 2-layer GRU (PyTorch formulation), every gate"))

// Four steps, then a loss on the last prediction only: the gradient must travel back through
// time to reach the first inputs. Fused cells keep each layer and step to one node.
gru.implementation = .fused
let inputs = session.prefix(4).map { items([$0]) }
let unrolled = withScope("gru") { gru.unrolled(inputs) }
let loss = Losses.softmaxCrossEntropy(logits: output(unrolled.outputs[3]), labels: [session[4]])
ComputationGraph.retainGradients(of: loss)
loss.backward()
try loss.renderGraph(.png, to: folder.appendingPathComponent("gru-unrolled.png"),
                     options: DOTOptions(direction: .leftToRight, showGradients: true,
                                         title: "4 unrolled steps, coloured by gradient norm (loss on the last step)"))

let norms = ComputationGraph.capture(loss).nodes.filter { $0.op == "gru.pytorch" }
for node in norms {
    print("\(node.scope ?? "")  ‖∇h‖ = \(formatted(node.gradientNorm ?? 0))")
}
print("wrote \(folder.appendingPathComponent("gru-step.svg").path) and \(folder.appendingPathComponent("gru-unrolled.png").path)")

func formatted(_ value: Double) -> String { String(format: "%.3e", value) }
