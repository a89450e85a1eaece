#!/usr/bin/env bash
# Trains GRU4Rec with the official rsc15 parameters on ../shared/data/rsc15-100k (release build)
# and checks the accuracy bounds: Recall@20 >= 0.665 and MRR@20 >= 0.350 (conservative ranking).
# Skips, with a message, when the shared data is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

data=../shared/data/rsc15-100k
if [ ! -f "$data/train_full.tsv" ] || [ ! -f "$data/test.tsv" ]; then
    echo "accuracy check skipped: $data is absent"
    exit 0
fi

swift build -c release --product gru4rec
parameters="loss=cross-entropy,layers=100,batch_size=32,dropout_p_hidden=0.4,learning_rate=0.2,momentum=0.2,n_sample=2048,sample_alpha=0.5,logq=1.0,constrained_embedding=True,n_epochs=10"
.build/release/gru4rec train --train "$data/train_full.tsv" --test "$data/test.tsv" -p "$parameters" --json 2>/dev/null | tee /tmp/nabla-accuracy.log
tail -n 1 /tmp/nabla-accuracy.log | python3 -c '
import json, sys
r = json.load(sys.stdin)
recall, mrr = r["recall_at_20"], r["mrr_at_20"]
ok = recall >= 0.665 and mrr >= 0.350
print("rsc15-100k accuracy: Recall@20 %.4f (bound 0.665), MRR@20 %.4f (bound 0.350): %s" % (recall, mrr, "ok" if ok else "BELOW BOUND"))
sys.exit(0 if ok else 1)
'
