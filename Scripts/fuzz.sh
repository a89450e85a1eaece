#!/usr/bin/env bash
# A short fuzzing run of every parser of outside input (release build): INPUTS mutated inputs per
# parser (default 50,000). The long run's figures are in Docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product NablaFuzz
.build/release/NablaFuzz "${1:-50000}" "${2:-1}"
