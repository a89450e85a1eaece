extension BackpropagationPage {
    /// The page's script: plain JavaScript, no library, no network. It reads the trace embedded
    /// as JSON, walks the backward (or forward) order one op at a time with buttons and arrow
    /// keys, marks the drawing's nodes with CSS classes, shows the current op's rule and
    /// gradients, and keeps the step in the address (`#step=N`, `#mode=forward&step=N`).
    static let script = #"""
    "use strict";
    // The trace written by Nabla: nodes by id, forward order, backward steps with their rules.
    // A field without a value (a leaf's op, a gradient never computed) is left out of the JSON.
    const trace = JSON.parse(document.getElementById("trace").textContent);
    const svg = document.querySelector("#graph svg");
    const panel = document.getElementById("panel");
    const tooltip = document.getElementById("tooltip");
    let mode = "backward";
    let step = 0;

    // The drawing's node elements by node id: Graphviz writes <g class="node"><title>n<id></title>.
    const elements = {};
    for (const g of document.querySelectorAll("#graph g.node")) {
      const title = g.querySelector("title");
      if (title && /^n\d+$/.test(title.textContent)) elements[Number(title.textContent.slice(1))] = g;
    }

    // The ids of the ops in the current mode's order.
    function order() {
      return mode === "backward" ? trace.backward.map(s => s.node) : trace.forward;
    }

    // A summary as one line: the norm first (printed as JavaScript prints a number), then the rest.
    function describe(summary) {
      if (!summary) return "none";
      return "‖·‖ = " + String(summary.norm) + ", min " + summary.min.toPrecision(4) + ", mean " +
        summary.mean.toPrecision(4) + ", max " + summary.max.toPrecision(4) + ", first [" +
        summary.first.map(v => v.toPrecision(4)).join(", ") + (summary.count > summary.first.length ? ", …]" : "]");
    }

    function nodeName(node) {
      return node.label.replace(/\n/g, " ");
    }

    // Adds an element with text to a parent, returns it.
    function add(parent, tag, text, id) {
      const element = document.createElement(tag);
      if (text !== undefined) element.textContent = text;
      if (id) element.id = id;
      parent.appendChild(element);
      return element;
    }

    // Draws the current step: classes on the drawing, the side panel, the address.
    function show() {
      const ids = order();
      step = Math.max(0, Math.min(step, ids.length - 1));
      const current = ids[step];
      for (const node of trace.nodes) {
        const g = elements[node.id];
        if (!g) continue;
        const done = mode === "backward"
          ? node.gradientCompleteAfterStep != null && node.gradientCompleteAfterStep <= step
          : node.op == null || trace.forward.indexOf(node.id) <= step;
        g.classList.toggle("current", node.id === current);
        g.classList.toggle("done", done);
      }
      const node = trace.nodes[current];
      panel.textContent = "";
      add(panel, "h2", (mode === "backward" ? "Backward" : "Forward") + " step " + step + " of " + (ids.length - 1));
      add(panel, "p", nodeName(node), "current-node").dataset.node = "n" + node.id;
      if (mode === "backward") {
        add(panel, "p", trace.backward[step].rule, "rule");
        add(panel, "h3", "Gradient of its output (g)");
        add(panel, "p", describe(node.gradient), "output-gradient");
        add(panel, "h3", "What it sends to its inputs");
      } else {
        add(panel, "h3", "Value");
        add(panel, "p", describe(node.value), "output-value");
        add(panel, "h3", "Its inputs' values");
      }
      // Backward: what this derivative sends to each input when the trace recorded it, and the
      // input's final gradient (the sum of what all its readers sent). Forward: the inputs' values.
      const sent = mode === "backward" ? trace.backward[step].sent : undefined;
      const list = add(panel, "ul", undefined, "inputs");
      node.inputs.forEach((id, index) => {
        const input = trace.nodes[id];
        const item = add(list, "li", nodeName(input));
        if (mode === "forward") { add(item, "div", "value: " + describe(input.value)); return; }
        if (sent) add(item, "div", "sent: " + describe(sent[index])).className = "sent";
        add(item, "div", "final gradient: " + describe(input.gradient));
      });
      const hash = (mode === "forward" ? "#mode=forward&step=" : "#step=") + step;
      if (location.hash !== hash) history.replaceState(null, "", hash);
    }

    // Reads the step and mode from the address.
    function readAddress() {
      const parameters = new URLSearchParams(location.hash.slice(1));
      mode = parameters.get("mode") === "forward" ? "forward" : "backward";
      step = Number(parameters.get("step") || 0) || 0;
    }

    function move(by) { step += by; show(); }
    document.getElementById("previous").addEventListener("click", () => move(-1));
    document.getElementById("next").addEventListener("click", () => move(1));
    document.getElementById("mode").addEventListener("click", () => {
      mode = mode === "backward" ? "forward" : "backward";
      step = 0;
      show();
    });
    document.addEventListener("keydown", event => {
      if (event.target.tagName === "INPUT") return;
      if (event.key === "ArrowRight" || event.key === "ArrowDown") { move(1); event.preventDefault(); }
      if (event.key === "ArrowLeft" || event.key === "ArrowUp") { move(-1); event.preventDefault(); }
    });
    window.addEventListener("hashchange", () => { readAddress(); show(); });

    // Hover: a node's label, op (or kind, for a leaf), shape, value and gradient.
    for (const [id, g] of Object.entries(elements)) {
      const node = trace.nodes[Number(id)];
      g.addEventListener("mousemove", event => {
        tooltip.textContent = nodeName(node) + "\n" + (node.op ? "op " + node.op : node.kind) + ", shape [" +
          node.shape.join(", ") + "]\nvalue: " + describe(node.value) + "\ngradient: " + describe(node.gradient);
        tooltip.style.left = (event.pageX + 12) + "px";
        tooltip.style.top = (event.pageY + 12) + "px";
        tooltip.hidden = false;
      });
      g.addEventListener("mouseleave", () => { tooltip.hidden = true; });
    }

    // Search: nodes whose label or name holds the text are marked; Enter goes to the first such op.
    const search = document.getElementById("search");
    function matches(node, text) {
      return text !== "" && (node.label + " " + (node.name || "")).toLowerCase().includes(text.toLowerCase());
    }
    search.addEventListener("input", () => {
      for (const node of trace.nodes) {
        if (elements[node.id]) elements[node.id].classList.toggle("match", matches(node, search.value));
      }
    });
    search.addEventListener("keydown", event => {
      if (event.key !== "Enter") return;
      const index = order().findIndex(id => matches(trace.nodes[id], search.value));
      if (index >= 0) { step = index; show(); }
    });

    // Zoom with the mouse wheel around the pointer, pan by dragging: both change the viewBox.
    // The drawing keeps its proportions inside the element (empty bands at the sides or above and
    // below), so window and drawing coordinates are converted with the browser's own transform.
    if (svg) {
      const box = svg.viewBox.baseVal;
      svg.removeAttribute("width");
      svg.removeAttribute("height");
      svg.addEventListener("wheel", event => {
        event.preventDefault();
        const factor = event.deltaY > 0 ? 1.15 : 1 / 1.15;
        const pointer = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
        box.x = pointer.x - (pointer.x - box.x) * factor;
        box.y = pointer.y - (pointer.y - box.y) * factor;
        box.width *= factor;
        box.height *= factor;
      }, {passive: false});
      let drag = null;
      svg.addEventListener("mousedown", event => { drag = {x: event.clientX, y: event.clientY}; });
      window.addEventListener("mouseup", () => { drag = null; });
      window.addEventListener("mousemove", event => {
        if (!drag) return;
        const scale = svg.getScreenCTM();   // window pixels per drawing unit: a across, d down
        box.x -= (event.clientX - drag.x) / scale.a;
        box.y -= (event.clientY - drag.y) / scale.d;
        drag = {x: event.clientX, y: event.clientY};
      });
    }

    readAddress();
    show();
    """#
}
