// The network diagram (#network): one painted canvas per neuron, per-layer buttons and
// activation selects, editable weights, and a layout that fits its panel at any size.
import {
  test, openPage, waitForText, screenshot, sleep, assert, SUBPATH,
  value, waitForValue, snapCanvas, diffCanvas, waitForApp, downloadBytes,
} from "./harness.mjs";

async function open(query = "", opts) {
  const page = await openPage(SUBPATH + (query ? `?${query}` : ""), opts);
  await waitForApp(page);
  await page.waitForSelector("#network canvas.neuron");
  return page;
}

const param = (page, key) => new URL(page.url()).searchParams.get(key);

/** Neuron canvases per layer (data-layer), and how many of them are painted with a picture. */
async function neurons(page) {
  return page.evaluate(() => {
    const layers = {};
    let painted = 0;
    const blank = [];
    for (const c of document.querySelectorAll("#network canvas.neuron")) {
      const l = Number(c.dataset.layer);
      (layers[l] ||= []).push(Number(c.dataset.index));
      const copy = document.createElement("canvas");
      copy.width = c.width;
      copy.height = c.height;
      const ctx = copy.getContext("2d", { willReadFrequently: true });
      if (c.width > 0 && c.height > 0) ctx.drawImage(c, 0, 0);
      const d = ctx.getImageData(0, 0, Math.max(copy.width, 1), Math.max(copy.height, 1)).data;
      const colours = new Set();
      let opaque = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 0) opaque++;
        colours.add((d[i] >> 4) * 256 + (d[i + 1] >> 4) * 16 + (d[i + 2] >> 4));
      }
      if (opaque > d.length / 8 && colours.size >= 2) painted++;
      else blank.push(`${l}/${c.dataset.index}`);
    }
    const counts = Object.keys(layers).sort((a, b) => a - b).map((l) => layers[l].length);
    return { counts, painted, blank, total: counts.reduce((a, b) => a + b, 0) };
  });
}

/** A point on an SVG path (fraction t of its length), in page coordinates. */
async function pointOnPath(page, selector, t = 0.5) {
  return page.evaluate(([s, t]) => {
    const path = document.querySelector(s);
    const p = path.getPointAtLength(path.getTotalLength() * t);
    const m = path.getScreenCTM();
    return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
  }, [selector, t]);
}

test("one painted canvas per neuron: hidden widths plus the outputs", async () => {
  for (const [query, counts] of [
    ["dataset=xor&hidden=4", [4, 1]],
    ["dataset=blobs3&hidden=5,3", [5, 3, 3]],
    ["dataset=plane&hidden=", [1]],
    ["dataset=spiral&hidden=7,2,6", [7, 2, 6, 1]],
  ]) {
    const page = await open(query);
    await sleep(100);
    const n = await neurons(page);
    assert.deepEqual(n.counts, counts, `${query}: neuron canvases per layer`);
    assert.equal(n.painted, n.total, `${query}: unpainted neuron canvases ${n.blank.join(", ")}`);
    page.assertClean();
    await page.close();
  }
});

test("a thumbnail is drawn only when its colours change, and again after a resize clears it", async () => {
  const page = await open("dataset=xor&hidden=4,4");
  await sleep(100);
  // Count the neuron canvases drawn on from here on.
  await page.evaluate(() => {
    window.__neuronDraws = 0;
    const draw = CanvasRenderingContext2D.prototype.drawImage;
    CanvasRenderingContext2D.prototype.drawImage = function (...args) {
      if (this.canvas.classList.contains("neuron")) window.__neuronDraws++;
      return draw.apply(this, args);
    };
  });
  const draws = () => page.evaluate(() => window.__neuronDraws);
  // Paused, with nothing changed, no thumbnail is drawn again.
  await sleep(300);
  assert.equal(await draws(), 0, "thumbnails redrawn while nothing changed");
  // A step changes the weights: the thumbnails that changed are drawn (at most all nine).
  await page.click("#step");
  await page.waitForFunction(() => window.__neuronDraws > 0);
  assert.ok((await draws()) <= 9, `more draws than neurons after one step: ${await draws()}`);
  // Narrower: the nodes shrink, which clears their canvases; each is painted again although
  // its colours are the same as before.
  const before = await page.$eval('#network canvas.neuron[data-layer="0"][data-index="0"]', (c) => c.width);
  await page.setViewportSize({ width: 900, height: 900 });
  await page.waitForFunction(
    (w) => document.querySelector('#network canvas.neuron[data-layer="0"][data-index="0"]').width !== w, before);
  await sleep(200);
  const n = await neurons(page);
  assert.equal(n.painted, n.total, `blank after the resize: ${n.blank.join(", ")}`);
  page.assertClean();
  await page.close();
});

