import Foundation

/// A file of item ids, one a line, exactly as written: a session's items for `recommend` and
/// `explain`, or a catalogue's for `import`. It is read as a stream and bounded, so a file that
/// is not one (a binary, a huge log) is refused as soon as it passes a limit instead of being
/// read whole.
public enum ItemIDFile {
    /// The longest item id accepted, in bytes: 64 KiB.
    public static let maximumLineLength = 1 << 16
    /// The most a session's file of item ids may hold, in bytes: 16 MiB (hundreds of thousands
    /// of ids, far more than any session has).
    public static let sessionMaximumBytes = 1 << 24

    /// The non-empty lines of the file at `path` (`-` reads standard input), without their line
    /// break (`\n` or `\r\n`) or a leading UTF-8 byte-order mark.
    ///
    /// - Parameters:
    ///   - path: the file, or `-` for standard input.
    ///   - maximumBytes: the most the file may hold, or `nil` for no limit but the line length.
    /// - Throws: ``DataError`` naming the file (and line) when it is not a readable regular file,
    ///   is larger than `maximumBytes`, has a line longer than ``maximumLineLength``, or a line
    ///   that is not UTF-8 text.
    public static func read(_ path: String, maximumBytes: Int?) throws -> [String] {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            let size = try InputFile.identity(of: path, describing: "file of item ids", standardInputAllowed: true).size
            if let maximumBytes, size > maximumBytes { throw tooLarge(path, maximumBytes: maximumBytes) }
            do { handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path)) } catch {
                throw DataError(file: path, "cannot be read: \(InputFile.reason(error))")
            }
        }
        defer { if path != "-" { try? handle.close() } }
        var scanner = LineScanner(maximumLineLength: maximumLineLength) { number in
            DataError(file: path, line: number, column: maximumLineLength + 1,
                      "the line is longer than \(maximumLineLength) bytes, the most an item id may have "
                          + "(is this a file of item ids, one a line?)")
        }
        var ids: [String] = []
        var bytesRead = 0
        try scanner.scan(handle, source: path) { line, number in
            bytesRead += line.count + 1
            if let maximumBytes, bytesRead > maximumBytes + 1 { throw tooLarge(path, maximumBytes: maximumBytes) }
            var line = line
            if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            if line.last == 0x0D { line.removeLast() }
            guard !line.isEmpty else { return }
            guard let id = String(validating: line, as: UTF8.self) else {
                throw DataError(file: path, line: number, "is not UTF-8 text")
            }
            ids.append(id)
        }
        return ids
    }

    /// The error for a file of item ids larger than `maximumBytes`.
    private static func tooLarge(_ path: String, maximumBytes: Int) -> DataError {
        DataError(file: path, "holds more than \(maximumBytes >> 20) MiB, the most a session's file of item ids may have "
            + "(one item id a line)")
    }
}
