#!/usr/bin/env bash
# Opens backpropagation pages in headless Chromium and checks what they show and how they respond.
#
# The pages: a small GRU4Rec training step (`gru4rec draw --output`), and the pages tutorials 2
# and 4 write (their listings, run by Tutorial2Tests and Tutorial4Tests, which copy the pages into
# the folder NABLA_RECORD_OUTPUTS names). Each page is opened at its first, second, middle and last
# backward step and at a middle forward step; each time the highlighted node must be the op the
# embedded trace names for that step, the nodes whose gradient is complete marked and no others,
# the gradients shown (the op's own and what it sent to each input) those Nabla computed, and no
# script error may reach the console. Then a copy of the page with a test script appended uses it
# as a reader would, with DOM events (keys, button clicks, pointer moves over every node, typing
# into the search box, the wheel, a drag), and the script's record of what the page did is
# checked: the step and the address follow the keys and the buttons, a linked address moves the
# page, hovering shows each node's op, shape, value and gradient, the search marks the right nodes
# and Enter goes to the first matching op, the wheel zooms around the pointer and a drag pans.
#
# Writes a screenshot per step into its own temporary folder (kept when a check fails; set KEEP=1
# to keep it always). The screenshots the documents show are redrawn and compared by
# Scripts/check-screenshots.sh.
# Installs Debian's chromium if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium > /dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update && $sudo apt-get install -y chromium
fi

swift build --build-tests 2>&1 | tail -1
gru4rec="$(swift build --show-bin-path)/gru4rec"
work="$(mktemp -d "${TMPDIR:-/tmp}/nabla-browser-test.XXXXXX")"

# The pages. The demo's training step, and the explanation of one of its model's scores:
"$gru4rec" demo --output "$work/demo" > "$work/demo.log" 2>&1
"$gru4rec" explain --model "$work/demo/demo-model.safetensors" --items "Camera,Memory Card" --draw "$work/why.html" > "$work/explain.log"
# A small GRU4Rec training step:
"$gru4rec" generate --output "$work" > "$work/generate.log"
"$gru4rec" draw --train "$work/demo_train.tsv" -p layers=4,n_sample=4 --slots 1 --output "$work/step.html" > "$work/draw.log"
# The tutorials' pages, written by the tests that run the tutorials' listings (the listings are
# cut from these tests, so the pages are the ones a reader's program writes):
mkdir -p "$work/tutorials"
NABLA_RECORD_OUTPUTS="$work/tutorials" swift test --skip-build --filter "Tutorial2Tests|Tutorial4Tests" > "$work/tutorials.log" 2>&1 \
    || { tail -30 "$work/tutorials.log"; echo "browser test FAILED: the tutorials' tests fail; files kept in $work"; exit 1; }

# ---- The pages checked: one line each, "NAME FILE". ----
# Every page gets every check. To check a further page, write it into "$work" above and add its
# line here.
pages=(
    "demo $work/demo/demo-backpropagation.html"
    "explain $work/why.html"
    "gru4rec-step $work/step.html"
    "tutorial2 $work/tutorials/tutorial2-backward-pass.html"
    "tutorial4 $work/tutorials/tutorial4-gru-step.html"
)

# check_step.py PAGE DOM FRAGMENT: what the page shows at the step its address names.
cat > "$work/check_step.py" <<'PY'
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
    # What the derivative sent to each input, as recorded, in the input list's order; a trace
    # read after backward() records none, and the page shows none.
    sent_shown = [html.unescape(m) for m in re.findall(r'<div class="sent">sent: (.*?)</div>', dom, re.S)]
    sent = trace["backward"][step].get("sent")
    if len(sent_shown) != len(sent or []):
        problems.append(f"{len(sent_shown)} sent gradients shown, the trace records {None if sent is None else len(sent)}")
    else:
        for shown_text, summary in zip(sent_shown, sent or []):
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

