import Foundation
import GRU4Rec
import NablaNN
import NablaTestSupport
import Testing

/// Every file a command writes goes one way, through the real `gru4rec` command: special files,
/// folders and the run's own inputs are refused by name, names are checked at their real length
/// before any work, writes are atomic and never follow a planted link, a set of files is
/// replaced as a set, and an interrupt that cannot save says so.
@Suite struct OutputSafetyTests {
    /// A fresh folder with the demo data in it.
    func demoFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-output-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let generated = try gru4rec(["generate", "--output", url.path])
        #expect(generated.status == 0, "\(generated.errors)")
        return url
    }

    func gru4rec(_ arguments: [String], in directory: URL? = nil) throws -> ExampleRunner.Result {
        try ExampleRunner.run("gru4rec", arguments: arguments, in: directory)
    }

    let small = "layers=8,n_epochs=1,n_sample=4,batch_size=16"

    /// What is at `path` (the path itself, not what a link names).
    func kind(_ path: String) -> OutputPath.Kind? { OutputPath.Kind.at(path) }

    /// A FIFO at `path`.
    func makeFIFO(_ path: String) {
        #expect(mkfifo(path, 0o600) == 0)
    }

    /// A new node of the null device (major 1, minor 3) at `path`, when the system lets us make
    /// one (it needs root); replacing it would harm nothing, but it must survive.
    func makeDevice(_ path: String) -> Bool {
        mknod(path, S_IFCHR | 0o644, 1 << 8 | 3) == 0
    }

    // MARK: Special files are never replaced

    @Test func trainExportAndImportRefuseFIFOsAndDevicesAndLeaveThem() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path
        let fifo = folder.appendingPathComponent("fifo").path, device = folder.appendingPathComponent("null").path
        makeFIFO(fifo)
        let haveDevice = makeDevice(device)
        for (path, words) in [(fifo, "is a FIFO")] + (haveDevice ? [(device, "is a device")] : []) {
            let saved = try gru4rec(["train", "--train", train, "-p", small, "--save", path, "--overwrite"])
            #expect(saved.status != 0)
            #expect(saved.errors.contains("--save \(path) \(words)"), "\(saved.errors)")
            #expect(!saved.output.contains("training data"), "the data was read before the output was refused")
            let checkpoint = try gru4rec(["train", "--train", train, "-p", small, "--checkpoint", path, "--overwrite"])
            #expect(checkpoint.status != 0 && checkpoint.errors.contains(words), "\(checkpoint.errors)")
        }
        let model = folder.appendingPathComponent("model.safetensors").path
        #expect(try gru4rec(["train", "--train", train, "-p", small, "--save", model]).status == 0)
        let official = folder.appendingPathComponent("official.safetensors").path
        #expect(try gru4rec(["export", "--model", model, "--to", "pytorch", official]).status == 0)
        for path in [fifo] + (haveDevice ? [device] : []) {
            let exported = try gru4rec(["export", "--model", model, "--to", "pytorch", path, "--overwrite"])
            #expect(exported.status != 0 && exported.errors.contains("output \(path) is a"), "\(exported.errors)")
            let imported = try gru4rec(["import", "--from", "pytorch", official, "--to", path, "--overwrite"])
            #expect(imported.status != 0 && imported.errors.contains("--to \(path) is a"), "\(imported.errors)")
        }
        // The library's writer refuses them too, whoever calls it.
        #expect(throws: SafeTensorsError.self) { try AtomicFile.write([1, 2, 3], to: URL(fileURLWithPath: fifo)) }
        #expect(kind(fifo) == .fifo)
        if haveDevice { #expect(kind(device) == .device) } else { print("skipped the device node: mknod needs root") }
    }

    // MARK: A run never writes over its own input; preprocess needs --overwrite

    @Test func preprocessRefusesItsOwnInputAndAnEarlierSplitWithoutOverwrite() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let split = folder.appendingPathComponent("split")
        let first = try gru4rec(["preprocess", "--input", folder.appendingPathComponent("demo_train.tsv").path, "--format", "tsv",
                                 "--output", split.path])
        #expect(first.status == 0, "\(first.errors)")
        let input = split.appendingPathComponent("train_full.tsv")
        let before = try Data(contentsOf: input)
        // Its own input, as the attack gave it, even with --overwrite; and by another spelling.
        for output in [split.path, folder.path + "/./split/"] {
            let again = try gru4rec(["preprocess", "--input", input.path, "--format", "tsv", "--output", output, "--overwrite"])
            #expect(again.status != 0)
            #expect(again.errors.contains("is the file this run reads as --input \(input.path)"), "\(again.errors)")
        }
        #expect(try Data(contentsOf: input) == before)
        // An earlier split is kept unless --overwrite is given.
        let other = try gru4rec(["preprocess", "--input", folder.appendingPathComponent("demo_test.tsv").path, "--format", "tsv",
                                 "--output", split.path])
        #expect(other.status != 0 && other.errors.contains("pass --overwrite to replace them"), "\(other.errors)")
        #expect(try Data(contentsOf: input) == before)
        // A folder holding other files would lose them in the exchange: refused.
        let mixed = try gru4rec(["preprocess", "--input", folder.appendingPathComponent("demo_test.tsv").path, "--format", "tsv",
                                 "--output", folder.path, "--overwrite"])
        #expect(mixed.status != 0 && mixed.errors.contains("holds other files"), "\(mixed.errors)")
        #expect(try gru4rec(["preprocess", "--input", folder.appendingPathComponent("demo_test.tsv").path, "--format", "tsv",
                             "--output", split.path, "--overwrite"]).status == 0)
        #expect(try Data(contentsOf: input) != before)
        // train and export: the same rule, by device and inode (a hard link is the same file).
        let link = folder.appendingPathComponent("link.tsv")
        try FileManager.default.linkItem(at: folder.appendingPathComponent("demo_train.tsv"), to: link)
        let saved = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", small,
                                 "--save", link.path, "--overwrite"])
        #expect(saved.status != 0 && saved.errors.contains("is the file this run reads as --train"), "\(saved.errors)")
    }

    // MARK: Interrupt checkpoints

    /// Starts `gru4rec arguments` in `directory`, its standard error going to a file; returns the
    /// process once training has started (its progress bar shows epoch 1).
    func startTraining(_ arguments: [String], in directory: URL, errors: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = ExampleRunner.productsFolder.appendingPathComponent("gru4rec")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        for _ in 0..<2000 where process.isRunning {
            if let text = try? String(contentsOf: errors, encoding: .utf8), text.contains("epoch 1/") { break }
            usleep(10_000)
        }
        return process
    }

    @Test func twoInterruptedRunsWithoutCheckpointKeepTwoFiles() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
                         "-p", "layers=32,batch_size=4,n_epochs=200,n_sample=8"]
        let first = folder.appendingPathComponent("gru4rec-interrupted.safetensors")
        let second = folder.appendingPathComponent("gru4rec-interrupted-2.safetensors")
        // Both runs are going at once: each holds its own name.
        let runs = try [startTraining(arguments, in: folder, errors: folder.appendingPathComponent("e1")),
                        startTraining(arguments, in: folder, errors: folder.appendingPathComponent("e2"))]
        for run in runs {
            kill(run.processIdentifier, SIGINT)
            run.waitUntilExit()
            #expect(run.terminationStatus == 128 + SIGINT)
        }
        let firstBytes = try Data(contentsOf: first), secondBytes = try Data(contentsOf: second)
        #expect(firstBytes != secondBytes)
        // A third run, after both ended, takes the next free name and leaves both files alone.
        let third = try startTraining(arguments, in: folder, errors: folder.appendingPathComponent("e3"))
        kill(third.processIdentifier, SIGINT)
        third.waitUntilExit()
        #expect(third.terminationStatus == 128 + SIGINT)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("gru4rec-interrupted-3.safetensors").path))
        #expect(try Data(contentsOf: first) == firstBytes)
        #expect(try Data(contentsOf: second) == secondBytes)
    }

    @Test func anInterruptCheckpointThatCannotBeWrittenIsReportedWithItsOwnStatus() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let doomed = folder.appendingPathComponent("doomed")
        try FileManager.default.createDirectory(at: doomed, withIntermediateDirectories: true)
        let checkpoint = doomed.appendingPathComponent("c.safetensors").path
        let errors = folder.appendingPathComponent("errors")
        let process = try startTraining(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
                                         "-p", "layers=32,batch_size=4,n_epochs=200,n_sample=8", "--checkpoint", checkpoint],
                                        in: folder, errors: errors)
        try FileManager.default.removeItem(at: doomed)              // the folder goes away during epoch 1
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let message = try String(contentsOf: errors, encoding: .utf8)
        #expect(process.terminationStatus == 75, "\(message)")
        #expect(message.contains("interrupted by signal \(SIGINT), and the file being saved could not be written: \(checkpoint)"), "\(message)")
        #expect(message.contains("No such file or directory"), "\(message)")
    }

    // MARK: Names checked at their real length before any work

    @Test func aNameTooLongForItsTemporaryFileIsRefusedBeforeTraining() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = folder.appendingPathComponent(String(repeating: "m", count: 239)).path
        for option in ["--save", "--checkpoint"] {
            let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", small, option, name])
            #expect(result.status != 0)
            #expect(result.errors.contains("the name is 239 bytes long") && result.errors.contains("use a name of at most 230 bytes"),
                    "\(result.errors)")
            #expect(!result.output.contains("training data"), "\(option): the data was read before the name was refused")
        }
        let fits = folder.appendingPathComponent(String(repeating: "m", count: 230)).path
        let saved = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", small, "--save", fits])
        #expect(saved.status == 0, "\(saved.errors)")
        #expect(kind(fits) == .regularFile)
    }

    // MARK: Drawings are written like every other file

    @Test func explainDrawReplacesAPlantedSymlinkInsteadOfWritingThroughIt() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model.safetensors").path
        #expect(try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", small, "--save", model]).status == 0)
        let precious = folder.appendingPathComponent("precious.txt")
        try "keep me".write(to: precious, atomically: true, encoding: .utf8)
        let picture = folder.appendingPathComponent("why.svg")
        try FileManager.default.createSymbolicLink(at: picture, withDestinationURL: precious)
        let refused = try gru4rec(["explain", "--model", model, "--items", "Camera,Memory Card", "--draw", picture.path])
        #expect(refused.status != 0 && refused.errors.contains("pass --overwrite"), "an existing drawing was replaced: \(refused.errors)")
        let drawn = try gru4rec(["explain", "--model", model, "--items", "Camera,Memory Card", "--draw", picture.path, "--overwrite"])
        #expect(drawn.status == 0, "\(drawn.errors)")
        #expect(try String(contentsOf: precious, encoding: .utf8) == "keep me")
        #expect(kind(picture.path) == .regularFile)
        #expect(try String(contentsOf: picture, encoding: .utf8).contains("<svg"))
        let overModel = try gru4rec(["explain", "--model", model, "--items", "Camera", "--draw", folder.appendingPathComponent("m.svg").path])
        #expect(overModel.status == 0, "\(overModel.errors)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func aNameEndingInASlashOrEmptyIsRefusedBeforeAnyWork() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path
        let before = try Data(contentsOf: URL(fileURLWithPath: train))
        // `X/` once named X itself on the way to the write, past the checks of X: the training
        // file would have been replaced by the model.
        for save in [train + "/", train + "//", train + "/.", ""] {
            let result = try gru4rec(["train", "--train", train, "-p", small, "--save", save])
            #expect(result.status == 64, "--save '\(save)': \(result.status) \(result.errors)")
            #expect(result.errors.contains("give the name of a file"), "\(result.errors)")
            #expect(!result.output.contains("training data:"), "the data was read before the name was refused")
        }
        let model = folder.appendingPathComponent("model.safetensors").path
        #expect(try gru4rec(["train", "--train", train, "-p", small, "--save", model]).status == 0)
        let export = try gru4rec(["export", "--model", model, "--to", "pytorch", model + "/"])
        #expect(export.status == 64 && export.errors.contains("give the name of a file"), "\(export.errors)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: train)) == before)
        #expect(kind(model) == .regularFile)
        #expect(throws: SafeTensorsError.self) { try AtomicFile.write([1, 2, 3], to: URL(fileURLWithPath: train + "/")) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: train)) == before)
    }

    @Test func generateReplacesAnExistingFileOnlyWithOverwrite() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mine = folder.appendingPathComponent("demo_train.tsv")
        try "mine".write(to: mine, atomically: true, encoding: .utf8)
        let refused = try gru4rec(["generate", "--output", folder.path])
        #expect(refused.status == 64 && refused.errors.contains("demo_train.tsv exists"), "\(refused.errors)")
        #expect(try String(contentsOf: mine, encoding: .utf8) == "mine")
        #expect(try gru4rec(["generate", "--output", folder.path, "--overwrite"]).status == 0)
        #expect(try String(contentsOf: mine, encoding: .utf8) != "mine")
    }

    // MARK: preprocess's four files are one set

    /// The four files of a split in `folder`, by name.
    func split(in folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            files[name] = try? Data(contentsOf: folder.appendingPathComponent(name))
        }
        return files
    }

    @Test func aPreprocessWriteFailingOnALaterFileLeavesTheEarlierSet() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("demo_train.tsv").path, output = folder.appendingPathComponent("split")
        #expect(try gru4rec(["preprocess", "--input", input, "--format", "tsv", "--output", output.path]).status == 0)
        let earlier = split(in: output)
        #expect(earlier.count == 4)
        // With 20 test days the test file (the second written) is the largest: a 200 KiB file
        // size limit lets train_full.tsv (about 100 KB) be written and stops test.tsv.
        let limited = try ExampleRunner.run("gru4rec", arguments: ["preprocess", "--input", input, "--format", "tsv", "--output", output.path,
                                                                 "--overwrite", "--test-days", "20"],
                                            after: "trap '' XFSZ; ulimit -f 200")
        let message = limited.errors
        #expect(limited.status != 0)
        #expect(message.contains("test.tsv") && message.contains("File too large"), "\(message)")
        #expect(split(in: output) == earlier, "the folder no longer holds the earlier set")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        // A folder planted where the third file goes is refused before anything is read.
        try FileManager.default.removeItem(at: output.appendingPathComponent("train_tr.tsv"))
        try FileManager.default.createDirectory(at: output.appendingPathComponent("train_tr.tsv"), withIntermediateDirectories: false)
        let planted = try gru4rec(["preprocess", "--input", input, "--format", "tsv", "--output", output.path, "--overwrite"])
        #expect(planted.status != 0 && planted.errors.contains("train_tr.tsv is a folder"), "\(planted.errors)")
        #expect(!planted.output.contains("read "), "the log was read before the output was refused")
    }

    @Test func preprocessKilledAtAnyMomentLeavesTheOldSetOrTheNewOne() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("demo_train.tsv").path
        func preprocess(_ output: URL, days: String) -> Process {
            let process = Process()
            process.executableURL = ExampleRunner.productsFolder.appendingPathComponent("gru4rec")
            process.arguments = ["preprocess", "--input", input, "--format", "tsv", "--output", output.path, "--overwrite", "--test-days", days]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        // The two sets, each written whole.
        let reference = folder.appendingPathComponent("new")
        let referenceRun = preprocess(reference, days: "3")
        try referenceRun.run()
        referenceRun.waitUntilExit()
        let newSet = split(in: reference)
        let output = folder.appendingPathComponent("split")
        let first = preprocess(output, days: "1")
        try first.run()
        first.waitUntilExit()
        let oldSet = split(in: output)
        #expect(oldSet.count == 4 && newSet.count == 4 && oldSet != newSet)
        let start = Date()
        let timed = preprocess(folder.appendingPathComponent("timed"), days: "3")
        try timed.run()
        timed.waitUntilExit()
        let duration = Date().timeIntervalSince(start)
        // kill -9 at moments spread over a whole run, the old set restored between attempts.
        for step in 0..<12 {
            let run = preprocess(output, days: "3")
            try run.run()
            usleep(useconds_t(duration * Double(step) / 12 * 1_000_000))
            kill(run.processIdentifier, SIGKILL)
            run.waitUntilExit()
            let found = split(in: output)
            #expect(found == oldSet || found == newSet, "after a kill at \(step)/12 of a run: \(found.keys.sorted())")
            if found == newSet {
                let restore = preprocess(output, days: "1")
                try restore.run()
                restore.waitUntilExit()
            }
        }
        // The dead writers' temporary folders go with the next write.
        let last = preprocess(output, days: "3")
        try last.run()
        last.waitUntilExit()
        #expect(split(in: output) == newSet)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    // MARK: --test-days within the data

    @Test(arguments: ["1e19", "1e14", "30"])
    func testDaysBeyondTheLogAreRefusedBeforeAnythingIsWritten(days: String) throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("split")
        let result = try gru4rec(["preprocess", "--input", folder.appendingPathComponent("demo_train.tsv").path, "--format", "tsv",
                                  "--output", output.path, "--test-days", days])
        #expect(result.status != 0)
        // The demo log's first session starts 27.77 days before its last event.
        let range = days == "30" ? "the test days must be above 0 and below 27.7715" : "must be a positive number of days up to 3652425"
        #expect(result.errors.contains(range), "\(days): \(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    // MARK: Folders that cannot be created say why

    @Test func aReadOnlyFolderIsNamedWithTheSystemsReason() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-output-ro-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        guard let mount = TemporaryMount.tmpfs(at: folder, options: "ro,size=1m") else {
            print("skipped: mounting a read-only tmpfs needs root")
            return
        }
        defer { mount.unmount() }
        for command in ["demo", "generate"] {
            let result = try gru4rec([command, "--output", folder.appendingPathComponent("out").path])
            #expect(result.status != 0)
            #expect(result.errors.contains("out: the folder cannot be created: Read-only file system"), "\(command): \(result.errors)")
        }
        let preprocess = try gru4rec(["preprocess", "--input", "/nonexistent.tsv", "--format", "tsv",
                                      "--output", folder.appendingPathComponent("out").path])
        #expect(preprocess.status != 0 && preprocess.errors.contains("Read-only file system"), "\(preprocess.errors)")
    }
}
