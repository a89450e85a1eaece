#!/usr/bin/env bash
# The tuning run of Docs/gru4rec.md: tunes GRU4Rec (cross-entropy) on ../shared/data/yoochoose-1_64,
# its train_full split by time into a training part and a validation part the size of the test
# set, then trains the best setting on all of train_full for 10 epochs and evaluates it on test.
# The journal (default /tmp/nabla-tune-yoochoose.jsonl) lets an interrupted run continue: run the
# script again. Skips, with a message, when the shared data is absent.
#
#     Scripts/tune-yoochoose.sh [trials] [journal]
set -euo pipefail
cd "$(dirname "$0")/.."

data=../shared/data/yoochoose-1_64
if [ ! -f "$data/train_full.tsv" ] || [ ! -f "$data/test.tsv" ]; then
    echo "tuning run skipped: $data is absent"
    exit 0
fi
trials=${1:-40}
journal=${2:-/tmp/nabla-tune-yoochoose.jsonl}

swift build -c release --product gru4rec
# The time column of yoochoose-1_64 is synthetic (1,000 per session), so one "day" holds 86
# sessions; 177.4 days make a validation part of 15,189 sessions, the size of the test set's real day.
.build/release/gru4rec tune --train "$data/train_full.tsv" --valid-days 177.4 --space Docs/tuning/yoochoose-1_64-space.json \
    --trials "$trials" --startup-trials 5 -p loss=cross-entropy,logq=1,constrained_embedding=True,n_sample=2048,n_epochs=2 \
    --metric mrr --journal "$journal" --threads 1 | tee /tmp/nabla-tune-yoochoose.log
best=$(tail -n 1 /tmp/nabla-tune-yoochoose.log | sed 's/^-p //')
.build/release/gru4rec train --train "$data/train_full.tsv" --test "$data/test.tsv" -p "$best" --n-epochs 10 --threads 1