// While playing, a frame draws at most 16 thumbnails (on the largest network nearly all 49
// change every epoch early on, and drawing them all cost Firefox frames) and links are
// restyled at most every 50 ms; the rest follow on the next frames, and once paused every
// thumbnail must show its neuron's current output.
test("while playing at most 16 thumbnails are drawn a frame, links restyle every 50 ms, and paused every thumbnail catches up", async () => {
  const page = await open("dataset=xor&hidden=8,8,8,8,8,8&seed=3");
  await page.evaluate(() => {
    window.__neuronDraws = 0;
    window.__perFrame = [];
    const draw = CanvasRenderingContext2D.prototype.drawImage;
    CanvasRenderingContext2D.prototype.drawImage = function (...args) {
      if (this.canvas.classList.contains("neuron")) window.__neuronDraws++;
      return draw.apply(this, args);
    };
    // Link restyles (the SVG under them is repainted): at most one frame's worth per 50 ms.
    window.__linkTimes = [];
    let linkFrame = -1;
    const set = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function (name, value) {
      if (this.classList.contains("link") && name === "stroke-width" && linkFrame !== window.__perFrame.length) {
        linkFrame = window.__perFrame.length;
        window.__linkTimes.push(performance.now());
      }
      return set.call(this, name, value);
    };
    let last = 0;
    const tick = () => {
      window.__perFrame.push(window.__neuronDraws - last);
      last = window.__neuronDraws;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.$eval("#play", (b) => b.click());
  await waitForValue(page, "#epoch", ">=", 40, { timeout: 20000 });
  const playing = await page.evaluate(() => window.__perFrame.slice(2));
  const linkTimes = await page.evaluate(() => window.__linkTimes);
  await page.$eval("#play", (b) => b.click());
  assert.ok(linkTimes.length >= 3, `links restyled in ${linkTimes.length} frames while playing`);
  const gaps = linkTimes.slice(2).map((t, i) => t - linkTimes[i + 1]);
  assert.ok(Math.min(...gaps) >= 49, `links restyled ${Math.min(...gaps).toFixed(1)} ms apart while playing`);
  assert.ok(Math.max(...playing) <= 16, `a frame drew ${Math.max(...playing)} thumbnails while playing`);
  assert.ok(playing.reduce((a, b) => a + b, 0) > 100, "the thumbnails did not follow the training");
  // Paused: the draws stop once every thumbnail has caught up.
  let count = -1;
  for (let i = 0; i < 30 && count !== (await page.evaluate(() => window.__neuronDraws)); i++) {
    count = await page.evaluate(() => window.__neuronDraws);
    await sleep(150);
  }
  const pixels = () => page.evaluate(() => [...document.querySelectorAll("#network canvas.neuron")].map((c) => {
    const copy = document.createElement("canvas");
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(c, 0, 0);
    return Array.from(ctx.getImageData(0, 0, c.width, c.height).data).join(",");
  }));
  const shown = await pixels();
  // Another view (test points shown) redraws whatever does not show the current weights;
  // after the catching up, no thumbnail may change.
  await page.$eval("#show-test", (b) => b.click());
  await sleep(300);
  const after = await pixels();
  const stale = shown.map((p, i) => (p === after[i] ? null : i)).filter((i) => i !== null);
  assert.deepEqual(stale, [], "thumbnails that still showed older weights after the pause");
  page.assertClean();
  await page.close();
});

test("per-layer + and − add and remove a neuron", async () => {
  const page = await open("dataset=xor&hidden=4,2&seed=1");
  await page.click('#network .add-neuron[data-layer="0"]');
  await page.waitForFunction(() => document.querySelectorAll('#network canvas.neuron[data-layer="0"]').length === 5);
  assert.equal(param(page, "hidden"), "5,2");
  assert.deepEqual((await neurons(page)).counts, [5, 2, 1]);

  await page.click('#network .remove-neuron[data-layer="1"]');
  await page.waitForFunction(() => document.querySelectorAll('#network canvas.neuron[data-layer="1"]').length === 1);
  assert.equal(param(page, "hidden"), "5,1");
  // A layer of one neuron cannot lose it; the other button still works.
  assert.equal(await page.isDisabled('#network .remove-neuron[data-layer="1"]'), true);
  await page.click('#network .remove-neuron[data-layer="0"]');
  await page.waitForFunction(() => document.querySelectorAll('#network canvas.neuron[data-layer="0"]').length === 4);
  assert.equal(param(page, "hidden"), "4,1");
  const n = await neurons(page);
  assert.deepEqual(n.counts, [4, 1, 1]);
  assert.equal(n.painted, n.total, `unpainted: ${n.blank}`);

  // The diagram's changes keep training going.
  await page.selectOption("#speed", "20");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 50, { timeout: 10000 });
  await page.click('#network .add-neuron[data-layer="1"]');
  assert.equal(param(page, "hidden"), "4,2");
  const at = await value(page, "#epoch");
  await waitForValue(page, "#epoch", ">=", at + 20, { timeout: 10000 });
  page.assertClean();
});

test("a layer's activation select changes only that layer", async () => {
  const page = await open("dataset=xor&hidden=4,3&activation=tanh");
  assert.equal(await page.inputValue('#network select.layer-activation[data-layer="0"]'), "tanh");
  assert.equal(param(page, "activations"), null);
  await snapCanvas(page, 'canvas.neuron[data-layer="0"][data-index="0"]', "n00");
  await page.selectOption('#network select.layer-activation[data-layer="0"]', "relu");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("activations") !== null);
  const activations = param(page, "activations");
  assert.match(activations, /relu/, `activations=${activations}`);
  assert.match(activations, /tanh/, `activations=${activations} should keep layer 2 as tanh`);
  assert.equal(param(page, "activation"), "tanh");
  assert.equal(await page.inputValue('#network select.layer-activation[data-layer="0"]'), "relu");
  assert.equal(await page.inputValue('#network select.layer-activation[data-layer="1"]'), "tanh");
  assert.ok((await diffCanvas(page, 'canvas.neuron[data-layer="0"][data-index="0"]', "n00")) > 0,
    "the neuron's picture did not change with its activation");
  // The link reproduces the per-layer choice.
  const again = await openPage(new URL(page.url()).pathname + new URL(page.url()).search);
  await waitForApp(again);
  await again.waitForSelector("#network select.layer-activation");
  assert.equal(await again.inputValue('#network select.layer-activation[data-layer="0"]'), "relu");
  assert.equal(await again.inputValue('#network select.layer-activation[data-layer="1"]'), "tanh");
  page.assertClean();
  again.assertClean();
});

test("clicking a link opens the editor; Enter sets the weight, Escape cancels", async () => {
  const page = await open("dataset=xor&hidden=4&seed=1");
  // Train first, so the boundary is sharp and one weight visibly matters.
  await page.selectOption("#speed", "20");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 200, { timeout: 10000 });
  await page.click("#play");
  await sleep(100);
  const link = '#network path.link[data-layer="0"][data-row="0"][data-column="0"]';
  await page.waitForSelector(link, { state: "attached" });
  const spot = await pointOnPath(page, link, 0.5);
  const hit = await page.evaluate(({ x, y }) => {
    const e = document.elementFromPoint(x, y);
    return e && `${e.getAttribute("class")} ${e.dataset.layer}/${e.dataset.row}/${e.dataset.column}`;
  }, spot);
  assert.match(hit, /link.* 0\/0\/0$/, `the link's middle is covered by ${hit}`);

  // Hovering shows the weight's value.
  await page.mouse.move(spot.x, spot.y);
  await page.waitForSelector("#tooltip:not([hidden])", { timeout: 2000 });
  const tipBefore = await page.textContent("#tooltip");
  assert.match(tipBefore, /weight/i, `tooltip: ${tipBefore}`);

  await snapCanvas(page, "canvas#boundary", "before-edit");
  await page.mouse.click(spot.x, spot.y);
  await page.waitForSelector("#editor:not([hidden])", { timeout: 2000 });
  assert.equal(await page.getAttribute("#editor", "data-kind"), "weight");
  assert.deepEqual(
    await page.evaluate(() => ["layer", "row", "column"].map((k) => document.querySelector("#editor").dataset[k])),
    ["0", "0", "0"]);
  const shown = Number(await page.inputValue("#editor input"));
  assert.ok(Number.isFinite(shown) && shown !== 0, `editor shows ${shown}`);

  // A bad value is refused in the editor, which stays open.
  await page.fill("#editor input", "abc");
  await page.press("#editor input", "Enter");
  assert.ok(await page.isVisible("#editor"), "the editor closed on a bad value");
  assert.ok((await page.textContent("#editor .field-error")).trim().length > 0, "no message for a bad weight");

  await page.fill("#editor input", "0");
  await page.press("#editor input", "Enter");
  await page.waitForSelector("#editor", { state: "hidden", timeout: 2000 });
  await sleep(150);
  const changed = await diffCanvas(page, "canvas#boundary", "before-edit");
  assert.ok(changed > 200, `setting the weight to 0 changed only ${changed} boundary pixels`);

  await page.mouse.move(spot.x + 200, spot.y + 200);
  await page.mouse.move(spot.x, spot.y);
  await page.waitForFunction(() => /weight\s+0\.000\b/.test(document.querySelector("#tooltip").textContent), null, { timeout: 2000 })
    .catch(async () => assert.fail(`tooltip after setting 0: ${await page.textContent("#tooltip")}`));

  // Escape cancels: the weight stays 0.
  await page.mouse.click(spot.x, spot.y);
  await page.waitForSelector("#editor:not([hidden])", { timeout: 2000 });
  assert.equal(Number(await page.inputValue("#editor input")), 0);
  await page.fill("#editor input", "3");
  await page.press("#editor input", "Escape");
  await page.waitForSelector("#editor", { state: "hidden", timeout: 2000 });
  await page.mouse.move(spot.x + 200, spot.y + 200);
  await page.mouse.move(spot.x, spot.y);
  await sleep(100);
  assert.match(await page.textContent("#tooltip"), /weight\s+0\.000\b/);
  page.assertClean();
});

