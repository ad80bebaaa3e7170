// The forward passes of the Eye and the Memory in plain JavaScript.
//
// Tensors are {shape, data}: row-major, exactly like torch's contiguous layout, so
// weights exported with `python -m eyememory.export` load with no reshuffling. Numbers are
// JavaScript doubles; the browser tests check every output against PyTorch within 1e-4.
(function () {
  "use strict";

  const tensor = (shape, data) => ({ shape, data: data || new Float64Array(shape.reduce((a, b) => a * b, 1)) });

  // (W ⋆ X)[o, i, j] = Σ_c Σ_m Σ_n W[o, c, m, n] · X[c, i + m − p, j + n − p] + b[o]
  // (stride 1, zero padding p: the kernel slides over every position of the grid)
  function conv2d(x, weight, bias, padding) {
    const [C, H, W] = x.shape;
    const [O, , KH, KW] = weight.shape;
    const HO = H + 2 * padding - KH + 1;
    const WO = W + 2 * padding - KW + 1;
    const out = tensor([O, HO, WO]);
    for (let o = 0; o < O; o++) {
      for (let i = 0; i < HO; i++) {
        for (let j = 0; j < WO; j++) {
          let sum = bias ? bias.data[o] : 0;
          for (let c = 0; c < C; c++) {
            for (let m = 0; m < KH; m++) {
              const row = i + m - padding;
              if (row < 0 || row >= H) continue; // zero padding
              for (let n = 0; n < KW; n++) {
                const col = j + n - padding;
                if (col < 0 || col >= W) continue;
                sum += weight.data[((o * C + c) * KH + m) * KW + n] * x.data[(c * H + row) * W + col];
              }
            }
          }
          out.data[(o * HO + i) * WO + j] = sum;
        }
      }
    }
    return out;
  }

  // ReLU(z) = max(0, z): keep the positive evidence.
  const relu = (x) => tensor(x.shape, x.data.map((v) => Math.max(0, v)));

  // Max pooling with a k×k window and stride k: the strongest response of each patch.
  function maxPool2d(x, k) {
    const [C, H, W] = x.shape;
    const HO = Math.floor(H / k);
    const WO = Math.floor(W / k);
    const out = tensor([C, HO, WO]);
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < HO; i++) {
        for (let j = 0; j < WO; j++) {
          let best = -Infinity;
          for (let m = 0; m < k; m++) {
            for (let n = 0; n < k; n++) best = Math.max(best, x.data[(c * H + i * k + m) * W + j * k + n]);
          }
          out.data[(c * HO + i) * WO + j] = best;
        }
      }
    }
    return out;
  }

  // Global max pooling: one number per map, the strongest response anywhere.
  function globalMaxPool(x) {
    const [C, H, W] = x.shape;
    const out = tensor([C, 1, 1]);
    for (let c = 0; c < C; c++) {
      let best = -Infinity;
      for (let p = 0; p < H * W; p++) best = Math.max(best, x.data[c * H * W + p]);
      out.data[c] = best;
    }
    return out;
  }

  // y = W x + b, for W of shape (out, in).
  function linear(x, weight, bias) {
    const [O, I] = weight.shape;
    const out = new Float64Array(O);
    for (let o = 0; o < O; o++) {
      let sum = bias ? bias.data[o] : 0;
      for (let i = 0; i < I; i++) sum += weight.data[o * I + i] * x[i];
      out[o] = sum;
    }
    return out;
  }

  // softmax(z)_k = exp(z_k − max z) / Σ_j exp(z_j − max z)
  function softmax(z) {
    const top = Math.max(...z);
    const e = Array.from(z, (v) => Math.exp(v - top));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  }

  // The Eye (eyememory.models.eye.Eye): conv → ReLU → pool 2×2 → conv → ReLU → pool → linear.
  // `image` holds the 64 grey levels of an 8×8 digit, scaled to [0, 1].
  function eyeForward(model, image) {
    const p = model.parameters;
    const x = tensor([1, 8, 8], Float64Array.from(image));
    const conv1 = relu(conv2d(x, p["conv1.weight"], p["conv1.bias"], model.padding));
    const pool1 = maxPool2d(conv1, 2);
    const conv2 = relu(conv2d(pool1, p["conv2.weight"], p["conv2.bias"], model.padding));
    const pool2 = model.head === "max" ? globalMaxPool(conv2) : maxPool2d(conv2, 2);
    const logits = linear(pool2.data, p["fc.weight"], p["fc.bias"]);
    return { conv1, pool1, conv2, pool2, logits: Array.from(logits), probabilities: softmax(logits) };
  }

  // The same tokens as eyememory.data.text.tokenize, step for step (tests/data/tokens.json holds
  // the cases both must agree on): drop format characters (zero-width spaces and joiners, the
  // BOM, soft hyphens), NFC, lower case; then words of letters, marks and digits (an
  // apostrophe inside a word stays in it, as '), and every other sign alone, with the marks
  // and skin tone that follow it (a flag is one token). Spaces and control characters separate.
  const FORMAT = /\p{Cf}/gu;
  const SEPARATOR = /[\p{Z}\p{Cc}]/u;
  const WORD_START = /[\p{L}\p{N}]/u;
  const WORD = /[\p{L}\p{M}\p{N}]/u;
  const MARK = /\p{M}/u;
  const APOSTROPHES = "'\u2019";
  const between = (ch, low, high) => ch !== undefined && ch.codePointAt(0) >= low && ch.codePointAt(0) <= high;
  const isSkinTone = (ch) => between(ch, 0x1f3fb, 0x1f3ff);
  const isFlagLetter = (ch) => between(ch, 0x1f1e6, 0x1f1ff);

  function tokenize(text) {
    if (typeof text !== "string") throw new TypeError(`text must be a string, got ${text === null ? "null" : typeof text}`);
    const chars = Array.from(text.replace(FORMAT, "").normalize("NFC").toLowerCase()); // code points
    const tokens = [];
    let i = 0;
    while (i < chars.length) {
      let j = i + 1;
      if (SEPARATOR.test(chars[i])) {
        i = j;
        continue;
      }
      if (WORD_START.test(chars[i])) {
        for (;;) {
          if (j < chars.length && WORD.test(chars[j])) j += 1;
          else if (j + 1 < chars.length && APOSTROPHES.includes(chars[j]) && WORD_START.test(chars[j + 1])) j += 2;
          else break;
        }
        tokens.push(chars.slice(i, j).join("").replaceAll("\u2019", "'"));
      } else {
        if (isFlagLetter(chars[i]) && isFlagLetter(chars[j])) j += 1;
        while (j < chars.length && (MARK.test(chars[j]) || isSkinTone(chars[j]))) j += 1;
        tokens.push(chars.slice(i, j).join(""));
      }
      i = j;
    }
    return tokens;
  }

  // The Memory (eyememory.models.memory.Memory with a tanh RNN): for every word t,
  //   e_t = E[w_t]
  //   h_t = tanh(W_ih e_t + b_ih + W_hh h_{t−1} + b_hh)      (h_0 = 0)
  //   p_t = softmax(W_o h_t + b_o)   — what it would answer if the sentence ended at t
  function memoryForward(model, text) {
    const p = model.parameters;
    const index = model.index || (model.index = new Map(model.vocabulary.map((token, i) => [token, i])));
    const words = tokenize(text);
    const ids = words.map((w) => (index.has(w) ? index.get(w) : model.unk_index));
    const [, E] = p["embedding.weight"].shape;
    const H = p["rnn.weight_hh_l0"].shape[0];
    let h = new Float64Array(H);
    const states = [];
    const logits = [];
    for (const id of ids) {
      const e = p["embedding.weight"].data.subarray(id * E, (id + 1) * E);
      const fromInput = linear(e, p["rnn.weight_ih_l0"], p["rnn.bias_ih_l0"]);
      const fromMemory = linear(h, p["rnn.weight_hh_l0"], p["rnn.bias_hh_l0"]);
      h = fromInput.map((v, k) => Math.tanh(v + fromMemory[k]));
      states.push(Array.from(h));
      logits.push(Array.from(linear(h, p["head.weight"], p["head.bias"])));
    }
    return {
      words,
      ids,
      unknown: ids.map((id) => id === model.unk_index),
      states,
      logits,
      probabilities: logits.map(softmax),
    };
  }

  // The shape each parameter must have, from the sizes the file declares: the classes, the
  // vocabulary, the layers' widths (each layer's input must be the previous one's output).
  function expectedShapes(json) {
    const shape = (name) => (json.parameters[name] && json.parameters[name].shape) || [];
    const classes = (json.classes || []).length;
    if (json.model === "eyememory.models.eye.Eye") {
      const [C1, , K] = shape("conv1.weight");
      const C2 = shape("conv2.weight")[0];
      let side = 8; // two rounds of a convolution and a 2×2 pooling
      for (let layer = 0; layer < 2; layer++) side = Math.floor((side + 2 * json.padding - K + 1) / 2);
      const features = json.head === "max" ? C2 : C2 * side * side;
      return {
        "conv1.weight": [C1, 1, K, K], "conv1.bias": [C1], "conv2.weight": [C2, C1, K, K], "conv2.bias": [C2],
        "fc.weight": [classes, features], "fc.bias": [classes],
      };
    }
    if (json.model === "eyememory.models.memory.Memory") {
      const E = shape("embedding.weight")[1];
      const H = shape("rnn.weight_hh_l0")[0];
      return {
        "embedding.weight": [(json.vocabulary || []).length, E], "rnn.weight_ih_l0": [H, E], "rnn.weight_hh_l0": [H, H],
        "rnn.bias_ih_l0": [H], "rnn.bias_hh_l0": [H], "head.weight": [classes, H], "head.bias": [classes],
      };
    }
    throw new Error(`model must be eyememory.models.eye.Eye or eyememory.models.memory.Memory, got ${json.model}`);
  }

  // Weights arrive as {name: {shape, data: [numbers]}}; keep them as typed arrays. A file that
  // does not fit the network is refused with what is wrong, rather than read into NaN.
  function loadModel(json) {
    const parameters = {};
    for (const [name, expected] of Object.entries(expectedShapes(json))) {
      const t = json.parameters[name];
      if (!t) throw new Error(`the file must hold ${name}, got no such parameter`);
      const shape = `[${expected.join(", ")}]`;
      const got = Array.isArray(t.shape) ? `[${t.shape.join(", ")}]` : JSON.stringify(t.shape);
      if (got !== shape) throw new Error(`${name} must have shape ${shape}, got ${got}`);
      const size = expected.reduce((a, b) => a * b, 1);
      if (!Array.isArray(t.data) || t.data.length !== size) {
        throw new Error(`${name} must hold ${size} numbers (shape ${shape}), got ${Array.isArray(t.data) ? t.data.length : typeof t.data}`);
      }
      const bad = t.data.find((v) => typeof v !== "number" || !Number.isFinite(v));
      if (bad !== undefined) throw new Error(`${name} must hold finite numbers only, got ${JSON.stringify(bad)}`);
      parameters[name] = tensor(t.shape, Float64Array.from(t.data));
    }
    return { ...json, parameters };
  }

  window.eyememory = Object.assign(window.eyememory || {}, {
    nn: { tensor, conv2d, relu, maxPool2d, globalMaxPool, linear, softmax, eyeForward, memoryForward, tokenize, loadModel },
  });
})();
