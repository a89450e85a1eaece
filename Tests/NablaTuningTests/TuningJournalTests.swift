import Foundation
@testable import NablaTuning
import Testing

/// The journal keeps finished trials across runs, refuses another search's, and survives a last
/// line cut short.
@Suite struct TuningJournalTests {
    let space = SearchSpace([
        SearchParameter(name: "layers", domain: .integer(low: 64, high: 512, step: 32, log: false)),
        SearchParameter(name: "learning_rate", domain: .real(low: 0.01, high: 0.25, step: 0.005, log: false)),
        SearchParameter(name: "elu_param", domain: .categorical(["0.5", "1", "0"])),
    ])

    func record(_ number: Int, _ value: Double) -> TrialRecord {
        TrialRecord(number: number, coordinates: [96, 0.07, 1], state: number == 2 ? .pruned : .complete,
                    intermediateValues: [value / 2, value], seconds: 1.5)
    }

    @Test func recordsTrialsAndReadsThemBackExactly() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-journal-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        var journal = try TuningJournal.open(url, space: space, settings: ["metric": "mrr@20"])
        try journal.append(record(1, 0.3079))
        try journal.append(record(2, 0.1 + 0.2))
        let reopened = try TuningJournal.open(url, space: space, settings: ["metric": "mrr@20"])
        #expect(reopened.records == journal.records)
        #expect(reopened.records[1].state == .pruned && reopened.records[1].value == 0.1 + 0.2)
        #expect(try String(contentsOf: url, encoding: .utf8).contains(#""parameters":{"elu_param":"1","layers":"96","learning_rate":"0.07"}"#))

        #expect(throws: DataError.self) { try TuningJournal.open(url, space: space, settings: ["metric": "recall@20"]) }
        let otherSpace = SearchSpace(Array(space.parameters.prefix(2)))
        do {
            _ = try TuningJournal.open(url, space: otherSpace, settings: ["metric": "mrr@20"])
            Issue.record("a journal of another space was opened")
        } catch let error as DataError {
            #expect(error.line == 1 && error.message.contains("its space is"))
        }
    }

    @Test func aLastLineCutShortIsDroppedAndTheJournalContinues() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-journal-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        var journal = try TuningJournal.open(url, space: space, settings: [:])
        try journal.append(record(1, 0.25))
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"parameters":{"elu_par"#.utf8))
        try handle.close()
        var reopened = try TuningJournal.open(url, space: space, settings: [:])
        #expect(reopened.droppedIncompleteLine && reopened.records.count == 1)
        try reopened.append(record(2, 0.5))
        #expect(try TuningJournal.open(url, space: space, settings: [:]).records.count == 2)
    }

    @Test func damagedJournalsAreRefusedWithTheirLine() throws {
        let header = String(decoding: try {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-journal-\(UUID()).jsonl")
            defer { try? FileManager.default.removeItem(at: url) }
            _ = try TuningJournal.open(url, space: space, settings: [:])
            return try Data(contentsOf: url)
        }(), as: UTF8.self)
        // Lines sealed with their checksum, as a writer with these mistakes would have written them.
        let headerChecksum = try #require(JournalChecksum.opened(String(header.dropLast()), after: ""))
        func sealed(_ json: String) -> String { JournalChecksum.sealed(json, after: headerChecksum.checksum).line + "\n" }
        let good = #"{"parameters":{"elu_param":"1","layers":"96","learning_rate":"0.07"},"seconds":1,"state":"complete","trial":1,"values":[0.3]}"#
        let cases: [(String, Int, String)] = [
            ("hello\n", 1, "not a tuning journal"),
            (header + sealed(good.replacingOccurrences(of: "\"96\"", with: "\"100\"")), 2, "'100' is not a value of layers"),
            (header + sealed(good.replacingOccurrences(of: "complete", with: "done")), 2, "state 'done'"),
            (header + sealed(good.replacingOccurrences(of: "\"trial\":1", with: "\"trial\":2")), 2, "trial 2 where trial 1 was expected"),
            (header + sealed(good.replacingOccurrences(of: "[0.3]", with: "[]")), 2, "at least one finite value"),
            (header + sealed("{\"a\":1}"), 2, "not a trial record"),
            (header + good + "\n", 2, "does not match its checksum"),
        ]
        for (text, line, message) in cases {
            do {
                _ = try TuningJournal.parse(Data(text.utf8), source: "j.jsonl")
                Issue.record("accepted: \(text)")
            } catch let error as DataError {
                #expect(error.line == line && error.message.contains(message), "\(error)")
            }
        }
    }
}
