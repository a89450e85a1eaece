import Foundation
import GRU4Rec
import Nabla
import NablaGraphviz
import NablaNN
import NablaTestSupport
import Testing

/// Tutorial 7: why did the model recommend this? Gradients with respect to inputs, gradient ×
/// input, integrated gradients and completeness, drawn.
@Suite struct Tutorial7Tests {
    @Test func whyDidTheModelRecommendThis() throws {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }
        var outputs: [String: String] = [:]
        func section(_ name: String) { outputs[name] = printer.text }

        // snippet: t7-train
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-shop-why")
        let files = try DemoShop.write(to: folder)
        let train = try SessionData.training(SessionTSVReader.read(files.train), source: files.train.path)
        let configuration = try GRU4RecConfiguration(parameters: "loss=cross-entropy,layers=64,batch_size=32,"
            + "dropout_p_hidden=0.1,learning_rate=0.1,momentum=0.2,n_sample=16,sample_alpha=0.5,n_epochs=5")
        let model = GRU4RecModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
        let trainer = SessionTrainer(model: model, data: train)
        for _ in 1...configuration.epochs { try trainer.trainEpoch() }
        let top = try Recommender.recommend(model, itemMap: train.itemMap, after: ["Camera", "Memory Card"], count: 2)
        print(top.map { "\($0.item) \(String(format: "%.2f", $0.score))" })
        // end snippet
        section("t7-train")

        // snippet: t7-input-gradients
        let row = { (id: String) in train.itemMap.row(of: id)! }
        model.eval()                                              // no dropout
        let inputs = ["Camera", "Memory Card"].map { id in
            let x = model.inputVectors([row(id)])                 // [1, 64]: the item's input vector
            return Tensor(x.scalars, shape: x.shape, requiresGrad: true)   // a leaf: it gets a gradient
        }
        let score = model.score(of: row("Camera Bag"), afterReading: inputs)
        score.backward()                                          // ∂score/∂x for every step
        print("score of Camera Bag:", String(format: "%.4f", score.item))
        for (id, x) in zip(["Camera", "Memory Card"], inputs) {
            let gradient = x.grad!
            let norm = (gradient * gradient).sum().item.squareRoot()
            let gradientTimesInput = (gradient * x.detached()).sum().item
            print(id, "gradient norm", String(format: "%.4f", norm), "gradient × input", String(format: "%+.4f", gradientTimesInput))
        }
        // end snippet
        section("t7-input-gradients")

        // snippet: t7-gradient-times-input
        let firstOrder = SessionAttribution(model: model, session: [row("Camera"), row("Memory Card")],
                                            target: row("Camera Bag"), method: .gradientTimesInput)
        print("gradient × input:", firstOrder.attributions.map { String(format: "%+.4f", $0) })
        print("their sum", String(format: "%.4f", firstOrder.total),
              "against score − baseline score", String(format: "%.4f", firstOrder.score - firstOrder.baselineScore))
        // end snippet
        section("t7-gradient-times-input")

        // snippet: t7-by-hand
        // Integrated gradients by hand: average the gradient over points α·x of the path from the
        // zero baseline to the input, then multiply by the input (minus the baseline, zero here).
        let pathSteps = 32
        var average = inputs.map { Tensor<Float>(zeros: $0.shape) }
        for k in 0..<pathSteps {
            let alpha = (Float(k) + 0.5) / Float(pathSteps)      // midpoints of the path's pieces
            let points = inputs.map { Tensor((alpha * $0.detached()).scalars, shape: $0.shape, requiresGrad: true) }
            model.score(of: row("Camera Bag"), afterReading: points).backward()
            average = zip(average, points).map { $0 + $1.grad! / Float(pathSteps) }
        }
        let byHand = zip(inputs, average).map { ($0.detached() * $1).sum().item }
        print("by hand:    ", byHand.map { String(format: "%+.4f", $0) })
        let library = SessionAttribution(model: model, session: [row("Camera"), row("Memory Card")],
                                         target: row("Camera Bag"), method: .integratedGradients(steps: pathSteps))
        print("the library:", library.attributions.map { String(format: "%+.4f", $0) })
        // end snippet
        section("t7-by-hand")

        // snippet: t7-completeness
        for steps in [2, 8, 32, 128] {
            let attribution = SessionAttribution(model: model, session: [row("Camera"), row("Memory Card")],
                                                 target: row("Camera Bag"), method: .integratedGradients(steps: steps))
            print(String(format: "%3d steps: sum %.4f, score − baseline score %.4f, residual %+.1e",
                         steps, attribution.total, attribution.score - attribution.baselineScore, attribution.residual))
        }
        // end snippet
        section("t7-completeness")

