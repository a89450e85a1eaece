#!/usr/bin/python3
"""Runs Docs/interop.md's recipes with the official PyTorch GRU4Rec.

    official_interop.py OFFICIAL_CHECKOUT EXPORTED.safetensors TRAIN.tsv TEST.tsv CONTINUED.safetensors

1. Loads a model exported by `gru4rec export --to pytorch` into the official GRU4RecModel and
   evaluates it with the official evaluation.batch_eval (Recall@20, MRR@20, conservative ranks).
2. Continues its training for one epoch with the official fit(), and writes the result under the
   official names with the item ids, for `gru4rec import --from pytorch`; evaluates that too.

Needs Debian's python3-torch and python3-pandas and PyPI's safetensors; runs on the CPU.
"""
import json
import sys
import types

import numpy as np
import pandas as pd
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

official_checkout, exported, train_path, test_path, continued = sys.argv[1:6]
sys.path.insert(0, official_checkout)
import evaluation  # noqa: E402
import gru4rec_pytorch as official  # noqa: E402

device = torch.device("cpu")
OFFICIAL_PARAMETERS = {"loss", "layers", "batch_size", "dropout_p_embed", "dropout_p_hidden", "learning_rate", "momentum",
                       "sample_alpha", "n_sample", "embedding", "constrained_embedding", "n_epochs", "bpreg", "elu_param", "logq"}


# snippet: interop-load
def load_exported(path, device):
    """An official GRU4Rec object holding the model of a file written by `gru4rec export`."""
    with safe_open(path, framework="pt") as file:
        metadata = file.metadata()
    item_ids = json.loads(metadata["item_ids"])                       # row order = the item map's index
    parameters = dict(pair.split("=", 1) for pair in metadata["parameters"].split(","))
    gru = official.GRU4Rec(device=device)
    gru.set_params(**{key: value for key, value in parameters.items() if key in OFFICIAL_PARAMETERS})
    gru.model = official.GRU4RecModel(len(item_ids), gru.layers, gru.dropout_p_embed, gru.dropout_p_hidden,
                                      gru.embedding, gru.constrained_embedding).to(device)
    gru.model.load_state_dict(load_file(path, device=str(device)))
    gru.model.eval()
    item_map = pd.Series(data=np.arange(len(item_ids), dtype="int64"), index=item_ids, name="ItemIdx")
    gru.data_iterator = types.SimpleNamespace(itemidmap=item_map)     # what evaluation and fit read
    gru.error_during_train = False
    return gru, item_map
# end snippet


def read_sessions(path):
    return pd.read_csv(path, sep="\t", usecols=["SessionId", "ItemId", "Time"],
                       dtype={"SessionId": "int32", "ItemId": "str"})


def report(label, gru, test):
    recall, mrr = evaluation.batch_eval(gru, test, cutoff=[20], batch_size=100, mode="conservative")
    print(f"{label}: Recall@20 {recall[20]:.6f} MRR@20 {mrr[20]:.6f}", flush=True)


train, test = read_sessions(train_path), read_sessions(test_path)
gru, item_map = load_exported(exported, device)
report("official evaluation of the exported model", gru, test)

# snippet: interop-continue
# fit() builds a fresh model and a fresh item map; hand it the loaded ones instead.
loaded_model = gru.model
official.GRU4RecModel = lambda *arguments, **options: loaded_model
make_iterator = official.SessionDataIterator
official.SessionDataIterator = lambda *arguments, **options: make_iterator(*arguments, **{**options, "itemidmap": item_map})
gru.n_epochs = 1
gru.fit(train, compatibility_mode=False)                             # False: keep the loaded weights
gru.model.eval()
# end snippet
report("official evaluation after one more official epoch", gru, test)

metadata = {"item_ids": json.dumps(list(item_map.index)),
            "parameters": ",".join(f"{key}={value}" for key, value in
                                   [("layers", "/".join(map(str, gru.layers))), ("embedding", gru.embedding),
                                    ("constrained_embedding", gru.constrained_embedding), ("loss", gru.loss)])}
save_file({name: tensor.detach().cpu().contiguous() for name, tensor in gru.model.state_dict().items()}, continued, metadata)
print(f"wrote {continued}")
