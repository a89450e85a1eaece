#!/usr/bin/env bash
# The line budget of the teaching core: the non-blank, non-comment lines of Sources/Nabla
# (tensors, autodiff, ops) must stay at or under the budget, so that a reader can take in the
# whole core. The performance layer lives in Sources/NablaKernels and is not counted.
# Prints the count per folder and in total; fails when the total is over the budget.
set -euo pipefail
cd "$(dirname "$0")/.."

budget=${1:-1300}

# Counts the lines of the Swift files given on standard input, leaving out blank lines, `//`
# comments (doc comments included) and `/* … */` blocks.
count_code_lines() {
    xargs -r cat | awk '
        /^[[:space:]]*\/\*/ { in_block = 1 }
        in_block { if ($0 ~ /\*\//) in_block = 0; next }
        /^[[:space:]]*$/ { next }
        /^[[:space:]]*\/\// { next }
        { lines++ }
        END { print lines + 0 }'
}

total=0
for folder in $(find Sources/Nabla -name '*.swift' -exec dirname {} \; | sort -u); do
    lines=$(find "$folder" -maxdepth 1 -name '*.swift' | count_code_lines)
    printf '%6d  %s\n' "$lines" "$folder"
    total=$((total + lines))
done
specializations=$(grep -rh '@_specialize' Sources/Nabla --include='*.swift' | wc -l)
printf '%6d  Sources/Nabla in total (%d of them @_specialize), budget %d\n' "$total" "$specializations" "$budget"

if [ "$total" -gt "$budget" ]; then
    echo "The teaching core has $total lines of code, over its budget of $budget: move performance code to" >&2
    echo "Sources/NablaKernels or make the core simpler." >&2
    exit 1
fi
