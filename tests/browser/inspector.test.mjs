// The backprop inspector (#inspect opens #inspector): pick a training point on the output,
// step through its forward and backward pass; the numbers shown obey the chain rule and
// agree with an independent computation.
import path from "node:path";
import {
  ARTIFACTS, test, openPage, screenshot, assert, SUBPATH, waitForApp, snapCanvas, diffCanvas, sleep,
} from "./harness.mjs";

const QUERY = "dataset=xor&hidden=3,2&activation=tanh&loss=bce&optimizer=sgd&lr=0.1&reg=none&seed=4";

async function open(query = QUERY, opts) {
  const page = await openPage(`${SUBPATH}?${query}`, opts);
  await waitForApp(page);
  await page.waitForSelector("#network canvas.neuron");
  return page;
}

/** Every number the inspector shows: { q, l, n, i, v } (n, i null when absent). */
function cells(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("#inspector [data-quantity]")].map((e) => ({
      q: e.dataset.quantity,
      l: e.dataset.layer === undefined ? null : Number(e.dataset.layer),
      n: e.dataset.neuron === undefined ? null : Number(e.dataset.neuron),
      i: e.dataset.input === undefined ? null : Number(e.dataset.input),
      v: Number(e.dataset.value),
      text: e.textContent,
    })),
  );
}

const pick = (cs, q, n = null, i = null) => {
  const c = cs.find((c) => c.q === q && c.n === n && c.i === i);
  assert.ok(c, `no ${q} cell for neuron ${n} input ${i}`);
  return c.v;
};
const rows = (cs, q) => cs.filter((c) => c.q === q);

function near(actual, expected, what, rel = 2e-4, abs = 1e-6) {
  assert.ok(
    Math.abs(actual - expected) <= abs + rel * Math.abs(expected),
    `${what}: ${actual} vs expected ${expected}`,
  );
}

const indicator = (page) =>
  page.evaluate(() => {
    const e = document.querySelector("#inspector .inspector-step");
    return {
      text: e.querySelector(".step-name")?.textContent ?? "",
      phase: e.dataset.phase,
      step: Number(e.dataset.step),
      steps: Number(e.dataset.steps),
      layer: e.dataset.layer === "" ? null : Number(e.dataset.layer),
    };
  });

const picked = (page) =>
  page.evaluate(() => {
    const e = document.querySelector("#inspector");
    return e.hasAttribute("data-picked")
      ? { x: Number(e.dataset.x), y: Number(e.dataset.y), px: Number(e.dataset.px), py: Number(e.dataset.py) }
      : null;
  });

/** Opens the inspector and picks the training point nearest the boundary's centre. */
async function inspectPoint(page) {
  await page.click("#inspect");
  await page.waitForSelector("#inspector:not([hidden])");
  const box = await page.locator("#boundary").boundingBox();
  await page.click("#boundary", { position: { x: box.width * 0.4, y: box.height * 0.45 } });
  await page.waitForSelector("#inspector[data-picked]");
  return picked(page);
}