# interactions.js: appended to a copy of a page, after the page's own script. It acts as a reader
# would, dispatching the DOM events a browser sends for keys, clicks, pointer moves, typing, the
# wheel and a drag, and writes what the page showed after each action as JSON into
# <pre id="observed">, which --dump-dom keeps. It only observes; check_interactions.py judges.
cat > "$work/interactions.js" <<'JS'
"use strict";
(async () => {
  const observed = {};
  const trace = JSON.parse(document.getElementById("trace").textContent);
  const svg = document.querySelector("#graph svg");
  const tooltip = document.getElementById("tooltip");
  const search = document.getElementById("search");
  // The page reacts to a changed address on the hashchange event, which arrives as a later task.
  const nextTask = () => new Promise(resolve => setTimeout(resolve, 50));
  // What the page shows now: the address, the highlighted node(s), the nodes marked by the search.
  function titles(selector) {
    return [...document.querySelectorAll("#graph g.node" + selector)].map(g => g.querySelector("title").textContent);
  }
  const state = () => ({hash: location.hash, current: titles(".current")});
  function press(key, target = document.body) {
    target.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
    return {key, ...state()};
  }
  function click(id) {
    document.getElementById(id).dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true, view: window}));
    return {button: id, ...state()};
  }
  function mouse(type, target, x, y, extra = {}) {
    const event = new MouseEvent(type, {bubbles: true, cancelable: true, view: window, clientX: x, clientY: y, ...extra});
    target.dispatchEvent(event);
    return event;
  }
  // The drawing's visible region (its viewBox), and the drawing's coordinates of a point of the
  // window, from the transformation the browser itself uses to paint the SVG.
  const box = () => { const b = svg.viewBox.baseVal; return {x: b.x, y: b.y, width: b.width, height: b.height}; };
  function drawingPoint(x, y) {
    const point = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM().inverse());
    return {x: point.x, y: point.y};
  }
  try {
    // Steps: the page was opened at #step=0.
    observed.start = state();
    observed.keys = ["ArrowLeft", "ArrowRight", "ArrowDown", "ArrowUp", "ArrowLeft"].map(key => press(key));
    observed.keyInSearchBox = press("ArrowRight", search);            // typing in the box moves no step
    observed.buttons = ["next", "next", "previous"].map(click);
    location.hash = "#step=" + (trace.backward.length - 1);           // a linked step
    await nextTask();
    observed.linkedLast = state();
    location.hash = "#mode=forward&step=1";
    await nextTask();
    observed.linkedForward = state();
    observed.forwardKey = press("ArrowRight");
    observed.modeButtons = ["mode", "mode", "mode"].map(click);      // backward, forward, backward

    // Hover: a pointer moved onto each node's shape, then out of the node (the legend's nodes,
    // whose titles are not n<id>, are no tensors).
    observed.hover = [];
    for (const g of document.querySelectorAll("#graph g.node")) {
      if (!/^n\d+$/.test(g.querySelector("title").textContent)) continue;
      const shape = g.querySelector("polygon, ellipse, path") || g;
      const rect = shape.getBoundingClientRect();
      const x = Math.round(rect.left + rect.width / 2), y = Math.round(rect.top + rect.height / 2);
      mouse("mouseover", shape, x, y);
      mouse("mousemove", shape, x, y);
      const seen = {node: g.querySelector("title").textContent, text: tooltip.textContent, visible: !tooltip.hidden,
                    left: tooltip.style.left, top: tooltip.style.top, pageX: x + window.scrollX, pageY: y + window.scrollY};
      mouse("mouseout", shape, x, y);
      g.dispatchEvent(new MouseEvent("mouseleave", {bubbles: false, view: window, clientX: x, clientY: y}));
      seen.hiddenAfterLeaving = tooltip.hidden;
      observed.hover.push(seen);
    }

    // Search: typed text marks nodes; Enter goes to the first matching op. The terms: the op of
    // the middle backward step, and a named leaf's name.
    const typeIntoSearch = text => {
      search.focus();
      search.value = text;
      search.dispatchEvent(new InputEvent("input", {bubbles: true, data: text, inputType: "insertText"}));
      return {term: text, marked: titles(".match")};
    };
    const middleOp = trace.backward[Math.floor(trace.backward.length / 2)].op;
    const named = trace.nodes.find(node => node.op == null && node.name);
    observed.searches = [typeIntoSearch(middleOp)];
    search.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true, cancelable: true}));
    observed.searchEnter = {term: middleOp, ...state()};
    if (named) observed.searches.push(typeIntoSearch(named.name));
    observed.searches.push(typeIntoSearch(""));
    search.blur();

    // The wheel, over the drawing at a point off its centre: in, then out.
    const rect = svg.getBoundingClientRect();
    const x = Math.round(rect.left + rect.width * 0.3), y = Math.round(rect.top + rect.height * 0.4);
    const target = document.elementFromPoint(x, y) || svg;
    observed.wheel = [-100, 100].map(deltaY => {
      const before = box(), pointBefore = drawingPoint(x, y);
      const event = new WheelEvent("wheel", {deltaY, clientX: x, clientY: y, bubbles: true, cancelable: true, view: window});
      target.dispatchEvent(event);
      return {deltaY, before, after: box(), pointBefore, pointAfter: drawingPoint(x, y), defaultPrevented: event.defaultPrevented};
    });

    // A drag: press over the drawing, move 120 px right and 60 px down, release, move again.
    const before = box(), grabbed = drawingPoint(x, y);
    mouse("mousedown", target, x, y, {button: 0, buttons: 1});
    mouse("mousemove", document, x + 60, y + 30, {buttons: 1});
    mouse("mousemove", document, x + 120, y + 60, {buttons: 1});
    const dragged = box(), underPointer = drawingPoint(x + 120, y + 60);
    mouse("mouseup", document, x + 120, y + 60);
    mouse("mousemove", document, x + 200, y + 100);
    observed.drag = {before, dragged, afterRelease: box(), grabbed, underPointer};
  } catch (error) {
    observed.error = String(error && error.stack || error);
  }
  const record = document.createElement("pre");
  record.id = "observed";
  record.textContent = JSON.stringify(observed);
  document.body.appendChild(record);
})();
JS

