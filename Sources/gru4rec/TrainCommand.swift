import ArgumentParser
import Foundation
import GRU4Rec
import Nabla

/// `gru4rec train`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train a model on a session file.")

    @Option(name: .long, help: "The training sessions (TSV: SessionId, ItemId, Time).")
    var train: String

    @Option(name: .long, help: "Test sessions to evaluate on after training.")
    var test: String?

    @Option(name: [.short, .customLong("parameters")], help: "Hyperparameters in the official form, e.g. loss=cross-entropy,layers=100,batch_size=32.")
    var parameters: String = ""

    func run() throws {
        BLASThreads.set(1)
        let configuration = try GRU4RecConfiguration(parameters: parameters)
        let events = try SessionTSVReader.read(URL(fileURLWithPath: train))
        let data = try SessionData.training(events, source: train)
        print("training data: \(data.eventCount) events, \(data.sessionCount) sessions, \(data.itemMap.count) items")
        let model = GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count)
        let trainer = GRU4RecTrainer(model: model, data: data)
        for _ in 0..<configuration.epochs {
            let summary = try trainer.trainEpoch(reportEvery: 500) { p in
                print("  epoch \(p.epoch): \(p.events)/\(p.eventsPerEpoch) loss \(p.meanLoss) \(Int(Double(p.events) / p.elapsed)) ev/s")
            }
            print("epoch \(summary.epoch): loss \(summary.meanLoss), \(Int(summary.eventsPerSecond)) events/s")
        }
        if let test {
            let testData = SessionData.test(try SessionTSVReader.read(URL(fileURLWithPath: test)), source: test, itemMap: data.itemMap)
            var scorer = GRU4RecScorer(model: model)
            let start = Date()
            let metrics = Evaluator.evaluate(&scorer, on: testData)
            print("evaluation: \(metrics.predictions) predictions in \(Date().timeIntervalSince(start)) s")
            for k in metrics.cutoffs { print("Recall@\(k) \(metrics.recall(at: k))  MRR@\(k) \(metrics.mrr(at: k))") }
        }
    }
}
