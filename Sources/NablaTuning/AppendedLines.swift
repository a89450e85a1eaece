import Foundation
import NablaNN

/// Appending whole lines to a file so that it never keeps a part of one: the bytes go in one
/// write and are flushed to disk, and a write that fails midway (a full disk, a file-size limit)
/// is cut back off, leaving the file as it was.
enum AppendedLines {
    /// Why a file could not be changed, in the system's words (`No space left on device`).
    struct Failure: Error {
        /// The system's reason.
        let reason: String
    }

    /// Appends `bytes` (whole lines) to the end of the file at `url` and flushes them to disk.
    ///
    /// - Throws: ``Failure`` with the system's reason; the file is then as it was before, unless
    ///   even cutting the partial write off failed.
    static func append(_ bytes: [UInt8], to url: URL) throws {
        let handle: FileHandle
        do { handle = try FileHandle(forWritingTo: url) } catch { throw Failure(reason: InputFile.reason(error)) }
        defer { try? handle.close() }
        var end: UInt64 = 0
        do {
            end = try handle.seekToEnd()
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
        } catch {
            try? handle.truncate(atOffset: end)
            try? handle.synchronize()
            throw Failure(reason: InputFile.reason(error))
        }
    }

    /// Cuts the file at `url` to its first `length` bytes, flushed to disk.
    ///
    /// - Throws: ``Failure`` with the system's reason.
    static func truncate(_ url: URL, to length: Int) throws {
        do {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.truncate(atOffset: UInt64(length))
            try handle.synchronize()
        } catch {
            throw Failure(reason: InputFile.reason(error))
        }
    }
}
