import ArgumentParser
import Foundation
import GRU4Rec
import Nabla
import NablaCommandLine
import NablaGraphviz
import NablaKernels
import NablaNN

/// `gru4rec demo`: the main job. Generates the demo shop data, trains GRU4Rec, compares it with
/// POP and first-order Markov, shows recommendations, explains two of them by attribution,
/// draws the model's GRU steps, and writes a page that steps through one training step's backward
/// pass.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate the demo shop data, train GRU4Rec, evaluate it against baselines, recommend, explain, draw the GRU steps, "
            + "and write a page stepping through backpropagation.")

    @Option(help: "Where to write the data, the model, the pictures and the pages.")
    var output = "gru4rec-output"

    static let parameters = "loss=cross-entropy,layers=64,batch_size=32,dropout_p_hidden=0.1,learning_rate=0.1,momentum=0.2,n_sample=16,sample_alpha=0.5,n_epochs=5"

    func run() throws {
        ComputeThreads.set(1)
        let folder = URL(fileURLWithPath: output)
        let files = try DemoShop.write(to: folder)
        // The files written after training are checked (and locked) now, so a FIFO or a folder
        // in the way stops the demo before it trains.
        for name in ["demo-model.safetensors", "demo-report.html", "demo-why-camera-bag.svg", "demo-why-phone-case.svg", "demo-gru-step.svg",
                     "demo-backpropagation.html"] {
            try OutputFiles.claim(folder.appendingPathComponent(name).path, option: "--output", overwrite: true)
        }
        print("1. Demo shop data: \(files.train.path), \(files.test.path)")
        let train = try readTraining(files.train.path, columns: SessionColumns())
        let test = SessionData.test(try SessionTSVReader.read(files.test), source: files.test.path, itemMap: train.itemMap)
        print("   \(train.eventCount) training events in \(train.sessionCount) sessions over \(train.itemMap.count) items: "
            + "\(train.eventCount - train.sessionCount) predictions per epoch (every event after the first of its session)\n")

        print("2. Training GRU4Rec (\(Self.parameters))")
        let configuration = try GRU4RecConfiguration(parameters: Self.parameters)
        let model = GRU4RecModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
        let options = try EvaluationOptions.parse(["--cutoffs", "1,3,5"])
        let report = TrainingReport(modelName: "GRU4Rec")
        report.facts = [("command", "\(programName) demo"), ("parameters", configuration.parameterString),
                        ("training data", "\(files.train.path): \(train.eventCount) events, \(train.sessionCount) sessions, \(train.itemMap.count) items"),
                        ("test data", "\(files.test.path): \(test.eventCount) events, \(test.eventCount - test.sessionCount) predictions")]
        report.addMachineFacts(threads: "1")
        // The test metrics after every epoch but the last (measured in step 3), for the report's curves.
        let summaries = try trainWithProgress(trainer: SessionTrainer(model: model, data: train), epochs: configuration.epochs,
                                              report: report) { summary in
            guard summary.epoch < configuration.epochs else { return }
            var scorer = SessionModelScorer(model: model)
            report.record(try evaluateWithProgress(&scorer, name: "GRU4Rec", on: test, options: options).metrics, file: files.test.lastPathComponent,
                          epoch: summary.epoch)
        }
        printTable(["epoch", "loss", "predictions/s"], summaries.map { [String($0.epoch), fixed4($0.meanLoss), String(Int($0.eventsPerSecond))] })
        let modelFile = folder.appendingPathComponent("demo-model.safetensors")
        try Checkpoint.save(model, itemMap: train.itemMap, epochsCompleted: configuration.epochs, to: modelFile)
        print("   saved \(modelFile.path)\n")

        print("3. Next-item prediction: \(test.eventCount - test.sessionCount) test predictions")
        var gru = SessionModelScorer(model: model)
        var popularity = PopularityScorer(training: train)
        var markov = MarkovScorer(training: train)
        let results = [
            ("GRU4Rec", try evaluateWithProgress(&gru, name: "GRU4Rec", on: test, options: options).metrics),
            ("POP", try evaluateWithProgress(&popularity, name: "POP", on: test, options: options).metrics),
            ("Markov", try evaluateWithProgress(&markov, name: "Markov", on: test, options: options).metrics),
        ]
        printMetrics(results)
        report.record(results[0].1, file: files.test.lastPathComponent, epoch: configuration.epochs)
        let reportFile = folder.appendingPathComponent("demo-report.html")
        try report.write(to: reportFile.path)
        print("   the training's curves and these metrics after every epoch: \(reportFile.path)\n")

        print("4. What comes after a Memory Card depends on what came before it")
        print("   (in brackets: the probability of coming next, GRU4Rec's softmax over all items, Markov's share of the successors)")
        for prefix in [["Camera", "Memory Card"], ["Phone", "Memory Card"]] {
            let top = try Recommender.recommend(model, itemMap: train.itemMap, after: prefix, count: 3)
            print("   [\(prefix.joined(separator: ", "))] → " + top.map { "\($0.item) (\(percent($0.probability)))" }.joined(separator: ", "))
        }
        let markovTop = try markovRecommendation(after: "Memory Card", train: train)
        print("   Markov, which sees only [Memory Card] → \(markovTop)\n")

        print("5. Why? Each item's attribution to the recommendation's score, by integrated gradients")
        for (session, target) in [(["Camera", "Memory Card"], "Camera Bag"), (["Phone", "Memory Card"], "Phone Case")] {
            let attribution = try SessionAttribution.explain(model, itemMap: train.itemMap, session: session, target: target)
            print("   [\(session.joined(separator: ", "))] → \(target)")
            printAttribution(attribution, itemMap: train.itemMap)
            let earlier = attribution.attributions[0], shares = attribution.shares
            print("   the earlier item, \(session[0]), " + (earlier > 0 ? "raised" : "lowered") + " the score of \(target) by "
                + String(format: "%.2f", abs(earlier)) + (shares.map { String(format: " (%.0f%% of the total)", $0[0] * 100) } ?? ""))
            let picture = folder.appendingPathComponent("demo-why-\(target.lowercased().replacingOccurrences(of: " ", with: "-")).svg")
            try AtomicFile.write(Graphviz.render(dot: attribution.dot(itemMap: train.itemMap, title: "Why \(target) after [\(session.joined(separator: ", "))]?"),
                                                 format: .svg), to: picture)
            print("   drew \(picture.path)\n")
        }

        print("6. The model's GRU steps, drawn with Graphviz")
        let picture = folder.appendingPathComponent("demo-gru-step.svg")
        try drawSteps(of: model, itemMap: train.itemMap, to: picture)
        print("   wrote \(picture.path)\n")

        print("7. One training step, backward op by op: open the page in a browser and step with ← →")
        let page = folder.appendingPathComponent("demo-backpropagation.html")
        try writeTrainingStepPage(of: model, data: train, to: page)
        print("   wrote \(page.path)")
    }

    /// The Markov chain's top successors of `item` with their share of its successors, for
    /// comparison; successors under 0.05% (which would print as 0.0%) are left out.
    func markovRecommendation(after item: String, train: SessionData) throws -> String {
        guard let row = train.itemMap.row(of: item) else { return "(unknown item)" }
        let scores = MarkovScorer(training: train).scores(inputs: [row], previousSlot: [nil])
        let total = scores.reduce(0, +)
        let best = scores.indices.filter { Double(scores[$0] / total) >= 0.0005 }.sorted { scores[$0] > scores[$1] }.prefix(3)
        return best.map { "\(train.itemMap.ids[$0]) (\(percent(Double(scores[$0] / total))))" }.joined(separator: ", ")
    }

    /// Renders the composed GRU steps of `model` reading the session [Camera, Memory Card], one
    /// column of the time grid per step, and scoring three items, to SVG.
    func drawSteps(of model: GRU4RecModel<Float>, itemMap: ItemMap, to url: URL) throws {
        model.implementation = .composed
        defer { model.implementation = .fused }
        model.eval()
        var states = model.zeroStates(batchSize: 1)
        var hidden = states[0]
        for (time, item) in ["Camera", "Memory Card"].enumerated() {
            hidden = withRecurrentTime(time) { model.step([itemMap.row(of: item) ?? 0], states: &states) }
        }
        let columns = ["Camera Bag", "Phone Case", "Tripod"].compactMap { itemMap.row(of: $0) }
        let scores = model.scores(hidden, items: columns)
        let title = "GRU4Rec: two steps for the session [Camera, Memory Card], scoring three items"
        try AtomicFile.write(scores.renderGraph(.svg, options: DOTOptions(title: title)), to: url)
    }

    /// Writes the page that steps through the backward pass of `model`'s first training step on
    /// `data` over two sessions, with every gate of the GRU as its own op. It runs after the
    /// model is saved, and the step leaves the model's weights and random streams as they were;
    /// the gradients of training and of the attributions are cleared first, so the page shows
    /// this step's alone.
    func writeTrainingStepPage(of model: GRU4RecModel<Float>, data: SessionData, to url: URL) throws {
        model.implementation = .composed
        defer { model.implementation = .fused }
        model.zeroGrad()
        let loss = SessionTrainer(model: model, data: data).lossOfFirstStep(slots: 2)
        try DrawingOutput.writePage(backpropagating: loss, title: "GRU4Rec: one training step over \(counted(2, "session"))",
                                    to: url.path)
    }
}
