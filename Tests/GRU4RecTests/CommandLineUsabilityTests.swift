import Foundation
import GRU4Rec
import NablaTestSupport
import Testing

/// The `gru4rec` command used as an official GRU4Rec user would: the official spelling works,
/// what help shows can be pasted, mistakes are errors rather than silent choices, and what is
/// printed says what it is. (`n_epochs=0` and `--top 0` are refused in `UpFrontValidationTests`.)
@Suite struct CommandLineUsabilityTests {
    /// A fresh folder with the demo data in it.
    func demoFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-usability-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let generated = try gru4rec(["generate", "--output", url.path])
        #expect(generated.status == 0, "\(generated.errors)")
        return url
    }

    func gru4rec(_ arguments: [String], environment: [String: String] = [:]) throws -> ExampleRunner.Result {
        try ExampleRunner.run("gru4rec", arguments: arguments, environment: environment)
    }

    let small = "layers=8,n_epochs=1,n_sample=4,batch_size=16"

    @Test func theOfficialParameterStringFlagIsAccepted() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model.safetensors").path
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
                                  "-ps", small + ",learning_rate=0.3", "--save", model])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("learning_rate=0.3"))
    }

    /// The example of `train --help`, as a shell reads it: continued lines joined, split into words.
    func helpExample(columns: Int) throws -> [String] {
        let help = try gru4rec(["train", "--help"], environment: ["COLUMNS": String(columns)])
        #expect(help.status == 0)
        let lines = help.output.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("gru4rec train") },
                                 "no example in:\n\(help.output)")
        var command = ""
        for line in lines[start...] {
            #expect(line.count < columns, "the example is wider than \(columns) columns: \(line)")
            command += line.hasSuffix("\\") ? String(line.dropLast()) : line
            if !line.hasSuffix("\\") { break }
        }
        return command.split(separator: " ").map(String.init)
    }

    @Test(arguments: [80, 200])
    func theHelpExampleSurvivesWrappingAndGivesTheOfficialSetting(columns: Int) throws {
        let words = try helpExample(columns: columns)
        #expect(Array(words.prefix(2)) == ["gru4rec", "train"])
        // The options, each with its value, make the official rsc15 setting.
        var configuration = GRU4RecConfiguration()
        var index = 2
        while index < words.count {
            let (option, value) = (words[index], words[index + 1])
            switch option {
            case "--train", "--test", "--save": break
            case "-ps": try configuration.apply(value)
            default:
                #expect(option.hasPrefix("--"), "not an option: \(option)")
                try configuration.set(option.dropFirst(2).replacingOccurrences(of: "-", with: "_"), to: value)
            }
            index += 2
        }
        let official = try GRU4RecConfiguration(parameters: "loss=cross-entropy,layers=100,batch_size=32,dropout_p_hidden=0.4,"
            + "learning_rate=0.2,momentum=0.2,n_sample=2048,sample_alpha=0.5,logq=1.0,constrained_embedding=True,n_epochs=10")
        #expect(configuration.parameterString == official.parameterString)
    }

    @Test func theHelpExamplePastedIntoAShellIsParsed() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: folder.appendingPathComponent("demo_test.tsv"), to: folder.appendingPathComponent("test.tsv"))
        let help = try gru4rec(["train", "--help"], environment: ["COLUMNS": "80"])
        let lines = help.output.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("gru4rec train") })
        let end = try #require(lines[start...].firstIndex { !$0.hasSuffix("\\") })
        let pasted = lines[start...end].joined(separator: "\n")
        // No train_full.tsv here: the command gets as far as reading it, past every option.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", pasted]
        shell.currentDirectoryURL = folder
        shell.environment = ["PATH": ExampleRunner.productsFolder.path + ":/usr/bin:/bin"]
        let errors = Pipe()
        shell.standardError = errors
        shell.standardOutput = FileHandle.nullDevice
        try shell.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(shell.terminationStatus != 0)
        #expect(message.contains("train_full.tsv"), "\(message)")
        #expect(!message.contains("Missing value") && !message.contains("Unknown option"), "\(message)")
    }

    @Test func aParameterGivenTwiceIsAnError() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
                                  "-p", "loss=bpr-max,loss=top1," + small])
        #expect(result.status != 0)
        #expect(result.errors.contains("parameter 'loss': given twice ('bpr-max' and 'top1')"), "\(result.errors)")
        #expect(!result.output.contains("parameters:"), "training started")
        let zeroEpochs = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "--n-epochs", "0"])
        #expect(zeroEpochs.status != 0 && zeroEpochs.errors.contains("'n_epochs'"), "\(zeroEpochs.errors)")
    }

    @Test func trainingThatKeepsNothingIsWarnedAboutBeforeItStarts() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path
        let thrownAway = try gru4rec(["train", "--train", train, "-p", small])
        #expect(thrownAway.status == 0, "\(thrownAway.errors)")
        let warning = try #require(thrownAway.errors.range(of: "warning: neither --save, --checkpoint nor --test is given"))
        let firstEpoch = try #require(thrownAway.errors.range(of: "epoch 1/1"))
        #expect(warning.lowerBound < firstEpoch.lowerBound, "the warning comes after training started")
        let saved = try gru4rec(["train", "--train", train, "-p", small, "--save", folder.appendingPathComponent("m.safetensors").path])
        #expect(saved.status == 0 && !saved.errors.contains("warning:"), "\(saved.errors)")
    }

    @Test func aTestFileWithNoKnownItemIsAnErrorInEvaluateAndBeforeTraining() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let unknown = folder.appendingPathComponent("unknown.tsv")
        try "SessionId\tItemId\tTime\n1\tBicycle\t1\n1\tHelmet\t2\n2\tKettle\t3\n2\tTeapot\t4\n".write(to: unknown, atomically: true, encoding: .utf8)
        let model = folder.appendingPathComponent("model.safetensors").path
        let train = folder.appendingPathComponent("demo_train.tsv").path
        #expect(try gru4rec(["train", "--train", train, "-p", small, "--save", model]).status == 0)
        let evaluated = try gru4rec(["evaluate", "--model", model, "--test", unknown.path])
        #expect(evaluated.status != 0)
        #expect(evaluated.errors.contains("unknown.tsv") && evaluated.errors.contains("nothing to evaluate")
                && evaluated.errors.contains("4 events had items the model was not trained on"), "\(evaluated.errors)")
        let trained = try gru4rec(["train", "--train", train, "-p", small, "--test", unknown.path])
        #expect(trained.status != 0 && trained.errors.contains("nothing to evaluate"), "\(trained.errors)")
        #expect(!trained.errors.contains("epoch 1/1"), "trained before finding the test file useless")
    }

    @Test func recommendShowsProbabilitiesSaysWhatTheyAreAndCanExcludeTheSession() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model.safetensors").path
        #expect(try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", small,
                             "--save", model]).status == 0)
        let session = ["recommend", "--model", model, "--items", "Camera,Memory Card", "--top", "24"]
        let all = try gru4rec(session)
        #expect(all.status == 0, "\(all.errors)")
        #expect(all.output.contains("probability: the model's softmax over all 24 items"))
        let rows = all.output.split(separator: "\n").dropFirst(2).filter { $0.contains("%") }
        #expect(rows.count == 24)
        let percentages = rows.compactMap { row in row.split(separator: " ").first { $0.hasSuffix("%") }.flatMap { Double($0.dropLast()) } }
        #expect(abs(percentages.reduce(0, +) - 100) < 1, "the probabilities of every item add up to 100%: \(percentages)")
        /// The item column of the table: between the rank and the probability and score.
        func names(_ output: String) -> [String] {
            output.split(separator: "\n").dropFirst(2).filter { $0.contains("%") }
                .map { $0.split(separator: " ").dropFirst().dropLast(2).joined(separator: " ") }
        }
        #expect(names(all.output).contains("Camera") && names(all.output).contains("Memory Card"))
        let excluded = try gru4rec(session + ["--exclude-seen"])
        #expect(excluded.status == 0, "\(excluded.errors)")
        let kept = names(excluded.output)
        #expect(kept.count == 22 && !kept.contains("Camera") && !kept.contains("Memory Card"), "\(kept)")
    }

    @Test func preprocessSaysWhatItMergedAndRemoved() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-usability-log-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Day 1: six sessions A A B (one repeat each), A R (R seen once), B alone.
        // Day 3 (test): A B, B A, and five sessions A C whose item C is never in training.
        var lines = ["SessionId\tItemId\tTime"]
        var time = 1_000.0
        func session(_ id: String, _ items: [String]) {
            for item in items { lines.append("\(id)\t\(item)\t\(Int(time))"); time += 10 }
        }
        for index in 1...6 { session("s\(index)", ["A", "A", "B"]) }
        session("s7", ["A", "R"])
        session("s8", ["B"])
        time += 2 * 86_400
        session("s9", ["A", "B"])
        session("s10", ["B", "A"])
        for index in 11...15 { session("s\(index)", ["A", "C"]) }
        let log = folder.appendingPathComponent("log.tsv")
        try (lines.joined(separator: "\n") + "\n").write(to: log, atomically: true, encoding: .utf8)
        let result = try gru4rec(["preprocess", "--input", log.path, "--format", "tsv", "--output", folder.appendingPathComponent("out").path])
        #expect(result.status == 0, "\(result.errors)")
        for expected in [
            "read 35 events in 15 sessions",
            "merged 6 events that repeat the item just before them in their session",
            "removed 1 events of 1 items seen fewer than 5 times",
            "removed 2 sessions left with fewer than 2 events (2 events)",
            "test (sessions starting in the last 1 days): dropped 5 events whose item is not in train_full.tsv, then 5 sessions",
        ] {
            #expect(result.output.contains(expected), "missing '\(expected)' in:\n\(result.output)")
        }
    }
}
