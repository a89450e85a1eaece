import NablaNN

/// A problem with a parameter-space file or a tuning journal, located by file, line and column
/// (NablaNN's `DataError`, the error of every input file Nabla reads).
public typealias DataError = NablaNN.DataError
