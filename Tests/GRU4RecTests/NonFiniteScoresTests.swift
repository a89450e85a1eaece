import Foundation
import GRU4Rec
import Nabla
import NablaKernels
import NablaNN
@testable import NablaSessions
import NablaTestSupport
import Testing

/// Scores that overflow are an error naming the cause, never ranks or percentages: a model whose
/// weights are finite but huge (valid checksums) scores every item +∞, which used to print `-nan%`
/// in `recommend` and a perfect Recall@1 in `evaluate --rank-mode standard`.
@Suite struct NonFiniteScoresTests {
    func gru4rec(_ arguments: [String]) throws -> ExampleRunner.Result {
        try ExampleRunner.run("gru4rec", arguments: arguments)
    }

    /// A folder with the demo data and a small trained model whose item scores overflow after
    /// `[Camera, Memory Card]`: every item row is set to ±Float's largest value with the signs of
    /// that session's hidden state, and every item bias to the largest value, so each score is
    /// the largest value plus a positive product; saved again with valid checksums.
    func folderWithHugeWeights() throws -> (folder: URL, model: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-scores-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(try gru4rec(["generate", "--output", folder.path]).status == 0)
        let good = folder.appendingPathComponent("good.safetensors").path
        let trained = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
                                   "-p", "layers=8,n_epochs=1,n_sample=4,batch_size=16", "--save", good])
        #expect(trained.status == 0, "\(trained.errors)")
        let loaded = try Checkpoint.load(URL(fileURLWithPath: good), as: Float.self)
        let model = loaded.model
        model.eval()
        let hidden = try withNoGrad {
            var states = model.zeroStates(batchSize: 1)
            var output: Tensor<Float>?
            for row in try loaded.itemMap.rows(ofSession: ["Camera", "Memory Card"]) { output = model.step([row], states: &states) }
            return output!.scalars
        }
        let largest = Float.greatestFiniteMagnitude
        let row = hidden.map { $0 >= 0 ? largest : -largest }
        model.output.weight.updateScalars { $0 = Array((0..<loaded.itemMap.count).map { _ in row }.joined()) }
        model.output.bias.updateScalars { $0 = [Float](repeating: largest, count: $0.count) }
        let huge = folder.appendingPathComponent("huge.safetensors")
        try Checkpoint.save(model, itemMap: loaded.itemMap, epochsCompleted: 1, to: huge)
        return (folder, huge.path)
    }

    @Test func recommendRefusesScoresThatOverflowAndNamesTheWeight() throws {
        let (folder, model) = try folderWithHugeWeights()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try gru4rec(["recommend", "--model", model, "--items", "Camera,Memory Card"])
        #expect(result.status != 0)
        #expect(!result.output.contains("nan") && !result.output.contains("inf"), "\(result.output)")
        #expect(result.errors.contains("as NaN or infinite"), "\(result.errors)")
        #expect(result.errors.contains("in 'items.") && result.errors.contains("3.4e+38"), "\(result.errors)")
    }

    @Test(arguments: ["standard", "conservative", "median"])
    func evaluateRefusesScoresThatOverflowInEveryRankMode(mode: String) throws {
        let (folder, model) = try folderWithHugeWeights()
        defer { try? FileManager.default.removeItem(at: folder) }
        for extra in [[], ["--every-score"]] {
            let result = try gru4rec(["evaluate", "--model", model, "--test", folder.appendingPathComponent("demo_test.tsv").path,
                                      "--rank-mode", mode] + extra)
            #expect(result.status != 0, "\(extra): \(result.output)")
            #expect(!result.output.contains("Recall@"), "metrics were reported: \(result.output)")
            #expect(result.errors.contains("as NaN or infinite") && result.errors.contains("in 'items."), "\(result.errors)")
        }
    }

    @Test func largeFiniteScoresAreRankedAndAnInfiniteOneIsNamed() throws {
        let files = try DemoShop.write(to: FileManager.default.temporaryDirectory.appendingPathComponent("nabla-scores-\(UUID())"))
        defer { try? FileManager.default.removeItem(at: files.train.deletingLastPathComponent()) }
        let data = try SessionData.training(streamingFrom: files.train)
        let test = try SessionData.test(streamingFrom: files.test, itemMap: data.itemMap)
        let model = GRU4RecModel<Float>(configuration: try GRU4RecConfiguration(parameters: "layers=8"), itemCount: data.itemMap.count)
        // Scores near 1e30 are finite: too large for the 8-bit bounds, so every item is scored in full.
        model.output.weight.updateScalars { $0 = $0.map { $0 * 1e30 } }
        var scorer = SessionModelScorer(model: model)
        #expect(try Evaluator.evaluate(&scorer, on: test, cutoffs: [20]).predictions == test.eventCount - test.sessionCount)
        #expect(!scorer.lastRanksUsedBounds)
        model.output.bias.updateScalars { $0[3] = .infinity }
        var overflowing = SessionModelScorer(model: model)
        let error = try #require(throws: NonFiniteScoresError.self) { try Evaluator.evaluate(&overflowing, on: test, cutoffs: [20]) }
        #expect(error.description.contains("in 'items.bias'"), "\(error)")
    }

    @Test func anyScorerWithANonFiniteScoreIsRefused() throws {
        struct Infinite: NextItemScorer {
            let itemCount = 3
            func scores(inputs: [Int], previousSlot: [Int?]) -> [Float] {
                inputs.flatMap { _ in [1, .infinity, 0] }
            }
        }
        var scorer = Infinite()
        let data = try sessions([[0, 1, 2]])
        #expect(throws: NonFiniteScoresError.self) { try Evaluator.evaluate(&scorer, on: data) }
    }
}
