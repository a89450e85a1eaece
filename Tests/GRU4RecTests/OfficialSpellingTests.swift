import Foundation
import GRU4Rec
import NablaCommandLine
import NablaNN
import NablaTestSupport
import Testing

/// The official GRU4Rec's command lines work as its users type them: `run.py`'s positional data
/// path, `-t` (several files), `-m` (cutoffs separated by spaces), `-e`, `-s`, `-l`, `-pf` and `-ps`,
/// and `paropt.py`'s options on `tune` with its final training and test. The parameter files in
/// `Fixtures/official-parameter-files` are two of the official repository's `paramfiles/`, as
/// published.
@Suite struct OfficialSpellingTests {
    static let parameterFiles = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/official-parameter-files")

    /// A fresh folder with the demo data in it.
    func demoFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-official-spelling-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        #expect(try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", url.path]).status == 0)
        return url
    }

    @Test(arguments: [("rsc15_xe_shared_100_best.py", "rsc15-xe"), ("coveo_bprmax_shared_best.py", "coveo-bprmax")])
    func anOfficialParameterFileReadsAsItsPreset(file: String, preset: String) throws {
        let read = try OfficialParameterFile.read(Self.parameterFiles.appendingPathComponent(file).path)
        #expect(try GRU4RecConfiguration(parameters: read).parameterString == GRU4RecConfiguration(parameters: "@\(preset)").parameterString)
    }

    @Test func aParameterFileIsReadNeverRunAndItsMistakesAreLocated() throws {
        let dict = "import os\ngru4rec_params = {'loss': 'bpr-max', 'layers': [200, 100], 'constrained_embedding': False, 'bpreg': 1e-2}\n"
        #expect(try OfficialParameterFile.parameters(in: dict, file: "p.py") == "loss=bpr-max,layers=200/100,constrained_embedding=False,bpreg=1e-2")
        let call = "gru4rec_params = OrderedDict([\n('loss', os.system('rm -rf x')),\n])"
        let error = try #require(throws: DataError.self) { try OfficialParameterFile.parameters(in: call, file: "p.py") }
        #expect(error.line == 2 && error.column == 10, "\(error)")
        #expect(throws: DataError.self) { try OfficialParameterFile.parameters(in: "params = {}", file: "p.py") }
        #expect(throws: DataError.self) { try OfficialParameterFile.parameters(in: "gru4rec_params = {'loss': 'x', 'loss': 'y'}", file: "p.py") }
    }

    @Test func runPysCommandLineTrainsSavesLoadsAndEvaluates() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (train, test) = (folder.appendingPathComponent("demo_train.tsv").path, folder.appendingPathComponent("demo_test.tsv").path)
        let model = folder.appendingPathComponent("model.safetensors").path
        let rsc15 = Self.parameterFiles.appendingPathComponent("rsc15_xe_shared_100_best.py").path
        // The official file's sizes, made small by the single options that win over it.
        let trained = try ExampleRunner.run("gru4rec", arguments: [
            "train", train, "-pf", rsc15, "--layers", "16", "--n-sample", "8", "--n-epochs", "1",
            "-t", test, test, "-m", "1", "5", "20", "-e", "conservative", "-s", model, "--json"])
        #expect(trained.status == 0, "\(trained.errors)")
        #expect(trained.output.contains("dropout_p_hidden=0.4,learning_rate=0.2,momentum=0.2"), "\(trained.output)")
        #expect(trained.output.components(separatedBy: "Recall@1  Recall@5  Recall@20").count == 3, "two test files: \(trained.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(trained.output.split(separator: "\n").last!.utf8)) as? [String: Any])
        let recall = try #require(report["recall_at_20"] as? Double)
        #expect((report["tests"] as? [[String: Any]])?.count == 2)

        let loaded = try ExampleRunner.run("gru4rec", arguments: ["train", model, "-l", "-t", test, "--cutoffs", "5 20"])
        #expect(loaded.status == 0, "\(loaded.errors)")
        #expect(loaded.output.contains("Recall@5  Recall@20"), "\(loaded.output)")
        #expect(loaded.output.contains(String(format: "%.4f", recall)), "the loaded model disagrees with the trained one: \(loaded.output)")

        let both = try ExampleRunner.run("gru4rec", arguments: ["train", train, "-pf", rsc15, "-ps", "layers=8"])
        #expect(both.status == 64 && both.errors.contains("give -pf or -ps, not both"), "\(both.errors)")
        let loadWithParameters = try ExampleRunner.run("gru4rec", arguments: ["train", model, "-l", "-t", test, "-ps", "layers=8"])
        #expect(loadWithParameters.status == 64 && loadWithParameters.errors.contains("-p is for training"), "\(loadWithParameters.errors)")
    }

    @Test func paroptsCommandLineSearchesThenTrainsAndTestsTheBestSetting() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let space = folder.appendingPathComponent("space.json")
        try Data(#"{"name":"learning_rate", "dtype":"float", "values":[0.05, 0.2], "step":0.05}"#.utf8).write(to: space)
        let tuned = try ExampleRunner.run("gru4rec", arguments: [
            "tune", folder.appendingPathComponent("demo_train.tsv").path, folder.appendingPathComponent("demo_test.tsv").path,
            "-opf", space.path, "-nt", "2", "-fp", "layers=8,n_sample=4,n_epochs=1", "-pm", "mrr", "-m", "20", "-e", "standard",
            "-fm", "5", "20", "--final-epochs", "2"])
        #expect(tuned.status == 0, "\(tuned.errors)")
        let lines = tuned.output.split(separator: "\n").map(String.init)
        let best = try #require(lines.first { $0.hasPrefix("-p ") })
        #expect(!best.contains("n_epochs="), "the trials' length left in the best setting: \(best)")
        #expect(lines.contains("each trial trained n_epochs=1; add n_epochs=K to the setting below for the final model's length"))
        #expect(tuned.output.contains("final training: \(folder.appendingPathComponent("demo_train.tsv").path), n_epochs=2"))
        #expect(lines.suffix(3).first?.hasPrefix("model    Recall@5  Recall@20") == true, "\(tuned.output)")
    }
}
