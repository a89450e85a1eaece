import NablaNN

/// Checks made on an input file before and after it is read, and the reasons file operations
/// fail, in words (NablaNN's `InputFile`).
public typealias InputFile = NablaNN.InputFile
