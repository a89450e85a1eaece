import Foundation
import Synchronization

/// Progress on standard error, fitted to where it goes.
///
/// On a terminal it is a bar that redraws itself in place. In a log (standard error is not a
/// terminal) there is no bar: one plain line every ``logInterval`` seconds of a long phase, and one
/// when a phase that asks for it ends (a training epoch), so a log holds a line per epoch rather than
/// a line per redraw. With `--quiet` (``quiet``) nothing is shown.
package struct ProgressBar {
    package let title: String
    package let total: Int
    package let unit: String
    private let start = Date()
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastLogged: Date
    private var lastLine = ""

    /// Whether progress is hidden, set by `--quiet`.
    package static let quiet = Atomic<Bool>(false)
    /// Seconds between two lines of a phase in a log.
    package static let logInterval: TimeInterval = 60

    package init(title: String, total: Int, unit: String = "predictions") {
        self.title = title
        self.total = max(total, 1)
        self.unit = unit
        lastLogged = start
    }

    /// Shows `done` of `total`, with an optional note (the running loss, say).
    package mutating func update(_ done: Int, note: String = "") {
        if Self.quiet.load(ordering: .relaxed) { return }
        let elapsed = Date().timeIntervalSince(start)
        let fraction = min(1, Double(done) / Double(total))
        let rate = Double(done) / max(elapsed, 1e-9)
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let counts = "\(done)/\(total) \(unit) · \(Int(rate)) \(unit)/s"
        let tail = note.isEmpty ? "" : " · \(note)"
        if interactive {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let line = "\(title) \(bar) \(Int(fraction * 100))% \(counts) · ETA \(clock(remaining))" + tail
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else {
            lastLine = "\(title): \(counts) · \(clock(elapsed)) elapsed" + tail
            if Date().timeIntervalSince(lastLogged) >= Self.logInterval && done < total {
                lastLogged = Date()
                FileHandle.standardError.write(Data((lastLine + ", ETA \(clock(remaining))\n").utf8))
            }
        }
    }

    /// Ends the bar's line; in a log, prints the phase's last state as one line when `logged`.
    package func finish(logged: Bool = false) {
        if Self.quiet.load(ordering: .relaxed) { return }
        if interactive {
            FileHandle.standardError.write(Data("\n".utf8))
        } else if logged && !lastLine.isEmpty {
            FileHandle.standardError.write(Data((lastLine + "\n").utf8))
        }
    }

    private func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return String(format: "%d:%02d", total / 60, total % 60)
    }
}

/// Prints rows as an aligned table with a header rule.
package func printTable(_ header: [String], _ rows: [[String]]) {
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                : String(repeating: " ", count: widths[index] - cell.count) + cell
        }.joined(separator: "  ")
    }
    print(line(header))
    print(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
    for row in rows { print(line(row)) }
}

/// A number with four decimals.
package func fixed4(_ value: Double) -> String { String(format: "%.4f", value) }

/// A probability as a percentage: one decimal from 1% up (`0.9312` is `93.1%`), two significant
/// digits below (`0.00031` is `0.031%`), so a small probability never reads as 0%.
package func percent(_ probability: Double) -> String {
    let value = probability * 100
    return value >= 1 || value == 0 ? String(format: "%.1f%%", value) : String(format: "%.2g%%", value)
}