test("inspector: pick a point, step forward and backward, numbers obey the chain rule", async () => {
  const page = await open();
  // Pressing #inspect pauses a running training.
  await page.click("#play");
  await page.waitForFunction(() => Number(document.querySelector("#epoch").textContent) > 2);
  await page.click("#inspect");
  assert.equal(await page.getAttribute("#play", "aria-pressed"), "false", "training should pause");
  assert.equal(await page.getAttribute("#inspect", "aria-pressed"), "true");
  await page.waitForSelector("#inspector:not([hidden])");
  const hint = (await page.textContent("#inspector .inspector-hint")).trim();
  assert.match(hint, /click a training point on the output/i);

  // A click picks the nearest training point (no point is added) and rings it.
  await snapCanvas(page, "#boundary", "before-pick");
  const box = await page.locator("#boundary").boundingBox();
  await page.click("#boundary", { position: { x: box.width * 0.4, y: box.height * 0.45 } });
  await page.waitForSelector("#inspector[data-picked]");
  const first = await picked(page);
  assert.ok(await diffCanvas(page, "#boundary", "before-pick") > 20, "the picked point should get a ring");
  // Clicking exactly on that point picks the same point.
  await page.click("#boundary", { position: { x: first.px, y: first.py } });
  await sleep(100);
  const again = await picked(page);
  assert.equal(again.x, first.x);
  assert.equal(again.y, first.y);

  const lr = 0.1;
  const seen = [];
  const state = { deltas: {}, weights: {} };
  let info = await indicator(page);
  assert.equal(info.steps, 8, "3 layers: 3 forward, loss, 3 backward, update");
  for (let s = 0; s < info.steps; s++) {
    info = await indicator(page);
    assert.equal(info.step, s);
    seen.push(info.text);
    const cs = await cells(page);
    const l = info.layer;
    if (info.phase === "forward") {
      // z = Σ w·a_in + b, from the shown numbers; a = tanh(z) (hidden) or a = z (output).
      for (const zc of rows(cs, "z")) {
        const r = zc.n;
        const ins = cs.filter((c) => c.q === "w" && c.n === r);
        const sum = ins.reduce((acc, w) => acc + w.v * pick(cs, "input", r, w.i), 0) + pick(cs, "b", r);
        near(zc.v, sum, `layer ${l} z[${r}]`, 1e-4, 1e-5);
        const a = pick(cs, "a", r);
        near(a, l === 2 ? zc.v : Math.tanh(zc.v), `layer ${l} a[${r}]`, 1e-4, 1e-6);
      }
      // The diagram highlights the layer and labels the nodes.
      const marks = await page.evaluate((l) => ({
        current: document.querySelectorAll(`#network path.link.inspect-current[data-layer="${l}"]`).length,
        other: document.querySelectorAll(`#network path.link.inspect-current:not([data-layer="${l}"])`).length,
        labels: document.querySelectorAll("#network .inspect-value").length,
      }), l);
      assert.ok(marks.current > 0 && marks.other === 0, `links of layer ${l}: ${JSON.stringify(marks)}`);
      assert.ok(marks.labels >= 2 + 3, `node values on the diagram: ${marks.labels}`);
    } else if (info.phase === "loss") {
      const s0 = pick(cs, "score", 0);
      const p = pick(cs, "prediction", 0);
      const y = Number((await page.getAttribute("#inspector [data-quantity=label]", "data-value")));
      near(p, 1 / (1 + Math.exp(-s0)), "p = σ(s)");
      const loss = Number(await page.getAttribute("#inspector [data-quantity=loss]", "data-value"));
      near(loss, -(y * Math.log(p) + (1 - y) * Math.log(1 - p)), "BCE loss", 1e-3, 1e-6);
      state.outputGrad = pick(cs, "output-grad", 0);
      near(state.outputGrad, p - y, "∂L/∂s = p − y", 1e-3, 1e-6);
    } else if (info.phase === "backward") {
      for (const dc of rows(cs, "delta")) {
        const r = dc.n;
        const up = pick(cs, "upstream", r);
        const local = pick(cs, "local", r);
        near(dc.v, up * local, `layer ${l} δ[${r}] = upstream × local`);
        const a = pick(cs, "a", r);
        near(local, l === 2 ? 1 : 1 - a * a, `layer ${l} f′(z) of tanh`, 1e-3, 1e-6);
        // The upstream gradient is what the layer above sent back: Σ_k w[k][r]·δ_k.
        const expectedUp =
          l === 2
            ? state.outputGrad
            : Object.entries(state.deltas[l + 1]).reduce((acc, [k, d]) => acc + d * state.weights[l + 1][`${k},${r}`], 0);
        near(up, expectedUp, `layer ${l} upstream[${r}]`, 1e-3, 1e-6);
        for (const gw of cs.filter((c) => c.q === "grad-w" && c.n === r)) {
          near(gw.v, dc.v * pick(cs, "input", r, gw.i), `∂L/∂w = δ·a_in (${l},${r},${gw.i})`);
          near(pick(cs, "update-w", r, gw.i), -lr * gw.v, `Δw = −η·∂L/∂w (${l},${r},${gw.i})`, 1e-3, 1e-7);
        }
        near(pick(cs, "grad-b", r), dc.v, "∂L/∂b = δ");
      }
      state.deltas[l] = Object.fromEntries(rows(cs, "delta").map((c) => [c.n, c.v]));
      state.weights[l] = Object.fromEntries(rows(cs, "w").map((c) => [`${c.n},${c.i}`, c.v]));
      const labels = await page.evaluate(() => document.querySelectorAll("#network .inspect-value.backward").length);
      assert.ok(labels >= 1, "δ labels on the diagram");
    } else {
      assert.equal(info.phase, "update");
      const ws = rows(cs, "w");
      assert.equal(ws.length, 2 * 3 + 3 * 2 + 2 * 1, "every weight in the update table");
      for (const w of ws) {
        const d = cs.find((c) => c.q === "update-w" && c.l === w.l && c.n === w.n && c.i === w.i).v;
        const g = cs.find((c) => c.q === "grad-w" && c.l === w.l && c.n === w.n && c.i === w.i).v;
        near(d, -lr * g, "Δw = −η·g", 1e-3, 1e-7);
      }
    }
    if (s + 1 < info.steps) await page.click("#inspector [data-inspect=next]");
  }
  assert.deepEqual(seen, [
    "Forward · layer 1 of 3",
    "Forward · layer 2 of 3",
    "Forward · layer 3 of 3",
    "Loss",
    "Backward · layer 3 of 3",
    "Backward · layer 2 of 3",
    "Backward · layer 1 of 3",
    "Weight update",
  ]);
  assert.ok(await page.isDisabled("#inspector [data-inspect=next]"));
  // ← goes back (also right after pressing a button).
  await page.keyboard.press("ArrowLeft");
  assert.equal((await indicator(page)).text, "Backward · layer 1 of 3");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  assert.equal((await indicator(page)).text, "Backward · layer 3 of 3");
  await screenshot(page, "inspector-en-1200");
  page.assertClean();
});

