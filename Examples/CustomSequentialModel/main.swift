// Tutorial 6: build your own sequential model (an LSTM recommender), check its gradients, train
// it with GRU4Rec's machinery on the demo shop data, and compare it with GRU4Rec.
//
//     swift run -c release CustomSequentialModel [data-folder]
import Foundation
import GRU4Rec
import Nabla
import NablaNN

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

// snippet: t6-compare
let folder = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "custom-model-data")
let files = try DemoShop.write(to: folder)
let train = try SessionData.training(SessionTSVReader.read(files.train), source: files.train.path)
let test = SessionData.test(try SessionTSVReader.read(files.test), source: files.test.path, itemMap: train.itemMap)

let lstm = LSTMRecommender(itemCount: train.itemMap.count, hiddenSize: 64, seed: 42)
let optimizer = Adagrad(parameters: lstm.parameters, learningRate: 0.1, momentum: 0.2)
var sampler = NegativeSampler(support: train.itemSupport(), alpha: 0.5, sampleCount: 16, seed: 7)
for epoch in 1...3 {
    let loss = lstm.trainEpoch(train, optimizer: optimizer, sampler: &sampler, batchSize: 32)
    print("LSTM epoch \(epoch): loss \(String(format: "%.3f", loss))")
}

let configuration = try GRU4RecConfiguration(parameters: "loss=cross-entropy,layers=64,batch_size=32,learning_rate=0.1,momentum=0.2,n_sample=16,n_epochs=3")
let gru = GRU4RecModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
let trainer = SessionTrainer(model: gru, data: train)
for _ in 1...3 { try trainer.trainEpoch() }

var lstmScorer = LSTMScorer(model: lstm)
var gruScorer = SessionModelScorer(model: gru)
for (name, metrics) in [("LSTM", Evaluator.evaluate(&lstmScorer, on: test, cutoffs: [1, 5])),
                        ("GRU4Rec", Evaluator.evaluate(&gruScorer, on: test, cutoffs: [1, 5]))] {
    print("\(name): Recall@1 \(String(format: "%.3f", metrics.recall(at: 1))), MRR@5 \(String(format: "%.3f", metrics.mrr(at: 5)))")
}
// end snippet
