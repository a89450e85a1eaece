import Foundation
import NablaTestSupport
import Testing

/// The example programs run and do what their documentation says.
@Suite struct ExampleTests {
    @Test func autodiffBasicsPrintsItsGradientsAndPassesGradcheck() throws {
        let result = try ExampleRunner.run("AutodiffBasics")
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("loss   = 6.962500000000001"))
        #expect(result.output.contains("dL/db  = [-4.9]"))
        #expect(result.output.contains("gradcheck passed"))
    }

    @Test func visualizeGRUWritesBothPicturesAndGradientsFadeBackThroughTime() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-visualize-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ExampleRunner.run("VisualizeGRU", arguments: [folder.path])
        #expect(result.status == 0, "\(result.errors)")
        let svg = try String(contentsOf: folder.appendingPathComponent("gru-step.svg"), encoding: .utf8)
        for gate in ["gru.layer0.t0.r", "gru.layer0.t0.z", "gru.layer0.t0.n", "gru.layer1.t0.n"] {
            #expect(svg.contains(">\(gate)<"), "no cluster \(gate) in gru-step.svg")
        }
        let png = try Data(contentsOf: folder.appendingPathComponent("gru-unrolled.png"))
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        // The pictures README and Docs/visualization.md show are the ones the example draws: the
        // same texts in the SVGs, the same size of the PNG (its width and height, bytes 16-23).
        let images = DocumentSnippets.packageRoot.appendingPathComponent("Docs/images")
        for name in ["gru-step.svg", "gru-collapsed.svg"] {
            let drawn = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let shown = try String(contentsOf: images.appendingPathComponent(name), encoding: .utf8)
            #expect(Self.texts(in: shown) == Self.texts(in: drawn), "Docs/images/\(name) differs from what VisualizeGRU draws")
        }
        let shownPNG = try Data(contentsOf: images.appendingPathComponent("gru-unrolled.png"))
        #expect(shownPNG.subdata(in: 16..<24) == png.subdata(in: 16..<24), "Docs/images/gru-unrolled.png has another size than VisualizeGRU draws")
        // The top layer's gradient shrinks step by step back from the loss.
        let norms = result.output.split(separator: "\n").filter { $0.hasPrefix("gru.layer1.t") }
            .compactMap { Double($0.split(separator: "=").last!.trimmingCharacters(in: .whitespaces)) }
        #expect(norms.count == 4)
        #expect(norms == norms.sorted())
    }

    @Test func examplesRunWithoutArgumentsLeaveTheFolderTheyRunInAsItWas() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-quiet-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ExampleRunner.run("VisualizeGRU", in: folder)
        #expect(result.status == 0, "\(result.errors)")
        let pictures = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-pictures")
        #expect(result.output.contains("wrote \(pictures.appendingPathComponent("gru-step.svg").path)"), "\(result.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "VisualizeGRU wrote into the folder it ran in")
    }

    @Test func customSequentialModelPrintsWhatTutorialSixShows() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-custom-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ExampleRunner.run("CustomSequentialModel", arguments: [folder.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("LSTM gradcheck passed: true"))
        #expect(result.output.contains("resumed after 3 epochs, same weights: true"))
        // The tutorial shows the last line, from its section on losses of one's own, under that section.
        let printed = result.output.trimmingCharacters(in: .newlines)
        let ownLoss = try #require(printed.range(of: "\nLSTM, InfoNCE"))
        DocumentSnippets.expectOutput("t6-run", String(printed[..<ownLoss.lowerBound]))
        DocumentSnippets.expectOutput("t6-infonce", String(printed[printed.index(after: ownLoss.lowerBound)...]))
        // Both custom models, trained by the shared trainer, come close to GRU4Rec on the demo
        // shop and recommend the accessory that only the order of the session reveals.
        var recall: [String: Double] = [:]
        for line in result.output.split(separator: "\n") where line.contains(": Recall@1 ") {
            let name = String(line.prefix { $0 != ":" })
            recall[name] = Double(line.split(separator: " ").drop { $0 != "Recall@1" }.dropFirst().first!.dropLast())
            #expect(line.hasSuffix("[Camera, Memory Card] → Camera Bag"), "\(line)")
        }
        let gru = try #require(recall["GRU4Rec"])
        for name in ["LSTM", "2-layer LSTM, BPR-max"] {
            let model = try #require(recall[name], "no line for \(name)")
            #expect(model > 0.8 && abs(model - gru) < 0.03, "\(name): Recall@1 \(model) against GRU4Rec's \(gru)")
        }
        let svg = try String(contentsOf: folder.appendingPathComponent("lstm-training-step.svg"), encoding: .utf8)
        #expect(svg.contains("items.weight") && svg.contains("lstm.weightHH") && svg.contains(">h₀<") && svg.contains(">c₀<"))
        // The picture tutorial 6 shows is the one the example draws: the same texts in it.
        let shown = try String(contentsOf: DocumentSnippets.packageRoot.appendingPathComponent("Docs/images/lstm-training-step.svg"),
                               encoding: .utf8)
        #expect(Self.texts(in: shown) == Self.texts(in: svg), "Docs/images/lstm-training-step.svg differs from what the example draws")
    }

    /// The texts drawn in an SVG picture, sorted.
    static func texts(in svg: String) -> [String] {
        svg.components(separatedBy: "<text").dropFirst().compactMap { element in
            element.split(separator: ">", maxSplits: 1).last?.components(separatedBy: "</text").first
        }.sorted()
    }

    @Test func trainOnYourDataTrainsEvaluatesAndSaves() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-own-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let generated = try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", folder.path])
        #expect(generated.status == 0)
        let elsewhere = folder.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let result = try ExampleRunner.run("TrainOnYourData", arguments: [folder.appendingPathComponent("demo_train.tsv").path], in: elsewhere)
        #expect(result.status == 0, "\(result.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty, "the model went into the current folder")
        #expect(result.output.contains("epoch 3: loss"))
        #expect(result.output.contains("held out:"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("my-model.safetensors").path))
        let bad = try ExampleRunner.run("TrainOnYourData", arguments: [folder.appendingPathComponent("missing.tsv").path], in: folder)
        #expect(bad.status == 1)
        #expect(bad.errors.contains("missing.tsv"))
    }
}
