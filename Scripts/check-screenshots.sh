#!/usr/bin/env bash
# Draws every PNG under Docs/ and Tutorials/ again from the current code, the way it was first made,
# into a temporary folder, and compares it with the committed one: a page is opened in headless
# Chromium at a fixed window size and screenshotted, a graph picture is drawn by the program that
# draws it. The two must have the same size, and at most 4 pixels may differ by more than 96 of
# 255 levels in a channel (one changed digit in the demo report's table gives 20; the committed
# reports are quantized by pngquant, whose error is at most 50 on them). A PNG without a line in the
# table below fails too.
#
# The pictures show numbers a training computed, and another CPU (other BLAS kernels, other vector
# extensions) may round a last digit differently. So the exact comparison holds on the kind of
# machine the PNGs were recorded on (Docs/images/screenshots.machine: CPU model and vector
# extensions); on another, at most 1% of the pixels may differ (a page at a wrong step differs in
# about 2.6%), and the script says which comparison it made.
#
#     Scripts/check-screenshots.sh [--record] [PNG ...]
#
# --record (or RECORD=1) writes the PNGs drawn over the committed ones instead of comparing;
# naming PNGs limits the run to them. On a failure the folder is kept, with what was drawn and a
# picture of the differing pixels. Installs Debian's chromium and python3-pil when missing (and
# pngquant for --record).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

# Every committed PNG and how it is made, one line each, fields separated by "|":
#   the PNG | what the commands leave in their folder: a page (with an optional #fragment), opened
#   in a window of WIDTHxHEIGHT, or a picture, taken as it is (window "-") | "pngquant" when the
#   screenshot is quantized to make the file small, else "-" | the commands, run in a fresh folder
#   with the debug builds of gru4rec and VisualizeGRU on the PATH and $root the repository.
# A report shows when it was written: fixed_time PAGE TIME sets that to the time the committed
# screenshot shows, the one thing on these pages that changes from run to run (the training and
# the search are seeded and run on one thread; the measured speeds lie below the window).
screenshots=(
    'Docs/images/demo-report.png          | demo-report.html | 1100x1000 | pngquant | gru4rec demo --output . > demo.log 2>&1 && fixed_time demo-report.html 2026-12-07T06:02:35Z'
    'Docs/images/tune-report.png          | t.html           | 1100x800  | pngquant | gru4rec generate --output . > generate.log && gru4rec tune --train demo_train.tsv --valid-days 1 --space "$root/Docs/tuning/demo-space.json" --trials 8 --startup-trials 4 -p n_epochs=2,n_sample=8,batch_size=32 --metric mrr --cutoff 5 --report t.html > tune.log 2>&1 && fixed_time t.html 2026-12-07T06:14:43Z'
    'Docs/images/backpropagation-page.png | step.html#step=9 | 1400x900  | -        | gru4rec generate --output . > generate.log && gru4rec draw --train demo_train.tsv -p layers=4,n_sample=4,bptt_steps=3 --slots 1 --output step.html > draw.log'
    'Docs/images/gru-unrolled.png         | gru-unrolled.png | -         | -        | VisualizeGRU . > visualize.log'
    'Docs/images/tutorial4-backpropagation-page.png | tutorial4-gru-step.html#step=11 | 1400x900 | pngquant | here="$PWD" && (cd "$root" && NABLA_RECORD_OUTPUTS="$here" swift test --skip-build --filter Tutorial4Tests > "$here/test.log" 2>&1)'
)
tolerance=96  # levels of 255 a channel may differ by
allowed=4     # pixels that may differ by more, on the kind of machine the PNGs were recorded on
allowed_elsewhere_percent=1  # the share of pixels that may differ by more, on another machine
machine_file=Docs/images/screenshots.machine
machine="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'avx2|avx512f|avx512bw|avx512vl|avx512_vnni' | sort | tr '\n' ' ' | sed 's/ $//')"

record="${RECORD:-0}"
selected=()
for argument in "$@"; do
    case "$argument" in
        --record) record=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) selected+=("$argument") ;;
    esac
done

fixed_time() {  # fixed_time PAGE TIME: the page says it was written at TIME
    sed -i -E "s/written [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/written $2/" "$1"
    grep -q "written $2" "$1" || { echo "$1 does not say when it was written"; return 1; }
}

work="$(mktemp -d "${TMPDIR:-/tmp}/nabla-screenshots.XXXXXX")"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
install_packages() {
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" > "$work/apt.log"
}
[ -n "$(command -v chromium)" ] || install_packages chromium
# The fonts the PNGs were drawn with (Chromium and Graphviz find them through fontconfig).
fonts=(fonts-dejavu-core fonts-dejavu-extra fonts-liberation)
dpkg -s "${fonts[@]}" > /dev/null 2>&1 || install_packages "${fonts[@]}"
if [ "$record" = 1 ] && [ -z "$(command -v pngquant)" ]; then install_packages pngquant; fi
# Pillow decodes the PNGs: the python3 on the PATH if it has it, else Debian's with python3-pil.
has_pillow() { "$1" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('PIL') is None)"; }
python=python3
if ! has_pillow python3; then
    python=/usr/bin/python3
    has_pillow "$python" || install_packages python3-pil
