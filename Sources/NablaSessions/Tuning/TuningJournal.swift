import Foundation

/// The record of a search on disk, from which an interrupted search continues where it stopped.
///
/// JSON lines. The first holds the search's settings (the space, the fixed parameters, the
/// metric, the seed, the data: whatever the caller says defines the search); each further line
/// is one finished trial, appended with a single write and flushed to disk before the next
/// trial starts:
///
/// ```
/// {"format":"nabla-tuning-journal","settings":{"metric":"mrr@20","space":"…",…},"version":1}
/// {"parameters":{"layers":"96","learning_rate":"0.07"},"seconds":41.2,"state":"complete","trial":1,"values":[0.2871,0.3012]}
/// ```
///
/// A trial that was running when the process stopped has no line, so it runs again (and, the
/// samplers being deterministic, with the same parameters). Opening a journal written with other
/// settings is refused, naming the first setting that differs. A last line cut short (the
/// machine lost power mid-write) is dropped and reported in ``droppedIncompleteLine``.
public struct TuningJournal {
    /// The journal's file.
    public let url: URL
    /// The settings the search was started with.
    public let settings: [String: String]
    /// The space its trials are points of.
    public let space: SearchSpace
    /// Its finished trials, in order.
    public private(set) var records: [TrialRecord]
    /// Whether an incomplete last line was found and dropped on opening.
    public private(set) var droppedIncompleteLine = false

    private struct Header: Codable {
        var format = "nabla-tuning-journal"
        var version = 1
        var settings: [String: String]
    }

    private struct Line: Codable {
        var trial: Int
        var state: String
        var parameters: [String: String]
        var values: [Double]
        var seconds: Double
    }

    /// Opens the journal at `url`, creating it if absent.
    ///
    /// - Parameters:
    ///   - url: The file.
    ///   - space: The space searched (recorded in the settings under `space`).
    ///   - settings: What else defines the search; an existing journal must have been started with
    ///     the same.
    /// - Throws: ``DataError`` for a malformed journal or one of another search.
    public static func open(_ url: URL, space: SearchSpace, settings: [String: String]) throws -> TuningJournal {
        var allSettings = settings
        allSettings["space"] = space.jsonLines
        guard FileManager.default.fileExists(atPath: url.path) else {
            let header = try encoded(Header(settings: allSettings))
            try OutputFolder.write(Array(header.utf8), to: url)
            return TuningJournal(url: url, settings: allSettings, space: space, records: [])
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError(file: url.path, "cannot read the journal: \(error.localizedDescription)")
        }
        let journal = try parse(data, source: url.path)
        for key in Set(allSettings.keys).union(journal.settings.keys).sorted() where allSettings[key] != journal.settings[key] {
            throw DataError(file: url.path, line: 1, "this journal belongs to another search: its \(key) is "
                + "\(describe(journal.settings[key])), this search's is \(describe(allSettings[key])); "
                + "give another journal file, or the settings it was started with")
        }
        if journal.droppedIncompleteLine {
            // Cut the partial line off so that the next trial's line starts on a line of its own.
            let complete = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(complete))
            try handle.synchronize()
            try handle.close()
        }
        return TuningJournal(url: url, settings: journal.settings, space: journal.space, records: journal.records,
                             droppedIncompleteLine: journal.droppedIncompleteLine)
    }

    /// Parses a journal's contents.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - source: The file's name, for messages.
    /// - Throws: ``DataError`` at the first malformed line.
    public static func parse(_ data: Data, source: String) throws -> TuningJournal {
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var dropped = false
        if lines.last == "" { lines.removeLast() } else if lines.count > 1 { lines.removeLast(); dropped = true }
        guard let first = lines.first, let header = try? JSONDecoder().decode(Header.self, from: Data(first.utf8)),
              header.format == "nabla-tuning-journal" else {
            throw DataError(file: source, line: 1, "not a tuning journal (its first line must be the search's settings)")
        }
        guard header.version == 1 else {
            throw DataError(file: source, line: 1, "journal version \(header.version) is not known (this program reads version 1)")
        }
        let space: SearchSpace
        do { space = try SearchSpace.parse(Data((header.settings["space"] ?? "").utf8), source: "\(source) (its space)") } catch {
            throw DataError(file: source, line: 1, "the recorded space is not valid: \(error)")
        }
        var records: [TrialRecord] = []
        for (index, text) in lines.enumerated().dropFirst() {
            let lineNumber = index + 1
            guard let line = try? JSONDecoder().decode(Line.self, from: Data(text.utf8)) else {
                throw DataError(file: source, line: lineNumber, "not a trial record (expected trial, state, parameters, values, seconds)")
            }
            guard line.trial == records.count + 1 else {
                throw DataError(file: source, line: lineNumber, "trial \(line.trial) where trial \(records.count + 1) was expected")
            }
            guard let state = TrialRecord.State(rawValue: line.state) else {
                throw DataError(file: source, line: lineNumber, "state '\(line.state)' is not complete or pruned")
            }
            guard !line.values.isEmpty, line.values.allSatisfy(\.isFinite), line.seconds.isFinite, line.seconds >= 0 else {
                throw DataError(file: source, line: lineNumber, "a trial needs at least one finite value and a time")
            }
            guard Set(line.parameters.keys) == Set(space.parameters.map(\.name)) else {
                throw DataError(file: source, line: lineNumber, "its parameters are not the space's (\(space.parameters.map(\.name).joined(separator: ", ")))")
            }
            let coordinates = try space.parameters.map { parameter in
                guard let coordinate = parameter.coordinate(ofText: line.parameters[parameter.name]!) else {
                    throw DataError(file: source, line: lineNumber, "'\(line.parameters[parameter.name]!)' is not a value of \(parameter.name)")
                }
                return coordinate
            }
            records.append(TrialRecord(number: line.trial, coordinates: coordinates, state: state,
                                       intermediateValues: line.values, seconds: line.seconds))
        }
        return TuningJournal(url: URL(fileURLWithPath: source), settings: header.settings, space: space, records: records,
                             droppedIncompleteLine: dropped)
    }

    /// Appends a finished trial: one write of one line, flushed to disk.
    ///
    /// - Parameter record: The trial; its number must follow the last one's.
    /// - Throws: An error from the file system.
    public mutating func append(_ record: TrialRecord) throws {
        precondition(record.number == records.count + 1, "trial \(record.number) appended after trial \(records.count)")
        let line = try Self.encoded(Line(trial: record.number, state: record.state.rawValue, parameters: space.texts(record.coordinates),
                                         values: record.intermediateValues, seconds: (record.seconds * 1000).rounded() / 1000))
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
        try handle.synchronize()
        records.append(record)
    }

    private init(url: URL, settings: [String: String], space: SearchSpace, records: [TrialRecord], droppedIncompleteLine: Bool = false) {
        self.url = url
        self.settings = settings
        self.space = space
        self.records = records
        self.droppedIncompleteLine = droppedIncompleteLine
    }

    private static func encoded<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    private static func describe(_ value: String?) -> String {
        guard let value else { return "not set" }
        return "'" + value.replacingOccurrences(of: "\n", with: " ") + "'"
    }
}
