import Foundation
import NablaNN

/// The record of a search on disk, from which an interrupted search continues where it stopped.
///
/// JSON lines. The first holds the search's settings (the space, the fixed parameters, the
/// metric, the seed, the data and its content digest: whatever the caller says defines the
/// search); each further line is one finished trial, appended with a single write and flushed to
/// disk before the next trial starts. A failed trial has a line too, with its reason, so that a
/// search continued from the journal goes on past it instead of running it again:
///
/// ```
/// {"format":"nabla-tuning-journal","settings":{"metric":"mrr@20","space":"…",…},"version":2,"checksum":"…"}
/// {"parameters":{"layers":"96","learning_rate":"0.07"},"seconds":41.2,"state":"complete","trial":1,"values":[0.2871,0.3012],"checksum":"…"}
/// {"parameters":{"layers":"64","learning_rate":"0.95"},"reason":"epoch 1, step 3: the loss is nan; …","seconds":0.4,"state":"failed","trial":2,"values":[],"checksum":"…"}
/// ```
///
/// Every line ends with a checksum chained to the previous line's (FNV-1a over that checksum and
/// the line): an edited value or parameter, an inserted or removed line is refused, naming the
/// line. The values are checked besides: each trial's metric values must lie within the search's
/// ``TrialBounds`` (at most as many as a trial has steps), and its parameters must be values of
/// the space.
///
/// A trial that was running when the process stopped has no line, so it runs again (and, the
/// samplers being deterministic, with the same parameters). Opening a journal written with other
/// settings is refused, naming the first setting that differs. A last line cut short (the
/// machine lost power mid-write) is dropped and reported in ``droppedIncompleteLine``; a write
/// that fails (a full disk) is cut back off at once, so the journal stays valid.
///
/// Journals of version 1 (without checksums or the data's digest) are refused with a message
/// saying so: their trials cannot be checked, and their data cannot be told from other data of the
/// same size. They stay readable as text; a search starts a new journal.
public struct TuningJournal {
    /// The version of the format this program writes and reads.
    public static let version = 2

    /// The journal's file.
    public let url: URL
    /// The settings the search was started with.
    public let settings: [String: String]
    /// The space its trials are points of.
    public let space: SearchSpace
    /// What its trials may report.
    public let bounds: TrialBounds
    /// Its finished trials, in order.
    public private(set) var records: [TrialRecord]
    /// Whether an incomplete last line was found and dropped on opening.
    public private(set) var droppedIncompleteLine = false
    /// The checksum of the last line, which the next line's is chained to.
    private var lastChecksum: String

    private struct Format: Codable {
        var format = "nabla-tuning-journal"
        var version = TuningJournal.version
    }

    private struct Header: Codable {
        var format = "nabla-tuning-journal"
        var version = TuningJournal.version
        var settings: [String: String]
    }

    private struct Line: Codable {
        var trial: Int
        var state: String
        var parameters: [String: String]
        var values: [Double]
        var seconds: Double
        var reason: String?
    }

    /// Opens the journal at `url`, creating it if absent.
    ///
    /// - Parameters:
    ///   - url: The file.
    ///   - space: The space searched (recorded in the settings under `space`).
    ///   - settings: What else defines the search; an existing journal must have been started with
    ///     the same.
    ///   - bounds: What a trial can report; a line outside them is refused.
    /// - Throws: ``DataError`` for a journal that cannot be read or written, a malformed or
    ///   edited one, or one of another search.
    public static func open(_ url: URL, space: SearchSpace, settings: [String: String],
                            bounds: TrialBounds = .unbounded) throws -> TuningJournal {
        var allSettings = settings
        allSettings["space"] = space.jsonLines
        guard FileManager.default.fileExists(atPath: url.path) else {
            let (header, checksum) = JournalChecksum.sealed(try encoded(Header(settings: allSettings)), after: "")
            try OutputFolder.write(Array((header + "\n").utf8), to: url)
            return TuningJournal(url: url, settings: allSettings, space: space, bounds: bounds, records: [], lastChecksum: checksum)
        }
        // 100,000 trials (the most `tune` runs) of a few hundred bytes each fit in 256 MiB.
        let data = try InputFile.contents(of: url.path, describing: "tuning journal", limit: 1 << 28)
        let journal = try parse(data, source: url.path, bounds: bounds)
        for key in Set(allSettings.keys).union(journal.settings.keys).sorted() where allSettings[key] != journal.settings[key] {
            throw DataError(file: url.path, line: 1, "this journal belongs to another search: its \(key) is "
                + "\(describe(journal.settings[key])), this search's is \(describe(allSettings[key])); "
                + "give another journal file, or the settings it was started with")
        }
        if journal.droppedIncompleteLine {
            // Cut the partial line off so that the next trial's line starts on a line of its own.
            let complete = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            do { try AppendedLines.truncate(url, to: complete) } catch let failure as AppendedLines.Failure {
                throw DataError(file: url.path, "cannot cut off its incomplete last line: \(failure.reason)")
            }
        }
        return journal
    }