# check_interactions.py PAGE DOM: what the test script observed, against the embedded trace.
cat > "$work/check_interactions.py" <<'PY'
import html, json, math, re, sys
page, dom = open(sys.argv[1], encoding="utf-8").read(), open(sys.argv[2], encoding="utf-8").read()
trace = json.loads(re.search(r'<script type="application/json" id="trace">(.*?)</script>', page, re.S).group(1))
record = re.search(r'<pre id="observed">(.*?)</pre>', dom, re.S)
if not record:
    print("FAIL interactions: the test script wrote nothing"); sys.exit(1)
seen = json.loads(html.unescape(record.group(1)))
problems = []
if "error" in seen: problems.append(f"the test script failed: {seen['error']}")
backward, forward = [s["node"] for s in trace["backward"]], trace["forward"]
drawn = {h["node"] for h in seen.get("hover", [])}

def at(mode, step):  # what the page must show at a step: the address and the highlighted node
    order = backward if mode == "backward" else forward
    step = max(0, min(step, len(order) - 1))
    return {"hash": ("#step=" if mode == "backward" else "#mode=forward&step=") + str(step), "current": [f"n{order[step]}"]}

def expect(name, observed, mode, step):
    wanted = at(mode, step)
    if observed is None or {k: observed.get(k) for k in wanted} != wanted:
        problems.append(f"{name}: shown {observed and {k: observed.get(k) for k in wanted}}, expected {wanted}")

# Keys, buttons and the address.
expect("opened at #step=0", seen.get("start"), "backward", 0)
for observed, step in zip(seen.get("keys", []), [0, 1, 2, 1, 0]):
    expect(f"key {observed['key']}", observed, "backward", step)
if len(seen.get("keys", [])) != 5: problems.append("not every key was pressed")
expect("→ typed into the search box", seen.get("keyInSearchBox"), "backward", 0)
for observed, step in zip(seen.get("buttons", []), [1, 2, 1]):
    expect(f"button {observed['button']}", observed, "backward", step)
expect("address #step=last", seen.get("linkedLast"), "backward", len(backward) - 1)
expect("address #mode=forward&step=1", seen.get("linkedForward"), "forward", 1)
expect("→ in forward mode", seen.get("forwardKey"), "forward", 2)
for observed, mode in zip(seen.get("modeButtons", []), ["backward", "forward", "backward"]):
    expect(f"mode button to {mode}", observed, mode, 0)

