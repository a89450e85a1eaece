import Foundation
import Nabla
import NablaNN

/// Generated session data of any size, for measuring how training and evaluation scale with the
/// catalogue: item popularity follows a power law, and sessions have sequential structure a
/// recurrent model can learn.
///
/// Item `i` (0-based rank) is drawn with probability ∝ `1 / (i + 1)^exponent`. A session's
/// length is 2 plus a geometric number of extra clicks (mean length `meanLength`). After each
/// click the next item is, with probability `followProbability`, one of the three items that
/// "go with" the current one (a fixed pseudo-random pick per item); otherwise a popularity
/// draw. Sessions start 60 seconds apart, clicks 30 seconds apart; the last `testFraction` of
/// the sessions (the latest) form the test set, as the official time-based split does.
public struct SyntheticCatalogue: Sendable {
    /// The number of items.
    public var itemCount: Int
    /// About how many events (clicks) to write, training and test together.
    public var eventCount: Int
    /// The power-law exponent of item popularity.
    public var exponent = 1.0
    /// The mean number of clicks per session.
    public var meanLength = 4.0
    /// The probability that the next click is an item that goes with the current one.
    public var followProbability = 0.5
    /// The share of sessions, the latest, held out for testing.
    public var testFraction = 0.05
    /// The seed of the pseudo-random generator.
    public var seed: UInt64 = 11

    /// A catalogue of `itemCount` items and about `eventCount` events.
    public init(itemCount: Int, eventCount: Int) {
        self.itemCount = itemCount
        self.eventCount = eventCount
    }

    /// About the most memory generating the catalogue takes (``write(to:)``), in bytes: per item
    /// its popularity and its three companions, per event its place in a session, its line of
    /// text (a string in an array, then joined) and the joined text's copy as it is written.
    /// Measured: see `ConfigurationValidationTests`.
    public var generationBytes: Int {
        let total = 96 * Double(itemCount) + 176 * Double(eventCount)
        return total < Double(Int.max / 2) ? Int(total) : Int.max / 2
    }

    /// Writes `train_full.tsv` and `test.tsv` into `folder` (created if needed), each atomically.
    ///
    /// - Throws: ``DataError`` naming the folder or file and the system's reason.
    @discardableResult
    public func write(to folder: URL) throws -> (train: URL, test: URL) {
        if itemCount < 2 || eventCount < 2 { throw DataError(file: folder.path, "a catalogue needs at least 2 items and 2 events") }
        try OutputFolder.create(folder)
        let (train, test) = sessions()
        let trainURL = folder.appendingPathComponent("train_full.tsv"), testURL = folder.appendingPathComponent("test.tsv")
        for (text, url) in [(train, trainURL), (test, testURL)] { try OutputFolder.write(Array(text.utf8), to: url) }
        return (trainURL, testURL)
    }

    /// The training and test sessions as session TSV text (``SessionTSVReader``'s format).
    public func sessions() -> (train: String, test: String) {
        var generator = SeededRandomGenerator(seed: seed)
        let cumulative = popularity()
        let companions = (0..<itemCount).map { _ in (0..<3).map { _ in generator.nextInt(below: itemCount) } }
        func popular() -> Int {
            let u = generator.nextUnitInterval() * cumulative[cumulative.count - 1]
            var low = 0, high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] < u { low = middle + 1 } else { high = middle }
            }
            return low
        }
        var sessions: [[Int]] = []
        var written = 0
        let stop = 1 / (meanLength - 1)
        while written < eventCount {
            var clicks = [popular()]
            while clicks.count < 2 || generator.nextUnitInterval() >= stop {
                let last = clicks[clicks.count - 1]
                clicks.append(generator.nextUnitInterval() < followProbability ? companions[last][generator.nextInt(below: 3)] : popular())
            }
            sessions.append(clicks)
            written += clicks.count
        }
        let testStart = sessions.count - max(1, Int(Double(sessions.count) * testFraction))
        func text(_ range: Range<Int>) -> String {
            var lines = ["SessionId\tItemId\tTime"]
            for index in range {
                let start = 1_767_225_600 + index * 60
                for (position, item) in sessions[index].enumerated() { lines.append("\(index + 1)\t\(item + 1)\t\(start + position * 30)") }
            }
            return lines.joined(separator: "\n") + "\n"
        }
        return (text(0..<testStart), text(testStart..<sessions.count))
    }

    /// The running sums of the items' popularity weights.
    func popularity() -> [Double] {
        var total = 0.0
        return (0..<itemCount).map { rank in
            total += 1 / Foundation.pow(Double(rank + 1), exponent)
            return total
        }
    }
}
