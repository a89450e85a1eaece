import Nabla
import NablaNN
import Testing

/// The pieces work together: a small GRU learns a task that needs memory.
@Suite struct LearningTests {
    /// Sequences over 5 symbols where each symbol is the sum of the two before it, modulo 5.
    /// Predicting the next symbol needs the current and the previous one, so the GRU must carry
    /// the previous symbol in its state.
    func sequences(count: Int, length: Int, using generator: inout SeededRandomGenerator) -> [[Int]] {
        (0..<count).map { _ in
            var sequence = [generator.nextInt(below: 5), generator.nextInt(below: 5)]
            while sequence.count < length { sequence.append((sequence[sequence.count - 1] + sequence[sequence.count - 2]) % 5) }
            return sequence
        }
    }

    @Test func gruLearnsANextSymbolTaskToNinetyFivePercent() {
        var generator = SeededRandomGenerator(seed: 2024)
        let embedding = Embedding<Float>(count: 5, dimension: 8, using: &generator)
        let gru = GRU<Float>(inputSize: 8, hiddenSizes: [32], using: &generator)
        let head = Dense<Float>(inputSize: 32, outputSize: 5, using: &generator)
        let parameters = embedding.parameters + gru.parameters + head.parameters
        let optimizer = Adagrad(parameters: parameters, learningRate: 0.1, momentum: 0.5)

        func logits(_ batch: [[Int]]) -> [Tensor<Float>] {
            let steps = (0..<(batch[0].count - 1)).map { t in embedding(batch.map { $0[t] }) }
            return gru.unrolled(steps).outputs.map { head($0) }
        }

        for _ in 0..<300 {
            let batch = sequences(count: 16, length: 7, using: &generator)
            for p in parameters { p.zeroGrad() }
            let perStep = logits(batch).enumerated().dropFirst().map { t, scores in
                Losses.softmaxCrossEntropy(logits: scores, labels: batch.map { $0[t + 1] })
            }
            perStep.dropFirst().reduce(perStep[0], +).backward()
            optimizer.step()
        }

        let test = sequences(count: 200, length: 7, using: &generator)
        let predictions = withNoGrad { logits(test) }
        var correct = 0, total = 0
        for (t, scores) in predictions.enumerated().dropFirst() {
            for (row, sequence) in test.enumerated() {
                let rowScores = (0..<5).map { scores[row, $0] }
                correct += rowScores.firstIndex(of: rowScores.max()!)! == sequence[t + 1] ? 1 : 0
                total += 1
            }
        }
        let accuracy = Double(correct) / Double(total)
        #expect(accuracy >= 0.95, "accuracy \(accuracy)")
    }
}