for (const [w, h] of [[1366, 768], [390, 844]]) {
  test(`BUG: the diagram of 8 layers of 32 fits its panel at ${w}×${h} (it scrolls sideways)`, async () => {
    const page = await open("hidden=32,32,32,32,32,32,32,32&dataset=spiral", { viewport: { width: w, height: h } });
    await sleep(200);
    const n = await neurons(page);
    assert.deepEqual(n.counts, [32, 32, 32, 32, 32, 32, 32, 32, 1]);
    await page.locator(".network-panel").scrollIntoViewIfNeeded();
    await screenshot(page, `network-8x32-${w}x${h}`);
    const outside = await page.evaluate(() => {
      const panel = document.querySelector(".network-panel").getBoundingClientRect();
      const bad = [];
      for (const el of document.querySelectorAll(".network-panel *")) {
        if (el.closest("#tooltip, #editor, option")) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.left < panel.left - 1 || r.right > panel.right + 1 || r.top < panel.top - 1 || r.bottom > panel.bottom + 1) {
          bad.push(`${el.tagName.toLowerCase()}.${el.getAttribute("class")} ` +
            `[${Math.round(r.left)}, ${Math.round(r.right)}] x [${Math.round(r.top)}, ${Math.round(r.bottom)}]`);
        }
      }
      const net = document.querySelector("#network");
      if (net.scrollWidth > net.clientWidth + 1) bad.unshift(`#network scrolls: scrollWidth ${net.scrollWidth} > clientWidth ${net.clientWidth}`);
      return { panel: [panel.left, panel.right, panel.top, panel.bottom].map(Math.round), bad };
    });
    assert.deepEqual(outside.bad.slice(0, 8), [],
      `${outside.bad.length} element(s) outside the panel ${JSON.stringify(outside.panel)}`);
    page.assertClean();
  });
}

