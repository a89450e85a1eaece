import Foundation

/// The names of the three columns a session file is read by, and the longest line it may have.
public struct SessionColumns: Sendable, Equatable {
    /// The session id column (any text).
    public var session: String
    /// The item id column (any text; ids are strings).
    public var item: String
    /// The time column (a number; only its order matters).
    public var time: String

    /// The longest line accepted, in bytes (default 1 MiB): a file without line breaks (a binary,
    /// a file with old Mac line endings, `/dev/zero`) stops with an error as soon as a line
    /// passes it, instead of being read whole.
    public var maximumLineLength: Int

    /// The official GRU4Rec's column names, `SessionId`, `ItemId`, `Time`, unless given; lines of at most 1 MiB.
    public init(session: String = "SessionId", item: String = "ItemId", time: String = "Time", maximumLineLength: Int = 1 << 20) {
        self.session = session
        self.item = item
        self.time = time
        self.maximumLineLength = maximumLineLength
    }
}

/// One click as read from a file.
public struct SessionEvent: Sendable, Equatable {
    /// The session it belongs to.
    public let session: String
    /// The item clicked.
    public let item: String
    /// When (any unit; only the order matters).
    public let time: Double
    /// The line it was read from, for messages.
    public let line: Int
}

/// Reads the tab-separated session format of the official GRU4Rec: a header naming the columns, then one event per
/// line. Extra columns are ignored. Windows line endings (CRLF) and a UTF-8 byte-order mark are
/// accepted; everything else that is wrong stops with a ``DataError`` naming file, line and column.
public enum SessionTSVReader {
    /// Reads every event of the file at `url` (streamed: the file is never held in memory whole).
    public static func read(_ url: URL, columns: SessionColumns = SessionColumns()) throws -> [SessionEvent] {
        var events: [SessionEvent] = []
        try forEachEvent(in: url, columns: columns) { events.append($0) }
        return events
    }

    /// Streams the file at `url`: reads it in blocks of `blockSize` bytes and hands each event to
    /// `body` as soon as its line is complete, so memory does not grow with the file.
    ///
    /// - Throws: ``DataError`` naming file, line and column for malformed input (as
    ///   ``parse(_:source:columns:)`` does), or for a file that cannot be read; errors thrown by
    ///   `body` are passed on.
    public static func forEachEvent(
        in url: URL, columns: SessionColumns = SessionColumns(), blockSize: Int = 1 << 20,
        _ body: (SessionEvent) throws -> Void
    ) throws {
        let before = try InputFile.identity(of: url.path, describing: "session file")
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw DataError(file: url.path, "cannot be read: \(InputFile.reason(error))")
        }
        defer { try? handle.close() }
        func changed() -> Bool { (try? InputFile.identity(of: url.path, describing: "session file")) != before }
        let changedError = DataError(file: url.path, "changed while it was being read (it was replaced, or its size or modification time differ); "
            + "read it again once it is complete")
        do {
            var parser = SessionLineParser(source: url.path, columns: columns)
            var scanner = LineScanner(maximumLineLength: columns.maximumLineLength) { [parser] number in
                parser.lengthError(number: number)
            }
            try scanner.scan(handle, source: url.path, blockSize: blockSize) { line, number in
                if let event = try parser.consume(line, number: number) { try body(event) }
            }
            try parser.finish()
        } catch {
            // A file cut or extended while it is read usually breaks a line first: say why.
            if changed() { throw changedError }
            throw error
        }
        if changed() { throw changedError }
    }

    /// Parses the bytes of a session file held in memory; `source` names it in errors.
    public static func parse(_ data: Data, source: String, columns: SessionColumns = SessionColumns()) throws -> [SessionEvent] {
        let bytes = [UInt8](data)
        var parser = SessionLineParser(source: source, columns: columns)
        var events: [SessionEvent] = []
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            if let event = try parser.consume(line, number: index + 1) { events.append(event) }
        }
        try parser.finish()
        return events
    }
}
