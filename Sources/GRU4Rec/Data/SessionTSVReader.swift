import Foundation

/// The names of the three columns GRU4Rec reads.
public struct SessionColumns: Sendable, Equatable {
    /// The session id column (any text).
    public var session: String
    /// The item id column (any text; ids are strings).
    public var item: String
    /// The time column (a number; only its order matters).
    public var time: String

    /// GRU4Rec's defaults: `SessionId`, `ItemId`, `Time`.
    public init(session: String = "SessionId", item: String = "ItemId", time: String = "Time") {
        self.session = session
        self.item = item
        self.time = time
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

/// Reads GRU4Rec's tab-separated session format: a header naming the columns, then one event per
/// line. Extra columns are ignored. Windows line endings (CRLF) and a UTF-8 byte-order mark are
/// accepted; everything else that is wrong stops with a ``DataError`` naming file, line and column.
public enum SessionTSVReader {
    /// Reads every event of the file at `url`.
    public static func read(_ url: URL, columns: SessionColumns = SessionColumns()) throws -> [SessionEvent] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError(file: url.path, "cannot be read: \(error.localizedDescription)")
        }
        return try parse(data, source: url.path, columns: columns)
    }

    /// Parses the bytes of a session file; `source` names it in errors.
    public static func parse(_ data: Data, source: String, columns: SessionColumns = SessionColumns()) throws -> [SessionEvent] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard !bytes.allSatisfy({ $0 == 0x0A || $0 == 0x0D || $0 == 0x20 }) else {
            throw DataError(file: source, line: 1, "the file is empty: expected a header line with \(columns.session), \(columns.item) and \(columns.time)")
        }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }

        let header = fields(of: lines[0])
        func position(of name: String) throws -> Int {
            guard let index = header.firstIndex(of: name) else {
                throw DataError(file: source, line: 1, "missing column '\(name)'; the header has: \(header.joined(separator: ", "))")
            }
            return index
        }
        let sessionColumn = try position(of: columns.session)
        let itemColumn = try position(of: columns.item)
        let timeColumn = try position(of: columns.time)
        let needed = max(sessionColumn, itemColumn, timeColumn) + 1

        var events: [SessionEvent] = []
        events.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated().dropFirst() {
            let lineNumber = index + 1
            let values = fields(of: line)
            if values.count == 1 && values[0].isEmpty { continue }
            guard values.count >= needed else {
                throw DataError(file: source, line: lineNumber, column: values.count + 1,
                                "expected \(header.count) tab-separated fields, found \(values.count)")
            }
            guard let time = Double(values[timeColumn]), time.isFinite else {
                throw DataError(file: source, line: lineNumber, column: timeColumn + 1,
                                "\(columns.time) '\(values[timeColumn])' is not a number")
            }
            if values[sessionColumn].isEmpty {
                throw DataError(file: source, line: lineNumber, column: sessionColumn + 1, "empty \(columns.session)")
            }
            if values[itemColumn].isEmpty {
                throw DataError(file: source, line: lineNumber, column: itemColumn + 1, "empty \(columns.item)")
            }
            events.append(SessionEvent(session: values[sessionColumn], item: values[itemColumn], time: time, line: lineNumber))
        }
        if events.isEmpty {
            throw DataError(file: source, line: 2, "the file has a header but no events")
        }
        return events
    }

    /// The tab-separated fields of one line, without a trailing carriage return.
    private static func fields(of line: ArraySlice<UInt8>) -> [String] {
        var line = line
        if line.last == 0x0D { line.removeLast() }
        return line.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
}
