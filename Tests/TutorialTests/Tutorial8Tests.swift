import Foundation
import GRU4Rec
import NARM
import Nabla
import NablaGraphviz
import NablaNN
import NablaTestSupport
import Testing

/// Tutorial 8: attention over a session. NARM built from NablaNN's layers, checked against the
/// project's `NARMModel`, trained with windows of one and of four steps, its attention drawn.
@Suite struct Tutorial8Tests {
    @Test func attentionOverASession() throws {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }
        var outputs: [String: String] = [:]
        func section(_ name: String) { outputs[name] = printer.text }

        // snippet: t8-mask
        // Scores of four window positions (oldest first) for three sessions: one that has read
        // four items or more, one that has read two, and one that has only just taken its slot.
        let windowScores = Tensor<Double>(rows: [[0.5, 2, -1, 1], [0.5, 2, -1, 1], [0.5, 2, -1, 1]])
        let filled = Tensor<Double>(rows: [[1, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 0]])
        let shares = windowScores.maskedSoftmax(mask: filled, axis: 1)
        for row in 0..<3 {
            print((0..<4).map { String(format: "%.3f", shares[row, $0]) }.joined(separator: "  "))
        }
        // end snippet
        section("t8-mask")

        // snippet: t8-attention
        /// NARM's local encoder from three dense layers without bias, weights by masked softmax:
        ///
        ///     eⱼ = vᵀ σ(A₁ q + A₂ kⱼ)      αⱼ = softmax of e over the filled j      c = Σⱼ αⱼ kⱼ
        func myAttention(query: Tensor<Double>, keys: [Tensor<Double>], mask: Tensor<Double>,
                         A1: Dense<Double>, A2: Dense<Double>, v: Dense<Double>) -> (context: Tensor<Double>, weights: Tensor<Double>) {
            let projectedQuery = A1(query)                                        // once for every key
            let scores = concat(keys.map { v((projectedQuery + A2($0)).sigmoid()) }, axis: 1)   // [batch, K]
            let weights = scores.maskedSoftmax(mask: mask, axis: 1)
            var context = weights.sliced(0..<1, axis: 1) * keys[0]                // [batch, 1] ⊙ [batch, D]
            for j in 1..<keys.count { context = context + weights.sliced(j..<j + 1, axis: 1) * keys[j] }
            return (context, weights)
        }

        var generator = SeededRandomGenerator(seed: 8)
        let attention = AdditiveAttention<Double>(querySize: 4, keySize: 4, attentionSize: 5, weighting: .softmax, using: &generator)
        let query = Tensor<Double>.uniform([3, 4], in: -1..<1, using: &generator, requiresGrad: true)
        let keys = (0..<4).map { _ in Tensor<Double>.uniform([3, 4], in: -1..<1, using: &generator, requiresGrad: true) }
        let mine = myAttention(query: query, keys: keys, mask: filled,
                               A1: attention.queryProjection, A2: attention.keyProjection, v: attention.scoreVector)
        let library = attention(query: query, keys: keys, mask: filled)
        let difference = zip(mine.context.scalars + mine.weights.scalars, library.context.scalars + library.weights.scalars)
            .map { abs($0 - $1) }.max()!
        print("largest difference from AdditiveAttention:", difference < 1e-12 ? "below 1e-12" : "\(difference)")
        let check = gradcheck([query] + keys + attention.parameters) { inputs in
            attention(query: inputs[0], keys: Array(inputs[1...4]), mask: filled).context
        }
        print("gradcheck of the attention:", check.passed)
        keys.forEach { $0.zeroGrad() }
        attention(query: query, keys: keys, mask: filled).context.sum().backward()
        for session in 0..<3 {
            let gradients = keys.map { key in (0..<4).map { abs(key.grad![session, $0]) }.max()! > 0 ? "g" : "0" }
            print("session \(session + 1): gradient reaches the keys", gradients.joined(separator: " "))
        }
        // end snippet
        section("t8-attention")

