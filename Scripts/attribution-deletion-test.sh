#!/usr/bin/env bash
# The faithfulness check of attributions on ../shared/data/rsc15-100k (release build): trains
# GRU4Rec with the official rsc15 parameters (seed 42) unless the model file already exists, then
# runs `gru4rec explain --deletion-test` on 1,000 test sessions, explaining the real next item and
# then the top recommendation. Skips, with a message, when the shared data is absent.
#
#     Scripts/attribution-deletion-test.sh [model-file]      (default /tmp/nabla-rsc15-100k.safetensors)
set -euo pipefail
cd "$(dirname "$0")/.."

data=../shared/data/rsc15-100k
if [ ! -f "$data/train_full.tsv" ] || [ ! -f "$data/test.tsv" ]; then
    echo "attribution deletion test skipped: $data is absent"
    exit 0
fi
model=${1:-/tmp/nabla-rsc15-100k.safetensors}

swift build -c release --product gru4rec
if [ ! -f "$model" ]; then
    parameters="loss=cross-entropy,layers=100,batch_size=32,dropout_p_hidden=0.4,learning_rate=0.2,momentum=0.2,n_sample=2048,sample_alpha=0.5,logq=1.0,constrained_embedding=True,n_epochs=10"
    .build/release/gru4rec train --train "$data/train_full.tsv" --test "$data/test.tsv" -p "$parameters" --save "$model"
fi
for target in next-item top; do
    echo
    .build/release/gru4rec explain --model "$model" --deletion-test "$data/test.tsv" --sessions 1000 \
        --deletion-target "$target" --method ig --steps 64
done
