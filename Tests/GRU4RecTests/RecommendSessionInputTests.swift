import Foundation
import NablaTestSupport
import Testing

/// `recommend` reads the session from `--items`, a file or standard input, with the same answer.
@Suite struct RecommendSessionInputTests: DemoDataCommandSuite {
    @Test func recommendReadsTheSessionFromAFileOrStandardInput() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(in: folder)
        let session = folder.appendingPathComponent("session.txt")
        try "Camera\nMemory Card\n".write(to: session, atomically: true, encoding: .utf8)
        let fromFile = try gru4rec(["recommend", "--model", model, "--items-file", session.path, "--top", "2"])
        let fromList = try gru4rec(["recommend", "--model", model, "--items", " Camera , Memory Card", "--top", "2"])
        #expect(fromFile.status == 0, "\(fromFile.errors)")
        #expect(fromFile.output == fromList.output)
        let unknown = try gru4rec(["recommend", "--model", model, "--items-file", session.path, "--items", "Camera"])
        #expect(unknown.status != 0)
    }
}
