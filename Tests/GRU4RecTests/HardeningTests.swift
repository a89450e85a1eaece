import Foundation
import GRU4Rec
import Nabla
import NablaKernels
import NablaNN
@testable import NablaSessions
import NablaTestSupport
import Testing

/// Hostile and absurd input through the real `gru4rec` command: every accepted value runs or is
/// refused up front, nothing non-finite passes silently, outputs are checked before training,
/// and damaged files are refused with the name of what is wrong.
@Suite struct HardeningTests {
    /// A fresh folder with the demo data in it.
    func demoFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-hard-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let generated = try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", url.path])
        #expect(generated.status == 0, "\(generated.errors)")
        return url
    }

    func gru4rec(_ arguments: [String]) throws -> ExampleRunner.Result {
        try ExampleRunner.run("gru4rec", arguments: arguments)
    }

    let small = "layers=8,n_epochs=1,n_sample=4,batch_size=16"

    /// A small trained model in `folder`.
    func trainedModel(in folder: URL) throws -> String {
        let model = folder.appendingPathComponent("model.safetensors").path
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", small, "--save", model])
        #expect(result.status == 0, "\(result.errors)")
        return model
    }

    // MARK: 1. Non-finite values

    @Test func anUpdateThatOverflowsStopsTrainingAndNothingIsSaved() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.safetensors").path, checkpoint = folder.appendingPathComponent("c.safetensors").path
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
                                  "-p", "layers=8,n_epochs=1,learning_rate=1e308", "--save", model, "--checkpoint", checkpoint])
        #expect(result.status != 0)
        #expect(result.errors.contains("epoch 1, step 1: the update made '") && result.errors.contains("NaN or infinite"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: model))
        #expect(!FileManager.default.fileExists(atPath: checkpoint))
    }

    @Test func aModelWithAnInfiniteWeightIsRefusedByEvaluateAndRecommend() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try trainedModel(in: folder)
        let loaded = try Checkpoint.load(URL(fileURLWithPath: good), as: Float.self)
        loaded.model.namedParameters().first { $0.name == "gru.layer0.biasHH" }!.tensor.updateScalars { $0[0] = .infinity }
        let bad = folder.appendingPathComponent("bad.safetensors")
        #expect(throws: CheckpointError.self) { try Checkpoint.save(loaded.model, itemMap: loaded.itemMap, epochsCompleted: 1, to: bad) }
        #expect(!FileManager.default.fileExists(atPath: bad.path), "a non-finite model was saved")
        // Written by hand, with valid checksums, it is still refused when loaded.
        let file = loaded.model.safeTensors(metadata: ["format": "nabla-gru4rec", "format_version": "2",
                                                       "parameters": loaded.model.configuration.parameterString,
                                                       "item_ids": String(decoding: try JSONSerialization.data(withJSONObject: loaded.itemMap.ids), as: UTF8.self),
                                                       "epochs_completed": "1"])
        try Checksums.sealed(file).write(to: bad)
        let evaluated = try gru4rec(["evaluate", "--model", bad.path, "--test", folder.appendingPathComponent("demo_test.tsv").path])
        #expect(evaluated.status != 0)
        #expect(evaluated.errors.contains("'gru.layer0.biasHH' holds NaN or infinite values"), "\(evaluated.errors)")
        let recommended = try gru4rec(["recommend", "--model", bad.path, "--items", "Camera"])
        #expect(recommended.status != 0)
        #expect(!recommended.output.contains("nan"))
    }

    @Test func aNaNTargetScoreRanksLastNotFirst() {
        let scores: [Float] = [0.5, .nan, 2, 1]
        scores.withUnsafeBufferPointer { buffer in
            for mode in RankMode.allCases { #expect(Evaluator.rank(of: 1, in: buffer, mode: mode) == 4) }
            #expect(Evaluator.rank(of: 3, in: buffer, mode: .conservative) == 2)
        }
    }

    // MARK: 2. Checkpoint cadence

    @Test func checkpointsFallEveryNStepsExactly() throws {
        let data = try SessionData.training(SessionTSVReader.parse(Data(DemoShop.sessions(count: 200).utf8), source: "demo.tsv"),
                                            source: "demo.tsv")
        let configuration = try GRU4RecConfiguration(parameters: "layers=4,batch_size=8,n_sample=2")
        for every in [1, 2, 5] {
            let trainer = SessionTrainer(model: GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count), data: data)
            var saved: [Int] = []
            let summary = try trainer.trainEpoch(checkpointEvery: every, checkpoint: { saved.append($0.epochInProgress!.steps) })
            let steps = Array(trainer.batches).count
            #expect(summary.events == trainer.eventsPerEpoch)
            #expect(saved == Array(stride(from: every, through: steps, by: every)), "every \(every)")
        }
    }

    @Test func checkpointEveryOneFinishes() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", small,
                                  "--checkpoint", folder.appendingPathComponent("c.safetensors").path, "--checkpoint-every", "1"])
        #expect(result.status == 0, "\(result.errors)")
    }

    // MARK: 3. Values the checks accept, and the memory estimate

    @Test(arguments: [
        ("layers=3074457345618258603", "parameter 'layers'"),
        ("sample_cache_max_size=2305843009213693952", "parameter 'sample_cache_max_size'"),
        ("n_sample=1000000000000", "parameter 'n_sample'"),
        ("batch_size=1000000000", "would need about"),
        ("n_epochs=0", "parameter 'n_epochs'"),
    ])
    func absurdSizesAreRefusedBeforeAnythingRuns(parameters: String, message: String) throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", parameters])
        #expect(result.status != 0)
        #expect(result.errors.contains(message), "\(parameters): \(result.errors)")
        #expect(!result.output.contains("epoch 1"), "\(parameters) started training")
    }

    @Test(arguments: [
        (["--evaluation-batch-size", "0"], "--evaluation-batch-size 0"),
        (["--evaluation-batch-size=-1"], "--evaluation-batch-size -1"),
        (["--memory-limit", "9223372036854775807"], "--memory-limit 9223372036854775807"),
        (["--n-epochs", "abc"], "parameter 'n_epochs'"),
        (["--checkpoint-every", "3"], "--checkpoint-every needs --checkpoint"),
        (["--adaptive-threads"], "--adaptive-threads needs --threads of 2 or more"),
    ])
    func badOptionsAreRefusedBeforeTraining(options: [String], message: String) throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", small,
                                  "--test", folder.appendingPathComponent("demo_test.tsv").path] + options)
        #expect(result.status != 0)
        #expect(result.errors.contains(message), "\(options): \(result.errors)")
        #expect(!result.output.contains("training data"), "\(options) was refused only after reading the data")
    }

    @Test func recommendRefusesANonPositiveTop() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(in: folder)
        for top in ["-1", "0"] {
            let result = try gru4rec(["recommend", "--model", model, "--items", "Camera", "--top=\(top)"])
            #expect(result.status != 0)
            #expect(result.errors.contains("--top \(top) must be at least 1"))
        }
    }

    @Test func theMemoryEstimateCountsBatchSamplesAndLayers() throws {
        let base = try GRU4RecConfiguration(parameters: "layers=100,batch_size=32,n_sample=2048")
        let larger = try GRU4RecConfiguration(parameters: "layers=100,batch_size=512,n_sample=100000")
        let absurd = try GRU4RecConfiguration(parameters: "layers=65536/65536,batch_size=1073741824,n_sample=1073741824")
        #expect(MemoryEstimate.trainingBytes(larger, itemCount: 1000) > MemoryEstimate.trainingBytes(base, itemCount: 1000) + 200_000_000)
        #expect(MemoryEstimate.trainingBytes(absurd, itemCount: 1 << 30) == Int.max / 2)
    }

    // MARK: 6. Output paths before training; 9. silent surprises

    @Test func anExistingCheckpointOfAnotherRunIsNotOverwritten() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path, checkpoint = folder.appendingPathComponent("c.safetensors").path
        #expect(try gru4rec(["train", "--train", train, "-p", small, "--checkpoint", checkpoint]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        let again = try gru4rec(["train", "--train", train, "-p", small, "--checkpoint", checkpoint])
        #expect(again.status != 0)
        #expect(again.errors.contains("already exists; continue that run with --resume"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: checkpoint)) == before)
        #expect(try gru4rec(["train", "--train", train, "-p", small, "--checkpoint", checkpoint, "--overwrite"]).status == 0)
    }

    @Test func resumeSaysWhichOptionsItIgnores() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path, checkpoint = folder.appendingPathComponent("c.safetensors").path
        #expect(try gru4rec(["train", "--train", train, "-p", small, "--checkpoint", checkpoint]).status == 0)
        let resumed = try gru4rec(["train", "--train", train, "--resume", checkpoint, "--checkpoint", checkpoint, "--batch-size", "4",
                                   "-p", "layers=9", "--n-epochs", "2"])
        #expect(resumed.status == 0, "\(resumed.errors)")
        #expect(resumed.output.contains("ignoring -p, --batch-size"))
        #expect(resumed.output.contains("layers=8"))
    }

    @Test func twoTrainersCannotWriteTheSameCheckpoint() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path, checkpoint = folder.appendingPathComponent("c.safetensors").path
        let first = Process()
        first.executableURL = ExampleRunner.productsFolder.appendingPathComponent("gru4rec")
        first.arguments = ["train", "--train", train, "-p", "layers=64,n_epochs=50,n_sample=16", "--checkpoint", checkpoint]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { first.terminate(); first.waitUntilExit() }
        let lock = folder.appendingPathComponent(".c.safetensors.lock").path
        while !FileManager.default.fileExists(atPath: lock) && first.isRunning { usleep(20_000) }
        usleep(200_000)
        let second = try gru4rec(["train", "--train", train, "-p", small, "--checkpoint", checkpoint, "--overwrite"])
        #expect(second.status != 0)
        #expect(second.errors.contains("is being written by another gru4rec run"), "\(second.errors)")
    }

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

    @Test(arguments: ["nan", "inf", "-1", "0"])
    func preprocessRefusesTestDaysThatAreNotAPositiveNumber(days: String) throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out")
        let result = try gru4rec(["preprocess", "--input", folder.appendingPathComponent("demo_train.tsv").path, "--format", "tsv",
                                  "--output", output.path, "--test-days=\(days)"])
        #expect(result.status != 0)
        #expect(result.errors.contains("must be a positive number of days"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    // MARK: 7. Input limits; 10. clear errors

    @Test func aFileWithoutLineBreaksStopsAtTheLineLimit() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("old-mac.tsv")
        try Data(("SessionId\tItemId\tTime" + String(repeating: "\r1\tA\t1", count: 400_000)).utf8).write(to: file)
        let result = try gru4rec(["train", "--train", file.path, "-p", small])
        #expect(result.status != 0)
        #expect(result.errors.contains("the line is longer than 1048576 bytes"))
        #expect(result.errors.utf8.count < 1000, "the error repeats the file: \(result.errors.utf8.count) bytes")
        let devZero = try gru4rec(["train", "--train", "/dev/zero", "-p", small])
        #expect(devZero.status != 0)
        #expect(devZero.errors.contains("/dev/zero: is a device, not a session file"), "\(devZero.errors)")
    }

    @Test func invalidUTF8AndCommaSeparatedFilesAreNamedAsSuch() throws {
        let bytes: [UInt8] = Array("SessionId\tItemId\tTime\n1\t".utf8) + [0xFF] + Array("\t1\n1\tB\t2\n".utf8)
        #expect {
            _ = try SessionTSVReader.parse(Data(bytes), source: "bad.tsv")
        } throws: { error in
            (error as? DataError)?.description == "bad.tsv:2:2: field 2 is not valid UTF-8 text"
        }
        #expect {
            _ = try SessionTSVReader.parse(Data("SessionId,ItemId,Time\n1,A,1\n".utf8), source: "clicks.csv")
        } throws: { error in
            (error as? DataError)?.message.contains("looks comma- or semicolon-separated, but session files are tab-separated") == true
        }
    }

    @Test func evaluateChecksTheBaselinesTrainingFileBeforeEvaluating() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(in: folder)
        let other = folder.appendingPathComponent("other.tsv")
        try "SessionId\tItemId\tTime\n1\tX\t1\n1\tY\t2\n".write(to: other, atomically: true, encoding: .utf8)
        let result = try gru4rec(["evaluate", "--model", model, "--test", folder.appendingPathComponent("demo_test.tsv").path,
                                  "--train", other.path])
        #expect(result.status == 1, "exit status \(result.status): \(result.errors)")
        #expect(result.errors.contains("has other items than the model was trained on"))
        #expect(!result.output.contains("Recall"))
    }

    // MARK: 11. Integrity

    @Test func aFlippedBitOrAPermutedItemListIsRefused() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(in: folder)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: model)))
        bytes[bytes.count - 5] ^= 0x10
        let flipped = folder.appendingPathComponent("flipped.safetensors")
        try Data(bytes).write(to: flipped)
        let result = try gru4rec(["evaluate", "--model", flipped.path, "--test", folder.appendingPathComponent("demo_test.tsv").path])
        #expect(result.status != 0)
        #expect(result.errors.contains("does not match its checksum"), "\(result.errors)")

        var file = try SafeTensors.read(from: URL(fileURLWithPath: model))
        let ids = try JSONSerialization.jsonObject(with: Data(file.metadata["item_ids"]!.utf8)) as! [String]
        file.metadata["item_ids"] = String(decoding: try JSONSerialization.data(withJSONObject: Array(ids.reversed())), as: UTF8.self)
        let permuted = folder.appendingPathComponent("permuted.safetensors")
        try file.write(to: permuted)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(permuted, as: Float.self) }

        file = try SafeTensors.read(from: URL(fileURLWithPath: model))
        file.metadata["parameters"] = nil
        file.metadata["format_version"] = "1"
        file.metadata["checksums"] = nil
        try file.write(to: permuted)
        #expect(throws: CheckpointError(path: permuted.path, "the hyperparameters ('parameters') are missing")) {
            try Checkpoint.load(permuted, as: Float.self)
        }
    }

    @Test func specialFilesAndFilesInTheWayGetPlainErrors() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try gru4rec(["evaluate", "--model", "/dev/zero", "--test", folder.appendingPathComponent("demo_test.tsv").path])
        #expect(model.status != 0)
        #expect(model.errors.contains("/dev/zero: is a device, not a safetensors file"), "\(model.errors)")
        let fifo = folder.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let fromFIFO = try gru4rec(["train", "--train", fifo, "-p", small])
        #expect(fromFIFO.status != 0)
        #expect(fromFIFO.errors.contains("is a FIFO (a pipe), not a session file"), "\(fromFIFO.errors)")
        let output = try gru4rec(["generate", "--output", folder.appendingPathComponent("demo_test.tsv").path])
        #expect(output.status != 0)
        #expect(output.errors.contains("demo_test.tsv: is a file, not a folder"), "\(output.errors)")
        #expect(!output.errors.contains("NSCocoaErrorDomain"))
    }

    @Test func aFileThatChangesWhileItIsReadIsRefused() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("demo_train.tsv")
        var events = 0
        #expect {
            try SessionTSVReader.forEachEvent(in: file, blockSize: 4096) { _ in
                events += 1
                if events == 10 { try FileHandle(forWritingTo: file).truncate(atOffset: 10_000) }
            }
        } throws: { error in
            (error as? DataError)?.message.contains("changed while it was being read") == true
        }
    }

    @Test func aModelWhoseMetadataClaimsAbsurdLayersIsRefused() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var file = try SafeTensors.read(from: URL(fileURLWithPath: try trainedModel(in: folder)))
        file.metadata["parameters"] = file.metadata["parameters"]!.replacingOccurrences(of: "layers=8", with: "layers=4611686018427387904")
        let url = folder.appendingPathComponent("absurd.safetensors")
        try Checksums.sealed(file).write(to: url)
        let result = try gru4rec(["evaluate", "--model", url.path, "--test", folder.appendingPathComponent("demo_test.tsv").path])
        #expect(result.status != 0)
        #expect(result.errors.contains("stored hyperparameters are invalid: parameter 'layers'"), "\(result.errors)")
    }

    @Test func editedTrainingStateIsRefusedEvenWithMatchingChecksums() throws {
        let data = try SessionData.training(SessionTSVReader.parse(Data(DemoShop.sessions(count: 300).utf8), source: "demo.tsv"),
                                            source: "demo.tsv")
        let configuration = try GRU4RecConfiguration(parameters: "layers=8,batch_size=8,n_sample=6,sample_cache_max_size=30,dropout_p_hidden=0.2")
        func trainer() -> SessionTrainer<GRU4RecModel<Float>> {
            SessionTrainer(model: GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count), data: data)
        }
        let first = trainer()
        var steps = 0
        _ = try first.trainEpoch(shouldStop: { steps += 1; return steps > 13 })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-edit-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.saveTraining(first, to: url)
        let original = try SafeTensors.read(from: url)
        let edits: [(String, (inout SafeTensors) -> Void)] = [
            ("a negative sampler cursor", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""sampler_cursor":"#, with: #""sampler_cursor":-6,"x":"#) }),
            ("no states while steps > 0", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""state_count":1"#, with: #""state_count":0"#) }),
            ("a negative state count", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""state_count":1"#, with: #""state_count":-2"#) }),
            ("negative epochs", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""epochs_completed":0"#, with: #""epochs_completed":-3"#) }),
            ("a 1-D state", { let state = try! $0.tensor(named: "training.state.0", as: Float.self); $0.add(state.reshaped([-1]), named: "training.state.0") }),
            ("a reshaped state", { let state = try! $0.tensor(named: "training.state.0", as: Float.self); $0.add(state.reshaped([4, -1]), named: "training.state.0") }),
            ("a NaN state", { let state = try! $0.tensor(named: "training.state.0", as: Float.self)
                              $0.add(Tensor([.nan] + state.scalars.dropFirst(), shape: state.shape), named: "training.state.0") }),
            // Once only a counter, a huge step count overflowed the position arithmetic of the
            // next step (an illegal instruction): an epoch has at most as many steps as events.
            ("more steps than events", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""steps":13"#, with: #""steps":1000000000000"#) }),
            ("the largest step count", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""steps":13"#, with: "\"steps\":\(Int.max)") }),
        ]
        for (what, edit) in edits {
            var file = original
            edit(&file)
            #expect(file.metadata != original.metadata || file.entries != original.entries, "\(what): the edit changed nothing")
            let resumed = trainer()
            let before = resumed.model.parameters.map(\.scalars)
            #expect(throws: CheckpointError.self, "\(what)") { try SessionCheckpoint.resume(resumed, from: Checksums.sealed(file), path: "edited") }
            #expect(resumed.model.parameters.map(\.scalars) == before, "\(what): the model changed before the refusal")
        }
    }

    // MARK: 8. Temporary files of dead writers

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

    // MARK: 4. Signals; 12. the session from a file

    /// Waits until `process` catches `signal` (its handlers are installed), at most ten seconds.
    func waitForHandler(of signal: Int32, in process: Process) -> Bool {
        for _ in 0..<1000 {
            let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
            if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
               let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16), mask & (1 << UInt64(signal - 1)) != 0 {
                return true
            }
            usleep(10_000)
        }
        return false
    }

    @Test func sighupDuringTrainingSavesACheckpoint() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A signal that lands between two epochs (while the epoch's checkpoint is written) is
        // saved as the state between them; one that lands inside an epoch, as that epoch's
        // steps so far. Epochs of small batches make the second the rule, and a run whose
        // signal fell between epochs is tried again, up to three times.
        var training: [String: Any] = [:]
        for _ in 0..<3 {
            let checkpoint = folder.appendingPathComponent("c.safetensors").path
            try? FileManager.default.removeItem(atPath: checkpoint)
            let process = Process()
            process.executableURL = ExampleRunner.productsFolder.appendingPathComponent("gru4rec")
            process.arguments = ["train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
                                 "-p", "layers=32,batch_size=4,n_epochs=200,n_sample=8", "--checkpoint", checkpoint]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            while !FileManager.default.fileExists(atPath: checkpoint) && process.isRunning { usleep(20_000) }
            usleep(300_000)                                       // well into epoch 2
            let sent = Date()
            kill(process.processIdentifier, SIGHUP)
            process.waitUntilExit()
            #expect(process.terminationStatus == 128 + SIGHUP)
            #expect(Date().timeIntervalSince(sent) < 2)
            let saved = try SafeTensors.read(from: URL(fileURLWithPath: checkpoint))
            training = try JSONSerialization.jsonObject(with: Data(saved.metadata["training"]!.utf8)) as! [String: Any]
            if (training["steps"] as? Int ?? 0) > 0 { break }
        }
        // The checkpoint is the one written on the signal, in the middle of an epoch.
        #expect((training["steps"] as? Int ?? 0) > 0, "\(training)")
    }

    @Test func aSignalOutsideTrainingExitsAtOnce() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(in: folder)
        for signal in [SIGHUP, SIGTERM, SIGINT] {
            let process = Process()
            process.executableURL = ExampleRunner.productsFolder.appendingPathComponent("gru4rec")
            process.arguments = ["recommend", "--model", model, "--items-file", "-"]     // waits for standard input
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            #expect(waitForHandler(of: signal, in: process), "the handlers were never installed")
            let sent = Date()
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            #expect(process.terminationStatus == 128 + signal)
            #expect(Date().timeIntervalSince(sent) < 1)
        }
    }

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
