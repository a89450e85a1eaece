import Foundation

/// How much memory training GRU4Rec will take, estimated before anything large is allocated, so
/// a data set too large for the machine is refused up front with the numbers.
public enum MemoryEstimate {
    /// Bytes for the model's parameters with Adagrad's accumulator and velocity for each (three
    /// copies), plus the sample cache, for `itemCount` items.
    public static func trainingBytes(_ configuration: GRU4RecConfiguration, itemCount: Int, scalarBytes: Int = 4) -> Int {
        let layers = configuration.layers
        var parameters = itemCount * (layers[layers.count - 1] + 1)
        var input: Int
        switch configuration.inputMode {
        case .constrained: input = layers[layers.count - 1]
        case .embedding(let size): parameters += itemCount * size; input = size
        case .oneHot: parameters += itemCount * 3 * layers[0]; input = 0
        }
        for size in layers {
            parameters += 3 * size * (input + size + 2)
            input = size
        }
        return 3 * parameters * scalarBytes + configuration.sampleCacheSize * 4
    }

    /// Bytes for reading a session file of `fileBytes` bytes: the text, the parsed events with
    /// their id strings, and the session index (about eight times the file).
    public static func readingBytes(fileBytes: Int) -> Int { 8 * fileBytes }

    /// The memory the system reports as available (`MemAvailable` in /proc/meminfo), if known.
    public static var availableBytes: Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// Throws when `needed` exceeds `available`, saying what for.
    ///
    /// - Throws: ``DataError`` naming `source` with both figures.
    public static func check(_ needed: Int, available: Int?, for purpose: String, source: String) throws {
        guard let available, needed > available else { return }
        throw DataError(file: source, "\(purpose) would need about \(megabytes(needed)) of memory, "
            + "but \(megabytes(available)) are available; use fewer items, smaller layers or a larger machine")
    }

    private static func megabytes(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? String(format: "%.1f GB", Double(bytes) / Double(1 << 30)) : "\(bytes >> 20) MB"
    }
}
