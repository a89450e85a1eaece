/// A checkpoint or model file that cannot be used, and why.
public struct CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file.
    public let path: String
    /// What is wrong.
    public let message: String

    /// An error about the checkpoint at `path`.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}
