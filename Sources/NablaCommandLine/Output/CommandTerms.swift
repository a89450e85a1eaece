import Foundation
import NablaSessions

/// The session machinery's advice, said in the command line's terms: where the library says
/// which function to call, the command names its option.
package enum CommandTerms {
    /// What the library's messages advise, and what the command says instead.
    static let advice = [
        ("train inside withAnomalyDetection { } to find the op", "run with --detect-anomaly to find the op"),
        ("it holds no training state to continue from", "it holds no training state to continue from (save one with --checkpoint)"),
    ]

    /// Runs `body`, rethrowing a training or checkpoint error with the command's advice.
    package static func rethrowing<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as TrainingError {
            throw TrainingError(message: translated(error.message))
        } catch let error as CheckpointError {
            throw CheckpointError(path: error.path, translated(error.message))
        }
    }

    /// `message` with the library's advice replaced by the command's.
    package static func translated(_ message: String) -> String {
        advice.reduce(message) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }
}
