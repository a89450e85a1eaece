import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that readers see either the old content or the new, never a mix.
public enum AtomicFile {
    /// Writes `bytes` to a temporary file in `url`'s folder, flushes it to disk, and renames it
    /// over `url`. On any failure the temporary file is removed and the previous file, if any,
    /// is left as it was. Renaming replaces `url` itself: if it is a symbolic link, the link is
    /// replaced and its target is never written. A folder, a FIFO, a device or a socket at `url`
    /// is refused, never replaced. Temporary files of earlier writers of the same file that died
    /// before renaming (killed, power lost) are removed first.
    ///
    /// - Throws: ``SafeTensorsError/io(path:detail:)`` naming the path and the system's reason.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let path = url.path
        // A URL made from `model.safetensors/` names a folder; its `path` drops the '/'.
        if url.hasDirectoryPath || path.isEmpty {
            throw SafeTensorsError.io(path: path, detail: "names a folder, not a file; give the name of a file")
        }
        if let kind = OutputPath.Kind.at(path), !kind.isReplaceable {
            throw SafeTensorsError.io(path: path, detail: "\(kind.phrase) and is never replaced; give the name of a regular file")
        }
        removeStaleTemporaries(of: url)
        let temporary = temporaryPath(of: url)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SafeTensorsError.io(path: path, detail: "cannot create a file in its folder: \(systemError())")
        }
        var failure = writeAll(bytes, to: descriptor)
        if failure == nil && fsync(descriptor) != 0 { failure = "flush to disk failed: \(systemError())" }
        if close(descriptor) != 0 && failure == nil { failure = "close failed: \(systemError())" }
        if failure == nil && rename(temporary, path) != 0 { failure = "rename into place failed: \(systemError())" }
        if let failure {
            unlink(temporary)
            let kept = OutputPath.Kind.at(path) == nil ? "nothing was written" : "the previous file is unchanged"
            throw SafeTensorsError.io(path: path, detail: failure + "; " + kept)
        }
        syncFolder(of: path)
    }

    /// Writes every byte of `bytes` to `descriptor`; the failure in words, or `nil`.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let result = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return "write failed: \(systemError())"
                }
                written += result
            }
            return nil
        }
    }

    /// Flushes the folder holding `path` to disk, so a rename into it survives a power loss
    /// (best effort: a folder that cannot be opened is left to the system).
    static func syncFolder(of path: String) {
        let descriptor = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// A fresh temporary path beside `url`: `.NAME.tmp-PID-RANDOM`, with PID ten digits and
    /// RANDOM eight hex digits, so every temporary name of `url` has the same length whichever
    /// process writes it (the up-front check of a name creates one of exactly that length).
    static func temporaryPath(of url: URL) -> String {
        let name = "\(temporaryPrefix(of: url))\(padded(String(getpid()), to: 10))-\(padded(String(UInt32.random(in: 0...UInt32.max), radix: 16), to: 8))"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// `text` with zeros in front, to `width` characters.
    private static func padded(_ text: String, to width: Int) -> String {
        String(repeating: "0", count: max(width - text.count, 0)) + text
    }

    /// Temporary files for `url` are named `.NAME.tmp-PID-RANDOM` in its folder.
    static func temporaryPrefix(of url: URL) -> String { ".\(url.lastPathComponent).tmp-" }

    /// Removes the temporary files (or folders) for `url` whose writing process no longer exists.
    static func removeStaleTemporaries(of url: URL) {
        let folder = url.deletingLastPathComponent()
        let prefix = temporaryPrefix(of: url)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH { try? FileManager.default.removeItem(atPath: folder.appendingPathComponent(name).path) }
        }
    }

    /// The system's words for the current `errno`.
    static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
