#!/usr/bin/env bash
# Nabla and the official PyTorch GRU4Rec side by side on this machine: the official
# implementation (1 PyTorch thread) and `gru4rec benchmark` (1 thread, 2, 2 adaptive) run
# alternately on the same data and parameters, one epoch each, for ROUNDS rounds; prints the
# medians, the ranges and the ratios, with the CPU, its vector extensions and OpenBLAS's core type.
#
#   Scripts/compare-official.sh OFFICIAL_CHECKOUT [DATA_FOLDER] [ROUNDS]
#
# OFFICIAL_CHECKOUT is a checkout of github.com/hidasib/GRU4Rec_PyTorch_Official that you supply
# (it is never copied into this repository); DATA_FOLDER holds train_full.tsv and test.tsv
# (default ../shared/data/yoochoose-1_64); ROUNDS defaults to 3. Needs Debian's python3-torch and
# python3-pandas. Nabla runs with 1 thread, with 2, and with 2 and --adaptive-threads (training
# on whichever of 1 and 2 threads is faster at the time). Speeds are only comparable within one
# run of this script: a ratio measured on one machine, never a figure from one machine against
# a figure from another.
#
# Two threads of one process are fast only while the two CPUs share a cache. On a virtual
# machine the host can move them apart and back; Scripts/core-to-core-latency.c watches the
# round trip between the CPUs during the whole run (when a C compiler is present), and each
# 2-thread run is reported with the round trips seen during it.
set -euo pipefail
official=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."
data=${2:-../shared/data/yoochoose-1_64}
rounds=${3:-3}
parameters="loss=cross-entropy,layers=100,batch_size=32,dropout_p_hidden=0.4,learning_rate=0.2,momentum=0.2,n_sample=2048,sample_alpha=0.5,logq=1.0,constrained_embedding=True"
results=$(mktemp)
work=$(mktemp -d)
monitor=
trap 'if [ -n "$monitor" ]; then kill "$monitor" 2>/dev/null || true; fi; rm -rf "$results" "$work"' EXIT

swift build -c release --product gru4rec >/dev/null
# The round-trip monitor, at real-time priority where allowed so the benchmark cannot delay it.
if cc -O2 -pthread -o "$work/core-to-core-latency" Scripts/core-to-core-latency.c 2>/dev/null; then
    if chrt -f 50 true 2>/dev/null; then priority="chrt -f 50"; else priority=""; fi
    $priority "$work/core-to-core-latency" > "$work/round-trips.txt" &
    monitor=$!
fi
for round in $(seq "$rounds"); do
    echo "round $round of $rounds" >&2
    line=$(/usr/bin/python3 Scripts/official_benchmark.py "$official" "$data" "$parameters,n_epochs=1" 1 | tail -1)
    echo "{\"run\": \"official-1\", \"result\": $line}" >> "$results"
    for run in nabla-1 nabla-2 nabla-2-adaptive; do
        case $run in
            nabla-1) options="--threads 1" ;;
            nabla-2) options="--threads 2 --fixed-threads" ;;
            *) options="--threads 2 --adaptive-threads" ;;
        esac
        started=$(date +%s.%N)
        line=$(.build/release/gru4rec benchmark --data "$data" --epochs 1 $options --parameters "$parameters" --skip-micro --json | tail -1)
        echo "{\"run\": \"$run\", \"started\": $started, \"ended\": $(date +%s.%N), \"result\": $line}" >> "$results"
    done
done

if [ -n "$monitor" ]; then
    kill "$monitor" 2>/dev/null || true
    wait "$monitor" 2>/dev/null || true
    monitor=
fi

/usr/bin/python3 - "$results" "$data" "$work/round-trips.txt" <<'PYTHON'
import json, os, statistics, sys
runs, spans = {}, {}
for line in open(sys.argv[1]):
    entry = json.loads(line)
    runs.setdefault(entry["run"], []).append(entry["result"])
    spans.setdefault(entry["run"], []).append((entry.get("started"), entry.get("ended")))
