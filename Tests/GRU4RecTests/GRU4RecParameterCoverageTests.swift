import Foundation
import GRU4Rec
import Nabla
import NablaNN
import Testing

/// GRU4Rec lists every tensor its loss reaches, in each input mode and formulation, composed or
/// fused, so the trainer's first-step check passes it.
@Suite struct GRU4RecParameterCoverageTests {
    func demoData() throws -> SessionData {
        try SessionData.training(SessionTSVReader.parse(Data(DemoShop.sessions(count: 100).utf8), source: "demo.tsv"), source: "demo.tsv")
    }

    @Test(arguments: ["layers=4,embedding=0,constrained_embedding=True", "layers=4/3,embedding=5,constrained_embedding=False,dropout_p_hidden=0.2",
                      "layers=4,embedding=0,constrained_embedding=False,gru_formulation=original"])
    func gru4recListsEveryTensorItTrains(parameters: String) throws {
        let data = try demoData()
        let configuration = try GRU4RecConfiguration(parameters: parameters + ",batch_size=4,n_sample=3")
        let model = GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count)
        try model.checkParameters(cover: SessionTrainer(model: model, data: data).lossOfFirstStep())
        try model.checkParameters(cover: withComposedOps { SessionTrainer(model: model, data: data).lossOfFirstStep() })
    }
}