# Hover: every drawn node's op (a leaf's name), shape, value and gradient, as the trace has them.
def norm_in(text, prefix):
    match = re.search(prefix + r"‖·‖ = ([^,\n]+),", text)
    return float(match.group(1)) if match else None
if not seen.get("hover"): problems.append("no node was hovered")
for hovered in seen.get("hover", []):
    node = trace["nodes"][int(hovered["node"][1:])]
    text, name = hovered["text"], f"hover {hovered['node']}"
    lines = text.split("\n")
    what = (f"op {node['op']}" if node.get("op") else node["kind"]) + ", shape [" + ", ".join(map(str, node["shape"])) + "]"
    if not hovered["visible"]: problems.append(f"{name}: no tooltip")
    if lines[:2] != [node["label"].replace("\n", " "), what]: problems.append(f"{name}: {text!r} does not begin with its label and {what!r}")
    if norm_in(text, "value: ") != node["value"]["norm"]: problems.append(f"{name}: value {text!r}, Nabla computed {node['value']['norm']}")
    gradient = node.get("gradient")
    if (gradient is None) != ("gradient: none" in text) or (gradient and norm_in(text, "gradient: ") != gradient["norm"]):
        problems.append(f"{name}: gradient {text!r}, Nabla computed {gradient and gradient['norm']}")
    if hovered["left"] != f"{hovered['pageX'] + 12}px" or hovered["top"] != f"{hovered['pageY'] + 12}px":
        problems.append(f"{name}: tooltip at {hovered['left']}, {hovered['top']}, not beside the pointer")
    if not hovered["hiddenAfterLeaving"]: problems.append(f"{name}: the tooltip stays after the pointer left")

# Search: the marked nodes are those whose label or name holds the text; Enter goes to the first op.
def matches(node, term):
    return term != "" and term.lower() in (node["label"] + " " + (node.get("name") or "")).lower()
for search in seen.get("searches", []):
    wanted = sorted(f"n{n['id']}" for n in trace["nodes"] if f"n{n['id']}" in drawn and matches(n, search["term"]))
    if sorted(search["marked"]) != wanted: problems.append(f"search {search['term']!r}: marked {search['marked']}, expected {wanted}")
if len(seen.get("searches", [])) < 2: problems.append("the search was not tried")
enter = seen.get("searchEnter")
if enter: expect(f"Enter in the search for {enter['term']!r}", enter, "backward",
                 next(i for i, n in enumerate(backward) if matches(trace["nodes"][n], enter["term"])))
else: problems.append("Enter was not pressed in the search box")

# The wheel zooms by 1.15 per notch around the pointer: the drawing's point under it stays put.
def close(a, b): return math.isclose(a, b, rel_tol=1e-4)
def same_point(p, q, box):  # within 0.5 % of the visible region
    return abs(p["x"] - q["x"]) <= 0.005 * box["width"] and abs(p["y"] - q["y"]) <= 0.005 * box["height"]
for wheel in seen.get("wheel", []):
    factor = 1 / 1.15 if wheel["deltaY"] < 0 else 1.15
    name = f"wheel {'in' if wheel['deltaY'] < 0 else 'out'}"
    if not (close(wheel["after"]["width"], wheel["before"]["width"] * factor) and close(wheel["after"]["height"], wheel["before"]["height"] * factor)):
        problems.append(f"{name}: viewBox {wheel['before']} became {wheel['after']}, not scaled by {factor:.4f}")
    if not same_point(wheel["pointBefore"], wheel["pointAfter"], wheel["after"]):
        problems.append(f"{name}: the point under the pointer moved from {wheel['pointBefore']} to {wheel['pointAfter']}")
    if not wheel["defaultPrevented"]: problems.append(f"{name}: the page scrolls as well")
if len(seen.get("wheel", [])) != 2: problems.append("the wheel was not tried")

