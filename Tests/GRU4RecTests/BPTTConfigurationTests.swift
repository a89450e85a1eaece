import GRU4Rec
import NablaSessions
import Testing

/// `bptt_steps` in GRU4Rec's configuration: written only when it is not 1 (so the official
/// parameters and the files written before it existed read as they always did), passed to the
/// trainer, and counted by the memory estimate.
@Suite struct BPTTConfigurationTests {
    @Test func theParameterStringNamesTheStepsOnlyWhenNotOne() throws {
        let official = try GRU4RecConfiguration(parameters: "layers=8,batch_size=16")
        #expect(official.bpttSteps == 1)
        #expect(!official.parameterString.contains("bptt_steps"))
        #expect(official.trainingOptions.bpttSteps == 1)

        let windowed = try GRU4RecConfiguration(parameters: "layers=8,batch_size=16,bptt_steps=4")
        #expect(windowed.parameterString.hasSuffix(",bptt_steps=4"))
        #expect(try GRU4RecConfiguration(parameters: windowed.parameterString) == windowed)
        #expect(windowed.trainingOptions.bpttSteps == 4)
        #expect(windowed.trainingOptions != official.trainingOptions)

        #expect(throws: ConfigurationError.self) { try GRU4RecConfiguration(parameters: "bptt_steps=0") }
        #expect(throws: ConfigurationError.self) { try GRU4RecConfiguration(parameters: "bptt_steps=1001") }
    }

    @Test func theMemoryEstimateHoldsTheGraphOfEveryStepOfAWindow() throws {
        let one = try GRU4RecConfiguration(parameters: "layers=100,batch_size=64,n_sample=2048")
        var five = one
        five.bpttSteps = 5
        let items = 10_000
        let parameterBytes = MemoryEstimate.trainingBytes(try GRU4RecConfiguration(parameters: "layers=100,batch_size=1,n_sample=1"),
                                                          itemCount: items)
        let stepOne = MemoryEstimate.trainingBytes(one, itemCount: items) - parameterBytes
        let stepFive = MemoryEstimate.trainingBytes(five, itemCount: items) - parameterBytes
        #expect(stepFive > 4 * stepOne && stepFive < 6 * stepOne, "\(stepOne) and \(stepFive) bytes above the parameters")
    }
}
