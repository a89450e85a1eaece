import Foundation
import Testing

/// The trace a backpropagation page embeds as JSON (NablaGraphviz's `BackpropagationTrace`),
/// read back from the page's HTML.
struct PageTrace: Decodable {
    struct Node: Decodable {
        let id: Int
        let kind: String
        let op: String?
        let name: String?
        let shape: [Int]
        let gradient: Summary?
    }
    struct Summary: Decodable { let norm: Double }
    struct Step: Decodable { let node: Int; let op: String; let rule: String }
    let nodes: [Node]
    let forward: [Int]
    let backward: [Step]

    /// The trace embedded in `html`.
    init(html: String) throws {
        let json = try #require(html.firstMatch(of: /<script type="application\/json" id="trace">(.*?)<\/script>/)?.output.1)
        self = try JSONDecoder().decode(PageTrace.self, from: Data(json.utf8))
    }
}
