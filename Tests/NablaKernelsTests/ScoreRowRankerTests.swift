import Nabla
import NablaKernels
import Testing

/// Counting each row's items above and equal to its target, against counting one by one.
@Suite struct ScoreRowRankerTests {
    /// Items above and equal to `target` in `row`, one comparison at a time.
    static func counted(_ row: ArraySlice<Float>, target: Int) -> [Int] {
        let score = row[row.startIndex + target]
        return [row.filter { $0 > score }.count, row.filter { $0 == score }.count]
    }

    @Test func countsTiesAboveAndTheTargetItself() {
        let counts = ScoreRowRanker.counts(of: [1, 5], in: [0.9, 0.5, 0.5, 0.5, 0.1, 0.7, 0.9, 0.5, 0.5, 0.5, 0.1, 0.7])
        #expect(counts.map { [$0.higher, $0.equal] } == [[2, 3], [1, 1]])
    }

    @Test(arguments: [1, 2])
    func sixteenAtATimeEqualsOneByOneOnEveryThreadCount(threads: Int) {
        ComputeThreads.set(threads)
        defer { ComputeThreads.set(1) }
        var generator = SeededRandomGenerator(seed: 12)
        let width = 1_003, rows = 37
        let scores = (0..<(rows * width)).map { _ in Float(generator.nextInt(below: 40)) / 4 }   // many ties
        let targets = (0..<rows).map { [0, 15, 16, 500, 1_002][$0 % 5] }
        let counts = ScoreRowRanker.counts(of: targets, in: scores)
        for row in 0..<rows {
            let expected = Self.counted(scores[(row * width)..<((row + 1) * width)], target: targets[row])
            #expect([counts[row].higher, counts[row].equal] == expected, "row \(row)")
        }
    }

    @Test func aNaNTargetCountsBelowEveryOtherItem() {
        let counts = ScoreRowRanker.counts(of: [1, 3], in: [0.5, .nan, 2, 1, 0.5, .nan, 2, 1])
        #expect(counts.map { [$0.higher, $0.equal] } == [[3, 1], [1, 1]])
    }

    @Test func noRowsGiveNoCounts() {
        #expect(ScoreRowRanker.counts(of: [], in: []).isEmpty)
    }

    @Test func scoresThatDoNotFitTheTargetsStopWithTheKernelsName() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ScoreRowRanker.counts(of: [0, 3], in: [1, 2, 3, 4])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("ScoreRowRanker.counts: 4 scores do not make 2 rows that hold every target"), "\(message)")
    }
}
