import Foundation
@testable import NablaSessions
import NablaTestSupport
import Testing

/// Raw logs into train and test files by the official protocol.
@Suite struct PreprocessingTests {
    func folder() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("nabla-pre-\(UUID())") }

    func rows(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
    }

    @Test func repeatsMergedRareItemsAndShortSessionsRemovedLastDayIsTest() throws {
        // Items A and B are common; R appears once (removed), which leaves session 3 with one event (removed).
        var lines = ["SessionId\tItemId\tTime"]
        var time = 0.0
        for session in 1...6 {
            for item in ["A", "A", "B"] { lines.append("\(session)\t\(item)\t\(time)"); time += 10 }
        }
        lines.append("7\tR\t\(time)"); lines.append("7\tA\t\(time + 5)")
        let day = 86_400.0
        for session in 8...9 {
            for item in ["B", "A"] { lines.append("\(session)\t\(item)\t\(time + 2 * day)"); time += 10 }
        }
        let out = folder()
        defer { try? FileManager.default.removeItem(at: out) }
        let input = out.appendingPathExtension("tsv")
        defer { try? FileManager.default.removeItem(at: input) }
        try lines.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        let summary = try Preprocessor.run(input: input, format: .tsv, testDays: 1, to: out)
        #expect(summary.files["train_full.tsv"]!.sessions == 6)
        #expect(summary.files["train_full.tsv"]!.events == 12)          // "A A B" merged into "A B"
        #expect(summary.files["test.tsv"]!.sessions == 2)
        #expect(try rows(out.appendingPathComponent("train_full.tsv")).allSatisfy { $0[1] != "R" })
        #expect(try rows(out.appendingPathComponent("test.tsv")).map(\.[0]) == ["8", "8", "9", "9"])
    }

    @Test func yoochooseTimestampsAreParsed() throws {
        let out = folder()
        defer { try? FileManager.default.removeItem(at: out) }
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let input = out.appendingPathComponent("clicks.dat")
        var lines: [String] = []
        for session in 1...6 { lines += ["\(session),2014-04-0\(session)T10:00:00.000Z,111,0", "\(session),2014-04-0\(session)T10:01:30.500Z,222,0"] }
        try lines.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        let summary = try Preprocessor.run(input: input, format: .yoochoose, testDays: 1, to: out.appendingPathComponent("split"))
        #expect(summary.files["test.tsv"]!.sessions == 1)
        #expect(summary.files["train_full.tsv"]!.sessions == 5)
        let first = try rows(out.appendingPathComponent("split/train_full.tsv"))[0]
        #expect(first == ["1", "111", "1396346400"])                     // 2014-04-01T10:00:00Z
    }

    @Test func badTimestampNamesLineAndColumn() throws {
        let out = folder()
        defer { try? FileManager.default.removeItem(at: out) }
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let input = out.appendingPathComponent("clicks.dat")
        try "1,2014-04-01T10:00:00Z,1,0\n1,yesterday,2,0\n".write(to: input, atomically: true, encoding: .utf8)
        do {
            _ = try Preprocessor.run(input: input, format: .yoochoose, to: out)
            Issue.record("a bad timestamp was accepted")
        } catch let error as DataError {
            #expect(error.line == 2 && error.column == 2)
        }
    }

    @Test func absurdYearsAreRejectedNotOverflowed() {
        // Found by fuzzing: a 16-digit year overflowed the day arithmetic and crashed.
        for text in ["5049999999999999-01-01", "0-01-01", "-5-01-01"] {
            #expect(throws: DataError.self) {
                _ = try Preprocessor.parse(Data("1,\(text)T10:00:00Z,1,0\n".utf8), format: .yoochoose, source: "clicks.dat")
            }
        }
    }

    @Test func digineticaSampleFromTheSharedData() throws {
        guard let sample = sharedData("raw-samples/diginetica-sample_train-item-views.csv") else {
            print("skipped: ../shared/data/raw-samples is absent")
            return
        }
        let out = folder()
        defer { try? FileManager.default.removeItem(at: out) }
        let summary = try Preprocessor.run(input: sample, format: .diginetica, testDays: 7, to: out)
        let train = try SessionData.training(SessionTSVReader.read(out.appendingPathComponent("train_full.tsv")), source: "train")
        let test = SessionData.test(try SessionTSVReader.read(out.appendingPathComponent("test.tsv")), source: "test", itemMap: train.itemMap)
        #expect(train.sessionCount > 100)
        #expect(test.droppedUnknownEvents == 0)
        #expect(summary.files["test.tsv"]!.events == test.eventCount)
        #expect(train.itemSupport().allSatisfy { $0 >= 1 })
    }
}

/// `tune --valid-days`: the official split rule on a training file's events.
@Suite struct ValidationSplitTests {
    @Test func theLastDaysFormTheValidationPartRestrictedToKnownItems() {
        let day = 86_400.0
        let events = [("1", "A", 0.0), ("1", "B", 10), ("2", "B", day), ("2", "C", day + 5),
                      ("3", "A", 2 * day + 100), ("3", "D", 2 * day + 200), ("3", "B", 2 * day + 300),
                      ("4", "D", 2 * day + 400), ("4", "E", 2 * day + 500)]
            .enumerated().map { SessionEvent(session: $0.element.0, item: $0.element.1, time: $0.element.2, line: $0.offset + 2) }
        let (training, validation) = Preprocessor.splitLastDays(events, days: 1)
        #expect(training.map(\.session) == ["1", "1", "2", "2"])
        // Session 3 loses D (not in training); session 4 keeps no known item and is dropped.
        #expect(validation.map(\.item) == ["A", "B"])
    }
}
