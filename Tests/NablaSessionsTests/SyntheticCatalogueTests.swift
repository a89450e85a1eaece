import Foundation
import NablaSessions
import Testing

/// The generated catalogue the benchmark scales with: the size asked for, power-law popularity,
/// sessions of at least two clicks, the latest sessions held out, and the same text for a seed.
@Suite struct SyntheticCatalogueTests {
    @Test func theCatalogueHasTheSizeAndShapeAskedFor() throws {
        let catalogue = SyntheticCatalogue(itemCount: 1_000, eventCount: 40_000)
        let (trainText, testText) = catalogue.sessions()
        let train = try SessionTSVReader.parse(Data(trainText.utf8), source: "train_full.tsv")
        let test = try SessionTSVReader.parse(Data(testText.utf8), source: "test.tsv")
        let events = train.count + test.count
        #expect(events >= 40_000 && events < 40_000 + 200, "\(events) events")

        // Items are 1...1000; the most popular is item 1, and popularity falls with the rank.
        var counts: [String: Int] = [:]
        for event in train + test { counts[event.item, default: 0] += 1 }
        #expect(counts.keys.allSatisfy { Int($0).map { (1...1_000).contains($0) } ?? false })
        let ranked = counts.sorted { $0.value > $1.value }.map(\.key)
        #expect(ranked.first == "1")
        #expect(counts["1", default: 0] > 5 * counts["100", default: 0])

        // Sessions have at least two clicks, average about four, and the test set holds the latest 5%.
        var lengths: [String: Int] = [:]
        for event in train + test { lengths[event.session, default: 0] += 1 }
        #expect(lengths.values.allSatisfy { $0 >= 2 })
        let mean = Double(events) / Double(lengths.count)
        #expect(abs(mean - 4) < 0.2, "mean length \(mean)")
        let testSessions = Set(test.map(\.session)), trainSessions = Set(train.map(\.session))
        #expect(abs(Double(testSessions.count) / Double(lengths.count) - 0.05) < 0.002)
        // Held out by start time, as the official split does: every test session starts after every
        // training session.
        func starts(_ events: [SessionEvent]) -> [Double] {
            Dictionary(grouping: events, by: \.session).values.map { $0.map(\.time).min()! }
        }
        #expect(starts(test).min()! > starts(train).max()!)
        #expect(testSessions.isDisjoint(with: trainSessions))

        #expect(catalogue.sessions() == (trainText, testText))
    }

    @Test func writingMakesTheTwoFilesTheBenchmarkReads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-catalogue-\(UUID())")
        let files = try SyntheticCatalogue(itemCount: 50, eventCount: 500).write(to: folder)
        #expect(files.train.lastPathComponent == "train_full.tsv" && files.test.lastPathComponent == "test.tsv")
        #expect(try String(contentsOf: files.train, encoding: .utf8).hasPrefix("SessionId\tItemId\tTime\n"))
        #expect(throws: DataError.self) { try SyntheticCatalogue(itemCount: 1, eventCount: 500).write(to: folder) }
    }
}
