#!/usr/bin/env bash
# Draws the pictures of Docs/images anew: the GRU step, the four unrolled steps and the collapsed
# composed steps of Docs/visualization.md and README (Examples/VisualizeGRU, release build), the
# two pictures of tutorial 4 (the test that runs its listings draws them), then the training window
# of Docs/training.md and tutorial 2's backward pass (the tests that draw them). Run it after
# changing how graphs are drawn, and commit the pictures it writes.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product VisualizeGRU
.build/release/VisualizeGRU Docs/images
recorded=$(mktemp -d)
trap 'rm -rf "$recorded"' EXIT
# The test compares the committed pictures with what it draws, so it fails until they are copied.
NABLA_RECORD_OUTPUTS="$recorded" swift test --filter Tutorial4Tests || true
cp "$recorded"/tutorial4-gru-step.svg "$recorded"/tutorial4-gru-fading.svg Docs/images/
swift test --skip-build --filter Tutorial4Tests
NABLA_RECORD_PICTURES=1 swift test --filter "TrainingWindowPictureTests|Tutorial2Tests"
