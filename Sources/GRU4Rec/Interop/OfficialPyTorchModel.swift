import Foundation
import Nabla
import NablaNN
import NablaSessions

/// A GRU4Rec model under the tensor names and layouts of the official PyTorch implementation
/// (`GRU4RecModel` in `gru4rec_pytorch.py`), so that a model moves both ways between Nabla and it.
///
/// | Nabla | official | notes |
/// |---|---|---|
/// | `items.weight` `[N, H_last]` | `Wy.weight` | the output item matrix (the input too when constrained) |
/// | `items.bias` `[N, 1]` | `By.weight` | |
/// | `embedding.weight` `[N, E]` | `E.weight` | embedding mode only |
/// | `gru.layer{i}.weightIH` `[3H, I]` | `G.{i}.weight_ih` | `torch.nn.GRUCell`, gates (r, z, n) alike |
/// | `gru.layer{i}.weightHH` `[3H, H]` | `G.{i}.weight_hh` | |
/// | `gru.layer{i}.biasIH`, `biasHH` `[3H]` | `G.{i}.bias_ih`, `bias_hh` | |
/// | `gru.layer0.inputTable` `[N, 3H]`, columns (r, z, n) | `GE.Wx0.weight` `[N, 3H]`, columns (n, r, z) | one-hot mode |
/// | `gru.layer0.weightHH` rows r and z, transposed | `GE.Wrz0` `[H, 2H]` | one-hot mode |
/// | `gru.layer0.weightHH` rows n, transposed | `GE.Wh0` `[H, H]` | one-hot mode |
/// | `gru.layer0.biasIH`, blocks (r, z, n) | `GE.Bh0`, blocks (n, r, z) | one-hot mode |
///
/// Tensors are `F32`. The metadata holds `format` (``formatName``), `item_ids` (a JSON array of
/// the item ids in row order, the official item map's index order), `parameters` (the
/// hyperparameter string) and `epochs_completed`.
///
/// What the official model cannot represent is refused with a message: a layer in the original
/// GRU formulation where the official model uses `torch.nn.GRUCell`, the PyTorch formulation in the
/// one-hot first layer (the official `GRUEmbedding` is the original formulation), and more than
/// one layer in one-hot mode (the official model indexes its `G` list from 1 there, so only a
/// one-layer one-hot model runs).
public enum OfficialPyTorchModel {
    /// The `format` value in the metadata of an exported file.
    public static let formatName = "gru4rec-pytorch-official"

    /// The model's tensors under the official names and layouts, with its item ids.
    ///
    /// - Throws: `CheckpointError` (its path `export`) when the official model cannot represent the model.
    public static func export(_ model: GRU4RecModel<Float>, itemMap: ItemMap, epochsCompleted: Int = 0) throws -> SafeTensors {
        let configuration = model.configuration
        try checkRepresentable(configuration)
        var file = SafeTensors()
        func add(_ values: [Float], _ shape: [Int], _ name: String) { file.add(Tensor(values, shape: shape), named: name) }
        add(model.output.weight.scalars, model.output.weight.shape, "Wy.weight")
        add(model.output.bias.scalars, model.output.bias.shape, "By.weight")
        if let embedding = model.inputEmbedding { add(embedding.weight.scalars, embedding.weight.shape, "E.weight") }
        for (index, cell) in model.gru.layers.enumerated() {
            if configuration.inputMode == .oneHot {
                let h = cell.hiddenSize, items = model.itemCount
                let table = cell.weightIH.scalars, recurrent = cell.weightHH.scalars, bias = cell.biasIH.scalars
                add(columns(table, rows: items, width: 3 * h, blocks: [2, 0, 1], blockWidth: h), [items, 3 * h], "GE.Wx0.weight")
                add(transposed(Array(recurrent[0..<(2 * h * h)]), rows: 2 * h, columns: h), [h, 2 * h], "GE.Wrz0")
                add(transposed(Array(recurrent[(2 * h * h)...]), rows: h, columns: h), [h, h], "GE.Wh0")
                add(columns(bias, rows: 1, width: 3 * h, blocks: [2, 0, 1], blockWidth: h), [3 * h], "GE.Bh0")
            } else {
                add(cell.weightIH.scalars, cell.weightIH.shape, "G.\(index).weight_ih")
                add(cell.weightHH.scalars, cell.weightHH.shape, "G.\(index).weight_hh")
                add(cell.biasIH.scalars, cell.biasIH.shape, "G.\(index).bias_ih")
                add(cell.biasHH!.scalars, cell.biasHH!.shape, "G.\(index).bias_hh")
            }
        }
        file.metadata = [
            "format": formatName, "parameters": configuration.parameterString, "epochs_completed": String(epochsCompleted),
            "item_ids": String(decoding: try JSONSerialization.data(withJSONObject: itemMap.ids), as: UTF8.self),
        ]
        return file
    }

