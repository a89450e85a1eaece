import Foundation
import GRU4Rec
import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// One validator for a configuration, whatever its source (parameter string, individual
/// options, preset, model metadata, import, benchmark, tuning trial): the same ranges,
/// combination rules and memory estimate everywhere, through the real `gru4rec` command.
@Suite struct ConfigurationValidationTests {
    func gru4rec(_ arguments: [String]) throws -> ExampleRunner.Result {
        try ExampleRunner.run("gru4rec", arguments: arguments)
    }

    /// A fresh empty folder.
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-validation-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fresh folder with the demo data, also under the names `benchmark --data` reads.
    func demoFolder() throws -> URL {
        let url = try temporaryFolder()
        let generated = try gru4rec(["generate", "--output", url.path])
        #expect(generated.status == 0, "\(generated.errors)")
        try FileManager.default.copyItem(at: url.appendingPathComponent("demo_train.tsv"), to: url.appendingPathComponent("train_full.tsv"))
        try FileManager.default.copyItem(at: url.appendingPathComponent("demo_test.tsv"), to: url.appendingPathComponent("test.tsv"))
        return url
    }

    // MARK: Ranges and combinations, whatever the source

    @Test func individualOptionsMeetTheSameCombinationRulesAsTheParameterString() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path
        for options in [["-p", "layers=8,n_epochs=1", "--n-sample", "0", "--batch-size", "1"],
                        ["-p", "layers=8,n_epochs=1,n_sample=0,batch_size=1"],
                        ["-p", "layers=8,n_epochs=1,n_sample=0", "--batch-size", "1"],
                        ["-p", "layers=8,n_epochs=1,loss=bpr-max", "--n-sample", "0", "--batch-size", "1"]] {
            let result = try gru4rec(["train", "--train", train] + options)
            #expect(result.status != 0, "\(options) trained")
            #expect(result.errors.contains("batch_size=1 with n_sample=0 leaves no negatives"), "\(options): \(result.errors)")
            #expect(!result.output.contains("epoch"), "\(options) started training")
        }
    }

    @Test func aConfigurationBuiltInCodeMeetsTheValidatorAsAParsedOneDoes() throws {
        func refusal(_ change: (inout GRU4RecConfiguration) -> Void) -> ConfigurationError? {
            var configuration = GRU4RecConfiguration()
            change(&configuration)
            do { try configuration.validate() } catch let error as ConfigurationError {
                // The same configuration written out and read back is refused for the same reason.
                #expect(throws: error) { try GRU4RecConfiguration(parameters: configuration.parameterString) }
                return error
            } catch {
                Issue.record("\(error)")
            }
            return nil
        }
        #expect(refusal { $0.layers = [0] }?.parameter == "layers")
        #expect(refusal { $0.layers = Array(repeating: 4, count: 65) }?.parameter == "layers")
        #expect(refusal { $0.embedding = 70_000 }?.description.contains("'70000' is not layersize or an integer from 0 to 65536") == true)
        #expect(refusal { $0.dropoutHidden = 1 }?.parameter == "dropout_p_hidden")
        #expect(refusal { $0.batchSize = 0 }?.parameter == "batch_size")
        #expect(refusal { $0.loss = .top1; $0.sampleCount = 0; $0.batchSize = 1 }?.message.contains("leaves no negatives") == true)
        #expect(refusal { $0.learningRate = .nan } != nil)
        #expect(refusal { _ in } == nil)
    }

    @Test func aTrialIsCheckedAgainstTheMemoryAsTrainChecksIt() throws {
        let large = try GRU4RecConfiguration(parameters: "layers=2000/2000")
        #expect { try large.validate(itemCount: 1000, availableMemory: 100 << 20, source: "train.tsv") } throws: {
            "\($0)".hasPrefix("train.tsv: training 1000 items with layers [2000, 2000], batch size 64 and 2048 samples would need about")
        }
        try large.validate(itemCount: 1000, availableMemory: nil, source: "train.tsv")
        try large.validate(itemCount: 1000, availableMemory: 1 << 40, source: "train.tsv")
        let small = GRU4RecConfiguration()
        #expect(throws: ConfigurationError.self) {
            var bad = small
            bad.sampleCount = 0
            bad.batchSize = 1
            try bad.validate(itemCount: 10, availableMemory: nil, source: "train.tsv")
        }
        // The earlier entry point keeps its signature.
        try MemoryEstimate.check(1 << 20, available: 1 << 30, for: "training", source: "train.tsv")
    }

    // MARK: Presets and repeated values compose by one rule or are refused

    @Test func aPresetGoesFirstAndLaterValuesChangeIt() throws {
        #expect(try GRU4RecConfiguration(parameters: "@rsc15-xe,n_epochs=1").epochs == 1)
        #expect(try GRU4RecConfiguration(parameters: "seed=3,@rsc15-xe").seed == 3, "the preset does not set seed")
        #expect(throws: ConfigurationError(parameter: "n_epochs", "n_epochs=1 is given before @rsc15-xe, which sets it to '10'; "
            + "put the preset first to change its values: @rsc15-xe,n_epochs=1")) {
            try GRU4RecConfiguration(parameters: "n_epochs=1,@rsc15-xe")
        }
        #expect { try GRU4RecConfiguration(parameters: "@rsc15-xe,@yoochoose-xe") } throws: {
            "\($0)".contains("a second preset after @rsc15-xe would replace its values")
        }

        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", "n_epochs=1,@rsc15-xe"])
        #expect(result.status != 0)
        #expect(result.errors.contains("put the preset first"), "\(result.errors)")
        #expect(!result.output.contains("epoch"))
    }

    @Test(arguments: [
        (["--loss", "top1", "--loss", "bpr"], "--loss is given twice ('top1' and 'bpr'); give it once"),
        (["--loss=top1", "--loss", "bpr"], "--loss is given twice ('top1' and 'bpr')"),
        (["-p", "layers=8", "-ps", "n_epochs=1"], "-p (also spelled -ps) is given twice ('layers=8' and 'n_epochs=1')"),
        (["--batch-size", "8", "--batch-size", "8"], "--batch-size is given twice ('8' and '8')"),
    ])
    func anOptionGivenTwiceIsRefused(options: [String], message: String) throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path] + options)
        #expect(result.status != 0)
        #expect(result.errors.contains(message), "\(options): \(result.errors)")
        #expect(!result.output.contains("training data"), "\(options) read the data")
    }

    @Test func optionsWinOverTheParameterStringAndItsPreset() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", "@rsc15-xe,layers=8,n_epochs=3",
                                  "--n-epochs", "1", "--n-sample", "16"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("n_sample=16") && result.output.contains("n_epochs=1") && result.output.contains("momentum=0.2"))
        #expect(!result.output.contains("epoch 2"))
    }

    // MARK: benchmark

    @Test func benchmarkRefusesWhatTrainRefusesBeforeTraining() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tooLarge = try gru4rec(["benchmark", "--data", folder.path, "--parameters", "layers=20000", "--memory-limit", "16000",
                                    "--epochs", "1", "--skip-micro"])
        #expect(tooLarge.status == 1, "\(tooLarge.errors)")
        #expect(tooLarge.errors.contains("batch size 64 and 2048 samples would need about"), "\(tooLarge.errors)")
        #expect(!tooLarge.output.contains("data:"))
        let noNegatives = try gru4rec(["benchmark", "--data", folder.path, "--parameters", "n_sample=0,batch_size=1", "--skip-micro"])
        #expect(noNegatives.status != 0 && noNegatives.errors.contains("leaves no negatives"), "\(noNegatives.errors)")
        let twice = try gru4rec(["benchmark", "--data", folder.path, "--epochs", "1", "--epochs", "3", "--skip-micro"])
        #expect(twice.status != 0 && twice.errors.contains("--epochs is given twice ('1' and '3')"), "\(twice.errors)")
    }

    @Test func benchmarkBoundsItsCatalogueByTheMemory() throws {
        let huge = try gru4rec(["benchmark", "--catalogue-items", "1099511627776"])
        #expect(huge.status != 0 && huge.errors.contains("--catalogue-items 1099511627776 must be at least 2 and at most 1073741824"),
                "\(huge.errors)")
        let items = 40_000_000 + Int.random(in: 0..<1000)
        let large = try gru4rec(["benchmark", "--catalogue-items", String(items), "--catalogue-events", "40000000", "--memory-limit", "1000"])
        #expect(large.status == 1, "\(large.errors)")
        #expect(large.errors.contains("generating \(items) items and 40000000 events would need about"), "\(large.errors)")
        #expect(!large.output.contains("generated"), "the catalogue was generated: \(large.output)")
    }

    @Test func benchmarkRefusesATestFileWithNothingToPredict() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "SessionId\tItemId\tTime\n1\tunknown-a\t1\n1\tunknown-b\t2\n".write(to: folder.appendingPathComponent("test.tsv"),
                                                                                atomically: true, encoding: .utf8)
        let result = try gru4rec(["benchmark", "--data", folder.path, "--parameters", "layers=8,n_sample=4", "--epochs", "1", "--skip-micro"])
        #expect(result.status != 0)
        #expect(result.errors.contains("test.tsv") && result.errors.contains("nothing to evaluate"), "\(result.errors)")
        #expect(!result.output.contains("Recall@20"))
    }

    // MARK: import

    /// An official-layout file of constrained GRU layers of `sizes` (or with an input embedding
    /// of `embedding` columns) over two items.
    static func officialFile(layers sizes: [Int], embedding: Int = 0) -> SafeTensors {
        var file = SafeTensors()
        let items = 2, last = sizes[sizes.count - 1]
        file.add(Tensor<Float>(zeros: [items, last]), named: "Wy.weight")
        file.add(Tensor<Float>(zeros: [items, 1]), named: "By.weight")
        if embedding > 0 { file.add(Tensor<Float>(zeros: [items, embedding]), named: "E.weight") }
        var input = embedding > 0 ? embedding : last
        for (index, size) in sizes.enumerated() {
            file.add(Tensor<Float>(zeros: [3 * size, input]), named: "G.\(index).weight_ih")
            file.add(Tensor<Float>(zeros: [3 * size, size]), named: "G.\(index).weight_hh")
            file.add(Tensor<Float>(zeros: [3 * size]), named: "G.\(index).bias_ih")
            file.add(Tensor<Float>(zeros: [3 * size]), named: "G.\(index).bias_hh")
            input = size
        }
        file.metadata = ["item_ids": "[\"a\",\"b\"]"]
        return file
    }

    @Test(arguments: [
        ([0], 0, "parameter 'layers': '0' is not a list of 1 to 64 sizes from 1 to 65536"),
        (Array(repeating: 2, count: 65), 0, "parameter 'layers'"),
        ([1], 70_000, "parameter 'embedding': '70000' is not layersize or an integer from 0 to 65536"),
    ])
    func importRefusesAModelTheValidatorRefuses(layers: [Int], embedding: Int, message: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("official.safetensors"), output = folder.appendingPathComponent("model.safetensors")
        try Self.officialFile(layers: layers, embedding: embedding).write(to: input)
        let result = try gru4rec(["import", "--from", "pytorch", input.path, "--to", output.path])
        #expect(result.status == 1, "not a clean refusal: \(result.status) \(result.errors)")
        #expect(result.errors.contains("the tensors describe a model that is refused: \(message)"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: output.path), "a model evaluate would refuse was written")
    }

    @Test func anImportTheValidatorAcceptsLoadsInEvaluate() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("official.safetensors"), output = folder.appendingPathComponent("model.safetensors")
        try Self.officialFile(layers: Array(repeating: 2, count: 64)).write(to: input)
        let imported = try gru4rec(["import", "--from", "pytorch", input.path, "--to", output.path])
        #expect(imported.status == 0, "\(imported.errors)")
        let test = folder.appendingPathComponent("test.tsv")
        try "SessionId\tItemId\tTime\n1\ta\t1\n1\tb\t2\n".write(to: test, atomically: true, encoding: .utf8)
        let evaluated = try gru4rec(["evaluate", "--model", output.path, "--test", test.path])
        #expect(evaluated.status == 0, "\(evaluated.errors)")
    }

    // MARK: The memory estimate against the measured peak

    /// A training file of `items` items, each in one session of two events with another, and a
    /// test file of its first `testSessions` sessions.
    static func catalogueFiles(items: Int, testSessions: Int, in folder: URL) throws -> (train: URL, test: URL) {
        var lines: [String] = []
        for item in stride(from: 0, to: items - 1, by: 2) {
            lines.append("\(item)\titem\(item)\t\(item * 60)\n\(item)\titem\(item + 1)\t\(item * 60 + 30)\n")
        }
        let train = folder.appendingPathComponent("train.tsv"), test = folder.appendingPathComponent("test.tsv")
        try ("SessionId\tItemId\tTime\n" + lines.joined()).write(to: train, atomically: true, encoding: .utf8)
        try ("SessionId\tItemId\tTime\n" + lines.prefix(testSessions).joined()).write(to: test, atomically: true, encoding: .utf8)
        return (train, test)
    }

    /// The estimate of `gru4rec train --json` and the peak resident memory it measured.
    func estimateAndPeak(_ arguments: [String]) throws -> (estimate: Double, peak: Double) {
        let result = try gru4rec(arguments + ["--json"])
        #expect(result.status == 0, "\(result.errors)")
        let last = try #require(result.output.split(separator: "\n").last)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let estimate = try #require(report["estimated_peak_bytes"] as? Int), peak = try #require(report["peak_rss_bytes"] as? Int)
        return (Double(estimate), Double(peak))
    }

    /// A model large beside its data (as `@diginetica-bprmax` on 43,097 items is), trained, then
    /// saved, checkpointed or evaluated while training's memory is held: the model file and the
    /// checkpoint, which hold their tensors twice in memory while they are written, and the
    /// evaluation's copy of the item matrix are counted.
    @Test(arguments: [["--save", "out.safetensors"], ["--checkpoint", "out.safetensors"], ["--test", "test.tsv"]])
    func theEstimateIsWithinAQuarterOfThePeakOfALargeModel(output: [String]) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try Self.catalogueFiles(items: 30_000, testSessions: 200, in: folder)
        let measured = try estimateAndPeak(["train", "--train", files.train.path, "-p", "@diginetica-bprmax,layers=256,n_epochs=1,n_sample=256",
                                            output[0], folder.appendingPathComponent(output[1]).path])
        let error = (measured.estimate - measured.peak) / measured.peak
        #expect(abs(error) <= 0.25, "\(output[0]): estimated \(Int(measured.estimate) >> 20) MB, peaked at \(Int(measured.peak) >> 20) MB")
    }
}
