extension GRU4RecConfiguration {
    /// The official per-dataset best settings, by preset name; a parameter string names one as
    /// `@name` (`-p @yoochoose-xe`, or `-p @yoochoose-xe,n_epochs=5` to change a value after it).
    ///
    /// Each is a parameter file of the official PyTorch GRU4Rec (`paramfiles/*_best.py`), found by
    /// its authors' search on that dataset (Optuna over the official parameter spaces; a local
    /// search with 100 units for RSC15, as its README explains); Docs/gru4rec.md lists the sources.
    public static let presets: [(name: String, parameters: String)] = [
        ("rsc15-xe", "loss=cross-entropy,constrained_embedding=True,embedding=0,elu_param=0,layers=100,n_epochs=10,batch_size=32,"
            + "dropout_p_embed=0.0,dropout_p_hidden=0.4,learning_rate=0.2,momentum=0.2,n_sample=2048,sample_alpha=0.5,bpreg=0.0,logq=1.0"),
        ("yoochoose-xe", "loss=cross-entropy,constrained_embedding=True,embedding=0,elu_param=0,layers=480,n_epochs=10,batch_size=48,"
            + "dropout_p_embed=0.0,dropout_p_hidden=0.2,learning_rate=0.07,momentum=0.0,n_sample=2048,sample_alpha=0.2,bpreg=0.0,logq=1.0"),
        ("rees46-xe", "loss=cross-entropy,constrained_embedding=True,embedding=0,elu_param=0,layers=512,n_epochs=10,batch_size=240,"
            + "dropout_p_embed=0.45,dropout_p_hidden=0.0,learning_rate=0.065,momentum=0.0,n_sample=2048,sample_alpha=0.5,bpreg=0.0,logq=1.0"),
        ("coveo-bprmax", "loss=bpr-max,constrained_embedding=True,embedding=0,elu_param=1,layers=512,n_epochs=10,batch_size=144,"
            + "dropout_p_embed=0.35,dropout_p_hidden=0.0,learning_rate=0.05,momentum=0.4,n_sample=2048,sample_alpha=0.2,bpreg=1.85,logq=0.0"),
        ("retailrocket-bprmax", "loss=bpr-max,constrained_embedding=True,embedding=0,elu_param=0.5,layers=224,n_epochs=10,batch_size=80,"
            + "dropout_p_embed=0.5,dropout_p_hidden=0.05,learning_rate=0.05,momentum=0.4,n_sample=2048,sample_alpha=0.4,bpreg=1.95,logq=0.0"),
        ("diginetica-bprmax", "loss=bpr-max,constrained_embedding=True,embedding=0,elu_param=1,layers=512,n_epochs=10,batch_size=128,"
            + "dropout_p_embed=0.5,dropout_p_hidden=0.3,learning_rate=0.05,momentum=0.15,n_sample=2048,sample_alpha=0.3,bpreg=0.9,logq=0.0"),
    ]

    /// The parameters of the preset `name` (without its `@`).
    ///
    /// - Parameter name: A preset's name, such as `yoochoose-xe`.
    /// - Throws: `ConfigurationError` listing the presets when there is none of that name.
    public static func preset(named name: String) throws -> String {
        guard let preset = presets.first(where: { $0.name == name }) else {
            throw ConfigurationError(parameter: "@\(name)", "no such preset; the presets are "
                + presets.map { "@\($0.name)" }.joined(separator: ", "))
        }
        return preset.parameters
    }
}
