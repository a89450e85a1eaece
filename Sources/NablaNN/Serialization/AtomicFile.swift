import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that readers see either the old content or the new, never a mix.
public enum AtomicFile {
    /// Writes `bytes` to a temporary file in `url`'s folder, flushes it to disk, and renames it
    /// over `url`. On any failure the temporary file is removed and the previous file, if any,
    /// is left as it was. Renaming replaces `url` itself: if it is a symbolic link, the link is
    /// replaced and its target is never written. Temporary files of earlier writers of the same
    /// file that died before renaming (killed, power lost) are removed first.
    ///
    /// - Throws: ``SafeTensorsError/io(path:detail:)`` naming the path and the system's reason.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let path = url.path
        removeStaleTemporaries(of: url)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent("\(temporaryPrefix(of: url))\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw SafeTensorsError.io(path: path, detail: "cannot create a file in its folder: \(systemError())")
        }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let result = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = "write failed: \(systemError())"
                    return
                }
                written += result
            }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = "flush to disk failed: \(systemError())" }
        if close(descriptor) != 0 && failure == nil { failure = "close failed: \(systemError())" }
        if failure == nil && rename(temporary, path) != 0 { failure = "rename into place failed: \(systemError())" }
        if let failure {
            unlink(temporary)
            throw SafeTensorsError.io(path: path, detail: failure + "; the previous file is unchanged")
        }
    }

    /// Temporary files for `url` are named `.NAME.tmp-PID-RANDOM` in its folder.
    static func temporaryPrefix(of url: URL) -> String { ".\(url.lastPathComponent).tmp-" }

    /// Removes the temporary files for `url` whose writing process no longer exists.
    static func removeStaleTemporaries(of url: URL) {
        let folder = url.deletingLastPathComponent()
        let prefix = temporaryPrefix(of: url)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH { unlink(folder.appendingPathComponent(name).path) }
        }
    }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
