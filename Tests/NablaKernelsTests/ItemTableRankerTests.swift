import Nabla
import NablaKernels
import Testing

/// The ranker's counts against scoring every item in full and counting.
@Suite struct ItemTableRankerTests {
    /// The instruction sets this CPU runs: each is tested on its own.
    static let available = ItemTableRanker.Instructions.allCases.filter { $0.rawValue <= (ItemTableRanker.Instructions.best?.rawValue ?? 0) }

    static func values(_ count: Int, in range: ClosedRange<Float>, seed: UInt64) -> [Float] {
        var generator = SeededRandomGenerator(seed: seed)
        return (0..<count).map { _ in Float.random(in: range, using: &generator) }
    }

    /// Items scoring above and equal to each row's target, every score summed left to right.
    static func referenceCounts(table: [Float], bias: [Float], width: Int, hidden: [Float], targets: [Int]) -> [[Int]] {
        targets.indices.map { row in
            let scores = bias.indices.map { item in
                var sum: Float = 0
                for k in 0..<width { sum += hidden[row * width + k] * table[item * width + k] }
                return sum + bias[item]
            }
            let target = scores[targets[row]]
            return [scores.filter { $0 > target }.count, scores.filter { $0 == target }.count]
        }
    }

    /// A table whose items 3 and 4 are the same row with the same bias, so their scores tie.
    static func table(items: Int, width: Int, seed: UInt64) -> (table: [Float], bias: [Float]) {
        var table = values(items * width, in: -0.3...0.3, seed: seed)
        var bias = values(items, in: -0.5...0.5, seed: seed + 1)
        for k in 0..<width { table[4 * width + k] = table[3 * width + k] }
        bias[4] = bias[3]
        return (table, bias)
    }

    /// Targets of every kind: each row's best item, its 2nd to 20th, the tied pair, and random ones.
    static func targets(table: [Float], bias: [Float], width: Int, hidden: [Float], rows: Int) -> [Int] {
        let items = bias.count
        return (0..<rows).map { row in
            let scores = (0..<items).map { item in
                (0..<width).reduce(bias[item]) { $0 + hidden[row * width + $1] * table[item * width + $1] }
            }
            let order = scores.indices.sorted { scores[$0] > scores[$1] }
            switch row % 4 {
            case 0: return order[row % 20]
            case 1: return row % 8 == 1 ? 3 : 4
            case 2: return order[min(items - 1, 20 + row)]
            default: return (row * 7_919) % items
            }
        }
    }

    @Test(.enabled(if: ItemTableRanker.isAvailable, "needs a CPU with AVX2 or AVX-512 VNNI"),
          arguments: [(1_013, 100, 21), (517, 37, 8), (64, 4, 3)], available)
    func countsEqualScoringEveryItem(shape: (items: Int, width: Int, rows: Int), instructions: ItemTableRanker.Instructions) throws {
        let (items, width, rows) = shape
        let (table, bias) = Self.table(items: items, width: width, seed: UInt64(items))
        let hidden = Self.values(rows * width, in: -1...1, seed: 7)
        let targets = Self.targets(table: table, bias: bias, width: width, hidden: hidden, rows: rows)
        let ranker = try #require(ItemTableRanker(table: table, bias: bias, width: width, instructions: instructions))
        #expect(ranker.instructions == instructions)
        let expected = Self.referenceCounts(table: table, bias: bias, width: width, hidden: hidden, targets: targets)
        let counts = try #require(ranker.counts(hidden: hidden, targets: targets, stopAbove: .max))
        #expect(counts.map { [$0.higher, $0.equal] } == expected)
        #expect(expected.contains { $0[1] == 2 }, "a target tied with another item")

        // With a cutoff, rows ranked within it are exact and the others have at least that many above.
        let cut = try #require(ranker.counts(hidden: hidden, targets: targets, stopAbove: 20))
        for (row, count) in cut.enumerated() {
            if expected[row][0] < 20 {
                #expect([count.higher, count.equal] == expected[row])
            } else {
                #expect(count.higher >= 20 && count.higher <= expected[row][0] && count.equal == 1)
            }
        }
    }

    @Test(.enabled(if: ItemTableRanker.isAvailable, "needs a CPU with AVX2 or AVX-512 VNNI"), arguments: available)
    func rowsWithMoreUndecidedItemsThanRememberedAreSortedAgain(instructions: ItemTableRanker.Instructions) throws {
        // Items that differ by far less than the 8-bit error: almost every score is undecided.
        let items = 2_000, width = 16
        let base = Self.values(width, in: -1...1, seed: 11)
        let noise = Self.values(items * width, in: -1e-4...1e-4, seed: 12)
        let table = (0..<(items * width)).map { base[$0 % width] + noise[$0] }
        let bias = [Float](repeating: 0, count: items)
        let hidden = Self.values(2 * width, in: -1...1, seed: 13)
        let targets = [1_000, 17]
        let ranker = try #require(ItemTableRanker(table: table, bias: bias, width: width, instructions: instructions))
        let counts = try #require(ranker.counts(hidden: hidden, targets: targets, stopAbove: .max))
        let expected = Self.referenceCounts(table: table, bias: bias, width: width, hidden: hidden, targets: targets)
        #expect(counts.map { [$0.higher, $0.equal] } == expected)
    }

