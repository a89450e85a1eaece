import Foundation
import NablaTestSupport
import Testing

/// Outputs are replaced, never written through: a planted symbolic link is replaced, and the
/// temporary files of a writer that died are removed by the next write.
@Suite struct FileReplacementTests: DemoDataCommandSuite {
    @Test func generateReplacesAPlantedSymlinkInsteadOfWritingThroughIt() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("precious.txt")
        try "keep me".write(to: target, atomically: true, encoding: .utf8)
        let link = folder.appendingPathComponent("demo_train.tsv")
        try FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let refused = try gru4rec(["generate", "--output", folder.path])
        #expect(refused.status != 0 && refused.errors.contains("exists: choose another name or pass --overwrite"), "\(refused.errors)")
        #expect(try gru4rec(["generate", "--output", folder.path, "--overwrite"]).status == 0)
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep me")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) == nil, "the link is still there")
    }

    @Test func temporaryFilesOfADeadWriterAreRemovedByTheNextSave() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let stale = folder.appendingPathComponent(".model.safetensors.tmp-\(finished.processIdentifier)-12345")
        try Data(count: 1000).write(to: stale)
        _ = try trainedModel(in: folder)
        #expect(!FileManager.default.fileExists(atPath: stale.path), "the dead writer's temporary file is still there")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
