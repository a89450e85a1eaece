import NARM

/// A small NARM in Double, without dropout, for gradient checks.
func smallNARM(window: Int = 3, attention: String = "scores", itemCount: Int = 6, seed: UInt64 = 1) throws -> NARMModel<Double> {
    var configuration = NARMConfiguration()
    try configuration.set("embedding=3,hidden=4,window=\(window),attention=\(attention),dropout_p_embed=0,dropout_p_hidden=0,seed=\(seed)")
    return NARMModel(configuration: configuration, itemCount: itemCount)
}
