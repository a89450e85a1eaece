import Foundation
import GRU4Rec
import Nabla
import NablaGraphviz
import NablaTestSupport
import Testing

/// The picture of `Docs/training.md`: a window of three steps of truncated backpropagation
/// through time, coloured by gradient norm, where one slot's session ends and another's starts
/// inside the window. `NABLA_RECORD_PICTURES=1` writes the new drawing to `Docs/images`.
@Suite struct TrainingWindowPictureTests {
    @Test func theWindowPictureShowsThreeStepsAndTheCutAtTheSessionBoundary() throws {
        // Two slots: slot 1 continues its session through the window; slot 2's first session
        // ends after step 2 and a new one starts in step 3.
        let data = try sessions([[0, 1, 2, 3], [2, 4, 1], [5, 0, 4, 3]])
        let configuration = try GRU4RecConfiguration(parameters: "layers=3,batch_size=2,n_sample=2,sample_cache_max_size=10,bptt_steps=3")
        let model = GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count)
        let trainer = SessionTrainer(model: model, data: data)
        #expect(Array(trainer.batches.prefix(3)).map(\.previousSlot) == [[nil, nil], [0, 1], [0, nil]])

        let loss = trainer.lossOfFirstWindow()
        ComputationGraph.retainGradients(of: loss)
        loss.backward()
        let svg = try loss.renderGraph(.svg, options: DOTOptions(
            direction: .leftToRight, showGradients: true,
            title: "bptt_steps=3: three steps, one backward pass; slot 2 starts a new session at step 3, from a zero row"))
        let text = String(decoding: svg, as: UTF8.self)
        for expected in ["step 1", "step 2", "step 3", "gather", "concat", "zero state of a new session"] {
            #expect(text.contains(expected), "the drawing has no \(expected)")
        }
        let picture = DocumentSnippets.packageRoot.appendingPathComponent("Docs/images/bptt-window.svg")
        if ProcessInfo.processInfo.environment["NABLA_RECORD_PICTURES"] != nil {
            try Data(svg).write(to: picture)
        }
        let committed = try String(contentsOf: picture, encoding: .utf8)
        #expect(committed.contains("bptt_steps=3") && committed.contains("step 3"), "the committed picture is not this drawing; redraw it")
    }
}
