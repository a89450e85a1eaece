// GRU4Rec is one model on the session machinery: whoever imports GRU4Rec gets the machinery's
// data, batches, trainer, evaluator and checkpoints with it.
@_exported import NablaSessions