    /// Parses a journal's contents.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - source: The file's name, for messages.
    ///   - bounds: What a trial can report; a line outside them is refused.
    /// - Throws: ``DataError`` at the first malformed, edited or out-of-bounds line.
    public static func parse(_ data: Data, source: String, bounds: TrialBounds = .unbounded) throws -> TuningJournal {
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var dropped = false
        if lines.last == "" { lines.removeLast() } else if lines.count > 1 { lines.removeLast(); dropped = true }
        guard let first = lines.first, let format = try? JSONDecoder().decode(Format.self, from: Data(first.utf8)),
              format.format == "nabla-tuning-journal" else {
            throw DataError(file: source, line: 1, "not a tuning journal (its first line must be the search's settings)")
        }
        guard format.version != 1 else {
            throw DataError(file: source, line: 1, "this journal was written by an earlier gru4rec (journal version 1), without "
                + "checksums or a digest of the training data, so its trials cannot be checked; start a new journal file "
                + "(this one stays readable as text)")
        }
        guard format.version == version else {
            throw DataError(file: source, line: 1, "journal version \(format.version) is not known (this program reads version \(version))")
        }
        guard let (headerJSON, headerChecksum) = JournalChecksum.opened(first, after: ""),
              let header = try? JSONDecoder().decode(Header.self, from: Data(headerJSON.utf8)) else {
            throw DataError(file: source, line: 1, "the search's settings do not match their checksum: the journal was edited or damaged")
        }
        let space: SearchSpace
        do { space = try SearchSpace.parse(Data((header.settings["space"] ?? "").utf8), source: "\(source) (its space)") } catch {
            throw DataError(file: source, line: 1, "the recorded space is not valid: \(error)")
        }
        var records: [TrialRecord] = []
        var previous = headerChecksum
        for (index, text) in lines.enumerated().dropFirst() {
            let lineNumber = index + 1
            guard let (json, checksum) = JournalChecksum.opened(text, after: previous) else {
                throw DataError(file: source, line: lineNumber, "trial record does not match its checksum: the journal was edited "
                    + "or damaged here (a value, a parameter or a line changed, added or removed)")
            }
            previous = checksum
            guard let line = try? JSONDecoder().decode(Line.self, from: Data(json.utf8)) else {
                throw DataError(file: source, line: lineNumber, "not a trial record (expected trial, state, parameters, values, seconds)")
            }
            records.append(try record(line, space: space, bounds: bounds, expectedNumber: records.count + 1,
                                      failure: { DataError(file: source, line: lineNumber, $0) }))
        }
        return TuningJournal(url: URL(fileURLWithPath: source), settings: header.settings, space: space, bounds: bounds,
                             records: records, droppedIncompleteLine: dropped, lastChecksum: previous)
    }

    /// The trial a line records, once its number, state, values, time and parameters are checked.
    private static func record(_ line: Line, space: SearchSpace, bounds: TrialBounds, expectedNumber: Int,
                               failure: (String) -> DataError) throws -> TrialRecord {
        guard line.trial == expectedNumber else { throw failure("trial \(line.trial) where trial \(expectedNumber) was expected") }
        guard let state = TrialRecord.State(rawValue: line.state) else {
            throw failure("state '\(line.state)' is not complete, pruned or failed")
        }
        switch state {
        case .failed:
            guard let reason = line.reason, !reason.isEmpty else { throw failure("a failed trial needs its reason") }
        case .complete, .pruned:
            guard line.reason == nil else { throw failure("a \(state.rawValue) trial has no failure reason") }
            guard !line.values.isEmpty else { throw failure("a \(state.rawValue) trial needs at least one finite value") }
        }
        if let problem = bounds.problem(with: line.values) { throw failure(problem) }
        guard line.seconds.isFinite, line.seconds >= 0 else { throw failure("a trial needs a time of 0 seconds or more") }
        guard Set(line.parameters.keys) == Set(space.parameters.map(\.name)) else {
            throw failure("its parameters are not the space's (\(space.parameters.map(\.name).joined(separator: ", ")))")
        }
        let coordinates = try space.parameters.map { parameter in
            guard let coordinate = parameter.coordinate(ofText: line.parameters[parameter.name]!) else {
                throw failure("'\(line.parameters[parameter.name]!)' is not a value of \(parameter.name)")
            }
            return coordinate
        }
        return TrialRecord(number: line.trial, coordinates: coordinates, state: state, intermediateValues: line.values,
                           seconds: line.seconds, failure: line.reason)
    }

    /// Appends a finished trial: one write of one line, flushed to disk; a write that fails is
    /// cut back off, so the journal keeps the trials before it and stays valid.
    ///
    /// - Parameter record: The trial; its number must follow the last one's.
    /// - Throws: ``DataError`` naming the journal and the system's reason (`No space left on device`).
    public mutating func append(_ record: TrialRecord) throws {
        precondition(record.number == records.count + 1, "trial \(record.number) appended after trial \(records.count)")
        let reason = record.state != .failed ? nil : record.failure.flatMap { $0.isEmpty ? nil : $0 } ?? "no reason given"
        let json = try Self.encoded(Line(trial: record.number, state: record.state.rawValue, parameters: space.texts(record.coordinates),
                                         values: record.intermediateValues, seconds: (record.seconds * 1000).rounded() / 1000,
                                         reason: reason))
        let (line, checksum) = JournalChecksum.sealed(json, after: lastChecksum)
        do { try AppendedLines.append(Array((line + "\n").utf8), to: url) } catch let failure as AppendedLines.Failure {
            throw DataError(file: url.path, "cannot record trial \(record.number): \(failure.reason); "
                + "the journal is unchanged and holds the \(records.count) trials before it")
        }
        lastChecksum = checksum
        records.append(record)
    }

    private init(url: URL, settings: [String: String], space: SearchSpace, bounds: TrialBounds, records: [TrialRecord],
                 droppedIncompleteLine: Bool = false, lastChecksum: String) {
        self.url = url
        self.settings = settings
        self.space = space
        self.bounds = bounds
        self.records = records
        self.droppedIncompleteLine = droppedIncompleteLine
        self.lastChecksum = lastChecksum
    }

    /// One line's JSON object, keys sorted, without a newline.
    private static func encoded<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func describe(_ value: String?) -> String {
        guard let value else { return "not set" }
        return "'" + value.replacingOccurrences(of: "\n", with: " ") + "'"
    }
}
