#!/usr/bin/env bash
# Draws the pictures of Docs/images anew with a release build: the GRU step and the four unrolled
# steps of Docs/visualization.md (Examples/VisualizeGRU), then the training window of
# Docs/training.md and tutorial 2's backward pass (the tests that draw them). Run it after
# changing how graphs are drawn, and commit the pictures it writes.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product VisualizeGRU
.build/release/VisualizeGRU Docs/images
NABLA_RECORD_PICTURES=1 swift test --filter "TrainingWindowPictureTests|Tutorial2Tests"
