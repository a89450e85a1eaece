import Foundation
import NablaSessions

/// How much memory training GRU4Rec will take, estimated before anything large is allocated, so
/// a data set too large for the machine is refused up front with the numbers.
public enum MemoryEstimate {
    /// A file a run writes while it holds the model and the optimizer's state. Writing builds
    /// the file in memory before it goes to disk: its tensors as bytes, then the file's bytes,
    /// two copies of what it holds.
    public enum SavedFile: Sendable {
        /// Nothing is written (a tuning trial, a benchmark).
        case none
        /// The trained model (`train --save`): two copies of the parameters.
        case model
        /// A training checkpoint (`train --checkpoint`): the parameters with Adagrad's
        /// accumulator and velocity, two copies of each.
        case trainingCheckpoint

        /// The copies of the parameters the write holds at its peak.
        var parameterCopies: Double {
            switch self {
            case .none: 0
            case .model: 2
            case .trainingCheckpoint: 6
            }
        }
    }

    /// Bytes for training: the model's parameters with Adagrad's accumulator and velocity for
    /// each (three copies), the sampler (its cache and its per-item tables), one step's working
    /// memory, which grows with the batch size, the samples and the layers: the `B × (B + S)`
    /// score matrix and its softmax and gradient, the gathered item rows and their gradients, and
    /// each layer's gates, held for every step of a `bptt_steps` window; and the copies a file written during training holds (`saving`).
    ///
    /// Computed in floating point, so absurd settings give a huge estimate rather than an
    /// overflow; the result is capped at `Int.max / 2`.
    public static func trainingBytes(_ configuration: GRU4RecConfiguration, itemCount: Int, scalarBytes: Int = 4,
                                     saving: SavedFile = .none) -> Int {
        let layers = configuration.layers.map(Double.init), items = Double(itemCount)
        let last = layers[layers.count - 1]
        var parameters = items * (last + 1)
        var input: Double
        switch configuration.inputMode {
        case .constrained: input = last
        case .embedding(let size): parameters += items * Double(size); input = Double(size)
        case .oneHot: parameters += items * 3 * layers[0]; input = 0
        }
        let firstInput = input
        for size in layers {
            parameters += 3 * size * (input + size + 2)
            input = size
        }
        let batch = Double(configuration.batchSize), columns = batch + Double(configuration.sampleCount)
        let step = 4 * batch * columns + 3 * columns * last + 16 * batch * layers.reduce(0, +) + 2 * batch * firstInput
        // A window of truncated backpropagation through time holds the graph of all its steps.
        let working = step * Double(configuration.bpttSteps)
        // The cache holds whole batches of samples, at least one; per item the sampler keeps its
        // support, log-support, probability, acceptance and alias (36 bytes).
        let sampler = Double(max(configuration.sampleCacheSize, configuration.sampleCount)) * 4 + 36 * items
        let total = ((3 + saving.parameterCopies) * parameters + working) * Double(scalarBytes) + sampler
        return total < Double(Int.max / 2) ? Int(total) : Int.max / 2
    }

    /// What the process holds before any data (`MemoryBudget.processBytes`).
    public static var processBytes: Int { MemoryBudget.processBytes }

    /// Bytes for training data (`MemoryBudget.sessionDataBytes`).
    public static func sessionDataBytes(events: Int, sessions: Int, items: Int) -> Int {
        MemoryBudget.sessionDataBytes(events: events, sessions: sessions, items: items)
    }

    /// Bytes for `data` (`MemoryBudget.sessionDataBytes`).
    public static func sessionDataBytes(of data: SessionData) -> Int { MemoryBudget.sessionDataBytes(of: data) }

    /// Bytes for evaluating beside training (`train --test`, a tuning trial's validation): the
    /// ranking's copy of the output item matrix (its 8-bit table with the bounds, or the scores
    /// of every item) and one batch's scores over every item.
    public static func evaluationBytes(_ configuration: GRU4RecConfiguration, itemCount: Int, batchSize: Int, scalarBytes: Int = 4) -> Int {
        let items = Double(itemCount), last = Double(configuration.layers[configuration.layers.count - 1])
        let total = (items * (last + 1) + Double(batchSize) * items) * Double(scalarBytes)
        return total < Double(Int.max / 2) ? Int(total) : Int.max / 2
    }

    /// The peak of a whole training run: the process, the training data (`dataBytes`, see
    /// ``sessionDataBytes(events:sessions:items:)``) and training itself, then, while training's
    /// memory is still held, the larger of writing a file (``trainingBytes(_:itemCount:scalarBytes:saving:)``)
    /// and evaluating in batches of `evaluationBatchSize` sessions, when it evaluates
    /// (``evaluationBytes(_:itemCount:batchSize:scalarBytes:)``). What
    /// ``GRU4RecConfiguration/validate(itemCount:availableMemory:dataBytes:saving:evaluationBatchSize:source:)`` checks.
    public static func peakBytes(_ configuration: GRU4RecConfiguration, itemCount: Int, dataBytes: Int, saving: SavedFile = .none,
                                 evaluationBatchSize: Int? = nil) -> Int {
        let evaluation = evaluationBatchSize.map { evaluationBytes(configuration, itemCount: itemCount, batchSize: $0) } ?? 0
        let training = max(trainingBytes(configuration, itemCount: itemCount, saving: saving),
                           trainingBytes(configuration, itemCount: itemCount) + evaluation)
        return training >= Int.max / 4 || dataBytes >= Int.max / 4 ? Int.max / 2 : processBytes + dataBytes + training
    }

    /// The memory the system reports as available (`MemoryBudget.availableBytes`).
    public static var availableBytes: Int? { MemoryBudget.availableBytes }

    /// Throws when `needed` exceeds `available` (`MemoryBudget.check`).
    public static func check(_ needed: Int, available: Int?, for purpose: String, source: String) throws {
        try MemoryBudget.check(needed, available: available, for: purpose, source: source)
    }
}
