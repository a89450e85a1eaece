import Foundation

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

    /// The whole content of the small regular file at `path`, read as `what`, after checking by
    /// its size that it holds at most `limit` bytes (a parameter space, a journal): a huge file
    /// given by mistake is refused before it is read.
    ///
    /// - Throws: ``DataError`` for a file that is not a regular file, is larger than `limit`, or
    ///   cannot be read, in words.
    public static func contents(of path: String, describing what: String, limit: Int) throws -> Data {
        let identity = try identity(of: path, describing: what)
        guard identity.size <= limit else {
            throw DataError(file: path, "holds \(identity.size) bytes; a \(what) holds at most \(limit) (\(limit >> 20) MiB): is this the right file?")
        }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DataError(file: path, "cannot read the \(what): \(reason(error))")
        }
    }

    /// The reason a file operation failed, in the system's words (see ``ReadableFile/reason(_:)``).
    public static func reason(_ error: Error) -> String { ReadableFile.reason(error) }
}
