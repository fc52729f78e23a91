// Challenges (challenge= in the link, #challenge above the readouts): each condition's
// li[data-condition] follows training through the real play and step buttons, the banner
// says the epoch the goal was met at and keeps it until reset, epochs<=N pauses at N, and a
// bad challenge is named part by part in #notice in both languages while the rest loads.
import { test, openPage, SUBPATH, waitForApp, waitForValue, value, assert } from "./harness.mjs";

const param = (page, key) => new URL(page.url()).searchParams.get(key);
const states = (page) =>
  page.$$eval("#challenge li[data-condition]", (items) =>
    Object.fromEntries(items.map((li) => [li.dataset.condition, li.dataset.state])),
  );
const link = (query, challenge) => `${SUBPATH}?${query}&challenge=${encodeURIComponent(challenge)}`;

// XOR with 4 tanh neurons at seed 1: the core's tracker meets test-loss<0.1 at epoch 42
// (the native run gives the same epoch; the page's run equals the CLI's bit for bit).
const XOR = "dataset=xor&hidden=4&activation=tanh&lr=0.1&seed=1";

test("#challenge follows training: conditions met one by one, met at epoch N, epochs<=N pauses at N", async () => {
  const page = await openPage(link(XOR, " test-loss < 0.10;neurons<=4;epochs<=120"));
  await waitForApp(page);
  await page.waitForSelector("#challenge:not([hidden])");
  assert.equal(param(page, "challenge"), "test-loss<0.1;neurons<=4;epochs<=120", "canonical text in the URL");
  const texts = await page.$$eval("#challenge li", (items) => items.map((li) => li.firstChild.textContent));
  assert.deepEqual(texts, ["Test loss below 0.1", "Hidden neurons at most 4", "Epochs at most 120"]);
  assert.equal(await page.textContent("#challenge h3"), "Challenge");
  assert.equal(await page.getAttribute("#challenge [role=status]", "aria-live"), "polite");
  assert.deepEqual(await states(page), { "test-loss<0.1": "unmet", "neurons<=4": "met", "epochs<=120": "met" });
  assert.equal(await page.getAttribute("#challenge", "data-state"), "unmet");
  assert.match(await page.textContent('#challenge li[data-condition="test-loss<0.1"]'), /not met yet/);

  // The real step button: still unmet after 3 epochs.
  for (let i = 0; i < 3; i++) await page.click("#step");
  await waitForValue(page, "#epoch", "==", 3);
  assert.equal((await states(page))["test-loss<0.1"], "unmet");

  // Play at 10 epochs a frame: the tracker still sees every epoch, so the goal is met at 42.
  await page.selectOption("#speed", "10");
  await page.click("#play");
  await page.waitForSelector('#challenge[data-state="met"]', { timeout: 30000 });
  assert.equal(await page.textContent("#challenge [role=status]"), "Met at epoch 42");
  assert.deepEqual(await states(page), { "test-loss<0.1": "met", "neurons<=4": "met", "epochs<=120": "met" });
  // epochs<=120: training pauses at 120, and the goal met at 42 is kept.
  await waitForValue(page, "#epoch", "==", 120, { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector("#play").getAttribute("aria-pressed") === "false");
  assert.equal(await page.textContent("#status"), "Paused at epoch 120: the challenge allows at most 120 epochs.");
  await page.click("#play");
  await page.click("#step");
  assert.equal(await value(page, "#epoch"), 120, "neither play nor step goes past the cap");
  assert.equal(await page.textContent("#challenge [role=status]"), "Met at epoch 42");

  // Reset forgets it; so does a config change, after which the goal is checked against
  // the network as it is then: a fifth neuron breaks neurons<=4.
  await page.click("#reset");
  await waitForValue(page, "#epoch", "==", 0);
  await page.waitForSelector('#challenge[data-state="unmet"]');
  assert.equal((await states(page))["test-loss<0.1"], "unmet");
  assert.equal(await page.textContent("#challenge [role=status]"), "");
  await page.click("#play");
  await page.waitForSelector('#challenge[data-state="met"]', { timeout: 30000 });
  assert.equal(await page.textContent("#challenge [role=status]"), "Met at epoch 42");
  await waitForValue(page, "#epoch", "==", 120, { timeout: 30000 });
  await page.click('#network .add-neuron[data-layer="0"]');
  await page.waitForSelector('#challenge[data-state="unmet"]');
  assert.equal((await states(page))["neurons<=4"], "unmet");
  page.assertClean();
}, { timeout: 90000 });

test("a bad challenge is named part by part in #notice, in English and Chinese, and the rest of the link loads", async () => {
  const bad = "foo<1;neurons=3;test-accuracy>=abc;layers<=1.5;test-loss<0.5";
  for (const [lang, lines, item] of [
    [
      "en",
      [
        /^challenge: `foo<1`: `foo` is not one of train-loss, test-loss, .*r2$/,
        /^challenge: `neurons=3` has no comparison/,
        /^challenge: `test-accuracy>=abc`: `abc` is not a number$/,
        /^challenge: `layers<=1.5`: a count is a whole number$/,
      ],
      "Test loss below 0.5",
    ],
    [
      "zh",
      [
        /^challenge：`foo<1`：`foo` 不是可选指标/,
        /^challenge：`neurons=3` 缺少比较符/,
        /^challenge：`test-accuracy>=abc`：`abc` 不是数字$/,
        /^challenge：`layers<=1.5`：个数必须是整数$/,
      ],
      "测试损失低于 0.5",
    ],
  ]) {
    const page = await openPage(link(`lang=${lang}&dataset=circle&hidden=3&seed=2`, bad));
    await waitForApp(page);
    await page.waitForSelector("#notice:not([hidden])");
    const messages = await page.$$eval('#notice li[data-key="challenge"]', (items) => items.map((li) => li.textContent));
    assert.equal(messages.length, lines.length, messages.join("\n"));
    lines.forEach((line, i) => assert.match(messages[i], line));
    // The rest of the link: its config, and the good condition.
    assert.equal(await page.$eval("#dataset", (s) => s.value), "circle");
    assert.equal(param(page, "hidden"), "3");
    assert.equal(param(page, "challenge"), "test-loss<0.5");
    assert.deepEqual(await page.$$eval("#challenge li", (items) => items.map((li) => li.firstChild.textContent)), [item]);
    page.assertClean();
  }
});

test("the xor lesson opens with its challenge, in both languages, and closing the lesson removes it", async () => {
  const page = await openPage(`${SUBPATH}?lesson=xor`);
  await waitForApp(page);
  await page.waitForSelector("#challenge:not([hidden])");
  assert.equal(param(page, "challenge"), "test-loss<0.1;neurons<=4");
  assert.deepEqual(await states(page), { "test-loss<0.1": "unmet", "neurons<=4": "met" });
  await page.selectOption("#lang", "zh");
  await page.waitForFunction(() => document.querySelector("#challenge h3").textContent === "挑战");
  const texts = await page.$$eval("#challenge li", (items) => items.map((li) => li.firstChild.textContent));
  assert.deepEqual(texts, ["测试损失低于 0.1", "隐藏神经元个数不超过 4"]);
  // The circle lesson's goal replaces it; closing the lessons takes it away.
  await page.selectOption("#lesson-select", "circle");
  await page.waitForSelector('#challenge li[data-condition="layers<=0"]');
  assert.equal(param(page, "challenge"), "test-accuracy>=98;layers<=0");
  await page.click("#lesson-close");
  await page.waitForSelector("#challenge", { state: "hidden" });
  assert.equal(param(page, "challenge"), null);
  page.assertClean();
});
