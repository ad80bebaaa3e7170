// The two explorers: draw a digit for the Eye, type a sentence for the Memory.
//
// A page asks for one with <div data-explorer="eye"></div> or <div data-explorer="memory"></div>;
// this script mounts it once the reader scrolls near it, loads the exported weights from the site itself and computes
// everything with nn.js.
(function () {
  "use strict";
  const nn = () => window.eyememory.nn;
  const models = {};

  function siteBase() {
    const config = document.getElementById("__config");
    const base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.endsWith("/") ? base : base + "/", location.href);
  }

  function loadModel(name) {
    if (!models[name]) {
      const url = new URL(`assets/explorer/${name}-model.json`, siteBase());
      models[name] = fetch(url)
        .then((r) => {
          if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
          return r.json();
        })
        .then((json) => nn().loadModel(json));
    }
    return models[name];
  }

  // Tiny DOM helper: el("div", {class: "x"}, child, "text", ...)
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (key === "on") for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
      else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  let uid = 0;
  const id = (prefix) => `${prefix}-${++uid}`;
  const percent = (p) => `${(100 * p).toFixed(p > 0.995 || p < 0.005 ? 0 : 1)}%`;

  // A grid of cells coloured by value: ink for images, two hues for signed responses.
  function drawGrid(container, values, rows, cols, options) {
    const { signed = false, scale = 1, highlight = null, label } = options;
    if (container.children.length !== rows * cols) {
      container.replaceChildren(...Array.from({ length: rows * cols }, () => el("span", { class: "em-cell" })));
      container.style.gridTemplateColumns = `repeat(${cols}, 1fr)`;
    }
    const cells = container.children;
    for (let k = 0; k < rows * cols; k++) {
      const v = values[k] / (scale || 1);
      const strength = Math.min(1, Math.abs(v));
      cells[k].style.setProperty("--em-strength", strength.toFixed(3));
      cells[k].dataset.sign = signed ? (v >= 0 ? "+" : "-") : "ink";
      cells[k].classList.toggle("em-cell--active", highlight !== null && highlight.includes(k));
    }
    container.setAttribute("aria-label", label);
  }

  // ---------------------------------------------------------------------------------------
  // The Eye explorer
  // ---------------------------------------------------------------------------------------

  const HAND_MADE = {
    "vertical edge (dark → bright)": [-1, 0, 1, -1, 0, 1, -1, 0, 1],
    "horizontal edge (dark above, bright below)": [-1, -1, -1, 0, 0, 0, 1, 1, 1],
    "blob (bright centre, dark ring)": [-1, -1, -1, -1, 8, -1, -1, -1, -1].map((v) => v / 8),
    "diagonal stroke": [1, -0.5, -0.5, -0.5, 1, -0.5, -0.5, -0.5, 1],
  };

  function mountEye(root, model) {
    const PAD = 32; // the drawing pad: 32×32 on/off pixels, like the original digit bitmaps
    const pixels = new Uint8Array(PAD * PAD);
    const state = { cursor: [3, 3], position: 27, playing: null };

    const canvas = el("canvas", {
      class: "em-pad",
      width: 256,
      height: 256,
      tabindex: 0,
      role: "img",
      "aria-label":
        "Drawing pad. Draw with the mouse or a finger. With the keyboard: arrow keys move the square cursor, Space paints, Delete erases.",
    });
    const clear = el("button", { type: "button", class: "md-button" }, "Clear");
    const examplePicker = el(
      "select",
      { id: id("em-example"), class: "em-select" },
      el("option", { value: "" }, "Pick a test digit…"),
      model.examples.map((example, k) => el("option", { value: k }, `a test ${example.label} (#${k + 1})`)),
    );
    const seen = el("div", { class: "em-grid", role: "img" });
    const kernelPicker = el(
      "select",
      { id: id("em-kernel"), class: "em-select" },
      el("optgroup", { label: "Hand-made" }, Object.keys(HAND_MADE).map((name) => el("option", { value: `hand:${name}` }, name))),
      el(
        "optgroup",
        { label: "Learned by the Eye (first layer)" },
        Array.from({ length: model.parameters["conv1.weight"].shape[0] }, (_, k) => el("option", { value: `learned:${k}` }, `filter ${k + 1}`)),
      ),
    );
    const kernelGrid = el("div", { class: "em-grid em-grid--kernel", role: "img" });
    const slider = el("input", { type: "range", min: 0, max: 63, value: state.position, id: id("em-position") });
    const play = el("button", { type: "button", class: "md-button", "aria-pressed": "false" }, "Slide");
    const featureMap = el("div", { class: "em-grid", role: "img" });
    const arithmetic = el("p", { class: "em-note" });
    const bars = el("ol", { class: "em-bars", start: 0 });
    const verdict = el("p", { class: "em-verdict", "aria-live": "polite" });

    root.replaceChildren(
      el(
        "div",
        { class: "em-panel em-panel--pad" },
        el("p", { class: "em-title" }, "1 · Draw a digit"),
        canvas,
        el("div", { class: "em-row" }, clear, el("label", { class: "em-visually-hidden", for: examplePicker.id }, "Pick a digit from the test set"), examplePicker),
      ),
      el(
        "div",
        { class: "em-panel em-panel--slide" },
        el("p", { class: "em-title" }, "2 · Slide a kernel over what the Eye sees (8×8)"),
        el("div", { class: "em-row em-row--grids" }, el("figure", {}, seen, el("figcaption", {}, "input")), el("figure", {}, kernelGrid, el("figcaption", {}, "kernel")), el("figure", {}, featureMap, el("figcaption", {}, "feature map"))),
        el("div", { class: "em-row" }, el("label", { for: kernelPicker.id }, "Kernel "), kernelPicker),
        el("div", { class: "em-row" }, el("label", { for: slider.id }, "Position "), slider, play),
        arithmetic,
      ),
      el("div", { class: "em-panel em-panel--wide" }, el("p", { class: "em-title" }, "3 · What the trained Eye reads"), bars, verdict),
    );

    // Pixels → the 8×8 grey levels of the data set: on-pixels counted in each 4×4 block (0…16).
    function image() {
      const counts = new Float64Array(64);
      for (let y = 0; y < PAD; y++) for (let x = 0; x < PAD; x++) counts[(y >> 2) * 8 + (x >> 2)] += pixels[y * PAD + x];
      return counts.map((c) => c / 16);
    }

    function kernel() {
      const [kind, key] = kernelPicker.value.split(/:(.*)/s);
      if (kind === "hand") return { weights: HAND_MADE[key], bias: 0 };
      const k = Number(key);
      return {
        weights: Array.from(model.parameters["conv1.weight"].data.subarray(k * 9, k * 9 + 9)),
        bias: model.parameters["conv1.bias"].data[k],
      };
    }

    function paintPad() {
      const ctx = canvas.getContext("2d");
      const style = getComputedStyle(root);
      ctx.fillStyle = style.getPropertyValue("--em-pad-bg").trim() || "#fff";
      ctx.fillRect(0, 0, 256, 256);
      ctx.fillStyle = style.getPropertyValue("--em-ink").trim() || "#000";
      for (let y = 0; y < PAD; y++) for (let x = 0; x < PAD; x++) if (pixels[y * PAD + x]) ctx.fillRect(x * 8, y * 8, 8, 8);
      if (document.activeElement === canvas) {
        ctx.strokeStyle = style.getPropertyValue("--em-accent").trim() || "#e65100";
        ctx.lineWidth = 3;
        ctx.strokeRect(state.cursor[0] * 32 + 1.5, state.cursor[1] * 32 + 1.5, 29, 29);
      }
    }

    function update() {
      paintPad();
      const x = image();
      const { weights, bias } = kernel();
      const i = Math.floor(state.position / 8);
      const j = state.position % 8;
      const window3 = [];
      for (let m = -1; m <= 1; m++) for (let n = -1; n <= 1; n++) if (i + m >= 0 && i + m < 8 && j + n >= 0 && j + n < 8) window3.push((i + m) * 8 + j + n);
      const brightest = x.indexOf(Math.max(...x));
      drawGrid(seen, x, 8, 8, {
        highlight: window3,
        label: `The 8 by 8 image the Eye sees; grey levels from 0 to 16; the kernel covers row ${i + 1}, column ${j + 1}. Brightest cell: row ${Math.floor(brightest / 8) + 1}, column ${(brightest % 8) + 1}.`,
      });
      const scale = Math.max(...weights.map(Math.abs)) || 1;
      drawGrid(kernelGrid, weights, 3, 3, { signed: true, scale, label: `The 3 by 3 kernel: ${weights.map((w) => w.toFixed(2)).join(", ")}` });
      const response = nn().conv2d(nn().tensor([1, 8, 8], x), nn().tensor([1, 1, 3, 3], Float64Array.from(weights)), nn().tensor([1], Float64Array.of(bias)), 1);
      const values = Array.from(response.data);
      const largest = Math.max(...values.map(Math.abs)) || 1;
      drawGrid(featureMap, values, 8, 8, {
        signed: true,
        scale: largest,
        highlight: [state.position],
        label: `Feature map: the kernel's response at each of the 64 positions; strongest ${largest.toFixed(2)}.`,
      });
      arithmetic.textContent =
        `At row ${i + 1}, column ${j + 1}: Σ kernel × pixels under it` + (bias ? ` + bias (${bias.toFixed(2)})` : "") + ` = ${values[state.position].toFixed(2)}`;

      const empty = x.every((v) => v === 0);
      const { probabilities } = nn().eyeForward(model, x);
      const best = probabilities.indexOf(Math.max(...probabilities));
      bars.replaceChildren(
        ...probabilities.map((p, digit) =>
          el(
            "li",
            { class: digit === best && !empty ? "em-bar em-bar--best" : "em-bar" },
            el("span", { class: "em-bar__label" }, String(digit)),
            el("span", { class: "em-bar__track", "aria-hidden": "true" }, el("span", { class: "em-bar__fill", style: `width: ${(100 * p).toFixed(1)}%` })),
            el("span", { class: "em-bar__value" }, percent(p)),
          ),
        ),
      );
      verdict.textContent = empty ? "Draw a digit (or pick one) and the Eye will read it." : `The Eye reads a ${best} (${percent(probabilities[best])} sure).`;
    }

    // Drawing with a pointer (mouse, pen or finger): a round brush on the 32×32 pad.
    let drawing = false;
    function paintAt(event) {
      const box = canvas.getBoundingClientRect();
      const cx = ((event.clientX - box.left) / box.width) * PAD;
      const cy = ((event.clientY - box.top) / box.height) * PAD;
      for (let y = Math.floor(cy - 2); y <= cy + 2; y++) {
        for (let x = Math.floor(cx - 2); x <= cx + 2; x++) {
          if (x >= 0 && y >= 0 && x < PAD && y < PAD && (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= 2.6) pixels[y * PAD + x] = 1;
        }
      }
      update();
    }
    canvas.addEventListener("pointerdown", (event) => {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      paintAt(event);
    });
    canvas.addEventListener("pointermove", (event) => drawing && paintAt(event));
    canvas.addEventListener("pointerup", () => (drawing = false));
    canvas.addEventListener("pointercancel", () => (drawing = false));
    canvas.addEventListener("focus", paintPad);
    canvas.addEventListener("blur", paintPad);
    // The keyboard paints whole 4×4 blocks, one cell of the 8×8 image at a time.
    canvas.addEventListener("keydown", (event) => {
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      if (moves[event.key]) {
        state.cursor = state.cursor.map((v, k) => Math.min(7, Math.max(0, v + moves[event.key][k])));
      } else if (event.key === " " || event.key === "Enter" || event.key === "Delete" || event.key === "Backspace") {
        const on = event.key === " " || event.key === "Enter" ? 1 : 0;
        for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) pixels[(state.cursor[1] * 4 + y) * PAD + state.cursor[0] * 4 + x] = on;
      } else return;
      event.preventDefault();
      update();
    });

    clear.addEventListener("click", () => {
      pixels.fill(0);
      examplePicker.value = "";
      update();
    });
    // A test digit's grey level g (0…16) becomes g on-pixels in its 4×4 block, spread out
    // in the order of a Bayer matrix so that the block looks evenly grey.
    const BAYER = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];
    examplePicker.addEventListener("change", () => {
      if (examplePicker.value === "") return;
      const grey = model.examples[Number(examplePicker.value)].pixels;
      pixels.fill(0);
      grey.forEach((g, cell) => {
        const by = Math.floor(cell / 8) * 4;
        const bx = (cell % 8) * 4;
        BAYER.forEach((rank, k) => {
          if (rank < g) pixels[(by + (k >> 2)) * PAD + bx + (k & 3)] = 1;
        });
      });
      update();
    });
    kernelPicker.addEventListener("change", update);
    slider.addEventListener("input", () => {
      state.position = Number(slider.value);
      update();
    });
    play.addEventListener("click", () => {
      if (state.playing) {
        clearInterval(state.playing);
        state.playing = null;
      } else {
        state.playing = setInterval(() => {
          state.position = (state.position + 1) % 64;
          slider.value = state.position;
          update();
        }, 180);
      }
      play.setAttribute("aria-pressed", String(Boolean(state.playing)));
      play.textContent = state.playing ? "Pause" : "Slide";
    });
    new MutationObserver(paintPad).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

    examplePicker.value = "0";
    examplePicker.dispatchEvent(new Event("change"));
    root.dataset.ready = "true";
  }

  // ---------------------------------------------------------------------------------------
  // The Memory explorer
  // ---------------------------------------------------------------------------------------

  const EXAMPLES = [
    "the taste of the food was very bad but the service was good",
    "the service was good but the food was bad",
    "the food was good and the service was good",
  ];

  function mountMemory(root, model) {
    const positive = model.classes.indexOf("positive");
    const MAX_WORDS = 200; // a longer text is read up to here: the charts stay legible
    const input = el("input", { type: "text", id: id("em-sentence"), class: "em-input", value: EXAMPLES[0], spellcheck: "false", autocomplete: "off" });
    const examples = el(
      "div",
      { class: "em-row" },
      EXAMPLES.map((text) =>
        el("button", { type: "button", class: "md-button em-chip-button", on: { click: () => ((input.value = text), update()) } }, text),
      ),
    );
    const words = el("ol", { class: "em-words", "aria-label": "The words as the Memory reads them" });
    const chart = el("div", { class: "em-scroll", tabindex: 0, role: "region", "aria-label": "Chart of the reading after each word (scrolls sideways)" });
    const heat = el("div", { class: "em-scroll", tabindex: 0, role: "region", "aria-label": "Hidden state after each word (scrolls sideways)" });
    const verdict = el("p", { class: "em-verdict", "aria-live": "polite" });

    root.replaceChildren(
      el(
        "div",
        { class: "em-panel em-panel--wide" },
        el("label", { class: "em-title", for: input.id }, "Type a review; the Memory reads it word by word"),
        input,
        examples,
        words,
        el("p", { class: "em-title" }, "How positive the Memory would say the review is, if it ended after each word"),
        chart,
        el("p", { class: "em-title" }, `The notepad: its ${model.parameters["rnn.weight_hh_l0"].shape[0]} hidden numbers after each word (orange +, blue −)`),
        heat,
        verdict,
      ),
    );

    const svgNS = "http://www.w3.org/2000/svg";
    const svg = (tag, attributes, ...children) => {
      const node = document.createElementNS(svgNS, tag);
      for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
      node.append(...children);
      return node;
    };

    function update() {
      const tokens = nn().tokenize(input.value);
      const cut = tokens.length > MAX_WORDS;
      const reading = nn().memoryForward(model, cut ? tokens.slice(0, MAX_WORDS).join(" ") : input.value);
      const T = reading.words.length;
      words.replaceChildren(
        ...reading.words.map((word, t) =>
          el("li", { class: reading.unknown[t] ? "em-word em-word--unknown" : "em-word", title: reading.unknown[t] ? `“${word}” is not in the vocabulary: read as <unk>` : null }, reading.unknown[t] ? `<unk> (${word})` : word),
        ),
      );
      if (T === 0) {
        chart.replaceChildren();
        heat.replaceChildren();
        verdict.textContent = "Type a sentence and the Memory will read it.";
        return;
      }
      const p = reading.probabilities.map((probs) => probs[positive]);
      // The reading after each word: a line over the words, 0.5 marked as "undecided".
      const step = 56;
      const width = Math.max(320, step * T + 40);
      const height = 150;
      const y = (v) => 15 + (1 - v) * (height - 50);
      const points = p.map((v, t) => `${30 + t * step},${y(v).toFixed(1)}`).join(" ");
      chart.replaceChildren(
        svg(
          "svg",
          { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `Probability of positive after each word: ${reading.words.map((w, t) => `${w} ${percent(p[t])}`).join(", ")}` },
          svg("line", { x1: 20, x2: width - 10, y1: y(0.5), y2: y(0.5), class: "em-chart__midline" }),
          svg("text", { x: 2, y: y(1) + 4, class: "em-chart__axis" }, "+"),
          svg("text", { x: 2, y: y(0) + 4, class: "em-chart__axis" }, "−"),
          svg("polyline", { points, class: "em-chart__line" }),
          ...p.map((v, t) => svg("circle", { cx: 30 + t * step, cy: y(v), r: 4, class: v >= 0.5 ? "em-chart__dot em-chart__dot--positive" : "em-chart__dot" })),
          ...reading.words.map((w, t) => svg("text", { x: 30 + t * step, y: height - 12, class: "em-chart__word", "text-anchor": "middle" }, w.length > 8 ? w.slice(0, 7) + "…" : w)),
        ),
      );
      // The hidden state: one column per word, one row per hidden unit.
      const H = reading.states[0].length;
      const grid = el("div", { class: "em-grid em-grid--state", role: "img", "aria-label": `Hidden state, ${H} numbers after each of ${T} words` });
      grid.style.width = `${Math.max(320, step * T)}px`;
      const byUnit = [];
      for (let k = 0; k < H; k++) for (let t = 0; t < T; t++) byUnit.push(reading.states[t][k]);
      drawGrid(grid, byUnit, H, T, { signed: true, scale: 1, label: grid.getAttribute("aria-label") });
      heat.replaceChildren(grid);

      // Between 0.2 and 0.8 the Memory is unsure. It makes up its mind when a reading first
      // leaves that band, and changes it when a reading crosses 0.5 to the band's other side.
      const side = (v) => (v > 0.8 ? "positive" : v < 0.2 ? "negative" : null);
      const changes = [];
      let held = null;
      for (let t = 0; t < T; t++) {
        const now = side(p[t]);
        if (now === null || now === held) continue;
        changes.push(`after “${reading.words[t]}”`);
        held = now;
      }
      const [formed, ...flips] = changes;
      const last = p[T - 1];
      const final = side(last);
      verdict.textContent =
        (final === null
          ? `The Memory is unsure about this review (${percent(last)} positive).`
          : `The Memory reads this review as ${final} (${percent(Math.max(last, 1 - last))} sure).`) +
        (formed === undefined
          ? " It never made up its mind."
          : ` It made up its mind ${formed}` +
            (flips.length ? ` and changed it ${flips.length === 1 ? "once" : `${flips.length} times`}: ${flips.join(", ")}.` : " and never changed it.")) +
        (reading.unknown.some(Boolean) ? " Words it never saw in training count as <unk>." : "") +
        (cut ? ` Only the first ${MAX_WORDS} of your ${tokens.length} words were read.` : "");
    }

    input.addEventListener("input", update);
    update();
    root.dataset.ready = "true";
  }

  const MOUNT = { eye: mountEye, memory: mountMemory };

  function mount(root) {
    const kind = root.dataset.explorer;
    loadModel(kind)
      .then((model) => MOUNT[kind](root, model))
      .catch((error) => {
        root.textContent = `The explorer could not load its model (${error.message}).`;
        root.dataset.ready = "error";
        console.error(error);
      });
  }

  // An explorer (and its model file) loads only when the reader scrolls near it, so that
  // it costs nothing to a reader who stays at the top of the chapter.
  const near = "IntersectionObserver" in window
    ? new IntersectionObserver((entries) => {
        for (const entry of entries.filter((e) => e.isIntersecting)) {
          near.unobserve(entry.target);
          mount(entry.target);
        }
      }, { rootMargin: "800px 0px" })
    : null;

  function mountAll() {
    if (near) near.disconnect(); // the previous page's explorers are gone
    for (const root of document.querySelectorAll("[data-explorer]:not([data-mounted])")) {
      root.dataset.mounted = "true";
      root.classList.add("em-explorer", `em-explorer--${root.dataset.explorer}`);
      root.textContent = "Loading the model…";
      if (near) near.observe(root);
      else mount(root);
    }
  }

  // The tests compare these models' outputs with PyTorch's.
  window.eyememory = Object.assign(window.eyememory || {}, { explorers: { loadModel } });

  // A deferred script: the page is parsed when it runs.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
