import Foundation
import NablaTestSupport
import Testing

/// `gru4rec explain`: the table adds up, the picture is written in the format its name asks for,
/// the deletion test reports every choice, and bad input gets the same errors as `recommend`.
@Suite struct ExplainCommandTests {
    /// The demo data and a small model trained on it, made once for the whole suite.
    static let fixture: (folder: URL, model: String) = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-explain-\(UUID())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = try? ExampleRunner.run("gru4rec", arguments: ["generate", "--output", folder.path])
        let model = folder.appendingPathComponent("model.safetensors").path
        _ = try? ExampleRunner.run("gru4rec", arguments: [
            "train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
            "-p", "layers=16,n_epochs=2,n_sample=4,batch_size=16", "--save", model])
        return (folder, model)
    }()

    func explain(_ arguments: [String]) throws -> ExampleRunner.Result {
        try ExampleRunner.run("gru4rec", arguments: ["explain", "--model", Self.fixture.model] + arguments)
    }

    /// The numbers of the table's rows that start with `first`.
    func row(_ output: String, _ first: String) -> [String] {
        output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            .first { $0.first == first } ?? []
    }

    @Test func theTableExplainsTheTopRecommendationAndAddsUp() throws {
        let result = try explain(["--items", "Phone,Memory Card", "--steps", "256"])
        #expect(result.status == 0, "\(result.errors)")
        let recommended = try ExampleRunner.run("gru4rec", arguments: ["recommend", "--model", Self.fixture.model, "--items", "Phone,Memory Card", "--top", "1"])
        // The row of rank 1: rank, item, probability, score.
        let firstRow = try #require(recommended.output.split(separator: "\n").first { $0.hasPrefix("1 ") })
        let top = firstRow.split(separator: " ").dropFirst().dropLast(2).joined(separator: " ")
        #expect(result.output.hasPrefix("why \(top) (the top recommendation) after [Phone, Memory Card]\nintegrated gradients (256 steps), zero baseline\n"))
        let first = row(result.output, "1"), second = row(result.output, "2"), total = row(result.output, "total")
        #expect(first.count == 4 && first[1] == "Phone" && second.count == 5 && second[1...2] == ["Memory", "Card"])
        let sum = try #require(Double(first[2])) + Double(second[3])!
        #expect(abs(sum - Double(total[1])!) < 2e-4)
        #expect(abs(Double(first[3].dropLast())! + Double(second[4].dropLast())! - 100) < 0.15)
        let completeness = try #require(result.output.split(separator: "\n").last { $0.hasPrefix("score ") })
        let residual = try #require(Double(completeness.split(separator: " ").last!))
        #expect(abs(residual) < 1e-3, "\(completeness)")
    }

    @Test func aChosenTargetAndGradientTimesInput() throws {
        let result = try explain(["--items", "Camera,Memory Card", "--target", "Tripod", "--method", "grad-input"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.hasPrefix("why Tripod after [Camera, Memory Card]\ngradient × input\n"))
    }

    @Test(arguments: [("svg", Array("<?xml".utf8)), ("png", [0x89, 0x50, 0x4E, 0x47]), ("pdf", Array("%PDF".utf8))])
    func theDrawingIsWrittenInTheFormatOfItsName(format: String, magic: [UInt8]) throws {
        let picture = Self.fixture.folder.appendingPathComponent("why.\(format)")
        let result = try explain(["--items", "Camera,Memory Card", "--draw", picture.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.hasSuffix("drew \(picture.path)\n"))
        let bytes = try Data(contentsOf: picture)
        #expect(Array(bytes.prefix(magic.count)) == magic)
        if format == "svg" {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.contains("1. Camera") && text.contains("2. Memory Card") && text.contains("residual"))
        }
    }

    @Test func anHTMLDrawingStepsThroughTheBackwardPassOfTheExplainedScore() throws {
        let page = Self.fixture.folder.appendingPathComponent("why-\(UUID()).html")
        let result = try explain(["--items", "Camera,Memory Card", "--target", "Camera Bag", "--draw", page.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.hasSuffix("drew \(page.path)\n"))
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(!html.contains("http:") && !html.contains("src=") && html.contains("Why Camera Bag after this session?"))
        let trace = try PageTrace(html: html)
        #expect(trace.backward.map(\.node) == trace.forward.reversed())
        // GRU4Rec's own ops, from the target's score back to the session's two input vectors.
        let ops = Set(trace.backward.map(\.op))
        #expect(ops.isSuperset(of: ["sampledScores", "gru.pytorch"]), "\(ops)")
        #expect(trace.backward.first?.op == "sampledScores")
        // The weights' gradients are this backward pass's alone, not summed with the attribution's.
        #expect(!html.contains("backward()</text>"), "a gradient is drawn as summed over several backward passes")
        for (step, item) in ["Camera", "Memory Card"].enumerated() {
            let input = try #require(trace.nodes.first { $0.name == "x\(step) \(item)" }, "no input vector of \(item)")
            #expect(input.op == nil && input.gradient != nil && input.shape == [1, 16])
        }
        // The two steps stand in the time grid: their states are h₀ and h₁ under t0 and t1.
        #expect(html.contains(">t0</text>") && html.contains(">t1</text>"))
        #expect(html.contains(">h₀ = gru.pytorch") && html.contains(">h₁ = gru.pytorch"))
    }

    @Test(arguments: [
        (["--items", "Camera,Unicorn"], "session: item 'Unicorn' is not known to the model"),
        (["--items", ""], "session: the session prefix is empty"),
        (["--items", "Camera", "--target", "Unicorn"], "target: item 'Unicorn' is not known to the model"),
        (["--items-file", "/nonexistent/session.txt"], "/nonexistent/session.txt: cannot be read"),
        ([], "give the session with --items or with --items-file"),
        (["--items", "Camera", "--items-file", "-"], "give the session with --items or with --items-file"),
        (["--items", "Camera", "--method", "shap"], "--method 'shap' must be ig or grad-input"),
        (["--items", "Camera", "--steps", "0"], "--steps 0 must be from 1 to 100000"),
        (["--items", "Camera", "--method", "grad-input", "--steps", "8"], "--steps applies to --method ig only"),
        (["--items", "Camera", "--baseline", "random"], "--baseline 'random' must be zero or mean"),
        (["--items", "Camera", "--draw", "why.gif"], "the file name must end in .svg, .png, .pdf or .html"),
        (["--items", "Camera", "--draw", "/nonexistent/why.svg"], "the folder /nonexistent does not exist"),
        (["--deletion-test", "test.tsv", "--items", "Camera"], "--deletion-test explains test sessions"),
        (["--deletion-test", "test.tsv", "--deletion-target", "first"], "--deletion-target 'first' must be next-item or top"),
    ])
    func badInputIsRefusedWithAClearError(arguments: [String], message: String) throws {
        let result = try explain(arguments)
        #expect(result.status != 0)
        #expect(result.errors.contains(message), "\(arguments): \(result.errors)")
    }

    @Test func aMissingModelIsRefusedAsByRecommend() throws {
        let arguments = ["--model", "/nonexistent/model.safetensors", "--items", "Camera"]
        let explained = try ExampleRunner.run("gru4rec", arguments: ["explain"] + arguments)
        let recommended = try ExampleRunner.run("gru4rec", arguments: ["recommend"] + arguments)
        #expect(explained.status != 0 && !explained.errors.isEmpty)
        #expect(explained.errors == recommended.errors)
    }

    @Test func theDeletionTestReportsEveryChoice() throws {
        let test = Self.fixture.folder.appendingPathComponent("demo_test.tsv").path
        let result = try explain(["--deletion-test", test, "--sessions", "50", "--steps", "16"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.hasPrefix("deletion test: 50 test sessions of \(test); target: the real next item after the other events\n"))
        for choice in ["highest integrated gradients (16 steps)", "highest gradient × input", "random step",
                       "lowest integrated gradients (16 steps)", "last step"] {
            #expect(result.output.contains("\n\(choice)  "), "no row for \(choice)")
        }
    }
}
