import NablaNN

/// A problem with an input file, located by file, line and column so it can be fixed (NablaNN's
/// `DataError`, the error of every file the session machinery and the hyperparameter search read).
public typealias DataError = NablaNN.DataError
