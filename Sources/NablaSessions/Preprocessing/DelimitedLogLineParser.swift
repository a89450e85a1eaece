import Nabla

/// Turns the lines of a YOOCHOOSE (`SessionId,Timestamp,ItemId,Category`, no header) or
/// DIGINETICA (`;`-separated, with a header) click log into events, one line at a time. Shared
/// by the streaming and the in-memory reader.
struct DelimitedLogLineParser {
    let format: Preprocessor.Format
    let source: String
    /// The DIGINETICA header's fields and the positions of the four columns read, once line 1 is read.
    private var header: (fields: [String], positions: [Int])?
    /// Whether any line was read.
    private var sawLine = false
    /// The events read so far.
    private var events: [SessionEvent] = []

    init(format: Preprocessor.Format, source: String) {
        self.format = format
        self.source = source
    }

    /// Reads line `number` (1-based, without its `\n`).
    ///
    /// - Throws: ``DataError`` with the line and column of the first malformed field, or for a
    ///   line that is not UTF-8 text (two different invalid ids must not become one).
    mutating func consume(_ bytes: ArraySlice<UInt8>, number: Int) throws {
        sawLine = true
        var bytes = bytes
        if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.last == 0x0D { bytes.removeLast() }
        guard let line = String(validating: bytes, as: UTF8.self) else {
            throw DataError(file: source, line: number, "the line is not valid UTF-8 text")
        }
        switch format {
        case .yoochoose: try consumeYoochoose(line, number: number)
        case .diginetica: try consumeDiginetica(line, number: number)
        case .tsv: misuse("DelimitedLogLineParser", "session files (.tsv) are read by SessionLineParser, not as a click log")
        }
    }

    /// The events read, once every line has been.
    ///
    /// - Throws: ``DataError`` for a file without lines.
    func finish() throws -> [SessionEvent] {
        guard sawLine else { throw DataError(file: source, line: 1, "the file is empty") }
        return events
    }

    private mutating func consumeYoochoose(_ line: String, number: Int) throws {
        guard !line.isEmpty else { return }
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count >= 3 else {
            throw DataError(file: source, line: number, column: fields.count + 1,
                            "expected SessionId,Timestamp,ItemId[,Category], found \(fields.count) fields")
        }
        guard let time = DelimitedLogReader.parseISO8601(String(fields[1])) else {
            throw DataError(file: source, line: number, column: 2, "timestamp '\(fields[1])' is not ISO 8601 (2014-04-07T10:51:09.277Z)")
        }
        events.append(SessionEvent(session: String(fields[0]), item: String(fields[2]), time: time, line: number))
    }

    private mutating func consumeDiginetica(_ line: String, number: Int) throws {
        guard let (headerFields, positions) = header else {
            let fields = line.split(separator: ";").map(String.init)
            let positions = try ["session_id", "item_id", "timeframe", "eventdate"].map { name -> Int in
                guard let position = fields.firstIndex(of: name) else {
                    throw DataError(file: source, line: 1, "missing column '\(name)'; the header has: \(fields.joined(separator: ", "))")
                }
                return position
            }
            header = (fields, positions)
            return
        }
        guard !line.isEmpty else { return }
        let fields = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard fields.count > positions.max()! else {
            throw DataError(file: source, line: number, column: fields.count + 1, "expected \(headerFields.count) fields, found \(fields.count)")
        }
        guard let frame = Double(fields[positions[2]]) else {
            throw DataError(file: source, line: number, column: positions[2] + 1, "timeframe '\(fields[positions[2]])' is not a number")
        }
        guard let day = DelimitedLogReader.parseDate(fields[positions[3]]) else {
            throw DataError(file: source, line: number, column: positions[3] + 1, "eventdate '\(fields[positions[3]])' is not a date (2016-05-09)")
        }
        events.append(SessionEvent(session: fields[positions[0]], item: fields[positions[1]], time: day + frame / 1000, line: number))
    }
}
