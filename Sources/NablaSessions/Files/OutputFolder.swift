import Foundation
import NablaNN

/// Writing the session files a command produces (demo data, preprocessed splits), with errors
/// that say what went wrong in words.
enum OutputFolder {
    /// Creates `folder` and its parents if needed.
    ///
    /// - Throws: ``DataError`` when a file stands in the way or the folder cannot be created.
    static func create(_ folder: URL) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw DataError(file: folder.path, "is a file, not a folder") }
            return
        }
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            let reason = (error as NSError).userInfo[NSUnderlyingErrorKey].flatMap { ($0 as? NSError)?.code }
                .map { String(cString: strerror(Int32($0))) } ?? "it cannot be created"
            throw DataError(file: folder.path, "the folder cannot be created: \(reason)")
        }
    }

    /// Writes `bytes` to `url` atomically (a symbolic link at `url` is replaced, not followed).
    static func write(_ bytes: [UInt8], to url: URL) throws {
        do { try AtomicFile.write(bytes, to: url) } catch let error as SafeTensorsError {
            if case .io(_, let detail) = error { throw DataError(file: url.path, "cannot be written: \(detail)") }
            throw error
        }
    }
}
