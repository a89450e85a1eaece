import Foundation

/// Writing the files a command produces (demo data, preprocessed splits, tuning journals), with
/// errors that say what went wrong in words: ``DataError`` naming the file.
package enum OutputFolder {
    /// Creates `folder` and its parents if needed.
    ///
    /// - Throws: ``DataError`` when a file stands in the way or a folder cannot be created (naming
    ///   it and the system's reason, such as `Permission denied` or `Read-only file system`).
    package static func create(_ folder: URL) throws {
        do { try OutputPath.createFolder(folder.path) } catch let error as OutputPath.Problem {
            throw DataError(file: error.path, error.reason)
        }
    }

    /// Writes `bytes` to `url` atomically (a symbolic link at `url` is replaced, not followed; a
    /// folder or a special file there is refused).
    package static func write(_ bytes: [UInt8], to url: URL) throws {
        do { try AtomicFile.write(bytes, to: url) } catch let error as SafeTensorsError {
            if case .io(_, let detail) = error { throw DataError(file: url.path, "cannot be written: \(detail)") }
            throw error
        }
    }

    /// Writes `files` (name and content) as one set into `folder`, replacing an earlier set
    /// there in one step (see ``FileSet``).
    package static func writeSet(_ files: [(name: String, bytes: [UInt8])], to folder: URL) throws {
        do { try FileSet(names: files.map(\.name)).write(files.map(\.bytes), to: folder) } catch let error as SafeTensorsError {
            if case .io(let path, let detail) = error { throw DataError(file: path, "cannot be written: \(detail)") }
            throw error
        }
    }
}