test("inspector: a weight set in the diagram's editor and training update the numbers", async () => {
  const page = await open();
  await inspectPoint(page);
  // Set weight (layer 0, row 1, column 0) to a known value through the diagram's editor.
  await page.dispatchEvent('#network path.link-hit[data-layer="0"][data-row="1"][data-column="0"]', "click");
  await page.waitForSelector("#editor:not([hidden])");
  await page.fill("#editor input", "0.75");
  await page.press("#editor input", "Enter");
  await page.waitForFunction(() =>
    document.querySelector('#inspector [data-quantity=w][data-layer="0"][data-neuron="1"][data-input="0"]')?.dataset.value === "0.75");
  let cs = await cells(page);
  const z = pick(cs, "z", 1);
  const expected = 0.75 * pick(cs, "input", 1, 0) + pick(cs, "w", 1, 1) * pick(cs, "input", 1, 1) + pick(cs, "b", 1);
  near(z, expected, "z with the edited weight", 1e-4, 1e-5);

  // Training one epoch moves the weights; the traced numbers follow.
  const before = pick(cs, "w", 1, 0);
  await page.click("#step");
  await page.waitForFunction((b) =>
    Number(document.querySelector('#inspector [data-quantity=w][data-neuron="1"][data-input="0"]').dataset.value) !== b, before);
  cs = await cells(page);
  const sum = pick(cs, "w", 1, 0) * pick(cs, "input", 1, 0) + pick(cs, "w", 1, 1) * pick(cs, "input", 1, 1) + pick(cs, "b", 1);
  near(pick(cs, "z", 1), sum, "z after training", 1e-4, 1e-5);

  // A config edit (learning rate) changes the shown update at once.
  for (let i = 0; i < 6; i++) await page.click("#inspector [data-inspect=next]");
  assert.equal((await indicator(page)).phase, "backward");
  await page.fill("#learning-rate", "0.01");
  await page.press("#learning-rate", "Enter");
  await page.waitForFunction(() => {
    const g = document.querySelector('#inspector [data-quantity=grad-w][data-neuron="0"][data-input="0"]');
    const d = document.querySelector('#inspector [data-quantity=update-w][data-neuron="0"][data-input="0"]');
    return g && d && Math.abs(Number(d.dataset.value) + 0.01 * Number(g.dataset.value)) < 1e-7 + 1e-3 * Math.abs(Number(d.dataset.value));
  });

  // Closing restores normal clicks: a click adds a point again, the marks are gone.
  await page.click("#inspector [data-inspect=close]");
  assert.equal(await page.getAttribute("#inspect", "aria-pressed"), "false");
  assert.ok(await page.isHidden("#inspector"));
  assert.equal(await page.locator("#network .inspect-value, #network .inspect-current").count(), 0);
  await snapCanvas(page, "#boundary", "closed");
  const box = await page.locator("#boundary").boundingBox();
  await page.click("#boundary", { position: { x: box.width * 0.93, y: box.height * 0.07 } });
  await sleep(150);
  assert.ok(await diffCanvas(page, "#boundary", "closed") > 10, "a click adds a point after closing");
  page.assertClean();
});