    /// A Nabla model from a file with the official names, in evaluation mode.
    ///
    /// The input mode and the layer sizes come from the tensors; the other hyperparameters from
    /// the metadata's `parameters` when present (they must agree with the tensors), otherwise
    /// the defaults. The item ids come from `itemIDs` when given, else from the metadata.
    ///
    /// - Parameters:
    ///   - file: the file's tensors and metadata.
    ///   - path: names the file in errors.
    ///   - itemIDs: the item ids in row order, overriding the metadata's.
    /// - Throws: `CheckpointError` for a missing, misshapen, unexpected or non-finite tensor, item
    ///   ids that are missing or do not match the item count, parameters that disagree with the
    ///   tensors, or a model that ``GRU4RecConfiguration/validate()`` refuses (such as a layer of
    ///   0 units, more than 64 layers, an embedding wider than 65,536).
    public static func importModel(_ file: SafeTensors, path: String, itemIDs: [String]? = nil) throws -> Checkpoint.Loaded<Float> {
        func fail(_ message: String) -> CheckpointError { CheckpointError(path: path, message) }
        func tensor(_ name: String) throws -> Tensor<Float> {
            guard file.entries[name] != nil else { throw fail("the tensor '\(name)' is missing") }
            do { return try file.tensor(named: name, as: Float.self, source: path) } catch { throw fail("\(error)") }
        }
        func shape(_ name: String) -> [Int]? { file.entries[name]?.shape }

        guard let outputShape = shape("Wy.weight"), outputShape.count == 2 else {
            throw fail("no output item matrix 'Wy.weight' of shape [items, hidden]: not a GRU4Rec model in the official layout")
        }
        let itemCount = outputShape[0]
        let oneHot = file.entries["GE.Wx0.weight"] != nil
        var layers: [Int] = []
        if oneHot {
            guard let wh = shape("GE.Wh0"), wh.count == 2, wh[0] == wh[1] else { throw fail("'GE.Wh0' must be a square [H, H] matrix") }
            layers.append(wh[0])
            if file.entries["G.0.weight_hh"] != nil {
                throw fail("a one-hot model with more than one layer: the official model runs only one layer in one-hot mode")
            }
        } else {
            while let recurrent = shape("G.\(layers.count).weight_hh") {
                guard recurrent.count == 2, recurrent[0] == 3 * recurrent[1] else {
                    throw fail("'G.\(layers.count).weight_hh' has shape \(recurrent), expected [3H, H]")
                }
                layers.append(recurrent[1])
            }
            guard !layers.isEmpty else { throw fail("no GRU layer: neither 'G.0.weight_hh' nor 'GE.Wh0' is present") }
        }
        let embeddingSize = shape("E.weight").map { $0.count == 2 ? $0[1] : -1 } ?? 0
        if embeddingSize < 0 { throw fail("'E.weight' must be [items, embedding]") }
        if oneHot && embeddingSize > 0 { throw fail("both 'E.weight' and the one-hot layer 'GE.*': one input mode only") }

        var configuration = GRU4RecConfiguration()
        if let parameters = file.metadata["parameters"] {
            do { configuration = try GRU4RecConfiguration(parameters: parameters) } catch {
                throw fail("the stored parameters are invalid: \(error)")
            }
        }
        let stored = configuration
        configuration.layers = layers
        configuration.embedding = embeddingSize
        configuration.constrainedEmbedding = !oneHot && embeddingSize == 0
        configuration.formulation = oneHot ? .original : .pytorch
        if file.metadata["parameters"] != nil && (stored.layers != configuration.layers || stored.inputMode != configuration.inputMode) {
            throw fail("the stored parameters (layers=\(stored.layers.map(String.init).joined(separator: "/")), \(stored.inputMode)) "
                + "disagree with the tensors (layers=\(layers.map(String.init).joined(separator: "/")), \(configuration.inputMode))")
        }
        // The sizes read from the tensors meet the same checks as every other configuration,
        // before a model is built: what is imported, evaluate and train can load.
        do { try configuration.validate() } catch {
            throw fail("the tensors describe a model that is refused: \(error)")
        }

        let ids: [String]
        if let itemIDs {
            ids = itemIDs
        } else if let text = file.metadata["item_ids"] {
            guard let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
                throw fail("the metadata's item_ids is not a JSON array")
            }
            ids = list.map { "\($0)" }
        } else {
            throw fail("the file has no item ids in its metadata: give them with --items (one id per line, in row order)")
        }
        guard ids.count == itemCount else {
            throw fail("\(ids.count) item ids for \(itemCount) rows of 'Wy.weight'")
        }
        let itemMap: ItemMap
        do { itemMap = try ItemMap(ids: ids) } catch { throw fail("\(error)") }

