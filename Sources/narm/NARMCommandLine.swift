import NARM
import NablaCommandLine
import NablaSessions

/// NARM registered for the command line: its name, its hyperparameters and how to build it.
/// Everything of `narm train`, `evaluate`, `recommend`, `explain`, `tune`, `benchmark` and `draw`
/// is the library's.
enum NARMCommandLine: CommandLineModel {
    typealias Hyperparameters = NARMConfiguration

    static let name = "narm"
    static let displayName = "NARM"

    /// The paper's sizes with GRU4Rec's rsc15 training setting.
    static let benchmarkParameters = "loss=cross-entropy,embedding=50,hidden=100,window=10,batch_size=32,learning_rate=0.2,"
        + "momentum=0.2,n_sample=2048,sample_alpha=0.5,logq=1.0"

    static func makeModel(_ configuration: NARMConfiguration, itemCount: Int) -> NARMModel<Float> {
        NARMModel(configuration: configuration, itemCount: itemCount)
    }
}
