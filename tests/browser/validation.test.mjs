// The validation split (val-ratio) and early stopping: the #val-ratio slider and the link
// carry the key, #val-loss and #val-accuracy read the held-out points, the loss chart draws
// their curve, and the patience stop (#stop-patience) watches the validation loss and, with
// #stop-restore, goes back to the best epoch's weights. The rule itself is the engine's
// (core/early_stop.rs, checked natively); these tests press the page's real controls.
import { test, openPage, SUBPATH, waitForApp, waitForValue, value, setText, assert } from "./harness.mjs";

const param = (page, key) => new URL(page.url()).searchParams.get(key);
// The early-stopping lesson's run: XOR at noise 50, 30 % held out for validation.
const OVERFIT = "dataset=xor&points=200&noise=50&hidden=16,16&activation=tanh&optimizer=adam&lr=0.01&seed=1";

/// Pixels of the loss chart close to a colour: by default the validation curve's (204, 121,
/// 167); compare mode draws B's in sky blue (86, 180, 233). `left`: only the chart's left
/// half, where the curves run but the legend (top right) is not.
const valPixels = (page, rgb = [204, 121, 167], left = false) =>
  page.evaluate(([rgb, left]) => {
    const canvas = document.querySelector("#loss-chart");
    const width = left ? Math.floor(canvas.width / 2) : canvas.width;
    const data = canvas.getContext("2d").getImageData(0, 0, width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (rgb.every((c, k) => Math.abs(data[i + k] - c) < 12)) n++;
    }
    return n;
  }, [rgb, left]);

