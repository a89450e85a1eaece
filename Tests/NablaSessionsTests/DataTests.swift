import Foundation
import NablaSessions
import Testing

/// Reading session files: order, item maps, and a clear error for every kind of bad input.
@Suite struct DataTests {
    func parse(_ text: String, columns: SessionColumns = SessionColumns()) throws -> [SessionEvent] {
        try SessionTSVReader.parse(Data(text.utf8), source: "clicks.tsv", columns: columns)
    }

    func error(_ text: String) -> DataError? {
        do {
            _ = try SessionData.training(parse(text), source: "clicks.tsv")
            return nil
        } catch let error as DataError {
            return error
        } catch {
            return nil
        }
    }

    @Test func sessionsAreOrderedByFirstEventAndEventsByTime() throws {
        let data = try SessionData.training(parse("""
        SessionId\tItemId\tTime
        b\tx\t50
        a\ty\t20
        b\tz\t40
        a\tx\t10
        """), source: "clicks.tsv")
        #expect(data.sessionIDs == ["a", "b"])              // a starts at 10, b at 40
        #expect(data.session(0).map { data.itemMap.ids[Int($0)] } == ["x", "y"])
        #expect(data.session(1).map { data.itemMap.ids[Int($0)] } == ["z", "x"])
        #expect(data.itemSupport() == [2, 1, 1])
    }

    @Test func customColumnNamesAndExtraColumns() throws {
        let events = try parse("user\tts\tsession\tproduct\nu\t1.5\tS\tP\nu\t2.5\tS\tQ\n",
                               columns: SessionColumns(session: "session", item: "product", time: "ts"))
        #expect(events.map(\.item) == ["P", "Q"])
        #expect(events.map(\.time) == [1.5, 2.5])
    }

    @Test func windowsLineEndingsAndByteOrderMarkAreAccepted() throws {
        let text = "\u{FEFF}SessionId\tItemId\tTime\r\n1\tA\t1\r\n1\tB\t2\r\n"
        let events = try parse(text)
        #expect(events.map(\.item) == ["A", "B"])
        #expect(events.map(\.session) == ["1", "1"])
    }

    @Test func missingColumnNamesFileAndLine() {
        let e = error("SessionId\tItem\tTime\n1\tA\t1\n")
        #expect(e?.description == "clicks.tsv:1: missing column 'ItemId'; the header has 3 tab-separated fields: 'SessionId', 'Item', 'Time'")
    }

    @Test func nonNumericTimeNamesLineAndColumn() {
        let e = error("SessionId\tItemId\tTime\n1\tA\t1\n1\tB\tnoon\n")
        #expect(e?.description == "clicks.tsv:3:3: Time 'noon' is not a number")
    }

    @Test func missingFieldNamesLineAndColumn() {
        let e = error("SessionId\tItemId\tTime\n1\tA\n")
        #expect(e?.description == "clicks.tsv:2:3: expected 3 tab-separated fields, found 2")
    }

    @Test func emptyFileAndHeaderOnlyAreRefused() {
        #expect(error("")?.description.hasPrefix("clicks.tsv:1: the file is empty") == true)
        #expect(error("SessionId\tItemId\tTime\n")?.description == "clicks.tsv:2: the file has a header but no events")
    }

    @Test func oneEventSessionIsRefusedWithItsLine() {
        let e = error("SessionId\tItemId\tTime\n1\tA\t1\n1\tB\t2\n2\tC\t3\n")
        #expect(e?.line == 4)
        #expect(e?.message.contains("session '2' has a single event") == true)
    }

    @Test func testEventsWithUnknownItemsAreDroppedAndCounted() throws {
        let training = try SessionData.training(parse("SessionId\tItemId\tTime\n1\tA\t1\n1\tB\t2\n"), source: "train.tsv")
        let test = SessionData.test(try parse("SessionId\tItemId\tTime\n7\tA\t1\n7\tZ\t2\n7\tB\t3\n8\tY\t4\n"),
                                    source: "test.tsv", itemMap: training.itemMap)
        #expect(test.droppedUnknownEvents == 2)
        #expect(test.eventCount == 2)
        #expect(test.sessionIDs == ["7"])
    }

    @Test func unreadableFileIsNamed() {
        #expect(throws: DataError.self) { try SessionTSVReader.read(URL(fileURLWithPath: "/nonexistent/clicks.tsv")) }
    }
}
