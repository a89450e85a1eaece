#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer (with LeakSanitizer) and ThreadSanitizer, each in a
# build folder of its own. Third-party leaks are suppressed; see Scripts/lsan-suppressions.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
LSAN_OPTIONS="suppressions=$PWD/Scripts/lsan-suppressions.txt" swift test --sanitize=address --scratch-path .build-asan
swift test --sanitize=thread --scratch-path .build-tsan