test("val-ratio from the link shows #val-loss and #val-accuracy and a validation curve", async () => {
  const page = await openPage(`${SUBPATH}?${OVERFIT}&val-ratio=30`);
  await waitForApp(page);
  assert.equal(await page.inputValue("#val-ratio"), "30");
  assert.equal(await page.textContent('output[data-show="val-ratio"]'), "30%");
  assert.equal(param(page, "val-ratio"), "30");
  assert.ok(await page.isVisible("#val-loss"), "#val-loss is shown with a validation split");
  assert.ok(await page.isVisible("#val-accuracy"));
  const start = await value(page, "#val-loss");
  assert.ok(Number.isFinite(start) && start > 0, `untrained validation loss ${start}`);
  assert.match(await page.textContent("#stop-patience-hint"), /watches the validation loss/);
  for (let i = 0; i < 10; i++) await page.click("#step");
  await waitForValue(page, "#epoch", "==", 10);
  const trained = await value(page, "#val-loss");
  assert.ok(trained < start, `validation loss ${start} → ${trained}`);
  const accuracy = await value(page, "#val-accuracy");
  assert.ok(accuracy > 50 && accuracy <= 100, `validation accuracy ${accuracy} %`);
  await page.waitForFunction(() => document.querySelector("#loss-chart").width > 0);
  assert.ok((await valPixels(page)) > 20, "the loss chart draws the validation curve");

  // The slider is the key table's (0–40, step 5): a key press moves it, and the points are
  // drawn again with the new share held out.
  assert.equal(await page.getAttribute("#val-ratio", "max"), "40");
  await page.focus("#val-ratio");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("val-ratio") === "35");
  assert.equal(await page.textContent('output[data-show="val-ratio"]'), "35%");
  // Down to 0: the key leaves the link and the validation readouts go away.
  await page.$eval("#val-ratio", (el) => {
    el.value = "0";
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await page.waitForFunction(() => !new URL(location.href).searchParams.has("val-ratio"));
  await page.waitForFunction(() => !document.querySelector("#val-loss").hasAttribute("data-value"));
  assert.equal(await page.isVisible("#val-loss"), false);
  assert.equal(await value(page, "#val-loss"), null);
  assert.match(await page.textContent("#stop-patience-hint"), /No validation split.*test loss/);
  assert.match(await page.getAttribute("#stop-patience", "title"), /test loss/);
  page.assertClean();
});

test("without validation the patience field says it uses the test set, in both languages", async () => {
  const page = await openPage(`${SUBPATH}?lang=zh&${OVERFIT}`);
  await waitForApp(page);
  assert.equal(await page.isVisible("#val-loss"), false, "no validation readout without a split");
  assert.equal(await value(page, "#val-loss"), null);
  assert.match(await page.textContent("#stop-patience-hint"), /没有验证集.*测试损失/);
  assert.match(await page.textContent("label:has(#stop-restore)"), /回到最佳轮次的权重/);
  // The stop fires on the test loss and says so.
  await page.click("details.more > summary");
  await setText(page, "#stop-patience", "10");
  await page.click("#play");
  await page.waitForSelector('#status[data-state="idle"]', { timeout: 30000 });
  assert.match(await page.textContent("#status"), /测试损失自第 \d+ 轮/);
  page.assertClean();
});

test("#stop-patience watches the validation loss and #stop-restore goes back to the best epoch", async () => {
  // The same run paused at the epoch of its lowest validation loss (the engine's lesson test
  // finds it at 16 for seed 1): that epoch's readouts, to compare with the restored ones.
  const reference = await openPage(`${SUBPATH}?${OVERFIT}&val-ratio=30`);
  await waitForApp(reference);
  await reference.click("details.more > summary");
  await setText(reference, "#stop-epoch", "16");
  await reference.click("#play");
  await waitForValue(reference, "#epoch", "==", 16, { timeout: 30000 });
  await reference.waitForSelector('#status[data-state="idle"]');
  const best = await value(reference, "#val-loss");
  const bestTest = await value(reference, "#test-loss");

  const page = await openPage(`${SUBPATH}?${OVERFIT}&val-ratio=30`);
  await waitForApp(page);
  await page.click("details.more > summary");
  await setText(page, "#stop-patience", "20");
  assert.equal(await page.isChecked("#stop-restore"), false, "off by default");
  await page.check("#stop-restore");
  await page.click("#play");
  await page.waitForSelector('#status[data-state="idle"]', { timeout: 30000 });
  const status = await page.textContent("#status");
  assert.match(status, /^Paused at epoch 36: the validation loss has not improved since epoch 16 \(/, status);
  assert.match(status, /The weights of epoch 16 are back/, status);
  assert.equal(await value(page, "#epoch"), 36, "the epoch count stays where training stopped");
  assert.equal(await value(page, "#val-loss"), best, "the readouts are the best epoch's");
  assert.equal(await value(page, "#test-loss"), bestTest);

  // Without restore the same stop keeps the later, worse weights.
  await page.uncheck("#stop-restore");
  await page.click("#reset");
  await page.click("#play");
  await page.waitForSelector('#status[data-state="idle"]', { timeout: 30000 });
  const plain = await page.textContent("#status");
  assert.match(plain, /^Paused at epoch 36: the validation loss has not improved since epoch 16 \(/, plain);
  assert.doesNotMatch(plain, /are back/);
  assert.ok((await value(page, "#val-loss")) > best, "epoch 36's validation loss is above the best");
  page.assertClean();
  reference.assertClean();
});

test("compare mode draws B's validation curve beside A's", async () => {
  const page = await openPage(`${SUBPATH}?${OVERFIT}&val-ratio=30&compare=${encodeURIComponent("lr=0.003")}`);
  await waitForApp(page);
  for (let i = 0; i < 20; i++) await page.click("#step");
  await waitForValue(page, "#epoch", "==", 20);
  await page.waitForFunction(() => document.querySelector("#loss-chart").width > 0);
  // In the left half: the curves themselves, not their legend entries.
  const a = await valPixels(page, [204, 121, 167], true);
  const b = await valPixels(page, [86, 180, 233], true);
  assert.ok(a > 20 && b > 20, `validation curve pixels left of the legend: A ${a}, B ${b}`);
  // The test's own second read of the chart's pixels draws Chromium's readback hint.
  page.assertClean({ ignore: [/willReadFrequently/] });
});
