import Foundation
import GRU4Rec
import Nabla
import NablaNN
import NablaPages
import NablaTestSupport
import Testing

/// Tutorial 5: session-based recommendation with GRU4Rec, on the demo data.
@Suite struct Tutorial5Tests {
    @Test func gru4recFromDataToRecommendations() throws {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }
        var outputs: [String: String] = [:]
        func section(_ name: String) { outputs[name] = printer.text; }

        // snippet: t5-data
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-shop")
        let files = try DemoShop.write(to: folder)
        let train = try SessionData.training(SessionTSVReader.read(files.train), source: files.train.path)
        let test = try SessionData.test(streamingFrom: files.test, itemMap: train.itemMap)
        print(train.eventCount, "events,", train.sessionCount, "sessions,", train.itemMap.count, "items")
        print("first session:", train.session(0).map { train.itemMap.ids[Int($0)] })
        // end snippet
        section("t5-data")

        // snippet: t5-batches
        for (index, step) in SessionParallelBatches(data: train, batchSize: 3).prefix(3).enumerated() {
            let names = { (rows: [Int]) in rows.map { train.itemMap.ids[$0] }.joined(separator: " | ") }
            let carried = step.previousSlot.map { $0.map { "slot \($0)" } ?? "new" }
            print("step \(index): \(names(step.inputs)) → \(names(step.targets)); states: \(carried)")
        }
        // end snippet
        section("t5-batches")

        // snippet: t5-sampler
        var sampler = NegativeSampler(support: train.itemSupport(), alpha: 0.5, sampleCount: 8, seed: 1)
        print(sampler.next().map { train.itemMap.ids[Int($0)] })
        // end snippet
        section("t5-sampler")

        // snippet: t5-train
        let configuration = try GRU4RecConfiguration(parameters:
            "loss=cross-entropy,layers=64,batch_size=32,dropout_p_hidden=0.1,learning_rate=0.1,momentum=0.2,n_sample=16")
        let model = GRU4RecModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
        let trainer = SessionTrainer(model: model, data: train)
        var lossSoFar: [(Double, Double)] = []                  // (epochs done, the epoch's mean loss so far)
        for _ in 1...3 {
            let summary = try trainer.trainEpoch(reportEvery: 20) { progress in
                lossSoFar.append((Double(progress.epoch - 1) + Double(progress.events) / Double(progress.eventsPerEpoch), progress.meanLoss))
            }
            print("epoch \(summary.epoch): loss \(String(format: "%.3f", summary.meanLoss))")
        }
        // end snippet
        section("t5-train")

        // snippet: t5-curve
        let chart = LineChart(title: "Training loss", xLabel: "epoch", yLabel: "mean loss so far in the epoch",
                              series: [ChartSeries(name: "every 20 steps", points: lossSoFar)])
        try Data(chart.svgFile.utf8).write(to: folder.appendingPathComponent("loss.svg"))
        print("drew", lossSoFar.count, "points to loss.svg")
        // end snippet
        section("t5-curve")
        try expectCommittedPicture(drawnAs: folder.appendingPathComponent("loss.svg"), named: "tutorial5-loss.svg")

        // snippet: t5-loop
        let byHand = GRU4RecModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
        let handTrainer = SessionTrainer(model: byHand, data: train)
        byHand.train()                                              // dropout on
        var states = byHand.zeroStates(batchSize: 32)               // one zero row per slot
        var negatives = handTrainer.sampler
        for step in handTrainer.batches {
            states = carryStates(states, along: step.previousSlot)  // continue a slot's session, or start from zeros
            let samples = negatives.next().map { Int($0) }          // shared negatives for this step
            let loss = handTrainer.loss(inputs: step.inputs, targets: step.targets, samples: samples, states: &states)
            for parameter in handTrainer.optimizer.parameters { parameter.zeroGrad() }
            loss.backward()
            handTrainer.optimizer.step()
            states = states.map { $0.detached() }                   // the gradient stops here
        }
        let reference = GRU4RecModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
        try SessionTrainer(model: reference, data: train).trainEpoch()
        let same = zip(byHand.parameters, reference.parameters).allSatisfy { $0.scalars == $1.scalars }
        print("one epoch by hand gives trainEpoch()'s weights:", same)
        // end snippet
        section("t5-loop")

        // snippet: t5-evaluate
        var gru = SessionModelScorer(model: model)
        var markov = MarkovScorer(training: train)
        let gruMetrics = try Evaluator.evaluate(&gru, on: test, cutoffs: [1, 5])
        let markovMetrics = try Evaluator.evaluate(&markov, on: test, cutoffs: [1, 5])
        print("GRU4Rec Recall@1", String(format: "%.3f", gruMetrics.recall(at: 1)), "MRR@5", String(format: "%.3f", gruMetrics.mrr(at: 5)))
        print("Markov  Recall@1", String(format: "%.3f", markovMetrics.recall(at: 1)), "MRR@5", String(format: "%.3f", markovMetrics.mrr(at: 5)))
        // end snippet
        section("t5-evaluate")

        // snippet: t5-recommend
        for session in [["Camera", "Memory Card"], ["Phone", "Memory Card"]] {
            let top = try Recommender.recommend(model, itemMap: train.itemMap, after: session, count: 2)
            print(session, "→", top.map(\.item))
        }
        // end snippet
        section("t5-recommend")

        // snippet: t5-answers
        let fresh = GRU4RecModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
        let firstLoss = SessionTrainer(model: fresh, data: train).lossOfFirstStep()
        print("untrained loss", String(format: "%.3f", firstLoss.item), "ln 48 =", String(format: "%.3f", log(48.0)))
        for alpha in [0.0, 1.0] {
            var draws = NegativeSampler(support: train.itemSupport(), alpha: alpha, sampleCount: 10_000, seed: 1)
            let bags = draws.next().filter { train.itemMap.ids[Int($0)] == "Camera Bag" }.count
            print("alpha \(alpha): Camera Bag in", bags, "of 10000 draws")
        }
        // end snippet
        section("t5-answers")

        var previous = ""
        for name in ["t5-data", "t5-batches", "t5-sampler", "t5-train", "t5-curve", "t5-loop", "t5-evaluate", "t5-recommend", "t5-answers"] {
            DocumentSnippets.expectOutput(name, String(outputs[name]!.dropFirst(previous.count)))
            previous = outputs[name]!
        }
    }

    /// The picture in `Docs/images` is the one the tutorial draws: the same texts (title, ticks,
    /// legend) in it. `NABLA_RECORD_PICTURES=1` copies the new drawing there.
    func expectCommittedPicture(drawnAs picture: URL, named name: String) throws {
        let committed = DocumentSnippets.packageRoot.appendingPathComponent("Docs/images/\(name)")
        if ProcessInfo.processInfo.environment["NABLA_RECORD_PICTURES"] != nil {
            try? FileManager.default.removeItem(at: committed)
            try FileManager.default.copyItem(at: picture, to: committed)
        }
        let texts = { (svg: String) in
            svg.components(separatedBy: "<text").dropFirst().compactMap { $0.split(separator: ">", maxSplits: 1).last?.components(separatedBy: "</text").first }
        }
        let drawn = try String(contentsOf: picture, encoding: .utf8)
        #expect(texts(try String(contentsOf: committed, encoding: .utf8)) == texts(drawn), "Docs/images/\(name) differs from what the tutorial draws")
    }
}
