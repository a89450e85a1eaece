#!/usr/bin/env bash
# Builds the DocC documentation of every public module; any DocC warning fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in NablaKernels Nabla NablaNN NablaGraphviz NablaTuning NablaSessions GRU4Rec NARM NablaPages NablaCommandLine; do
    swift package --disable-sandbox generate-documentation --target "$target" --warnings-as-errors
done
