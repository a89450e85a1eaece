import Nabla

/// Makes new inputs from a corpus by the mutations coverage-guided fuzzers use: bit flips, byte
/// insertions and deletions, interesting values, chunk duplication, splices and truncation.
struct Mutator {
    var generator: SeededRandomGenerator
    let corpus: [[UInt8]]
    /// Bytes that matter to the parsers: separators, digits, signs, brackets, quotes, BOM, CR.
    static let interesting: [[UInt8]] = [
        [0x09], [0x0A], [0x0D], [0x2C], [0x3B], [0x3D], [0x2F], [0x2D], [0x2E], [0x22], [0x5C], [0x7B], [0x7D],
        [0x5B], [0x5D], [0x3A], [0x00], [0xFF], [0xEF, 0xBB, 0xBF], Array("nan".utf8), Array("inf".utf8),
        Array("1e308".utf8), Array("-0".utf8), Array("99999999999999999999".utf8), Array("True".utf8),
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], [0, 0, 0, 0, 0, 0, 0, 0],
    ]

    init(corpus: [[UInt8]], seed: UInt64) {
        self.corpus = corpus
        generator = SeededRandomGenerator(seed: seed)
    }

    mutating func next() -> [UInt8] {
        var input = corpus[generator.nextInt(below: corpus.count)]
        for _ in 0...generator.nextInt(below: 4) { mutate(&input) }
        return input
    }

    private mutating func mutate(_ input: inout [UInt8]) {
        let position = input.isEmpty ? 0 : generator.nextInt(below: input.count + 1)
        switch generator.nextInt(below: 8) {
        case 0 where !input.isEmpty:
            let index = min(position, input.count - 1)
            input[index] ^= UInt8(1 << generator.nextInt(below: 8))
        case 1:
            input.insert(UInt8(generator.nextInt(below: 256)), at: position)
        case 2 where !input.isEmpty:
            let end = min(input.count, position + 1 + generator.nextInt(below: 16))
            input.removeSubrange(min(position, input.count - 1)..<end)
        case 3:
            input.insert(contentsOf: Self.interesting[generator.nextInt(below: Self.interesting.count)], at: position)
        case 4 where input.count > 2:
            let start = generator.nextInt(below: input.count - 1)
            let end = min(input.count, start + 1 + generator.nextInt(below: 64))
            input.insert(contentsOf: input[start..<end], at: position)
        case 5:
            let other = corpus[generator.nextInt(below: corpus.count)]
            let cut = other.isEmpty ? 0 : generator.nextInt(below: other.count)
            input = Array(input.prefix(position)) + other.suffix(from: cut)
        case 6:
            input = Array(input.prefix(position))
        default:
            if !input.isEmpty {
                let index = min(position, input.count - 1)
                input[index] = UInt8(generator.nextInt(below: 256))
            }
        }
    }
}
