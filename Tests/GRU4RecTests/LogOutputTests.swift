import Foundation
import NablaTestSupport
import Testing

/// What a command writes where it goes: in a log (standard error is not a terminal, as in every
/// test) one plain line per training epoch and no bar, nothing with `--quiet`, and errors with the
/// usage of the subcommand that was mistyped, or none when the command line was right.
@Suite struct LogOutputTests {
    let small = "layers=8,n_epochs=3,n_sample=4,batch_size=16"

    /// A fresh folder with the demo data in it.
    func demoFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-log-output-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        #expect(try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", url.path]).status == 0)
        return url
    }

    @Test func aRedirectedRunWritesOneLinePerEpochAndNoBar() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trained = try ExampleRunner.run("gru4rec", arguments: [
            "train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
            "--test", folder.appendingPathComponent("demo_test.tsv").path, "-p", small])
        #expect(trained.status == 0, "\(trained.errors)")
        let lines = trained.errors.split(separator: "\n")
        #expect(lines.map { $0.prefix(10) } == ["epoch 1/3:", "epoch 2/3:", "epoch 3/3:"], "\(trained.errors)")
        #expect(!trained.errors.contains("█") && !trained.errors.contains("\r"), "\(trained.errors)")
        #expect(trained.errors.utf8.count < 400, "\(trained.errors.utf8.count) bytes of progress for three short epochs")
        #expect(trained.output.contains("Recall@20"), "the results still print: \(trained.output)")
    }

    @Test func quietShowsNoProgressButStillTheResults() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.safetensors").path
        let trained = try ExampleRunner.run("gru4rec", arguments: [
            "train", "--quiet", "--train", folder.appendingPathComponent("demo_train.tsv").path,
            "--test", folder.appendingPathComponent("demo_test.tsv").path, "-p", small, "--save", model])
        #expect(trained.status == 0 && trained.errors.isEmpty, "\(trained.errors)")
        #expect(trained.output.contains("Recall@20"), "\(trained.output)")
        let evaluated = try ExampleRunner.run("gru4rec", arguments: [
            "evaluate", "--quiet", "--model", model, "--test", folder.appendingPathComponent("demo_test.tsv").path])
        #expect(evaluated.status == 0 && evaluated.errors.isEmpty, "\(evaluated.errors)")
    }

    @Test func aMistakePrintsItsSubcommandsUsageAndAFailedRunOnlyItsMessage() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path
        let mistyped = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "--bogus"])
        #expect(mistyped.status == 64)
        #expect(mistyped.errors.contains("Usage: gru4rec train"), "\(mistyped.errors)")

        let existing = folder.appendingPathComponent("exists.safetensors").path
        try Data("kept".utf8).write(to: URL(fileURLWithPath: existing))
        let refused = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", small, "--save", existing])
        #expect(refused.status == 64)
        #expect(refused.errors.hasPrefix("Error: --save \(existing) exists"), "\(refused.errors)")
        #expect(!refused.errors.contains("Usage:"), "\(refused.errors)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "kept")
    }
}
