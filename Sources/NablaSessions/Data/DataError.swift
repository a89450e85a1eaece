/// A problem with an input file, located by file, line and column so it can be fixed.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file's path.
    public let file: String
    /// The 1-based line, when the problem is on one line.
    public let line: Int?
    /// The 1-based column (field number), when the problem is in one field.
    public let column: Int?
    /// What is wrong and, where it helps, what to do.
    public let message: String

    /// Creates an error for `file`, optionally at `line` and `column`.
    public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// A training session with one event: nothing follows it to be its target. Preprocessing
    /// (``Preprocessor``) removes such sessions.
    public static func singleEventSession(_ session: String, file: String, line: Int) -> DataError {
        DataError(file: file, line: line, "session '\(session)' has a single event; training needs at least two per session, "
            + "since each event's target is the one after it (preprocessing removes such sessions)")
    }

    /// `file:line:column: message`, the form editors and terminals link to.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(message)"
    }
}
