#!/usr/bin/env bash
# Moves a model both ways between Nabla and the official PyTorch GRU4Rec and checks that both
# evaluate it alike: trains a Nabla model, evaluates it, exports it (`gru4rec export --to
# pytorch`), loads it into the official implementation with the recipe of Docs/interop.md and
# evaluates it there (evaluation.batch_eval), continues its training for one epoch with the
# official fit(), imports the result (`gru4rec import --from pytorch`) and evaluates it in Nabla.
#
#   Scripts/check-official-interop.sh OFFICIAL_CHECKOUT [DATA_FOLDER]
#
# OFFICIAL_CHECKOUT is a checkout of github.com/hidasib/GRU4Rec_PyTorch_Official that you supply;
# DATA_FOLDER holds train_full.tsv and test.tsv (default: the demo shop, generated). Needs
# Debian's python3-torch and python3-pandas and PyPI's safetensors; everything runs on the CPU.
set -euo pipefail
official=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

swift build -c release --product gru4rec >/dev/null
gru4rec=.build/release/gru4rec
if [ $# -ge 2 ]; then
    train="$2/train_full.tsv"; test="$2/test.tsv"
    parameters="loss=cross-entropy,layers=100,batch_size=32,dropout_p_hidden=0.4,learning_rate=0.2,momentum=0.2,n_sample=2048,sample_alpha=0.5,logq=1.0,n_epochs=1"
else
    "$gru4rec" generate --output "$work" >/dev/null
    train="$work/demo_train.tsv"; test="$work/demo_test.tsv"
    parameters="layers=32,batch_size=16,n_sample=64,n_epochs=2"
fi

metrics() { "$gru4rec" evaluate --model "$1" --test "$test" --cutoffs 20 2>/dev/null | awk '$1 == "GRU4Rec" { print "Recall@20", $2, "MRR@20", $3 }'; }

"$gru4rec" train --train "$train" -p "$parameters" --save "$work/nabla.safetensors" >/dev/null 2>&1
echo "Nabla evaluation of the Nabla model: $(metrics "$work/nabla.safetensors")"
"$gru4rec" export --model "$work/nabla.safetensors" --to pytorch "$work/official.safetensors"
/usr/bin/python3 Scripts/official_interop.py "$official" "$work/official.safetensors" "$train" "$test" "$work/continued-official.safetensors"
"$gru4rec" import --from pytorch "$work/continued-official.safetensors" --to "$work/continued.safetensors"
echo "Nabla evaluation of the model the official implementation continued: $(metrics "$work/continued.safetensors")"
