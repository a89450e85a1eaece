import NablaSessions

extension GRU4RecConfiguration {
    /// Checks a whole configuration, whatever its source (a parameter string, individual
    /// options, a preset, a model file's metadata, an imported model, a tuning trial): every
    /// value in its range, and the values together.
    ///
    /// The rules that bind values together:
    /// - `n_sample=0` needs `batch_size` of 2 or more: without shared samples the other sessions
    ///   of a batch are a step's only negatives, and a batch of one slot has none (no step
    ///   would run, and training would make 0 predictions).
    ///
    /// - Throws: `ConfigurationError` naming the parameter, its value and what is allowed.
    public func validate() throws {
        for parameter in Self.parameters where !parameter.allows(self) {
            throw ConfigurationError(parameter: parameter.name, "'\(parameter.text(self))' is not \(parameter.expected)")
        }
        if sampleCount == 0 && batchSize < 2 {
            throw ConfigurationError(parameter: "batch_size", "batch_size=\(batchSize) with n_sample=0 leaves no negatives: without "
                + "shared samples a step's negatives are the other sessions of its batch, so the batch needs at least 2 slots "
                + "(or give n_sample of 1 or more)")
        }
    }

    /// Checks the configuration (``validate()``) and that training it on `itemCount` items fits
    /// in `availableMemory` bytes, by the estimate of ``MemoryEstimate/peakBytes(_:itemCount:dataBytes:saving:evaluationBatchSize:)``.
    ///
    /// - Parameters:
    ///   - itemCount: the items of the training data.
    ///   - availableMemory: the bytes training may use; `nil` when unknown (memory is then not checked).
    ///   - dataBytes: the memory the training data takes (``MemoryEstimate/sessionDataBytes(events:sessions:items:)``).
    ///   - saving: the file written while training's memory is held (a model, a checkpoint), if any.
    ///   - evaluationBatchSize: the sessions evaluated at once when the model is evaluated while
    ///     training's memory is held (`train --test`, a tuning trial's validation); `nil` when not.
    ///   - source: names the training data in the error.
    /// - Throws: `ConfigurationError` for a value or a combination; `DataError` naming `source`
    ///   with both figures when training would not fit.
    public func validate(itemCount: Int, availableMemory: Int?, dataBytes: Int = 0, saving: MemoryEstimate.SavedFile = .none,
                         evaluationBatchSize: Int? = nil, source: String) throws {
        try validate()
        try MemoryEstimate.check(MemoryEstimate.peakBytes(self, itemCount: itemCount, dataBytes: dataBytes, saving: saving,
                                                          evaluationBatchSize: evaluationBatchSize),
                                 available: availableMemory,
                                 for: "training \(itemCount) items with layers \(layers), batch size \(batchSize) and \(sampleCount) samples",
                                 source: source)
    }

    /// Checks the configuration (``validate()``) and that training it on `data`, already read,
    /// fits in `availableMemory` bytes with the data, the file written while training's memory
    /// is held (`saving`) and evaluation in batches of `evaluationBatchSize` sessions, if the
    /// model is evaluated then; the check `gru4rec train` makes before it builds the model, and
    /// the one to make before each tuning trial (with the validation's batch size).
    ///
    /// - Throws: `ConfigurationError` for a value or a combination; `DataError` naming the
    ///   data's source with both figures when training would not fit.
    public func validate(trainingOn data: SessionData, availableMemory: Int?, saving: MemoryEstimate.SavedFile = .none,
                         evaluationBatchSize: Int? = nil) throws {
        try validate(itemCount: data.itemMap.count, availableMemory: availableMemory, dataBytes: MemoryEstimate.sessionDataBytes(of: data),
                     saving: saving, evaluationBatchSize: evaluationBatchSize, source: data.source)
    }
}
