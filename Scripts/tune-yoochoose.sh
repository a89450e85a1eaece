#!/usr/bin/env bash
# The tuning run of Docs/gru4rec.md: tunes GRU4Rec (cross-entropy) on ../shared/data/yoochoose-1_64,
# its train_full split by time into a training part and a validation part the size of the test
# set, then trains the best setting on all of train_full for 10 epochs and evaluates it on test.
# The journal (default /tmp/nabla-tune-yoochoose.jsonl) lets an interrupted run continue: run the
# script again. Skips, with a message, when the shared data is absent. The work is
# Scripts/tune-session-models.sh's (its comment gives the split and the fixed values).
#
#     Scripts/tune-yoochoose.sh [trials] [journal]
set -euo pipefail
cd "$(dirname "$0")/.."

NABLA_TUNE_JOURNAL=${2:-/tmp/nabla-tune-yoochoose.jsonl} \
    exec Scripts/tune-session-models.sh gru4rec yoochoose-1_64 1 "${1:-40}" 2 10
