import Foundation
import Nabla
import NablaSessions
import NablaTestSupport
import Testing

/// Test files are streamed: the result, and every error, equal those of reading the file whole.
@Suite struct StreamingReadTests {
    func temporaryFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-stream-\(UUID()).tsv")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Shuffled events of interleaved sessions, equal times, unknown items, CRLF and a BOM.
    func awkwardTestFile() -> String {
        var generator = SeededRandomGenerator(seed: 5)
        var lines: [String] = []
        for index in 0..<600 {
            let session = Int.random(in: 0..<80, using: &generator)
            let item = Int.random(in: 0..<30, using: &generator)           // items 25–29 are unknown
            lines.append("s\(session)\ti\(item)\t\(index / 3)")
        }
        lines.shuffle(using: &generator)
        return "\u{FEFF}SessionId\tItemId\tTime\r\n" + lines.joined(separator: "\r\n") + "\r\n"
    }

    func equal(_ a: SessionData, _ b: SessionData) -> Bool {
        a.items == b.items && a.sessionStarts == b.sessionStarts && a.sessionIDs == b.sessionIDs
            && a.droppedUnknownEvents == b.droppedUnknownEvents
    }

    @Test(arguments: [1, 7, 64, 1 << 20])
    func streamingEqualsReadingWhole(blockSize: Int) throws {
        let text = awkwardTestFile()
        let url = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(at: url) }
        let itemMap = try ItemMap(ids: (0..<25).map { "i\($0)" })
        let whole = SessionData.test(try SessionTSVReader.parse(Data(text.utf8), source: url.path), source: url.path, itemMap: itemMap)
        var streamedEvents: [SessionEvent] = []
        try SessionTSVReader.forEachEvent(in: url, blockSize: blockSize) { streamedEvents.append($0) }
        #expect(streamedEvents == (try SessionTSVReader.parse(Data(text.utf8), source: url.path)))
        let streamed = try SessionData.test(streamingFrom: url, itemMap: itemMap)
        #expect(equal(streamed, whole))
        #expect(streamed.droppedUnknownEvents > 0)
    }

    @Test(arguments: [
        "", "\n \r\n", "SessionId\tItemId\tTime\n", "SessionId\tItem\tTime\n1\tA\t1\n", "\n1\tA\t1\n",
        "SessionId\tItemId\tTime\n1\tA\t1\n1\tB\tnoon\n", "SessionId\tItemId\tTime\n1\tA\n", "SessionId\tItemId\tTime\n\tA\t1\n",
        "SessionId\tItemId\tTime\n1\tA\t1\n1\t\t2", "SessionId\tItemId\tTime\n1\tA\tnan\n",
    ])
    func streamingReportsTheSameErrors(text: String) throws {
        let url = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(at: url) }
        func failure(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch { return "\(error)" }
        }
        let whole = failure { _ = try SessionTSVReader.parse(Data(text.utf8), source: url.path) }
        let streamed = failure { try SessionTSVReader.forEachEvent(in: url, blockSize: 3) { _ in } }
        #expect(whole != nil)
        #expect(streamed == whole)
    }

    @Test func trainingDataStreamsToTheSameSessionsAndItemRows() throws {
        // Complete sessions only (training refuses single events): every session of the awkward file doubled.
        let text = awkwardTestFile() + awkwardTestFile().split(separator: "\n").dropFirst().joined(separator: "\n") + "\n"
        let url = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(at: url) }
        let whole = try SessionData.training(SessionTSVReader.parse(Data(text.utf8), source: url.path), source: url.path)
        let streamed = try SessionData.training(streamingFrom: url)
        #expect(equal(streamed, whole))
        #expect(streamed.itemMap == whole.itemMap)
        let single = try temporaryFile("SessionId\tItemId\tTime\na\tX\t1\na\tY\t2\nb\tX\t0\n")
        defer { try? FileManager.default.removeItem(at: single) }
        let errors = [{ try SessionData.training(SessionTSVReader.read(single), source: single.path) },
                      { try SessionData.training(streamingFrom: single) }].map { read -> String in
            do { _ = try read(); return "" } catch { return "\(error)" }
        }
        #expect(errors[0] == errors[1] && errors[0].contains(":4: session 'b' has a single event"), "\(errors)")
        if let folder = sharedData("rsc15-100k") {
            let file = folder.appendingPathComponent("train_full.tsv")
            let real = try SessionData.training(streamingFrom: file)
            #expect(equal(real, try SessionData.training(SessionTSVReader.read(file), source: file.path)))
        }
    }

    @Test func theSharedBenchmarkTestFileStreamsToTheSameData() throws {
        guard let folder = sharedData("rsc15-100k") else {
            print("skipped: ../shared/data/rsc15-100k is not present")
            return
        }
        let train = try SessionData.training(SessionTSVReader.read(folder.appendingPathComponent("train_full.tsv")), source: "train")
        let testURL = folder.appendingPathComponent("test.tsv")
        let whole = SessionData.test(try SessionTSVReader.parse(Data(contentsOf: testURL), source: testURL.path),
                                     source: testURL.path, itemMap: train.itemMap)
        #expect(equal(try SessionData.test(streamingFrom: testURL, itemMap: train.itemMap), whole))
    }
}
