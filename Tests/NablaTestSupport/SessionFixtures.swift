import Foundation
import NablaSessions

/// Builds session data from item rows, one session per array, in the given time order.
public func sessions(_ items: [[Int]], itemCount: Int? = nil) throws -> SessionData {
    var lines = ["SessionId\tItemId\tTime"]
    var time = 0
    for (index, session) in items.enumerated() {
        for item in session {
            lines.append("s\(index)\ti\(item)\t\(time)")
            time += 1
        }
    }
    let events = try SessionTSVReader.parse(Data(lines.joined(separator: "\n").utf8), source: "test.tsv")
    let count = itemCount ?? ((items.flatMap { $0 }.max() ?? 0) + 1)
    let map = try ItemMap(ids: (0..<count).map { "i\($0)" })
    return SessionData.test(events, source: "test.tsv", itemMap: map)
}

/// The folder of the shared real data, or `nil` (with the reason) when it is absent.
public func sharedData(_ relative: String) -> URL? {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    let file = url.deletingLastPathComponent().appendingPathComponent("shared/data").appendingPathComponent(relative)
    return FileManager.default.fileExists(atPath: file.path) ? file : nil
}