test("inspector: Chinese labels, same numbers; screenshots", async () => {
  const shots = [];
  const texts = {};
  for (const lang of ["en", "zh"]) {
    for (const width of [1280, 390]) {
      const page = await open(`${QUERY}&lang=${lang}`, { viewport: { width, height: 900 } });
      const point = await inspectPoint(page);
      // Forward, loss, then the last hidden layer's backward step.
      for (let i = 0; i < 5; i++) await page.click("#inspector [data-inspect=next]");
      const info = await indicator(page);
      const head = await page.textContent("#inspector");
      if (lang === "zh") {
        assert.match(await page.textContent("#inspector-title"), /反向传播检查器/);
        assert.match(info.text, /^反向传播 · 第 2 层（共 3 层）$/);
        for (const term of ["链式法则", "局部梯度", "上游梯度", "神经元"]) assert.ok(head.includes(term), `zh: ${term}`);
        assert.ok(!/Backward|Forward|upstream|local gradient/.test(head), "no English left in zh mode");
        await page.click("#inspector [data-inspect=prev]");
        assert.equal((await indicator(page)).text, "反向传播 · 第 3 层（共 3 层）");
        await page.click("#inspector [data-inspect=next]");
      } else {
        assert.equal(info.text, "Backward · layer 2 of 3");
      }
      const numbers = (await cells(page)).map((c) => `${c.q}:${c.text}:${c.v}`).join("|");
      texts[`${lang}-${width}`] = { point, numbers };
      // The panel and the diagram fit the screen: no sideways scrolling of the page.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px at ${width}`);
      await page.locator("#inspector").scrollIntoViewIfNeeded();
      shots.push(await screenshot(page, `inspector-${lang}-${width}`));
      await page.locator(".network-panel").screenshot({ path: path.join(ARTIFACTS, `inspector-panel-${lang}-${width}.png`) });
      page.assertClean();
    }
  }
  // Same point picked, same numbers in both languages.
  assert.deepEqual(texts["zh-1280"].point, texts["en-1280"].point);
  assert.equal(texts["zh-1280"].numbers, texts["en-1280"].numbers);
  assert.equal(shots.length, 4);
}, { timeout: 120000 });

test("inspector: gradient clipping shows the norm, the scale and the clipped gradient the update used", async () => {
  // η = 1 and a limit of 0.05 far below one point's gradient norm.
  const page = await open("dataset=xor&hidden=3&activation=tanh&loss=bce&optimizer=sgd&lr=1&clip=0.05&seed=4");
  await inspectPoint(page);
  while (!(await page.isDisabled("#inspector [data-inspect=next]"))) {
    await page.click("#inspector [data-inspect=next]");
  }
  assert.equal((await indicator(page)).phase, "update");
  const note = (await page.textContent("#inspector-clip")).trim();
  assert.match(note, /Gradient clipping: ‖g‖ = [0-9.e-]+ > c = 0\.05/);
  const scale = Number(await page.getAttribute("#inspector-clip", "data-clip-scale"));
  assert.ok(scale > 0 && scale < 1, `clip scale ${scale}`);
  const cs = await cells(page);
  const grads = rows(cs, "grad-w").concat(rows(cs, "grad-b"));
  // The norm of every gradient together, from the shown (pre-clipping) gradients.
  const norm = Math.sqrt(grads.reduce((acc, g) => acc + g.v * g.v, 0));
  near(scale, 0.05 / norm, "scale = c/‖g‖", 1e-3, 1e-7);
  for (const kind of ["w", "b"]) {
    for (const g of rows(cs, `grad-${kind}`)) {
      const same = (c) => c.l === g.l && c.n === g.n && c.i === g.i;
      const clipped = cs.find((c) => c.q === `clipped-grad-${kind}` && same(c)).v;
      near(clipped, g.v * scale, `clipped ${kind} (${g.l},${g.n},${g.i})`, 1e-3, 1e-8);
      near(cs.find((c) => c.q === `update-${kind}` && same(c)).v, -clipped, `Δ${kind} = −η·g`, 1e-3, 1e-8);
    }
  }
  // Without clipping the note and the column are absent.
  await page.evaluate(() => {
    const clip = document.querySelector("#clip");
    clip.value = "";
    clip.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await page.waitForFunction(() => !document.querySelector("#inspector-clip"));
  assert.equal((await cells(page)).filter((c) => c.q.startsWith("clipped-")).length, 0);
  page.assertClean();
});

test("inspector: with dropout on, the trace says it runs in evaluation mode", async () => {
  const page = await open("dataset=xor&hidden=4&dropout=0.3&seed=2");
  await inspectPoint(page);
  const note = (await page.textContent("#inspector-eval-mode")).trim();
  assert.match(note, /evaluation mode/);
  assert.match(note, /1\/\(1 − p\)/);
  page.assertClean();
});
