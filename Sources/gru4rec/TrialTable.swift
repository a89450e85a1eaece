import Foundation
import GRU4Rec

/// The table `tune` prints a row of as each trial finishes: its number, its parameters, the
/// metric, how many epochs it ran (and whether it was pruned), and its time.
struct TrialTable {
    let space: SearchSpace
    let metricName: String

    private var headers: [String] { ["trial"] + space.parameters.map(\.name) + [metricName, "epochs", "seconds"] }
    private var widths: [Int] { headers.map { max($0.count, 7) } }

    func printHeader() {
        print(line(headers))
        print(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        fflush(nil)
    }

    func printRow(_ record: TrialRecord) {
        let epochs = String(record.intermediateValues.count) + (record.state == .pruned ? " pruned" : "")
        print(line([String(record.number)] + zip(space.parameters, record.coordinates).map { $0.text(of: $1) }
                   + [fixed4(record.value), epochs, String(format: "%.1f", record.seconds)]))
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
