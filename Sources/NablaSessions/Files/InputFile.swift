import Foundation
import NablaNN

/// Checks made on an input file before and after it is read, and the reasons file operations
/// fail, in words.
public enum InputFile {
    /// What identifies a file's content without reading it (see ``ReadableFile/Identity``).
    public typealias Identity = ReadableFile.Identity

    /// The identity of the regular file at `path`, which is to be read as `what`.
    ///
    /// - Throws: ``DataError`` when there is no such file, or it is a folder, a FIFO, a socket, a
    ///   device (`/dev/zero`) or a symbolic link to nothing, which cannot be read as `what`.
    public static func identity(of path: String, describing what: String, standardInputAllowed: Bool = false) throws -> Identity {
        do {
            return try ReadableFile.identity(of: path, describing: what, standardInputAllowed: standardInputAllowed)
        } catch let refusal as ReadableFile.Refusal {
            throw DataError(file: path, refusal.message)
        }
    }

    /// The reason a file operation failed, in the system's words (see ``ReadableFile/reason(_:)``).
    public static func reason(_ error: Error) -> String { ReadableFile.reason(error) }
}
