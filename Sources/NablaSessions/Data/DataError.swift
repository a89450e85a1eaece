import NablaNN

/// A problem with an input file, located by file, line and column so it can be fixed (NablaNN's
/// `DataError`, the error of every file the session machinery and the hyperparameter search read).
public typealias DataError = NablaNN.DataError

extension DataError {
    /// A training session with one event: nothing follows it to be its target. Preprocessing
    /// (``Preprocessor``) removes such sessions.
    public static func singleEventSession(_ session: String, file: String, line: Int) -> DataError {
        DataError(file: file, line: line, "session '\(session)' has a single event; training needs at least two per session, "
            + "since each event's target is the one after it (preprocessing removes such sessions)")
    }
}
