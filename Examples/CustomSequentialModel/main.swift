// Tutorial 6: build your own sequential model (an LSTM recommender), check its gradients, train
// it with the session machinery on the demo shop data, and compare it with a two-layer LSTM with
// dropout trained with BPR-max and with GRU4Rec.
//
//     swift run -c release CustomSequentialModel [data-folder]
import Foundation
import GRU4Rec
import Nabla
import NablaGraphviz
import NablaNN
import NablaSessions
import LSTMRecommenders

// snippet: t6-gradcheck
var generator = SeededRandomGenerator(seed: 1)
let small = LSTMCell<Double>(inputSize: 3, hiddenSize: 4, using: &generator)
let x = Tensor<Double>.uniform([2, 3], in: -1..<1, using: &generator, requiresGrad: true)
let h = Tensor<Double>.uniform([2, 4], in: -1..<1, using: &generator, requiresGrad: true)
let c = Tensor<Double>.uniform([2, 4], in: -1..<1, using: &generator, requiresGrad: true)
let check = gradcheck([x, h, c] + small.parameters) { inputs in
    let next = small(inputs[0], (inputs[1], inputs[2]))
    return next.h.sum() + next.c.sum()
}
print("LSTM gradcheck passed:", check.passed)
// end snippet

// snippet: t6-train
let folder = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("nabla-custom-model").path)
let files = try DemoShop.write(to: folder)
let train = try SessionData.training(SessionTSVReader.read(files.train), source: files.train.path)
let test = try SessionData.test(streamingFrom: files.test, itemMap: train.itemMap)

let lstm = LSTMRecommender(itemCount: train.itemMap.count, hiddenSize: 64, seed: 42)
let trainer = SessionTrainer(
    model: lstm, data: train,
    options: SessionTrainingOptions(batchSize: 32, loss: .crossEntropy(), sampleCount: 16, sampleAlpha: 0.5),
    optimizer: Adagrad(parameters: lstm.parameters, learningRate: 0.1, momentum: 0.2))
let checkpoint = folder.appendingPathComponent("lstm-checkpoint.safetensors")
for _ in 1...3 {
    let epoch = try trainer.trainEpoch(reportEvery: 300) { progress in
        print("  epoch \(progress.epoch): \(progress.events) of \(progress.eventsPerEpoch) predictions")
    }
    try SessionCheckpoint.saveTraining(trainer, to: checkpoint)
    print("LSTM epoch \(epoch.epoch): loss \(String(format: "%.3f", epoch.meanLoss)), checkpoint saved")
}
// end snippet

// snippet: t6-resume
let again = LSTMRecommender(itemCount: train.itemMap.count, hiddenSize: 64, seed: 42)
let resumed = SessionTrainer(model: again, data: train, options: trainer.options,
                             optimizer: Adagrad(parameters: again.parameters, learningRate: 0.1, momentum: 0.2))
try SessionCheckpoint.resume(resumed, from: checkpoint)
print("resumed after \(resumed.completedEpochs) epochs, same weights:",
      zip(again.parameters, lstm.parameters).allSatisfy { $0.scalars == $1.scalars })
// end snippet

// snippet: t6-stacked
let stacked = StackedLSTMRecommender(itemCount: train.itemMap.count, hiddenSizes: [64, 64], dropout: 0.1, seed: 42)
let stackedTrainer = SessionTrainer(
    model: stacked, data: train,
    options: SessionTrainingOptions(batchSize: 32, loss: .bprMax(elu: 0.5, bpreg: 1), sampleCount: 16, sampleAlpha: 0.5),
    optimizer: Adagrad(parameters: stacked.parameters, learningRate: 0.1, momentum: 0.2))
for _ in 1...3 { try stackedTrainer.trainEpoch() }
// end snippet

// snippet: t6-compare
let configuration = try GRU4RecConfiguration(parameters: "loss=cross-entropy,layers=64,batch_size=32,learning_rate=0.1,momentum=0.2,n_sample=16,n_epochs=3")
let gru = GRU4RecModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
let gruTrainer = SessionTrainer(model: gru, data: train)
for _ in 1...3 { try gruTrainer.trainEpoch() }

func report<Model: SessionModel>(_ name: String, _ model: Model) throws {
    var scorer = SessionModelScorer(model: model)
    let metrics = try Evaluator.evaluate(&scorer, on: test, cutoffs: [1, 5])
    let next = try Recommender.recommend(model, itemMap: train.itemMap, after: ["Camera", "Memory Card"], count: 1)
    print("\(name): Recall@1 \(String(format: "%.3f", metrics.recall(at: 1))), MRR@5 \(String(format: "%.3f", metrics.mrr(at: 5))), "
        + "[Camera, Memory Card] → \(next[0].item)")
}
try report("LSTM", lstm)
try report("2-layer LSTM, BPR-max", stacked)
try report("GRU4Rec", gru)
// end snippet

// snippet: t6-draw
let picture = folder.appendingPathComponent("lstm-training-step.svg")
try trainer.lossOfFirstStep(slots: 2).renderGraph(.svg, to: picture,
                                                   options: DOTOptions(title: "One training step of the LSTM recommender"))
print("drew one training step to lstm-training-step.svg")
// end snippet

// snippet: t6-infonce-train
let contrastive = LSTMRecommender(itemCount: train.itemMap.count, hiddenSize: 64, seed: 42)
let contrastiveTrainer = SessionTrainer(
    model: contrastive, data: train,
    options: SessionTrainingOptions(batchSize: 32, loss: InfoNCE(temperature: 0.5), sampleCount: 16, sampleAlpha: 0.5),
    optimizer: Adagrad(parameters: contrastive.parameters, learningRate: 0.1, momentum: 0.2))
for _ in 1...3 { try contrastiveTrainer.trainEpoch() }
try report("LSTM, InfoNCE τ = 0.5", contrastive)
// end snippet
