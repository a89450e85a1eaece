import Nabla
import NablaNN
import NablaSessions

extension GRU4RecConfiguration {
    /// The loss these hyperparameters name, with its parameters (`logq`; `elu_param`, `bpreg`).
    public var sampledLoss: RankingLoss {
        switch loss {
        case .crossEntropy: return .crossEntropy(logq: logq)
        case .bprMax: return .bprMax(elu: eluParameter, bpreg: bpreg)
        case .bpr: return .bpr
        case .top1: return .top1
        case .top1Max: return .top1Max
        }
    }

    /// How the session trainer walks the data with these hyperparameters (the sampler's seed is
    /// `seed + 100`).
    public var trainingOptions: SessionTrainingOptions {
        SessionTrainingOptions(batchSize: batchSize, loss: sampledLoss, sampleCount: sampleCount, sampleAlpha: sampleAlpha,
                               sampleCacheSize: sampleCacheSize, samplerSeed: seed &+ 100,
                               bpttSteps: bpttSteps)
    }
}

extension SessionTrainer {
    /// A trainer for a GRU4Rec model as its configuration says: the batch size, loss and
    /// sampling of ``GRU4RecConfiguration/trainingOptions``, and Adagrad with GRU4Rec's learning
    /// rate and momentum.
    public convenience init<S: TensorScalar>(model: GRU4RecModel<S>, data: SessionData) where Model == GRU4RecModel<S> {
        let configuration = model.configuration
        self.init(model: model, data: data, options: configuration.trainingOptions,
                  optimizer: Adagrad(parameters: model.parameters, learningRate: configuration.learningRate,
                                     momentum: configuration.momentum))
    }
}