        // snippet: t7-explain
        for (session, target) in [(["Camera", "Memory Card"], "Camera Bag"), (["Phone", "Memory Card"], "Phone Case")] {
            let why = try SessionAttribution.explain(model, itemMap: train.itemMap, session: session, target: target)
            let shares = why.shares!.map { String(format: "%.0f%%", $0 * 100) }
            print(session, "→", target + ":", zip(session, shares).map { "\($0) \($1)" }.joined(separator: ", "))
        }
        // end snippet
        section("t7-explain")

        // snippet: t7-answers
        for session in [["Phone", "Memory Card"], ["Memory Card", "Phone"]] {
            let answer = try SessionAttribution.explain(model, itemMap: train.itemMap, session: session, target: "Phone Case")
            let shares = answer.shares!.map { String(format: "%.0f%%", $0 * 100) }
            print(session, "→ Phone Case:", zip(session, shares).map { "\($0) \($1)" }.joined(separator: ", "),
                  "| score", String(format: "%.2f", answer.score))
        }
        // end snippet
        section("t7-answers")

        // snippet: t7-draw
        let why = try SessionAttribution.explain(model, itemMap: train.itemMap, session: ["Camera", "Memory Card"], target: "Camera Bag")
        let dot = why.dot(itemMap: train.itemMap, title: "Why Camera Bag after [Camera, Memory Card]?")
        let picture = folder.appendingPathComponent("why-camera-bag.svg")
        try Graphviz.render(dot: dot, format: .svg, to: picture)
        // end snippet

        var previous = ""
        for name in ["t7-train", "t7-input-gradients", "t7-gradient-times-input", "t7-by-hand", "t7-completeness", "t7-explain", "t7-answers"] {
            DocumentSnippets.expectOutput(name, String(outputs[name]!.dropFirst(previous.count)))
            previous = outputs[name]!
        }
        try expectCommittedPicture(of: why, drawnAs: picture)
    }

    /// The picture in `Docs/images` is the one this tutorial draws: it shows the same steps with
    /// the same attributions. `NABLA_RECORD_PICTURES=1` copies the new drawing there.
    func expectCommittedPicture(of attribution: SessionAttribution, drawnAs picture: URL) throws {
        let committedPicture = DocumentSnippets.packageRoot.appendingPathComponent("Docs/images/why-camera-bag.svg")
        if ProcessInfo.processInfo.environment["NABLA_RECORD_PICTURES"] != nil {
            try? FileManager.default.removeItem(at: committedPicture)
            try FileManager.default.copyItem(at: picture, to: committedPicture)
        }
        let committed = try String(contentsOf: committedPicture, encoding: .utf8)
        for (step, name) in ["Camera", "Memory Card"].enumerated() {
            let label = "\(step + 1). \(name)"
            let value = String(format: "%+.4f", attribution.attributions[step])
            #expect(committed.contains(">\(label)<") && committed.contains(">\(value)"),
                    "the committed picture does not show \(label) with \(value); redraw it")
        }
    }

    @Test func inputVectorsInEveryModeAndThePathsGradients() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t7-modes
        for mode in ["constrained_embedding=True", "constrained_embedding=False,embedding=5", "constrained_embedding=False,embedding=0"] {
            let configuration = try! GRU4RecConfiguration(parameters: "layers=6,\(mode)")
            let model = GRU4RecModel<Double>(configuration: configuration, itemCount: 9)
            model.eval()
            let x = model.inputVectors([3, 7, 1])                 // one row per step
            // Gradient check of the score at points of the path, against finite differences.
            let points = (0..<3).map { step in
                Tensor<Double>((0.6 * x.sliced(step..<step + 1)).scalars, shape: [1, x.shape[1]], requiresGrad: true)
            }
            let check = gradcheck(points) { model.score(of: 5, afterReading: $0) }
            let attribution = SessionAttribution(model: model, session: [3, 7, 1], target: 5, method: .integratedGradients(steps: 400))
            let relative = abs(attribution.residual / (attribution.score - attribution.baselineScore))
            print("\(model.configuration.inputMode):".padding(toLength: 14, withPad: " ", startingAt: 0),
                  "input size", x.shape[1], "| path gradcheck", check.passed, "| residual below 1e-6 of the change:", relative < 1e-6)
        }
        // end snippet

        DocumentSnippets.expectOutput("t7-modes", printer.text)
    }
}
