/// Turns the lines of a session file into events, one line at a time: the header first, then
/// one event per line. Shared by the in-memory parser and the streaming reader, so both accept
/// and reject exactly the same input with the same messages.
struct SessionLineParser {
    let source: String
    let columns: SessionColumns
    /// The header's fields, once line 1 has been read.
    private var header: [String]?
    private var positions = (session: 0, item: 0, time: 0, needed: 0)
    /// Line 1 held only whitespace: an error, but which one depends on whether anything follows.
    private var blankHeader = false
    /// Whether any event was read.
    private(set) var sawEvent = false

    init(source: String, columns: SessionColumns) {
        self.source = source
        self.columns = columns
    }

    /// Reads line `number` (1-based, without its newline); returns its event, or `nil` for the
    /// header and for empty lines.
    mutating func consume(_ line: ArraySlice<UInt8>, number: Int) throws -> SessionEvent? {
        try checkLength(of: line.count, number: number)
        var line = line
        if number == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        if line.last == 0x0D { line.removeLast() }
        if number == 1 {
            if Self.isBlank(line) {
                blankHeader = true
                return nil
            }
            try readHeader(try fields(of: line, number: number))
            return nil
        }
        if blankHeader {
            guard Self.isBlank(line) else { try readHeader([]); return nil }
            return nil
        }
        let values = try fields(of: line, number: number)
        if values.count == 1 && values[0].isEmpty { return nil }
        guard let header else { return nil }
        guard values.count >= positions.needed else {
            throw DataError(file: source, line: number, column: values.count + 1,
                            "expected \(header.count) tab-separated fields, found \(values.count)")
        }
        guard let time = Double(values[positions.time]), time.isFinite else {
            throw DataError(file: source, line: number, column: positions.time + 1,
                            "\(columns.time) '\(values[positions.time])' is not a number")
        }
        if values[positions.session].isEmpty {
            throw DataError(file: source, line: number, column: positions.session + 1, "empty \(columns.session)")
        }
        if values[positions.item].isEmpty {
            throw DataError(file: source, line: number, column: positions.item + 1, "empty \(columns.item)")
        }
        sawEvent = true
        return SessionEvent(session: values[positions.session], item: values[positions.item], time: time, line: number)
    }

    /// Stops with an error when line `number` is, or has grown, longer than the limit.
    func checkLength(of count: Int, number: Int) throws {
        guard count > columns.maximumLineLength else { return }
        throw lengthError(number: number)
    }

    /// The error for line `number`, longer than the limit.
    func lengthError(number: Int) -> DataError {
        DataError(file: source, line: number, column: columns.maximumLineLength + 1,
                  "the line is longer than \(columns.maximumLineLength) bytes, the most a session file may have "
                      + "(is this a tab-separated session file with line breaks?)")
    }

    /// Checks the end of the file: an empty file and a header without events are errors.
    func finish() throws {
        if header == nil {
            throw DataError(file: source, line: 1,
                            "the file is empty: expected a header line with \(columns.session), \(columns.item) and \(columns.time)")
        }
        if !sawEvent {
            throw DataError(file: source, line: 2, "the file has a header but no events")
        }
    }

    private mutating func readHeader(_ fields: [String]) throws {
        func position(of name: String) throws -> Int {
            guard let index = fields.firstIndex(of: name) else {
                if fields.count == 1, fields[0].utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";") }) {
                    throw DataError(file: source, line: 1, "the header is one field, '\(Self.shortened(fields[0]))': the file looks "
                        + "comma- or semicolon-separated, but session files are tab-separated")
                }
                let header = fields.map { "'\(Self.shortened($0))'" }.joined(separator: ", ")
                throw DataError(file: source, line: 1, "missing column '\(name)'; the header has \(fields.count) "
                    + "tab-separated field\(fields.count == 1 ? "" : "s"): \(Self.shortened(header))")
            }
            return index
        }
        let session = try position(of: columns.session), item = try position(of: columns.item), time = try position(of: columns.time)
        positions = (session, item, time, max(session, item, time) + 1)
        header = fields
    }

    /// `text`, cut to 120 characters for an error message (without counting the characters of
    /// a long text, which takes time in proportion to it).
    static func shortened(_ text: String) -> String {
        text.prefix(121).count <= 120 ? text : text.prefix(120) + "… (\(text.utf8.count) bytes)"
    }

    private static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x0D }
    }

    /// The tab-separated fields of line `number`. The header and the three columns read must be
    /// valid UTF-8 (two different invalid ids would otherwise both become "�", one item); other
    /// columns are ignored, so they may hold any bytes.
    private func fields(of line: ArraySlice<UInt8>, number: Int) throws -> [String] {
        let used = header == nil ? nil : [positions.session, positions.item, positions.time]
        return try line.split(separator: 0x09, omittingEmptySubsequences: false).enumerated().map { index, bytes in
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            if let used, !used.contains(index) { return String(decoding: bytes, as: UTF8.self) }
            throw DataError(file: source, line: number, column: index + 1, "field \(index + 1) is not valid UTF-8 text")
        }
    }
}
