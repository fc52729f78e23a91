// The last run in the browser's storage: a reload of the same link goes on where it was
// (epoch, losses, optimizer state), with a notice and a start-fresh button; another link
// starts from its seed; storage that refuses is said once and the page trains on.
import { test, openPage, testContext, SUBPATH, waitForApp, waitForValue, value, assert } from "./harness.mjs";

const close = (a, b, what) =>
  assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(b), 1e-12), `${what}: ${a} after the reload, ${b} before`);

async function readouts(page) {
  return {
    epoch: await value(page, "#epoch"),
    train: await value(page, "#train-loss"),
    test: await value(page, "#test-loss"),
  };
}

test("a reload restores the last run of the same link, and start fresh goes back to the link's run", async () => {
  const link = `${SUBPATH}?dataset=circle&seed=3&optimizer=adam&lr=0.03&hidden=4,2`;
  const page = await openPage(link);
  await waitForApp(page);
  const start = await readouts(page);
  assert.equal(start.epoch, 0);
  assert.equal(await page.isVisible("#notice"), false, "nothing to restore on a first visit");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 40);
  await page.click("#play"); // the pause saves
  const trained = await readouts(page);

  await page.reload();
  await waitForApp(page);
  const back = await readouts(page);
  assert.equal(back.epoch, trained.epoch);
  close(back.train, trained.train, "training loss");
  close(back.test, trained.test, "test loss");
  assert.match(await page.textContent("#notice"), new RegExp(`Your last run of this link is back, at epoch ${trained.epoch}\\.`));
  // Training goes on from there, with Adam's moments kept (no jump back up).
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", trained.epoch + 10);
  await page.click("#play");
  assert.ok((await value(page, "#train-loss")) < start.train, "went on from the restored weights");

  // Start fresh: the link's own run at epoch 0, and a reload keeps it so.
  await page.click('#notice button[data-action="start-fresh"]');
  await waitForValue(page, "#epoch", "==", 0);
  assert.equal(await page.isVisible("#notice"), false);
  close(await value(page, "#train-loss"), start.train, "fresh training loss");
  await page.reload();
  await waitForApp(page);
  assert.equal(await value(page, "#epoch"), 0);
  assert.equal(await page.isVisible("#notice"), false);

  // Another link does not take this run.
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 10);
  await page.click("#play");
  await page.goto(new URL(`${SUBPATH}?dataset=circle&seed=4&optimizer=adam&lr=0.03&hidden=4,2`, page.url()).href);
  await waitForApp(page);
  assert.equal(await value(page, "#epoch"), 0);
  assert.equal(await page.isVisible("#notice"), false);
  page.assertClean();
});

test("compare mode starts both runs from the link (B's run is not kept)", async () => {
  const link = `${SUBPATH}?dataset=xor&seed=2&compare=${encodeURIComponent("activation=relu")}`;
  const page = await openPage(link);
  await waitForApp(page);
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 10);
  await page.click("#play");
  await page.reload();
  await waitForApp(page);
  assert.equal(await value(page, "#epoch"), 0);
  assert.equal(await page.isVisible("#notice"), false);
  page.assertClean();
});

test("the restored notice in Chinese", async () => {
  const page = await openPage(`${SUBPATH}?dataset=xor&seed=2&lang=zh`);
  await waitForApp(page);
  await page.click("#step");
  await page.click("#step");
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  await page.evaluate(() => window.dispatchEvent(new Event("pagehide")));
  await page.reload();
  await waitForApp(page);
  assert.equal(await value(page, "#epoch"), 2);
  assert.match(await page.textContent("#notice"), /已恢复此链接上次的训练，当前为第 2 轮。/);
  assert.equal(await page.textContent('#notice button[data-action="start-fresh"]'), "从链接重新开始");
  page.assertClean();
});

test("storage that refuses is said once, and the page trains on", async () => {
  // Before the page's first script: every write to storage is refused, as when it is full.
  await testContext().addInitScript(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException("full", "QuotaExceededError");
    };
  });
  const page = await openPage(`${SUBPATH}?dataset=xor&seed=2`);
  await waitForApp(page);
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 5);
  await page.click("#play");
  assert.match(await page.textContent("#notice"), /did not keep this run/);
  await page.click("#notice .notice-close");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 15);
  await page.click("#play");
  assert.equal(await page.isVisible("#notice"), false, "said once");
  page.assertClean();
});
