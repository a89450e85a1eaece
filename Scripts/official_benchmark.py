#!/usr/bin/python3
"""Times the official PyTorch GRU4Rec the way its run.py trains and evaluates, for side-by-side
comparisons with `gru4rec benchmark` (Scripts/compare-official.sh).

    official_benchmark.py OFFICIAL_CHECKOUT DATA_FOLDER PARAMETERS THREADS

Trains on DATA_FOLDER/train_full.tsv with the parameter string PARAMETERS (official names) on
the CPU with THREADS PyTorch threads, evaluates on DATA_FOLDER/test.tsv (Recall@20 and MRR@20,
conservative ranks, batch size 512 as run.py uses), and prints one JSON object: training
events/s as the official fit() reports it (predictions per second of epoch time), evaluation
events/s, the accuracy and the peak resident memory. Needs Debian's python3-torch and
python3-pandas.
"""
import contextlib
import io
import json
import re
import resource
import sys
import time

import pandas as pd
import torch

official, folder, parameters, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, official)
import evaluation  # noqa: E402
from gru4rec_pytorch import GRU4Rec  # noqa: E402

torch.set_num_threads(threads)


def load(path):
    return pd.read_csv(path, sep="\t", usecols=["SessionId", "ItemId", "Time"], dtype={"SessionId": "int32", "ItemId": "str"})


train, test = load(f"{folder}/train_full.tsv"), load(f"{folder}/test.tsv")
gru = GRU4Rec(device=torch.device("cpu"))
with contextlib.redirect_stdout(io.StringIO()):
    gru.set_params(**dict(pair.split("=", 1) for pair in parameters.split(",")))
log = io.StringIO()
with contextlib.redirect_stdout(log):
    gru.fit(train)
epochs = re.findall(r"\((\d+\.\d+)s\).*\| (\d+) e/s\]", log.getvalue())
train_seconds = sum(float(seconds) for seconds, _ in epochs)
train_rate = sum(float(seconds) * int(rate) for seconds, rate in epochs) / train_seconds

# The official item map holds int32 rows; PyTorch before 2.0 indexes only with int64 ones.
gru.data_iterator.itemidmap = gru.data_iterator.itemidmap.astype("int64")
known = test[test["ItemId"].isin(gru.data_iterator.itemidmap.index)]
predictions = int((known.groupby("SessionId").size() - 1).clip(lower=0).sum())
start = time.time()
with contextlib.redirect_stdout(io.StringIO()):
    recall, mrr = evaluation.batch_eval(gru, test, cutoff=[20], batch_size=512, mode="conservative")
eval_seconds = time.time() - start

print(json.dumps({
    "train_events_per_second": train_rate, "train_seconds": train_seconds,
    "eval_events_per_second": predictions / eval_seconds, "eval_seconds": eval_seconds, "predictions": predictions,
    "recall_at_20": float(recall[20]), "mrr_at_20": float(mrr[20]),
    "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    "threads": threads, "torch": torch.__version__,
}))