// While playing, the diagram restyles only a few links per frame (restyling every changed
// SVG path cost the frame more than the rest of it); once paused, every link must catch up
// and show its weight: colour by sign, width growing with |w|.
test("after playing, every link shows its weight once paused (sign by colour, |w| by width)", async () => {
  const page = await open("dataset=xor&hidden=8,8,8,8,8,8&norm=batch&seed=2");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 60, { timeout: 20000 });
  await page.click("#play");
  const styles = () => page.evaluate(() => [...document.querySelectorAll("#network path.link")].map((p) => ({
    key: [p.dataset.layer, p.dataset.row, p.dataset.column].join("/"),
    width: Number(p.getAttribute("stroke-width")),
    colour: (p.getAttribute("stroke") || "").match(/\d+/g)?.map(Number) ?? [],
  })));
  // The catching up takes a few frames; the styles then stay put.
  let shown = await styles();
  for (let i = 0; i < 40; i++) {
    await sleep(100);
    const now = await styles();
    if (JSON.stringify(now) === JSON.stringify(shown)) break;
    shown = now;
  }
  await page.click("details.more > summary");
  const { bytes } = await downloadBytes(page, () => page.click("#save-model"));
  const model = JSON.parse(bytes.toString("utf8"));
  const links = shown.map((s) => {
    const [l, r, c] = s.key.split("/").map(Number);
    return { ...s, w: model.layers[l].weights[r][c] };
  });
  assert.equal(links.length, 2 * 8 + 5 * 8 * 8 + 8, "links drawn");
  // Positive weights blue (more blue than red), negative ones orange (more red than blue).
  for (const link of links.filter((k) => Math.abs(k.w) > 0.1)) {
    const [r, , b] = link.colour;
    assert.ok(link.w > 0 ? b > r : r > b, `link ${link.key} (w = ${link.w}) drawn in rgb(${link.colour})`);
  }
  // Widths never shrink as |w| grows, and the largest |w| has the widest link.
  const sorted = [...links].sort((a, b) => Math.abs(a.w) - Math.abs(b.w));
  for (let i = 1; i < sorted.length; i++) {
    assert.ok(sorted[i].width >= sorted[i - 1].width,
      `|w| ${Math.abs(sorted[i].w)} is drawn ${sorted[i].width} wide, |w| ${Math.abs(sorted[i - 1].w)} ${sorted[i - 1].width}`);
  }
  assert.ok(sorted.at(-1).width > sorted[0].width, "every link is drawn the same width");
  page.assertClean();
});
