#!/usr/bin/env bash
# Tunes one session model with its command's `tune` on a validation split, then trains the best
# setting on all of train_full and evaluates it on test (Docs/narm.md, "Measured: tuned accuracy
# and speed"; Docs/gru4rec.md, "Measured: tuning on yoochoose-1_64").
#
#     Scripts/tune-session-models.sh MODEL DATASET K [TRIALS] [TRIAL_EPOCHS] [FINAL_EPOCHS]
#
# MODEL is gru4rec or narm; DATASET a folder of ../shared/data (or of $NABLA_DATA); K the
# number of steps backpropagated through (bptt_steps). Defaults: 40 trials of 2 epochs, 10 final
# epochs; 0 final epochs stops after the search (run again with more trials to extend it). Every
# model is tuned with the same fixed values: cross-entropy with logQ 1 and 2048 shared samples
# (GRU4Rec's rsc15 setting; GRU4Rec also ties its embedding to the output), MRR@20 maximised on the
# validation data, 5 random start-up trials, median pruning, one thread. The space is
# Docs/tuning/yoochoose-1_64-space.json for GRU4Rec, Docs/tuning/narm-space.json for NARM.
#
# Validation: the dataset's train_tr.tsv/train_valid.tsv when it has them; otherwise train_full.tsv
# split by the last-day rule (`--valid-days`): yoochoose-1_64's time column is synthetic (1,000 per
# session), so one of its "days" holds 86 sessions and 177.4 of them make a validation part of
# 15,189 sessions, the size of the test set's real day; other datasets take 1 day, or
# $NABLA_VALID_DAYS.
#
# The journal ($NABLA_TUNE_JOURNAL, default $NABLA_TUNE_DIR/MODEL-DATASET-kK.jsonl, the folder
# /tmp/nabla-tune by default) lets an interrupted run continue: run the script again. The tuning
# and final logs go next to it. Skips, with a message, when the data is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: Scripts/tune-session-models.sh gru4rec|narm DATASET K [TRIALS] [TRIAL_EPOCHS] [FINAL_EPOCHS]"
[ $# -ge 3 ] || { echo "$usage" >&2; exit 2; }
model=$1 dataset=$2 k=$3
trials=${4:-40} trial_epochs=${5:-2} final_epochs=${6:-10}
case "$model" in
    gru4rec) space=Docs/tuning/yoochoose-1_64-space.json; model_fixed=constrained_embedding=True, ;;
    narm) space=Docs/tuning/narm-space.json; model_fixed= ;;
    *) echo "$usage" >&2; exit 2 ;;
esac

data=${NABLA_DATA:-../shared/data}/$dataset
if [ ! -f "$data/train_full.tsv" ] || [ ! -f "$data/test.tsv" ]; then
    echo "tuning run skipped: $data is absent"
    exit 0
fi
if [ -f "$data/train_tr.tsv" ] && [ -f "$data/train_valid.tsv" ]; then
    split=(--train "$data/train_tr.tsv" --valid "$data/train_valid.tsv")
else
    case "$dataset" in yoochoose-1_64) days=177.4 ;; *) days=${NABLA_VALID_DAYS:-1} ;; esac
    split=(--train "$data/train_full.tsv" --valid-days "$days")
fi

run=$model-$dataset-k$k
dir=${NABLA_TUNE_DIR:-/tmp/nabla-tune}
mkdir -p "$dir"
journal=${NABLA_TUNE_JOURNAL:-$dir/$run.jsonl}
fixed=loss=cross-entropy,logq=1,${model_fixed}n_sample=2048,bptt_steps=$k,n_epochs=$trial_epochs

swift build -c release --product "$model"
bin=.build/release/$model
echo "$bin tune ${split[*]} --space $space --trials $trials --startup-trials 5 -p $fixed --metric mrr --journal $journal --threads 1"
"$bin" tune "${split[@]}" --space "$space" --trials "$trials" --startup-trials 5 -p "$fixed" \
    --metric mrr --journal "$journal" --threads 1 | tee "$dir/$run-tune.log"
best=$(tail -n 1 "$dir/$run-tune.log" | sed -n 's/^-p //p')
[ -n "$best" ] || { echo "no best setting in $dir/$run-tune.log" >&2; exit 1; }
[ "$final_epochs" -gt 0 ] || exit 0
best=$(echo "$best" | sed "s/n_epochs=[0-9]*/n_epochs=$final_epochs/")
echo "$bin train --train $data/train_full.tsv --test $data/test.tsv -p $best --threads 1"
"$bin" train --train "$data/train_full.tsv" --test "$data/test.tsv" -p "$best" --threads 1 \
    | tee "$dir/$run-final.log"
