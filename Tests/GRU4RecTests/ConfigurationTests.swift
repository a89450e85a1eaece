import GRU4Rec
import NablaNN
import Testing

/// Hyperparameters in the official `-ps` form.
@Suite struct ConfigurationTests {
    @Test func officialDefaults() {
        let c = GRU4RecConfiguration()
        #expect(c.loss == .crossEntropy && c.layers == [100] && c.batchSize == 64 && c.learningRate == 0.05)
        #expect(c.momentum == 0 && c.sampleAlpha == 0.5 && c.sampleCount == 2048 && c.constrainedEmbedding)
        #expect(c.epochs == 10 && c.bpreg == 1 && c.eluParameter == 0.5 && c.logq == 0 && c.embedding == 0)
    }

    @Test func readsThePublishedRsc15ParameterString() throws {
        let c = try GRU4RecConfiguration(parameters: "loss=bpr-max,layers=224,batch_size=80,dropout_p_embed=0.5,dropout_p_hidden=0.05,learning_rate=0.05,momentum=0.4,n_sample=2048,sample_alpha=0.4,bpreg=1.95,elu_param=0.5,constrained_embedding=True,n_epochs=10")
        #expect(c.loss == .bprMax && c.layers == [224] && c.batchSize == 80)
        #expect(c.dropoutEmbed == 0.5 && c.dropoutHidden == 0.05 && c.momentum == 0.4 && c.sampleAlpha == 0.4)
        #expect(c.bpreg == 1.95 && c.inputMode == .constrained)
    }

    @Test func layersEmbeddingAndFormulation() throws {
        let c = try GRU4RecConfiguration(parameters: "layers=200/100,constrained_embedding=False,embedding=layersize,gru_formulation=original")
        #expect(c.layers == [200, 100])
        #expect(c.inputMode == .embedding(200))
        #expect(c.formulation == .original)
        #expect(try GRU4RecConfiguration(parameters: "constrained_embedding=0,embedding=0").inputMode == .oneHot)
    }

    @Test func parameterStringRoundTrips() throws {
        let c = try GRU4RecConfiguration(parameters: "loss=top1-max,layers=8/4,batch_size=3,logq=0.5,embedding=layersize,constrained_embedding=False,seed=9")
        #expect(try GRU4RecConfiguration(parameters: c.parameterString) == c)
    }

    @Test func unknownParameterIsNamed() {
        #expect(throws: ConfigurationError.self) { try GRU4RecConfiguration(parameters: "learnin_rate=0.1") }
        do {
            _ = try GRU4RecConfiguration(parameters: "learnin_rate=0.1")
        } catch let error as ConfigurationError {
            #expect(error.parameter == "learnin_rate")
            #expect(error.description.hasPrefix("parameter 'learnin_rate': unknown parameter; known: loss, layers"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func badValuesAreNamed() {
        let cases = ["batch_size=0": "batch_size", "dropout_p_hidden=1.5": "dropout_p_hidden", "layers=100/x": "layers",
                     "loss=hinge": "loss", "constrained_embedding=maybe": "constrained_embedding", "learning_rate=-1": "learning_rate",
                     "n_sample": "n_sample"]
        for (text, parameter) in cases {
            do {
                _ = try GRU4RecConfiguration(parameters: text)
                Issue.record("'\(text)' was accepted")
            } catch let error as ConfigurationError {
                #expect(error.parameter == parameter, "\(text): \(error)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func presetsAreTheOfficialBestSettingsAndLaterValuesOverrideThem() throws {
        let yoochoose = try GRU4RecConfiguration(parameters: "@yoochoose-xe")
        #expect(yoochoose.loss == .crossEntropy && yoochoose.layers == [480] && yoochoose.batchSize == 48)
        #expect(yoochoose.dropoutEmbed == 0 && yoochoose.dropoutHidden == 0.2 && yoochoose.learningRate == 0.07)
        #expect(yoochoose.momentum == 0 && yoochoose.sampleAlpha == 0.2 && yoochoose.logq == 1 && yoochoose.constrainedEmbedding)
        let diginetica = try GRU4RecConfiguration(parameters: "@diginetica-bprmax,n_epochs=5")
        #expect(diginetica.loss == .bprMax && diginetica.layers == [512] && diginetica.batchSize == 128 && diginetica.bpreg == 0.9)
        #expect(diginetica.eluParameter == 1 && diginetica.epochs == 5)
        for preset in GRU4RecConfiguration.presets {
            #expect(try GRU4RecConfiguration(parameters: "@\(preset.name)") == GRU4RecConfiguration(parameters: preset.parameters))
        }
        #expect(throws: ConfigurationError(parameter: "@yoochoose", "no such preset; the presets are @rsc15-xe, @yoochoose-xe, "
            + "@rees46-xe, @coveo-bprmax, @retailrocket-bprmax, @diginetica-bprmax")) {
            try GRU4RecConfiguration(parameters: "@yoochoose")
        }
    }
}
