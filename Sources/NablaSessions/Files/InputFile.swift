import Foundation

/// Checks made on an input file before and after it is read, and the reasons file operations
/// fail, in words.
public enum InputFile {
    /// What identifies a file's content without reading it: its size and modification time.
    struct Identity: Equatable {
        let size: Int
        let modified: Date?
    }

    /// The identity of the regular file at `path`.
    ///
    /// - Throws: ``DataError`` when there is no such file, or it is a folder, a FIFO, a socket or
    ///   a device (`/dev/zero`), which cannot be read as a file of sessions.
    static func identity(of path: String, describing what: String) throws -> Identity {
        let attributes: [FileAttributeKey: Any]
        // The file a symbolic link points to is what is read, so that is what is checked.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        do { attributes = try FileManager.default.attributesOfItem(atPath: target) } catch {
            throw DataError(file: path, "cannot be read: \(reason(error))")
        }
        let type = attributes[.type] as? FileAttributeType
        guard type == .typeRegular else {
            let kind = type == .typeDirectory ? "a folder" : type == .typeCharacterSpecial || type == .typeBlockSpecial ? "a device"
                : type == .typeSocket ? "a socket" : "a FIFO or other special file"
            throw DataError(file: path, "is \(kind), not a \(what)")
        }
        return Identity(size: (attributes[.size] as? Int) ?? -1, modified: attributes[.modificationDate] as? Date)
    }

    /// The reason a file operation failed, in the system's words (`No such file or directory`,
    /// `Permission denied`) rather than Foundation's error domains and codes.
    public static func reason(_ error: Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        default: return error.localizedDescription
        }
    }
}
