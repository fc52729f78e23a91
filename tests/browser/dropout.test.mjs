// The dropout field #dropout: typed like clipping, carried by the URL, trains live and keeps
// the weights when switched on, and the page's run equals the CLI's (determinism.test.mjs).
import { test, openPage, SUBPATH, waitForApp, waitForValue, setText, blurAll, assert } from "./harness.mjs";

const param = (page, key) => new URL(page.url()).searchParams.get(key);
const error = (page) => page.textContent('.field-error[data-for="dropout"]');

test("#dropout sets dropout in the URL live, keeps training, and refuses bad values", async () => {
  const page = await openPage(`${SUBPATH}?dataset=circle&hidden=8&optimizer=adam&lr=0.03&seed=1`);
  await waitForApp(page);
  assert.equal(await page.inputValue("#dropout"), "", "off by default: the empty field");
  assert.equal(await page.getAttribute("#dropout", "placeholder"), "off");
  assert.equal(param(page, "dropout"), null, "no dropout in the URL while it is off");
  for (let i = 0; i < 3; i++) await page.click("#step");
  await waitForValue(page, "#epoch", "==", 3);

  const card = '#formulas [data-formula="dropout"]';
  assert.equal(await page.isVisible(card), false, "no dropout card while it is off");
  // Switched on mid-run: the epoch goes on from 3 (nothing restarts) and training continues.
  await setText(page, "#dropout", "0.3");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("dropout") === "0.3");
  assert.equal(await error(page), "");
  // Its formula card appears, typeset from the TeX in the engine, with the rate in its label.
  await page.waitForSelector(`${card} math`, { state: "visible" });
  assert.equal(await page.textContent(`${card} .formula-label`), "Inverted dropout, p = 0.3, in training only");
  assert.match(await page.innerHTML(`${card} .formula-math`), /<mi>Bernoulli<\/mi>.*<mfrac>/s);
  await waitForValue(page, "#epoch", "==", 3);
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 150, { timeout: 60000 });
  await page.click("#play");
  const accuracy = Number(await page.getAttribute("#test-accuracy", "data-value"));
  assert.ok(accuracy >= 90, `circle with dropout 0.3: test accuracy ${accuracy} %`);

  for (const bad of ["0.95", "abc"]) {
    await setText(page, "#dropout", bad);
    const message = await error(page);
    assert.match(message, new RegExp(`dropout: \`${bad}\``), `message for ${bad}: ${message}`);
    assert.equal(param(page, "dropout"), "0.3", `${bad} keeps the old value`);
  }
  await setText(page, "#dropout", "off");
  await page.waitForFunction(() => !new URL(location.href).searchParams.has("dropout"));
  assert.equal(await error(page), "");
  await blurAll(page);
  page.assertClean();
});

test("#dropout speaks Chinese and a link sets it per layer", async () => {
  const page = await openPage(`${SUBPATH}?lang=zh&hidden=4,4&dropout=0.2&dropouts=0.5,0`);
  await waitForApp(page);
  assert.equal(await page.inputValue("#dropout"), "0.2");
  assert.match(await page.textContent("label:has(#dropout) > span"), /Dropout（随机丢弃）/);
  assert.equal(param(page, "dropouts"), "0.5,0");
  const label = await page.textContent('#formulas [data-formula="dropout"] .formula-label');
  assert.equal(label, "反向缩放的 Dropout，逐层 p = 0.5, 0，仅在训练时");
  await setText(page, "#dropout", "abc");
  assert.match(await error(page), /dropout：`abc` 不是数字/);
  page.assertClean();
});

test("each hidden layer's dropout field in the diagram sets that layer only", async () => {
  const page = await openPage(`${SUBPATH}?hidden=4,3&seed=2`);
  await waitForApp(page);
  const field = (l) => `#network input.layer-dropout[data-layer="${l}"]`;
  assert.equal(await page.inputValue(field(0)), "");
  assert.equal(await page.getAttribute(field(1), "aria-label"), "Dropout of layer 2");
  for (let i = 0; i < 2; i++) await page.click("#step");
  await setText(page, field(1), "0.5");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("dropouts") === "0,0.5");
  await waitForValue(page, "#epoch", "==", 2);
  assert.equal(await page.inputValue(field(1)), "0.5");
  assert.equal(await page.inputValue(field(0)), "");
  // A refused value is said in the notice and the field shows the rate in force again.
  await setText(page, field(1), "abc");
  await page.waitForFunction(() => /dropout: `abc` is not a number/.test(document.querySelector("#notice").textContent));
  assert.equal(await page.inputValue(field(1)), "0.5");
  // The top bar's rate applies to every layer without an override of its own.
  await setText(page, "#dropout", "0.5");
  await page.waitForFunction(() => !new URL(location.href).searchParams.has("dropouts"));
  assert.equal(await page.inputValue(field(0)), "0.5");
  await blurAll(page);
  page.assertClean();
});

test("while paused, the diagram greys the neurons the last step's dropout zeroed, and none while playing", async () => {
  const page = await openPage(`${SUBPATH}?dataset=circle&hidden=8,8&dropout=0.5&seed=3`);
  await waitForApp(page);
  const dropped = () => page.locator("#network canvas.neuron.dropped").count();
  assert.equal(await dropped(), 0, "nothing is greyed before the first step");
  const seen = new Set();
  for (let i = 1; i <= 4; i++) {
    await page.click("#step");
    await waitForValue(page, "#epoch", "==", i);
    await page.waitForFunction(() => document.querySelectorAll("#network canvas.neuron.dropped").length > 0);
    const greyed = await page.$$eval("#network canvas.neuron.dropped", (list) =>
      list.map((c) => `${c.dataset.layer}:${c.dataset.index}`).join(","));
    // Only hidden neurons: the output layer is never dropped.
    assert.ok(greyed.split(",").every((id) => id.startsWith("0:") || id.startsWith("1:")), greyed);
    seen.add(greyed);
  }
  assert.ok(seen.size > 1, "a different thinned network at each step");
  await page.click("#play");
  await page.waitForFunction(() => document.querySelectorAll("#network canvas.neuron.dropped").length === 0);
  await page.click("#play");
  await page.waitForFunction(() => document.querySelectorAll("#network canvas.neuron.dropped").length > 0);
  page.assertClean();
});
