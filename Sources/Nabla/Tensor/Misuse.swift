/// Stops the program with a message that names the op: the single exit for programming errors.
///
/// Shape mismatches and API misuse are bugs in the calling code, so they trap rather than throw.
/// `fatalError` is used (not `precondition`) because its message survives release builds.
/// Errors caused by outside input (files, command-line values) are thrown instead. Layers and
/// models built on Nabla use it too, so every misuse message reads the same way.
public func misuse(_ op: String, _ message: String) -> Never {
    fatalError("\(op): \(message)")
}

/// Formats a shape the way every message in Nabla prints it: `[32, 100]`.
@usableFromInline
func describeShape(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
