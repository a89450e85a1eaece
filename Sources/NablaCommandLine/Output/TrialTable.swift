import Foundation
import NablaTuning

/// The table `tune` prints a row of as each trial finishes: its number, its parameters, the
/// metric, how many epochs it ran (and whether it was pruned), and its time. A failed trial shows
/// `failed` for its metric, and its reason on the next line.
package struct TrialTable {
    package let space: SearchSpace
    package let metricName: String

    private var headers: [String] { ["trial"] + space.parameters.map(\.name) + [metricName, "epochs", "seconds"] }
    private var widths: [Int] { headers.map { max($0.count, 7) } }

    /// Prints the header and the rule under it.
    package func printHeader() {
        print(line(headers))
        print(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        fflush(nil)
    }

    /// Prints the row of a finished trial (and, for a failed one, the line saying why).
    package func printRow(_ record: TrialRecord) {
        let epochs = String(record.intermediateValues.count) + (record.state == .pruned ? " pruned" : "")
        let metric = record.state == .failed ? "failed" : fixed4(record.value)
        print(line([String(record.number)] + zip(space.parameters, record.coordinates).map { $0.text(of: $1) }
                   + [metric, epochs, String(format: "%.1f", record.seconds)]))
        if record.state == .failed { print("trial \(record.number) failed: \(record.failure ?? "no reason recorded")") }
        fflush(nil)          // a row as soon as its trial ends, also into a file or a pipe
    }

    private func line(_ cells: [String]) -> String {
        zip(cells, widths).enumerated().map { index, pair in
            let (cell, width) = pair
            let padding = String(repeating: " ", count: max(width - cell.count, 0))
            return index == cells.count - 2 ? cell + padding : padding + cell
        }.joined(separator: "  ")
    }
}