        // snippet: t8-same-as-narm
        var configuration = NARMConfiguration()
        try configuration.set("embedding=3,hidden=4,window=3,attention=softmax,dropout_p_embed=0,dropout_p_hidden=0")
        let narm = NARMModel<Double>(configuration: configuration, itemCount: 6)
        let small = MyNARM<Double>(itemCount: 6, embedding: 3, hidden: 4, window: 3, dropout: (0, 0), seed: 1)
        let theirs = Dictionary(uniqueKeysWithValues: narm.namedParameters().map { ($0.name, $0.tensor) })
        for (name, tensor) in small.namedParameters() { tensor.scalars = theirs[name]!.scalars }
        print("parameters:", small.namedParameters().map(\.name).joined(separator: ", "))
        var myStates = small.zeroStates(batchSize: 2), theirStates = narm.zeroStates(batchSize: 2)
        var largest = 0.0
        for items in [[0, 3], [1, 4], [2, 5], [5, 0]] {       // the third step fills the window, the fourth shifts it
            let a = small.allScores(small.step(items, states: &myStates))
            let b = narm.allScores(narm.step(items, states: &theirStates))
            largest = max(largest, zip(a.scalars, b.scalars).map { abs($0 - $1) }.max()!)
        }
        print("largest difference from NARMModel over four steps:", largest < 1e-12 ? "below 1e-12" : "\(largest)")
        // end snippet
        section("t8-same-as-narm")

        // snippet: t8-through-time
        /// The score of item 5 after three steps of `model` whose first step reads `first`, with the
        /// states detached after every step (k = 1) or with the graph kept over the three (k = 3).
        func scoreAfterThreeSteps(_ model: MyNARM<Double>, first: Tensor<Double>, keepingGraph: Bool) -> Tensor<Double> {
            var states = model.zeroStates(batchSize: 1)
            var output = model.step(inputVectors: first, states: &states)
            for item in [4, 2] {
                if !keepingGraph { states = states.map { $0.detached() } }   // what the trainer does after every window
                output = model.step([item], states: &states)
            }
            return model.scores(output, items: [5])
        }
        let firstItem = small.inputVectors([1])
        for keepingGraph in [false, true] {
            let first = Tensor(firstItem.scalars, shape: firstItem.shape, requiresGrad: true)
            scoreAfterThreeSteps(small, first: first, keepingGraph: keepingGraph).backward()
            let norm = first.grad.map { ($0 * $0).sum().item.squareRoot() } ?? 0
            print(keepingGraph ? "graph kept over the window:" : "states detached each step:", "‖∂score/∂x₁‖ =", String(format: "%.4f", norm))
        }
        let throughTime = gradcheck([Tensor(firstItem.scalars, shape: firstItem.shape, requiresGrad: true)] + small.parameters) {
            scoreAfterThreeSteps(small, first: $0[0], keepingGraph: true)
        }
        print("gradcheck through three steps:", throughTime.passed)
        // end snippet
        section("t8-through-time")

        // snippet: t8-train
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-shop-attention")
        let files = try DemoShop.write(to: folder)
        let train = try SessionData.training(SessionTSVReader.read(files.train), source: files.train.path)
        let test = try SessionData.test(streamingFrom: files.test, itemMap: train.itemMap)

        /// NARM trained on the demo shop for two epochs with windows of `bpttSteps` steps.
        func trainNARM(bpttSteps: Int) throws -> NARMModel<Float> {
            var configuration = NARMConfiguration()
            try configuration.set("@demo,embedding=16,hidden=32,window=3,attention=softmax,n_epochs=2,bptt_steps=\(bpttSteps)")
            let model = NARMModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
            let trainer = SessionTrainer(model: model, data: train, options: configuration.trainingOptions,
                                         optimizer: Adagrad(parameters: model.parameters, learningRate: configuration.learningRate,
                                                            momentum: configuration.momentum))
            var losses: [String] = []
            for _ in 1...configuration.epochs { losses.append(String(format: "%.3f", try trainer.trainEpoch().meanLoss)) }
            var scorer = SessionModelScorer(model: model)
            let metrics = try Evaluator.evaluate(&scorer, on: test, cutoffs: [1, 5])
            let next = try Recommender.recommend(model, itemMap: train.itemMap, after: ["Camera", "Memory Card"], count: 1)
            print("k = \(bpttSteps): loss per epoch \(losses.joined(separator: ", ")), Recall@1 \(String(format: "%.3f", metrics.recall(at: 1))), "
                + "MRR@5 \(String(format: "%.3f", metrics.mrr(at: 5))), [Camera, Memory Card] → \(next[0].item)")
            return model
        }
        let stepByStep = try trainNARM(bpttSteps: 1)
        let throughWindows = try trainNARM(bpttSteps: 4)
        // end snippet
        section("t8-train")