# A drag pans: the drawing's point grabbed follows the pointer; nothing moves after the release.
drag = seen.get("drag")
if drag:
    if drag["dragged"]["width"] != drag["before"]["width"] or drag["dragged"]["height"] != drag["before"]["height"]:
        problems.append(f"drag: the viewBox changed size, {drag['before']} to {drag['dragged']}")
    if drag["dragged"] == drag["before"]: problems.append("drag: the view did not move")
    elif not same_point(drag["grabbed"], drag["underPointer"], drag["dragged"]):
        problems.append(f"drag: grabbed {drag['grabbed']}, under the pointer after the drag {drag['underPointer']}")
    if drag["afterRelease"] != drag["dragged"]: problems.append("drag: the view still moves after the button is released")
else: problems.append("no drag was tried")

for problem in problems: print(f"FAIL interactions: {problem}")
if not problems:
    print(f"ok interactions: keys, buttons, address, {len(seen['hover'])} nodes hovered, "
          f"{len(seen['searches'])} searches and Enter, wheel in and out, drag")
sys.exit(1 if problems else 0)
PY

failed=0
# chromium_dom URL OUT: the DOM after the page's scripts ran, and the console in OUT.log.
chromium_dom() {
    chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=2000 --enable-logging=stderr --v=0 \
        --user-data-dir="$work/profile" --window-size=1400,900 --dump-dom "$1" > "$2.dom" 2> "$2.log" || true
    if grep -E "Uncaught|CONSOLE.*(Error|error)" "$2.log"; then
        echo "FAIL $(basename "$2"): a script error reached the console"; failed=1
    fi
}

# check PAGE NAME FRAGMENT: the page at one address, and its screenshot.
check() {
    local page="$1" name="$2" fragment="$3"
    chromium_dom "file://$page#$fragment" "$work/$name"
    chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=2000 --hide-scrollbars \
        --user-data-dir="$work/profile" --window-size=1400,900 --screenshot="$work/$name.png" \
        "file://$page#$fragment" > "$work/$name.screenshot.log" 2>&1 || true
    [ -s "$work/$name.png" ] || { echo "FAIL $name: no screenshot"; failed=1; }
    python3 "$work/check_step.py" "$page" "$work/$name.dom" "$fragment" | sed "s|^|$(dirname "$name") |" || failed=1
}

# interact PAGE NAME: a copy of the page with interactions.js appended, opened at #step=0.
interact() {
    local page="$1" name="$2" copy="$work/$2-interactions.html"
    python3 - "$page" "$work/interactions.js" "$copy" <<'PY'
import sys
page, script = open(sys.argv[1], encoding="utf-8").read(), open(sys.argv[2], encoding="utf-8").read()
end = page.rindex("</body>")
open(sys.argv[3], "w", encoding="utf-8").write(page[:end] + "<script>\n" + script + "</script>\n" + page[end:])
PY
    chromium_dom "file://$copy#step=0" "$work/$name-interactions"
    python3 "$work/check_interactions.py" "$page" "$work/$name-interactions.dom" | sed "s|^|$name |" || failed=1
}

for line in "${pages[@]}"; do
    read -r name page <<< "$line"
    read -r backward forward < <(python3 -c "import json,re,sys; t=json.loads(re.search(r'id=\"trace\">(.*?)</script>', open(sys.argv[1]).read(), re.S).group(1)); print(len(t['backward']), len(t['forward']))" "$page")
    echo "$name: $backward backward steps, $(basename "$page")"
    mkdir -p "$work/$name"
    check "$page" "$name/backward-first" "step=0"
    check "$page" "$name/backward-second" "step=1"
    check "$page" "$name/backward-middle" "step=$((backward / 2))"
    check "$page" "$name/backward-last" "step=$((backward - 1))"
    check "$page" "$name/forward-middle" "mode=forward&step=$((forward / 2))"
    interact "$page" "$name"
done

if [ "$failed" -ne 0 ]; then echo "browser test FAILED; files kept in $work"; exit 1; fi
if [ "${KEEP:-0}" = 1 ]; then
    echo "browser test passed (${#pages[@]} pages); screenshots in $work"
else
    echo "browser test passed (${#pages[@]} pages); KEEP=1 keeps the screenshots"
    rm -rf "$work"
fi
