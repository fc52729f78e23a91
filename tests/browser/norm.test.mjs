// Batch and layer normalisation: #norm in the top bar and select.layer-norm per layer in the
// diagram, carried by the URL, switched live keeping the weights, with the BN/LN marks, the
// formula cards, the inspector's μ, σ², ẑ, γ, β and the refusal of a batch of 1. The page's
// run equals the CLI's (determinism.test.mjs).
import { test, openPage, SUBPATH, waitForApp, waitForValue, setText, blurAll, assert } from "./harness.mjs";

const param = (page, key) => new URL(page.url()).searchParams.get(key);

test("#norm switches batch normalisation on live: the weights stay, marks and card appear, and the sigmoid net learns", async () => {
  // The batch-norm lesson's five-layer sigmoid net, which does not learn without it.
  const page = await openPage(
    `${SUBPATH}?dataset=circle&hidden=8,8,8,8,8&activation=sigmoid&init=xavier&lr=0.1&seed=1`,
  );
  await waitForApp(page);
  assert.equal(await page.inputValue("#norm"), "none");
  assert.equal(param(page, "norm"), null, "no norm in the URL while it is off");
  assert.equal(await page.locator("#network .norm-mark").count(), 0);
  for (let i = 0; i < 3; i++) await page.click("#step");
  await waitForValue(page, "#epoch", "==", 3);
  const loss = Number(await page.getAttribute("#train-loss", "data-value"));

  await page.selectOption("#norm", "batch");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("norm") === "batch");
  // Nothing restarts: the epoch stays and every hidden neuron carries a BN mark.
  await waitForValue(page, "#epoch", "==", 3);
  assert.equal(await page.locator("#network .norm-mark").count(), 40);
  assert.equal(await page.textContent("#network .norm-mark"), "BN");
  for (let l = 0; l < 5; l++) {
    assert.equal(await page.inputValue(`#network select.layer-norm[data-layer="${l}"]`), "batch");
  }
  const card = '#formulas [data-formula="batch-norm"]';
  await page.waitForSelector(`${card} math`, { state: "visible" });
  assert.match(await page.textContent(`${card} .formula-label`), /hidden layer 1, 2, 3, 4, 5/);
  assert.match(await page.innerHTML(`${card} .formula-math`), /<msqrt>/);
  assert.equal(await page.isVisible('#formulas [data-formula="layer-norm"]'), false);

  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 103, { timeout: 60000 });
  await page.click("#play");
  const accuracy = Number(await page.getAttribute("#test-accuracy", "data-value"));
  assert.ok(accuracy >= 90, `5×8 sigmoid with batch norm: test accuracy ${accuracy} % (loss at epoch 3: ${loss})`);
  page.assertClean();
});

test("a layer's normalisation is set in the diagram, and a batch of 1 is refused with the reason", async () => {
  const page = await openPage(`${SUBPATH}?hidden=4,3&seed=2&batch=1`);
  await waitForApp(page);
  const select = (l) => `#network select.layer-norm[data-layer="${l}"]`;
  assert.equal(await page.getAttribute(select(1), "aria-label"), "Normalisation of layer 2");
  // Layer norm takes any batch size.
  await page.selectOption(select(1), "layer");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("norms") === "none,layer");
  assert.equal(await page.locator('#network .norm-mark[data-layer="1"]').count(), 3);
  assert.equal(await page.textContent('#network .norm-mark[data-layer="1"]'), "LN");
  await page.waitForSelector('#formulas [data-formula="layer-norm"] math', { state: "visible" });
  // Batch norm with batches of one point is refused: the notice says why and the select
  // shows what is in force again.
  await page.selectOption(select(0), "batch");
  await page.waitForFunction(() => /batch normalisation needs batches of at least 2 points/.test(document.querySelector("#notice").textContent));
  assert.equal(await page.inputValue(select(0)), "none");
  assert.equal(param(page, "norms"), "none,layer");
  // With a batch of 10 it is accepted; typing 1 into #batch-size is then refused by the field.
  await setText(page, "#batch-size", "10");
  await page.selectOption("#norm", "batch");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("norm") === "batch");
  assert.equal(param(page, "norms"), null, "the top bar sets every layer");
  await setText(page, "#batch-size", "1");
  const message = await page.textContent('.field-error[data-for="batch-size"]');
  assert.match(message, /batch: `1`: batch normalisation needs batches of at least 2 points/);
  assert.equal(param(page, "batch"), "10");
  await blurAll(page);
  page.assertClean();
});

test("a link with batch normalisation and a batch of 1 says so in the notice, in Chinese too", async () => {
  const page = await openPage(`${SUBPATH}?lang=zh&norm=batch&batch=1`);
  await waitForApp(page);
  await page.waitForFunction(() => /批量归一化要求每个批次至少有 2 个数据点/.test(document.querySelector("#notice").textContent));
  assert.equal(await page.inputValue("#norm"), "batch", "the normalisation asked for stays");
  assert.equal(param(page, "batch"), "10", "the batch size goes back to its default");
  assert.match(await page.textContent("label:has(#norm) > span"), /隐藏层归一化/);
  page.assertClean();
});

test("the inspector shows μ, σ², ẑ, γ, β and u of a normalised layer, in evaluation mode", async () => {
  const page = await openPage(`${SUBPATH}?dataset=circle&hidden=3&norm=batch&optimizer=adam&lr=0.03&seed=4`);
  await waitForApp(page);
  for (let i = 0; i < 5; i++) await page.click("#step");
  await waitForValue(page, "#epoch", "==", 5);
  await page.click("#inspect");
  await page.waitForSelector("#inspector:not([hidden])");
  const box = await page.locator("#boundary").boundingBox();
  await page.click("#boundary", { position: { x: box.width * 0.4, y: box.height * 0.45 } });
  await page.waitForSelector("#inspector[data-picked]");
  await page.waitForSelector("#inspector table.neurons");
  const value = async (quantity, row) =>
    Number(await page.getAttribute(`#inspector td[data-quantity="${quantity}"][data-layer="0"][data-neuron="${row}"]`, "data-value"));
  for (let r = 0; r < 3; r++) {
    const [z, mean, variance, zHat, gamma, beta, u, a] = await Promise.all(
      ["z", "mean", "variance", "normalized", "gamma", "beta", "u", "a"].map((q) => value(q, r)),
    );
    assert.ok(Math.abs(zHat - (z - mean) / Math.sqrt(variance + 1e-5)) < 1e-4, `ẑ of neuron ${r}`);
    assert.ok(Math.abs(u - (gamma * zHat + beta)) < 1e-4, `u of neuron ${r}`);
    assert.ok(Math.abs(a - Math.tanh(u)) < 1e-4, `a = tanh(u) of neuron ${r}`);
  }
  assert.match(await page.textContent("#inspector-eval-mode"), /running estimates of μ and σ²/);
  page.assertClean();
});