fi

# Every PNG must have its line.
listed=$(for entry in "${screenshots[@]}"; do echo "${entry%%|*}" | tr -d ' '; done | sort)
unlisted=$(find Docs Tutorials -name '*.png' | sort | comm -23 - <(echo "$listed"))
if [ -n "$unlisted" ]; then
    echo "FAIL: no line in Scripts/check-screenshots.sh says how these are made:"; echo "$unlisted"; rm -rf "$work"; exit 1
fi

swift build --build-tests 2>&1 | tail -1  # the programs, and the tests that run tutorial listings
export PATH="$(swift build --show-bin-path):$PATH" root
if [ "$record" = 1 ]; then
    echo "$machine" > "$machine_file"
elif [ "$(cat "$machine_file")" != "$machine" ]; then
    echo "recorded on: $(cat "$machine_file")"
    echo "drawn on:    $machine"
    echo "another kind of machine: at most ${allowed_elsewhere_percent}% of each picture's pixels may differ"
    allowed=-1
fi

# compare.py COMMITTED DRAWN DIFFERENCE: the drawing against the committed PNG.
cat > "$work/compare.py" <<'PY'
import sys
from PIL import Image, ImageChops
committed_path, drawn_path, difference_path = sys.argv[1:4]
tolerance, allowed, allowed_percent = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
committed, drawn = Image.open(committed_path).convert("RGBA"), Image.open(drawn_path).convert("RGBA")
if allowed < 0:  # another kind of machine: a share of the pixels
    allowed = int(committed.size[0] * committed.size[1] * allowed_percent / 100)
if committed.size != drawn.size:
    print(f"FAIL {committed_path}: {committed.size[0]}x{committed.size[1]} committed, {drawn.size[0]}x{drawn.size[1]} drawn")
    sys.exit(1)
# The largest difference of any channel, per pixel; the pixels above the tolerance in white.
channels = ImageChops.difference(committed, drawn).split()
largest = channels[0]
for channel in channels[1:]:
    largest = ImageChops.lighter(largest, channel)
differing = largest.point(lambda level: 255 if level > tolerance else 0)
count = differing.histogram()[255]
if count > allowed:
    differing.save(difference_path)
    print(f"FAIL {committed_path}: {count} pixels differ by more than {tolerance} levels (at most {allowed} may), "
          f"within {differing.getbbox()}; drawn: {drawn_path}, differing pixels: {difference_path}")
    sys.exit(1)
print(f"ok {committed_path}: {drawn.size[0]}x{drawn.size[1]}, {count} pixels differ by more than {tolerance} levels, "
      f"largest difference {largest.getextrema()[1]}")
PY
compare() {  # compare PNG DRAWN NAME
    "$python" "$work/compare.py" "$1" "$2" "$work/$3.difference.png" "$tolerance" "$allowed" "$allowed_elsewhere_percent"
}
screenshot() {  # screenshot PAGE WINDOW DRAWN LOG
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=2000 \
        --run-all-compositor-stages-before-draw --user-data-dir="$work/profile" \
        --window-size="${2/x/,}" --screenshot="$3" "file://$1" > "$4" 2>&1 || true
    [ -s "$3" ]
}

failed=0
for entry in "${screenshots[@]}"; do
    IFS='|' read -r png made window quantize commands <<< "$entry"
    for field in png made window quantize; do read -r "$field" <<< "${!field}"; done  # trims the spaces
    if [ ${#selected[@]} -gt 0 ] && [[ " ${selected[*]} " != *" $png "* ]]; then continue; fi
    name=$(basename "$png" .png)
    folder="$work/$name"; mkdir -p "$folder"
    if ! (cd "$folder" && eval "$commands"); then
        echo "FAIL $png: the commands failed (logs in $folder)"; failed=1; continue
    fi
    drawn="$work/$name.png"
    if [ "$window" = "-" ]; then
        cp "$folder/$made" "$drawn"
    elif ! screenshot "$folder/$made" "$window" "$drawn" "$folder/chromium.log"; then
        echo "FAIL $png: no screenshot (see $folder/chromium.log)"; failed=1; continue
    fi
    if [ "$record" = 1 ]; then
        if [ "$quantize" = pngquant ]; then
            pngquant --force --quality=70-90 --output "$png" "$drawn"
        else
            cp "$drawn" "$png"
        fi
        echo "recorded $png"
        continue
    fi
    # The screenshot as drawn is compared, before any quantizing: pngquant picks its palette from
    # the whole picture, so two nearly equal screenshots may be given different colours. A page is
    # screenshotted once more before it fails: on a loaded machine Chromium has been seen to leave
    # a tile of the page unpainted.
    if ! compare "$png" "$drawn" "$name"; then
        if [ "$window" = "-" ] || ! screenshot "$folder/$made" "$window" "$drawn" "$folder/chromium-again.log" \
            || ! compare "$png" "$drawn" "$name"; then
            failed=1
        fi
    fi
done

if [ "$failed" -ne 0 ]; then echo "screenshot check FAILED; files kept in $work"; exit 1; fi
if [ "$record" = 1 ]; then echo "screenshots recorded; commit them"; else echo "screenshots match what the code draws"; fi
rm -rf "$work"
