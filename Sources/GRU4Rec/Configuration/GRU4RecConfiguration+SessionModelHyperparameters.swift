import NablaSessions

/// GRU4Rec's configuration is the hyperparameters of a session model: what lets the command-line
/// library train, tune, save and load GRU4Rec as it does any registered model.
extension GRU4RecConfiguration: SessionModelHyperparameters {}