    /// Rows exactly on the quantization grid, so the 8-bit estimate differs from the real score
    /// by rounding only; long rows of positive values, so the `Float` sums round; items that
    /// score exactly the same as others but for the order of their terms; zero rows; huge
    /// biases. Only the rounding allowance then keeps an item from being counted on the wrong
    /// side of its target (this test fails with the allowance set to zero).
    @Test(.enabled(if: ItemTableRanker.isAvailable, "needs a CPU with AVX2 or AVX-512 VNNI"), arguments: available)
    func scoresThatOnlyRoundingSeparatesAreCountedExactly(instructions: ItemTableRanker.Instructions) throws {
        let items = 400, width = 512, rows = 16, levels = instructions == .avx512VNNI ? 127 : 63
        var generator = SeededRandomGenerator(seed: 21)
        /// Values `q · step` with `q` in `levels / 2 ... levels` (one of them `levels`): exact in `Float`.
        func gridRow(levels: Int, step: Float) -> [Float] {
            var row = (0..<width).map { _ in Float(levels / 2 + generator.nextInt(below: levels / 2 + 1)) * step }
            row[generator.nextInt(below: width)] = Float(levels) * step
            return row
        }
        var table: [Float] = [], bias: [Float] = []
        for item in 0..<items {
            table += item % 50 == 7 ? [Float](repeating: 0, count: width) : gridRow(levels: 127, step: 3 * 0x1p-10)
            bias.append(item % 97 == 5 ? 1e20 : 0)
        }
        // Items 100..<200 hold the values of items 0..<100 shifted by 4 places: against query rows
        // that repeat every 4 values they score exactly the same, summed in another order.
        for item in 100..<200 {
            let source = Array(table[((item - 100) * width)..<((item - 99) * width)])
            for k in 0..<width { table[item * width + k] = source[(k + 4) % width] }
        }
        var hidden: [Float] = []
        for row in 0..<rows {
            if row == 3 { hidden += [Float](repeating: 0, count: width); continue }
            var quarter = Array(gridRow(levels: levels, step: 5 * 0x1p-9)[0..<4])
            quarter[row % 4] = Float(levels) * 5 * 0x1p-9   // the row's largest value sets its scale
            hidden += (0..<width).map { quarter[$0 % 4] }
        }
        let targets = (0..<rows).map { $0 % 2 == 0 ? 100 + $0 : $0 * 7 }
        let ranker = try #require(ItemTableRanker(table: table, bias: bias, width: width, instructions: instructions))
        let counts = try #require(ranker.counts(hidden: hidden, targets: targets, stopAbove: .max))
        let expected = Self.referenceCounts(table: table, bias: bias, width: width, hidden: hidden, targets: targets)
        #expect(counts.map { [$0.higher, $0.equal] } == expected)
        #expect(expected.contains { $0[1] > 1 }, "targets tied with other items")
    }

    @Test(.enabled(if: ItemTableRanker.isAvailable, "needs a CPU with AVX2 or AVX-512 VNNI"))
    func rowsAndTargetsThatDoNotFitTheTableAreAMisuse() async {
        let short = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let (table, bias) = ItemTableRankerTests.table(items: 40, width: 8, seed: 3)
            _ = ItemTableRanker(table: table, bias: bias, width: 8)!.counts(hidden: [1, 2, 3], targets: [0], stopAbove: 20)
        }
        let shortMessage = String(decoding: short?.standardErrorContent ?? [], as: UTF8.self)
        #expect(shortMessage.contains("ItemTableRanker.counts: hidden of 3 values and targets in 0..<40 do not fit 1 rows of 8"))
        let item = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let (table, bias) = ItemTableRankerTests.table(items: 40, width: 8, seed: 3)
            _ = ItemTableRanker(table: table, bias: bias, width: 8)!.score([Float](repeating: 1, count: 8)[...], item: 40)
        }
        let itemMessage = String(decoding: item?.standardErrorContent ?? [], as: UTF8.self)
        #expect(itemMessage.contains("ItemTableRanker.score: a row of 8 values and item 40 do not fit 40 items of 8"))
    }

    @Test func thereIsNoRankerWithoutTheInstructionsOrForValuesItCannotBound() {
        let (table, bias) = Self.table(items: 40, width: 8, seed: 3)
        #expect((ItemTableRanker(table: table, bias: bias, width: 8) != nil) == ItemTableRanker.isAvailable)
        var infinite = table
        infinite[5] = .infinity
        #expect(ItemTableRanker(table: infinite, bias: bias, width: 8) == nil)
        var nanBias = bias
        nanBias[2] = .nan
        #expect(ItemTableRanker(table: table, bias: nanBias, width: 8) == nil)
        guard let ranker = ItemTableRanker(table: table, bias: bias, width: 8) else { return }
        var hidden = Self.values(16, in: -1...1, seed: 4)
        hidden[3] = .nan
        #expect(ranker.counts(hidden: hidden, targets: [0, 1], stopAbove: 20) == nil)
        #expect(ranker.counts(hidden: [Float](repeating: 1e-20, count: 16), targets: [0, 1], stopAbove: 20) == nil)
        #expect(ranker.counts(hidden: [], targets: [], stopAbove: 20)?.isEmpty == true)
    }
}
