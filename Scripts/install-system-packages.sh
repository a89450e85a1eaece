#!/usr/bin/env bash
# Installs the Debian packages Nabla builds against, if they are missing:
#   libopenblas-dev (matrix products), libgraphviz-dev (drawing computation graphs)
#   and pkg-config (how SwiftPM finds both).
# Uses sudo when not run as root. Prints nothing when everything is present.
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists openblas; then
    missing+=(libopenblas-dev)
fi
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libgvc; then
    missing+=(libgraphviz-dev)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "Installing missing system packages: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
