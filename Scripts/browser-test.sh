#!/usr/bin/env bash
# Opens the backpropagation page of a small GRU4Rec training step in headless Chromium at several
# steps of the backward pass (and one of the forward pass), and checks what the page shows: the
# highlighted node is the op the embedded trace names for that step, the nodes whose gradient is
# complete are marked and no others, the gradients shown (the op's own and what it sent to each
# input) equal the ones Nabla computed, and no
# script error reached the console. Writes a screenshot per step into its own temporary folder
# (kept when a check fails; set KEEP=1 to keep it always). Installs Debian's chromium if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium > /dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update && $sudo apt-get install -y chromium
fi

swift build --product gru4rec 2>&1 | tail -1
gru4rec="$(swift build --show-bin-path)/gru4rec"
work="$(mktemp -d "${TMPDIR:-/tmp}/nabla-browser-test.XXXXXX")"
"$gru4rec" generate --output "$work" > "$work/generate.log"
"$gru4rec" draw --train "$work/demo_train.tsv" -p layers=4,n_sample=4 --slots 1 --output "$work/step.html" > "$work/draw.log"
page="$work/step.html"

failed=0
check() {  # check ADDRESS_FRAGMENT NAME
    local fragment="$1" name="$2"
    chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=2000 --enable-logging=stderr --v=0 \
        --user-data-dir="$work/profile" --dump-dom "file://$page#$fragment" > "$work/$name.dom" 2> "$work/$name.log" || true
    chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=2000 --hide-scrollbars \
        --user-data-dir="$work/profile" --window-size=1400,900 --screenshot="$work/$name.png" \
        "file://$page#$fragment" > "$work/$name.screenshot.log" 2>&1 || true
    if grep -E "Uncaught|CONSOLE.*(Error|error)" "$work/$name.log"; then
        echo "FAIL $name: a script error reached the console"; failed=1
    fi
    [ -s "$work/$name.png" ] || { echo "FAIL $name: no screenshot"; failed=1; }
    python3 - "$page" "$work/$name.dom" "$fragment" <<'PY' || failed=1
import html, json, re, sys
page, dom, fragment = open(sys.argv[1], encoding="utf-8").read(), open(sys.argv[2], encoding="utf-8").read(), sys.argv[3]
trace = json.loads(re.search(r'<script type="application/json" id="trace">(.*?)</script>', page, re.S).group(1))
parameters = dict(part.split("=") for part in fragment.split("&"))
mode, step = parameters.get("mode", "backward"), int(parameters["step"])
order = [s["node"] for s in trace["backward"]] if mode == "backward" else trace["forward"]
expected = order[step]
# Every drawn node: its id (from <title>n<id></title>) and its classes.
classes = {int(m.group(2)): m.group(1).split() for m in
           re.finditer(r'<g id="[^"]*" class="([^"]*)">\s*<title>n(\d+)</title>', dom)}
problems = []
if not classes: problems.append("no node found in the DOM")
current = [i for i, c in classes.items() if "current" in c]
if current != [expected]: problems.append(f"highlighted {current}, the trace names n{expected}")
for node in trace["nodes"]:
    if node["id"] not in classes: continue
    if mode == "backward":
        done = node.get("gradientCompleteAfterStep") is not None and node["gradientCompleteAfterStep"] <= step
    else:
        done = node.get("op") is None or trace["forward"].index(node["id"]) <= step
    if done != ("done" in classes[node["id"]]):
        problems.append(f"n{node['id']} marked done={not done}, expected {done}")
node = trace["nodes"][expected]
shown_id = "output-gradient" if mode == "backward" else "output-value"
shown = re.search(rf'<p id="{shown_id}">(.*?)</p>', dom, re.S)
summary = node["gradient"] if mode == "backward" else node["value"]
if not shown: problems.append(f"no #{shown_id} in the panel")
else:
    norm = re.match(r"‖·‖ = ([^,]+),", html.unescape(shown.group(1)))
    if not norm or float(norm.group(1)) != summary["norm"]:
        problems.append(f"shown {shown.group(1)!r}, Nabla computed norm {summary['norm']}")
if mode == "backward":
    # What the derivative sent to each input, as recorded, in the input list's order.
    sent_shown = [html.unescape(m) for m in re.findall(r'<div class="sent">sent: (.*?)</div>', dom, re.S)]
    sent = trace["backward"][step].get("sent")
    if sent is None or len(sent_shown) != len(sent):
        problems.append(f"{len(sent_shown)} sent gradients shown, the trace records {None if sent is None else len(sent)}")
    else:
        for shown_text, summary in zip(sent_shown, sent):
            number = re.match(r"‖·‖ = ([^,]+),", shown_text)
            if (summary is None) != (shown_text == "none") or (summary and (not number or float(number.group(1)) != summary["norm"])):
                problems.append(f"sent {shown_text!r}, Nabla computed {summary}")
    rule = re.search(r'<p id="rule">(.*?)</p>', dom, re.S)
    if not rule or html.unescape(rule.group(1)) != trace["backward"][step]["rule"]:
        problems.append("the rule shown is not the step's rule")
for problem in problems: print(f"FAIL {fragment}: {problem}")
if not problems: print(f"ok {fragment}: n{expected} ({node.get('op')}), {sum('done' in c for c in classes.values())} nodes marked")
sys.exit(1 if problems else 0)
PY
}

steps=$(python3 -c "import json,re,sys; t=json.loads(re.search(r'id=\"trace\">(.*?)</script>', open(sys.argv[1]).read(), re.S).group(1)); print(len(t['backward']))" "$page")
check "step=0" backward-first
check "step=2" backward-2
check "step=$((steps / 2))" backward-middle
check "step=$((steps - 1))" backward-last
check "mode=forward&step=5" forward-5

if [ "$failed" -ne 0 ]; then echo "browser test FAILED; files kept in $work"; exit 1; fi
echo "browser test passed ($steps backward steps); screenshots in $work"
[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