        let model = GRU4RecModel<Float>(configuration: configuration, itemCount: itemCount)
        var expected = ["Wy.weight", "By.weight"]
        func load(_ name: String, into parameter: Tensor<Float>, shape: [Int]? = nil, _ transform: ([Float]) -> [Float] = { $0 }) throws {
            let values = try tensor(name)
            let wanted = shape ?? parameter.shape
            guard values.shape == wanted else { throw fail("'\(name)' has shape \(values.shape), expected \(wanted)") }
            parameter.scalars = transform(values.scalars)
            expected.append(name)
        }
        try load("Wy.weight", into: model.output.weight)
        try load("By.weight", into: model.output.bias)
        if let embedding = model.inputEmbedding { try load("E.weight", into: embedding.weight) }
        for (index, cell) in model.gru.layers.enumerated() {
            let h = cell.hiddenSize
            if oneHot {
                try load("GE.Wx0.weight", into: cell.weightIH) {
                    columns($0, rows: itemCount, width: 3 * h, blocks: [1, 2, 0], blockWidth: h)
                }
                let rz = try tensor("GE.Wrz0"), wh = try tensor("GE.Wh0")
                guard rz.shape == [h, 2 * h] else { throw fail("'GE.Wrz0' has shape \(rz.shape), expected [\(h), \(2 * h)]") }
                cell.weightHH.scalars = transposed(rz.scalars, rows: h, columns: 2 * h) + transposed(wh.scalars, rows: h, columns: h)
                expected += ["GE.Wrz0", "GE.Wh0"]
                try load("GE.Bh0", into: cell.biasIH) { columns($0, rows: 1, width: 3 * h, blocks: [1, 2, 0], blockWidth: h) }
            } else {
                try load("G.\(index).weight_ih", into: cell.weightIH)
                try load("G.\(index).weight_hh", into: cell.weightHH)
                try load("G.\(index).bias_ih", into: cell.biasIH)
                try load("G.\(index).bias_hh", into: cell.biasHH!)
            }
        }
        let unexpected = Set(file.names).subtracting(expected)
        guard unexpected.isEmpty else {
            throw fail("tensors the official model does not have: \(unexpected.sorted().joined(separator: ", "))")
        }
        try SessionCheckpoint.checkFinite(model, path: path, doing: "refused")
        model.eval()
        let epochs = file.metadata["epochs_completed"].flatMap { Int($0) } ?? 0
        return Checkpoint.Loaded(model: model, itemMap: itemMap, epochsCompleted: max(0, epochs))
    }

    /// Throws when the official model has no place for part of a model of this configuration.
    static func checkRepresentable(_ configuration: GRU4RecConfiguration) throws {
        switch (configuration.inputMode, configuration.formulation) {
        case (.oneHot, .pytorch):
            throw CheckpointError(path: "export", "the official model's one-hot first layer (GRUEmbedding) computes the original GRU "
                + "formulation; train with gru_formulation=original to export a one-hot model")
        case (.oneHot, .original) where configuration.layers.count > 1:
            throw CheckpointError(path: "export", "the official model runs only one layer in one-hot mode (it indexes its G list from 1); "
                + "this model has \(configuration.layers.count)")
        case (.constrained, .original), (.embedding, .original):
            throw CheckpointError(path: "export", "the official model's layers are torch.nn.GRUCell (the PyTorch formulation); "
                + "this model uses the original formulation: train with gru_formulation=pytorch to export it")
        default:
            return
        }
    }

    /// The transpose of a row-major `rows × columns` matrix.
    static func transposed(_ values: [Float], rows: Int, columns: Int) -> [Float] {
        var result = [Float](repeating: 0, count: values.count)
        for i in 0..<rows { for j in 0..<columns { result[j * rows + i] = values[i * columns + j] } }
        return result
    }

    /// The rows of a `rows × width` matrix with their column blocks (of `blockWidth`) put in the
    /// order `blocks`: block `k` of a result row is block `blocks[k]` of the input row.
    static func columns(_ values: [Float], rows: Int, width: Int, blocks: [Int], blockWidth: Int) -> [Float] {
        var result: [Float] = []
        result.reserveCapacity(values.count)
        for row in 0..<rows {
            for block in blocks {
                let start = row * width + block * blockWidth
                result.append(contentsOf: values[start..<(start + blockWidth)])
            }
        }
        return result
    }
}
