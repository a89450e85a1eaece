import Foundation
import GRU4Rec
import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// Models move both ways between Nabla and the official PyTorch GRU4Rec's layout.
///
/// The fixtures in `Fixtures/` were written by `make_official_interop_fixtures.py` (PyTorch's
/// `torch.nn.GRUCell` and `torch.nn.Embedding` under the official names) with the scores PyTorch
/// gave every item after each step of a few sessions; the suite itself needs no PyTorch.
@Suite struct OfficialInteropTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let modes = ["constrained", "embedding", "onehot"]

    struct ExpectedScores: Decodable {
        let sessions: [[Int]]
        let scores: [[[Float]]]
    }

    static func fixture(_ mode: String) throws -> (file: SafeTensors, expected: ExpectedScores) {
        let file = try SafeTensors.read(from: fixtures.appendingPathComponent("official-\(mode).safetensors"))
        let json = try Data(contentsOf: fixtures.appendingPathComponent("official-\(mode)-scores.json"))
        return (file, try JSONDecoder().decode(ExpectedScores.self, from: json))
    }

    /// The largest difference between Nabla's scores after each step and PyTorch's.
    static func largestDifference(_ model: GRU4RecModel<Float>, _ expected: ExpectedScores) -> Float {
        var largest: Float = 0
        for (session, expectedSteps) in zip(expected.sessions, expected.scores) {
            var states = model.zeroStates(batchSize: 1)
            for (item, expectedScores) in zip(session, expectedSteps) {
                let scores = withNoGrad { model.allScores(model.step([item], states: &states)) }.scalars
                #expect(scores.count == expectedScores.count)
                for (nabla, pytorch) in zip(scores, expectedScores) { largest = max(largest, abs(nabla - pytorch)) }
            }
        }
        return largest
    }

    @Test(arguments: modes)
    func anOfficialModelScoresAsPyTorchScoredIt(mode: String) throws {
        let (file, expected) = try Self.fixture(mode)
        let loaded = try OfficialPyTorchModel.importModel(file, path: "official-\(mode)")
        let expectedIDs: [String] = (0..<15).map { (row: Int) -> String in String(1000 + 37 * row) }
        #expect(loaded.itemMap.ids == expectedIDs)
        let difference = Self.largestDifference(loaded.model, expected)
        #expect(difference <= 1e-5, "\(mode): scores differ from PyTorch's by up to \(difference)")
    }

    @Test(arguments: modes)
    func exportThenImportIsBitIdentical(mode: String) throws {
        let (file, _) = try Self.fixture(mode)
        let loaded = try OfficialPyTorchModel.importModel(file, path: "official-\(mode)")
        // The official file comes back tensor for tensor.
        let exported = try OfficialPyTorchModel.export(loaded.model, itemMap: loaded.itemMap)
        #expect(exported.names == file.names)
        for name in file.names { #expect(exported.entries[name] == file.entries[name], "\(mode): \(name) changed") }
        // And a Nabla model comes back parameter for parameter.
        let again = try OfficialPyTorchModel.importModel(exported, path: "exported")
        for ((name, original), (_, copy)) in zip(loaded.model.namedParameters(), again.model.namedParameters()) {
            #expect(original.scalars.map(\.bitPattern) == copy.scalars.map(\.bitPattern), "\(mode): \(name) changed")
        }
        #expect(again.itemMap == loaded.itemMap)
        #expect(again.model.configuration.parameterString == loaded.model.configuration.parameterString)
    }

    @Test func aTrainedNablaModelRoundTripsBitForBit() throws {
        let data = try SessionData.training(SessionTSVReader.parse(Data(DemoShop.sessions(count: 60).utf8), source: "demo.tsv"),
                                            source: "demo.tsv")
        let configuration = try GRU4RecConfiguration(parameters: "layers=8/6,n_sample=4,batch_size=4,momentum=0.2")
        let trainer = SessionTrainer(model: GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count), data: data)
        try trainer.trainEpoch()
        let exported = try OfficialPyTorchModel.export(trainer.model, itemMap: data.itemMap, epochsCompleted: 1)
        let imported = try OfficialPyTorchModel.importModel(exported, path: "exported")
        for ((name, original), (_, copy)) in zip(trainer.model.namedParameters(), imported.model.namedParameters()) {
            #expect(original.scalars.map(\.bitPattern) == copy.scalars.map(\.bitPattern), "\(name) changed")
        }
        #expect(imported.epochsCompleted == 1)
    }

    @Test func whatTheOfficialModelCannotHoldIsRefusedWithAReason() throws {
        let cases = [
            ("layers=4,gru_formulation=original", "torch.nn.GRUCell"),
            ("layers=4,constrained_embedding=False,embedding=0", "GRUEmbedding"),
            ("layers=4/4,constrained_embedding=False,embedding=0,gru_formulation=original", "only one layer in one-hot mode"),
        ]
        for (parameters, reason) in cases {
            let model = GRU4RecModel<Float>(configuration: try GRU4RecConfiguration(parameters: parameters), itemCount: 5)
            #expect {
                _ = try OfficialPyTorchModel.export(model, itemMap: try ItemMap(ids: (0..<5).map(String.init)))
            } throws: { error in
                "\(error)".contains(reason)
            }
        }
    }

    @Test func aFileThatDoesNotFitIsRefusedWithTheTensorNamed() throws {
        var (file, _) = try Self.fixture("constrained")
        var extra = file
        extra.add(Tensor<Float>(zeros: [2]), named: "G.0.extra")
        #expect { _ = try OfficialPyTorchModel.importModel(extra, path: "m.safetensors") } throws: { "\($0)".contains("G.0.extra") }

        var misshapen = file
        misshapen.add(Tensor<Float>(zeros: [3, 5]), named: "G.1.bias_ih")
        #expect { _ = try OfficialPyTorchModel.importModel(misshapen, path: "m.safetensors") } throws: {
            "\($0)".contains("'G.1.bias_ih' has shape [3, 5], expected [15]")
        }

        file.metadata["item_ids"] = nil
        #expect { _ = try OfficialPyTorchModel.importModel(file, path: "m.safetensors") } throws: { "\($0)".contains("--items") }
        #expect { _ = try OfficialPyTorchModel.importModel(file, path: "m.safetensors", itemIDs: ["a", "b"]) } throws: {
            "\($0)".contains("2 item ids for 15 rows")
        }
        let ids: [String] = (0..<15).map { (row: Int) -> String in "i\(row)" }
        let withIDs = try OfficialPyTorchModel.importModel(file, path: "m.safetensors", itemIDs: ids)
        #expect(withIDs.itemMap.ids.first == "i0")
    }

    @Test func importRefusesWhatIsNotAnOfficialModelOrDisagreesWithItself() throws {
        let (file, _) = try Self.fixture("constrained"), (oneHot, _) = try Self.fixture("onehot")
        /// Why importing `base` changed by `change` fails, or "imported".
        func refusal(of base: SafeTensors? = nil, _ change: (inout SafeTensors) -> Void) -> String {
            var changed = base ?? file
            change(&changed)
            do {
                _ = try OfficialPyTorchModel.importModel(changed, path: "m.safetensors")
                return "imported"
            } catch { return "\(error)" }
        }
        #expect(refusal { $0 = SafeTensors() }.contains("no output item matrix 'Wy.weight'"))
        #expect(refusal { $0 = SafeTensors(); $0.add(Tensor<Float>(zeros: [15, 5]), named: "Wy.weight") }.contains("no GRU layer"))
        #expect(refusal { $0.metadata["parameters"] = "layers=6" }.contains("disagree with the tensors (layers=6/5"))
        #expect(refusal { $0.metadata["parameters"] = "layers=banana" }.contains("the stored parameters are invalid"))
        #expect(refusal { $0.metadata["item_ids"] = "{\"a\": 1}" }.contains("item_ids is not a JSON array"))
        #expect(refusal { $0.metadata["item_ids"] = "[" + Array(repeating: "\"x\"", count: 15).joined(separator: ",") + "]" }
            .contains("appears twice"))
        #expect(refusal { $0.add(Tensor<Float>(zeros: [18, 5]), named: "G.0.weight_hh") }.contains("'G.0.weight_hh' has shape [18, 5], expected [3H, H]"))
        #expect(refusal { $0.add(Tensor<Float>(zeros: [15]), named: "E.weight") }.contains("'E.weight' must be [items, embedding]"))
        #expect(refusal(of: oneHot) { $0.add(Tensor<Float>(zeros: [6, 5]), named: "GE.Wh0") }.contains("'GE.Wh0' must be a square"))
        #expect(refusal(of: oneHot) { $0.add(Tensor<Float>(zeros: [6, 6]), named: "GE.Wrz0") }.contains("'GE.Wrz0' has shape [6, 6], expected [6, 12]"))
        let nan = refusal { $0.add(Tensor<Float>([Float](repeating: .nan, count: 15), shape: [15, 1]), named: "By.weight") }
        #expect(nan.contains("'items.bias' holds NaN or infinite values"), "\(nan)")
        // A one-hot first layer beside GRU cells: the official model runs one layer in one-hot mode.
        let moreLayers = refusal {
            $0.add(Tensor<Float>(zeros: [15, 18]), named: "GE.Wx0.weight")
            $0.add(Tensor<Float>(zeros: [6, 6]), named: "GE.Wh0")
        }
        #expect(moreLayers.contains("one-hot model with more than one layer"), "\(moreLayers)")
        let twoInputs = refusal(of: oneHot) { $0.add(Tensor<Float>(zeros: [15, 4]), named: "E.weight") }
        #expect(twoInputs.contains("one input mode only"), "\(twoInputs)")
    }

    @Test func theInteropGuideQuotesTheRecipesTheCheckScriptRuns() throws {
        let script = try String(contentsOf: DocumentSnippets.packageRoot.appendingPathComponent("Scripts/official_interop.py"), encoding: .utf8)
        var regions: [String: [String]] = [:], current: String?
        for line in script.components(separatedBy: "\n") {
            if line.hasPrefix("# snippet: ") { current = String(line.dropFirst("# snippet: ".count)); regions[current!] = [] }
            else if line == "# end snippet" { current = nil }
            else if let name = current { regions[name]!.append(line) }
        }
        let quoted = DocumentSnippets.markdownBlocks(kind: "python-snippet")
        #expect(Set(quoted.keys) == ["interop-load", "interop-continue"])
        for (name, blocks) in quoted {
            for block in blocks { #expect(block.text == regions[name]?.joined(separator: "\n"), "\(block.file): \(name) differs from the script") }
        }
    }
}