def median(run, key): return statistics.median(r[key] for r in runs[run])
def spread(run, key): return f"{min(r[key] for r in runs[run]):,.0f}–{max(r[key] for r in runs[run]):,.0f}"
nabla = runs["nabla-1"][0]
print(f"machine: {nabla['cpu_model']}, {nabla['cpu_cores']} cores, vector extensions: {nabla['cpu_vector_extensions']}, "
      f"OpenBLAS core: {nabla['blas_core']}; PyTorch {runs['official-1'][0]['torch']}")
print(f"Nabla's evaluation ranks from: {nabla.get('evaluation_ranking', 'every score')}")
print(f"data: {sys.argv[2]}, official rsc15 parameters, 1 epoch, {len(runs['nabla-1'])} rounds alternated, medians (range)")
print()
print("| | official, 1 thread | Nabla, 1 thread | Nabla, 2 threads | Nabla, 2 threads, adaptive |")
print("|---|---|---|---|---|")
for key, label in [("train_events_per_second", "training, predictions/s"), ("eval_events_per_second", "evaluation, predictions/s")]:
    o, n1, n2, na = (median(run, key) for run in ("official-1", "nabla-1", "nabla-2", "nabla-2-adaptive"))
    print(f"| {label} | {o:,.0f} ({spread('official-1', key)}) | {n1:,.0f} ({spread('nabla-1', key)}), "
          f"{n1 / o:.2f}× official | {n2:,.0f} ({spread('nabla-2', key)}), {n2 / o:.2f}× official, {n2 / n1:.2f}× 1 thread "
          f"| {na:,.0f} ({spread('nabla-2-adaptive', key)}), {na / o:.2f}× official, {na / n1:.2f}× 1 thread |")
memory = [median(run, "peak_rss_bytes") / 1e6 for run in ("official-1", "nabla-1", "nabla-2", "nabla-2-adaptive")]
print(f"| peak memory, MB | {memory[0]:,.0f} | {memory[1]:,.0f} | {memory[2]:,.0f} | {memory[3]:,.0f} |")
for run in ("nabla-1", "nabla-2", "nabla-2-adaptive"):
    user, system = median(run, "user_cpu_seconds"), median(run, "system_cpu_seconds")
    print(f"{run}: CPU time user {user:.1f} s, system {system:.1f} s ({100 * system / (user + system):.1f}% system)")
accuracy = {run: (median(run, "recall_at_20"), median(run, "mrr_at_20")) for run in runs}
print("Recall@20 / MRR@20 after 1 epoch: " + ", ".join(f"{run} {r:.4f} / {m:.4f}" for run, (r, m) in accuracy.items()))
# Each 2-thread run with the round trips between the two CPUs measured while it ran.
monitor = sys.argv[3]
trips = [tuple(map(float, fields)) for fields in (line.split() for line in open(monitor)) if len(fields) == 2] \
    if os.path.exists(monitor) else []
if trips:
    print("2-thread runs and the round trip between the two CPUs while each ran (Scripts/core-to-core-latency.c):")
    for run in ("nabla-2", "nabla-2-adaptive"):
        near = []
        for (started, ended), result in zip(spans[run], runs[run]):
            during = [trip for time, trip in trips if started <= time <= ended]
            if not during: continue
            far = sum(trip > 150 for trip in during) / len(during)
            if far == 0: near.append(result["train_events_per_second"])
            print(f"  {run}: training {result['train_events_per_second']:,.0f} predictions/s; round trip median "
                  f"{statistics.median(during):.0f} ns, above 150 ns in {100 * far:.0f}% of {len(during)} samples"
                  + (f"; {result['thread_switches']} switches" if run.endswith("adaptive") else ""))
        if near:
            n1 = median("nabla-1", "train_events_per_second")
            print(f"  {run} with the CPUs close throughout: median {statistics.median(near):,.0f} "
                  f"predictions/s over {len(near)} run{'s' if len(near) > 1 else ''}, {statistics.median(near) / n1:.2f}× 1 thread")
PYTHON
