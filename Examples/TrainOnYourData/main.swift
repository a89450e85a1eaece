// Trains GRU4Rec on your own session file and recommends for a session of it.
//
//     swift run -c release TrainOnYourData clicks.tsv [test.tsv]
//
// The file is tab-separated with a header: SessionId, ItemId, Time (other columns are ignored).
// Without a test file, the last 10% of sessions (by start time) are held out for evaluation.
// The trained model is saved as my-model.safetensors beside the session file.
import Foundation
import GRU4Rec
import Nabla

let arguments = CommandLine.arguments.dropFirst()
guard let trainPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: TrainOnYourData SESSIONS.tsv [TEST.tsv]\n".utf8))
    exit(2)
}
do {
    let events = try SessionTSVReader.read(URL(fileURLWithPath: trainPath))
    var trainEvents = events, testEvents: [SessionEvent] = []
    if let testPath = arguments.dropFirst().first {
        testEvents = try SessionTSVReader.read(URL(fileURLWithPath: testPath))
    } else {
        // Hold out the sessions that start last.
        var starts: [String: Double] = [:]
        for event in events { starts[event.session] = min(starts[event.session] ?? .infinity, event.time) }
        let ordered = starts.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
        let heldOut = Set(ordered.suffix(max(1, ordered.count / 10)))
        trainEvents = events.filter { !heldOut.contains($0.session) }
        testEvents = events.filter { heldOut.contains($0.session) }
    }
    let train = try SessionData.training(trainEvents, source: trainPath)
    let test = SessionData.test(testEvents, source: "held-out sessions", itemMap: train.itemMap)
    print("training on \(train.eventCount) events in \(train.sessionCount) sessions over \(train.itemMap.count) items")

    let configuration = try GRU4RecConfiguration(parameters:
        "loss=cross-entropy,layers=64,batch_size=32,dropout_p_hidden=0.1,learning_rate=0.1,momentum=0.2,n_sample=\(min(2048, train.itemMap.count)),n_epochs=3")
    let model = GRU4RecModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
    let trainer = SessionTrainer(model: model, data: train)
    for _ in 0..<configuration.epochs {
        let summary = try trainer.trainEpoch()
        print("epoch \(summary.epoch): loss \(String(format: "%.4f", summary.meanLoss)), \(Int(summary.eventsPerSecond)) predictions/s")
    }

    var scorer = SessionModelScorer(model: model)
    let metrics = try Evaluator.evaluate(&scorer, on: test, cutoffs: [5, 20])
    print("held out: \(metrics.predictions) predictions, Recall@20 \(String(format: "%.4f", metrics.recall(at: 20))), MRR@20 \(String(format: "%.4f", metrics.mrr(at: 20)))")

    let session = train.session(0).prefix(2).map { train.itemMap.ids[Int($0)] }
    let top = try Recommender.recommend(model, itemMap: train.itemMap, after: session, count: 5)
    print("after \(session): \(top.map(\.item))")
    // The model goes beside the session file it was trained on, not into the current folder.
    let saved = URL(fileURLWithPath: trainPath).deletingLastPathComponent().appendingPathComponent("my-model.safetensors")
    try Checkpoint.save(model, itemMap: train.itemMap, epochsCompleted: configuration.epochs, to: saved)
    print("saved \(saved.path); try: swift run -c release gru4rec recommend --model \(saved.path) --items \"\(session.joined(separator: ","))\"")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