        // snippet: t8-weights
        /// The attention weights of a trained NARM over `session`, step by step: row t holds the
        /// weight of every earlier position's hidden state at step t, `nil` outside the window.
        func attentionWeights(_ model: NARMModel<Float>, session: [String]) -> [[Float?]] {
            model.eval()
            var states = model.zeroStates(batchSize: 1)
            return session.indices.map { t in
                let hidden = model.stepWindow(inputVectors: model.inputVectors([train.itemMap.row(of: session[t])!]), states: &states)
                let window = model.attentionWeights(hidden: hidden, states: states).scalars   // oldest position first
                return session.indices.map { j in
                    let position = j - (t + 1 - window.count)
                    return j <= t && position >= 0 ? window[position] : nil
                }
            }
        }
        let session = ["Camera", "Memory Card", "Camera Bag", "Tripod"]
        for (name, model) in [("k = 1", stepByStep), ("k = 4", throughWindows)] {
            print(name)
            for (t, row) in attentionWeights(model, session: session).enumerated() {
                print("  at \(session[t]):".padding(toLength: 18, withPad: " ", startingAt: 0),
                      row.map { $0.map { String(format: "%.2f", $0) } ?? "   ·" }.joined(separator: "  "))
            }
        }
        let why = try SessionAttribution.explain(throughWindows, itemMap: train.itemMap, session: ["Camera", "Memory Card"], target: "Camera Bag")
        print("k = 4, why Camera Bag after [Camera, Memory Card]:",
              zip(why.session, why.shares!).map { "\(train.itemMap.ids[$0]) \(String(format: "%.0f%%", $1 * 100))" }.joined(separator: ", "))
        // end snippet
        section("t8-weights")

        // snippet: t8-draw
        /// The weights as a table of Graphviz's HTML-like labels: a row per step, a column per
        /// position whose hidden state the window holds, the darker the larger the weight.
        func attentionTable(_ weights: [[Float?]], session: [String], caption: String) -> String {
            let cell = { (weight: Float?) -> String in
                guard let weight else { return "<TD BGCOLOR=\"#eeeeee\"> </TD>" }
                let mix = { (full: Double) in Int((255 + (full - 255) * Double(weight)).rounded()) }
                let colour = String(format: "#%02x%02x%02x", mix(215), mix(48), mix(39))
                let text = weight > 0.6 ? "<FONT COLOR=\"white\">\(String(format: "%.2f", weight))</FONT>" : String(format: "%.2f", weight)
                return "<TD BGCOLOR=\"\(colour)\">\(text)</TD>"
            }
            let header = "<TR><TD BORDER=\"0\"><B>\(caption)</B></TD>" + session.map { "<TD BORDER=\"0\">\($0)</TD>" }.joined() + "</TR>"
            let rows = weights.indices.map { t in
                "<TR><TD BORDER=\"0\" ALIGN=\"RIGHT\">at \(session[t])</TD>" + weights[t].map(cell).joined() + "</TR>"
            }
            return "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"6\">" + header + rows.joined() + "</TABLE>"
        }
        let dot = """
            digraph attention {
              labelloc=t; fontname="Helvetica";
              label="Attention of NARM over [Camera, Memory Card, Camera Bag, Tripod], window 3";
              node [shape=plaintext, fontname="Helvetica", fontsize=12];
              k1 [label=<\(attentionTable(attentionWeights(stepByStep, session: session), session: session, caption: "k = 1"))>];
              k4 [label=<\(attentionTable(attentionWeights(throughWindows, session: session), session: session, caption: "k = 4"))>];
            }
            """
        let picture = folder.appendingPathComponent("attention.svg")
        try Graphviz.render(dot: dot, format: .svg, to: picture)
        // end snippet

