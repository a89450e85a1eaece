import ArgumentParser
import Foundation

/// Checks made on output paths before any long work starts, so a run never trains for an hour
/// and then fails to save.
enum OutputFiles {
    /// Throws unless `path` may be written: it does not exist yet, or `overwrite` allows replacing
    /// it; and a file can be created there (see ``checkWritable(_:option:)``).
    static func checkNew(_ path: String, overwrite: Bool, option: String) throws {
        if FileManager.default.fileExists(atPath: path) && !overwrite {
            throw ValidationError("\(option) \(path) exists: choose another name or pass --overwrite to replace it")
        }
        try checkWritable(path, option: option)
    }

    /// Throws unless a file can be created at `path`: its folder exists and is writable (a
    /// temporary file is created there and removed), and `path` is not a folder.
    static func checkWritable(_ path: String, option: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("\(option) \(path): the folder \(folder) does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw ValidationError("\(option) \(path) is a folder; give a file name")
        }
        var probe = Array("\(folder)/.gru4rec-write-check-XXXXXX".utf8CString)
        let descriptor = mkstemp(&probe)
        guard descriptor >= 0 else {
            throw ValidationError("\(option) \(path): cannot write in \(folder): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        unlink(probe)
    }

    /// Holds an exclusive lock on `path` for as long as the process runs, so two trainers never
    /// write the same checkpoint or model. The lock file `.NAME.lock` beside it is released by
    /// the system when the process ends, however it ends.
    static func lock(_ path: String, option: String) throws {
        let url = URL(fileURLWithPath: path)
        let lockPath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).lock").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ValidationError("\(option) \(path): cannot create its lock file \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ValidationError("\(option) \(path) is being written by another gru4rec run (it holds \(lockPath))")
        }
        // The descriptor stays open until the process exits: that is the lock.
    }
}