        var previous = ""
        for name in ["t8-mask", "t8-attention", "t8-same-as-narm", "t8-through-time", "t8-train", "t8-weights"] {
            DocumentSnippets.expectOutput(name, String(outputs[name]!.dropFirst(previous.count)))
            previous = outputs[name]!
        }
        try expectCommittedPicture(drawnAs: picture, weights: attentionWeights(throughWindows, session: session))
    }

    /// The picture in `Docs/images` is the one this tutorial draws: it shows the weights of the
    /// model trained with windows of four steps. `NABLA_RECORD_PICTURES=1` copies the new drawing there.
    func expectCommittedPicture(drawnAs picture: URL, weights: [[Float?]]) throws {
        let committedPicture = DocumentSnippets.packageRoot.appendingPathComponent("Docs/images/tutorial8-attention.svg")
        if ProcessInfo.processInfo.environment["NABLA_RECORD_PICTURES"] != nil {
            try? FileManager.default.removeItem(at: committedPicture)
            try FileManager.default.copyItem(at: picture, to: committedPicture)
        }
        let committed = try String(contentsOf: committedPicture, encoding: .utf8)
        for weight in weights.joined().compactMap({ $0 }) {
            let value = String(format: "%.2f", weight)
            #expect(committed.contains(">\(value)<"), "the committed picture does not show the weight \(value); redraw it")
        }
    }
}

// snippet: t8-model
/// NARM from NablaNN's layers: a GRU reads the session, the local encoder attends over a window
/// of its last hidden states, and items are scored bilinearly against their embeddings.
///
///     hₜ = GRU(dropout(e(xₜ)), hₜ₋₁)      c_local = Σⱼ αₜⱼ hⱼ over the window
///     c = dropout([hₜ; c_local])           scoreᵢ = e(i) · B c + bᵢ
///
/// The state is the window: `window` hidden states `[batch, hidden]`, oldest first, then the
/// mask `[batch, window]` of the positions the session has filled.
final class MyNARM<Scalar: TensorScalar>: AttributableSessionModel {
    let items: ItemOutput<Scalar>              // e(i), read and scored against, and bᵢ
    let embeddingDropout: Dropout<Scalar>
    let gru: GRUCell<Scalar>
    let attention: AdditiveAttention<Scalar>   // A₁, A₂, v
    let representationDropout: Dropout<Scalar>
    let bilinear: Dense<Scalar>                // B, [embedding, 2 hidden]
    let window: Int
    var isTraining = true

    init(itemCount: Int, embedding: Int, hidden: Int, window: Int, dropout: (embedding: Double, hidden: Double), seed: UInt64) {
        var generator = SeededRandomGenerator(seed: seed)
        self.window = window
        items = ItemOutput(itemCount: itemCount, inputSize: embedding, using: &generator)
        gru = GRUCell(inputSize: embedding, hiddenSize: hidden, using: &generator)
        attention = AdditiveAttention(querySize: hidden, keySize: hidden, attentionSize: hidden, weighting: .softmax, using: &generator)
        bilinear = Dense(inputSize: 2 * hidden, outputSize: embedding, hasBias: false, using: &generator)
        embeddingDropout = Dropout(probability: dropout.embedding, seed: seed &+ 1)
        representationDropout = Dropout(probability: dropout.hidden, seed: seed &+ 2)
    }

    var submodules: [(name: String, module: any Module<Scalar>)] {
        [("items", items), ("gru", gru), ("attention", attention), ("B", bilinear),
         ("dropoutEmbedding", embeddingDropout), ("dropoutHidden", representationDropout)]
    }
    var itemCount: Int { items.itemCount }

    /// An empty window: zero rows, which the all-zero mask says are no states of the session.
    func zeroStates(batchSize: Int) -> [Tensor<Scalar>] {
        Array(repeating: Tensor(zeros: [batchSize, gru.hiddenSize]), count: window) + [Tensor(zeros: [batchSize, window])]
    }

    func inputVectors(_ items: [Int]) -> Tensor<Scalar> { self.items.weight.gather(rows: items) }

    func step(inputVectors x: Tensor<Scalar>, states: inout [Tensor<Scalar>]) -> Tensor<Scalar> {
        let h = gru(embeddingDropout(x), states[window - 1])           // the window's newest state is hₜ₋₁
        // Shift the window: the oldest state leaves, hₜ itself enters, and a 1 enters the mask.
        let mask = concat([states[window].sliced(1..<window, axis: 1), Tensor(ones: [x.shape[0], 1])], axis: 1)
        states = Array(states[1..<window]) + [h, mask]
        let (local, _) = attention(query: h, keys: Array(states[0..<window]), mask: mask)
        return bilinear(representationDropout(concat([h, local], axis: 1)))
    }

    func scores(_ hidden: Tensor<Scalar>, items: [Int]) -> Tensor<Scalar> { self.items.scores(hidden, items: items) }
    var itemOutput: ItemOutput<Scalar>? { items }
}
// end snippet
