// The share dialog (#share, #share-dialog): opened and closed by keyboard, hide= takes every
// named control out of reach while its setting still applies, the QR code reads back as the
// link (jsQR), #share-preview, and points-data= carries hand-made points to a fresh browser.
import { PNG } from "pngjs";
import jsQR from "jsqr";
import { test, openPage, openFreshPage, SUBPATH, waitForApp, waitForValue, blurAll, downloadBytes, assert } from "./harness.mjs";

// Each hide name and one control it must take out of reach (the test's own list: a name
// added to the table without a line here fails the first test).
const CONTROLS = {
  play: "#play", step: "#step", reset: "#reset",
  lang: "#lang", speed: "#speed", lr: "#learning-rate", clip: "#clip", activation: "#activation",
  loss: "#loss", optimizer: "#optimizer", batch: "#batch-size", reg: "#regularization",
  "reg-rate": "#reg-rate", init: "#init", norm: "#norm", dropout: "#dropout",
  projector: "#projector", record: "#record",
  data: "#data-title", dataset: "#dataset", noise: "#noise", points: "#points",
  "train-ratio": "#train-ratio", "val-ratio": "#val-ratio", regenerate: "#regenerate",
  "show-test": "#show-test", "add-points": "#point-class button", csv: 'label[for="import-points"]',
  features: "#feature-list input",
  layers: "#add-layer", neurons: ".add-neuron", "layer-selects": ".layer-activation",
  "edit-weights": "#editor",
  "activation-panel": "#activation-panel", "gradient-flow": "#gradient-flow", landscape: "#landscape-refresh",
  formulas: "#formulas",
  inspector: "#inspect", lessons: "#open-lessons", compare: "#compare", challenge: "#challenge",
  "hidden-space": "#hidden-space-layer",
  files: "#copy-link", share: "#share",
};
// Shown only on demand: the value editor opens on a click on a weight.
const ON_DEMAND = new Set(["edit-weights"]);

// For each name: [selector, reachable] where reachable = rendered (its box exists, so it is in
// the tab order and the accessibility tree); the "more" drawer is opened first.
const reach = (page) =>
  page.evaluate((controls) => {
    document.querySelector("details.more").open = true;
    return Object.fromEntries(
      Object.entries(controls).map(([name, selector]) => {
        const el = document.querySelector(selector);
        return [name, !!el && el.checkVisibility() && el.getClientRects().length > 0];
      }),
    );
  }, CONTROLS);

const names = (page) => page.$$eval("#share-hide-list input[data-hide]", (l) => l.map((i) => i.dataset.hide));

test("#share opens #share-dialog by keyboard, Escape closes it and the focus returns; both languages", async () => {
  const page = await openPage(`${SUBPATH}?dataset=circle&seed=2`);
  await waitForApp(page);
  assert.equal(await page.getAttribute("#share", "aria-haspopup"), "dialog");
  await page.focus("#share");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("#share-dialog").open);
  assert.ok(await page.evaluate(() => document.querySelector("#share-dialog").matches(":modal")), "modal");
  assert.ok(await page.evaluate(() => document.querySelector("#share-dialog").contains(document.activeElement)));
  assert.equal(await page.textContent("#share-title"), "Share with students");
  assert.deepEqual(Object.keys(CONTROLS).sort(), (await names(page)).sort(), "every hide name has a control here");
  // A tick by keyboard changes the link.
  await page.focus('#share-hide-list input[data-hide="lr"]');
  await page.keyboard.press("Space");
  await page.waitForFunction(() => new URL(document.querySelector("#share-link").value).searchParams.get("hide") === "lr");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("#share-dialog").open);
  assert.equal(await page.evaluate(() => document.activeElement.id), "share", "focus back on #share");
  assert.equal(new URL(page.url()).searchParams.get("hide"), null, "the page's own link is unchanged");

  const zh = await openPage(`${SUBPATH}?lang=zh`);
  await waitForApp(zh);
  await zh.click("#share");
  assert.equal(await zh.textContent("#share-title"), "分享给学生");
  assert.equal(await zh.textContent('label:has([data-hide="lr"]) span'), "学习率");
  await zh.click("#share-close");
  await zh.waitForFunction(() => !document.querySelector("#share-dialog").open);
  page.assertClean();
  zh.assertClean();
});

test("hide= takes every named control out of reach, the rest stays, and the link's settings apply", async () => {
  // With a goal, so that its banner is there to hide.
  const goal = "challenge=test-loss%3C0.01";
  const page = await openPage(`${SUBPATH}?dataset=circle&seed=2&${goal}`);
  await waitForApp(page);
  await page.click("#share");
  // Opening the dialog fetches the QR encoder: let it arrive before the next page load,
  // which would otherwise abort the request.
  await page.waitForFunction(() => !!window.qrcode);
  const all = await names(page);
  const shown = await reach(page);
  for (const name of all) assert.ok(shown[name] || ON_DEMAND.has(name), `${name} reachable by default`);
  // One name at a time: only its control goes (and what lies inside it).
  for (const name of all) {
    await page.goto(new URL(`${SUBPATH}?dataset=circle&seed=2&${goal}&hide=${name}`, page.url()).href);
    await waitForApp(page);
    const now = await reach(page);
    assert.equal(now[name], false, `hide=${name}: ${CONTROLS[name]} still reachable`);
    const inside = await page.evaluate(
      ([controls, name]) => {
        const gone = document.querySelector(controls[name]);
        const box = gone && (gone.closest(".panel, .data-panel, .features-panel") ?? gone);
        return Object.fromEntries(
          Object.entries(controls).map(([n, s]) => {
            const el = document.querySelector(s);
            return [n, !!el && name === "data" && box.contains(el)];
          }),
        );
      },
      [CONTROLS, name],
    );
    for (const other of all) {
      if (other === name || ON_DEMAND.has(other) || inside[other]) continue;
      assert.ok(now[other], `hide=${name} also took ${other} away`);
    }
  }
  // Everything hidden at once: settings from the link still apply, training runs from the
  // keyboard, and clicks on the output add no points.
  await page.goto(new URL(`${SUBPATH}?dataset=circle&seed=2&${goal}&lr=0.3&activation=relu&hide=${all.join(",")},nope`, page.url()).href);
  await waitForApp(page);
  const none = await reach(page);
  for (const name of all) assert.equal(none[name], false, `${name} reachable with everything hidden`);
  assert.match(await page.textContent("#notice"), /hide: no such control “nope”/);
  assert.equal(await page.inputValue("#learning-rate"), "0.3");
  assert.equal(await page.inputValue("#activation"), "relu");
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("lr"), "0.3");
  assert.equal(url.searchParams.get("hide").split(",").length, all.length + 1, "hide= is kept in the page's link");
  await blurAll(page);
  await page.keyboard.press("Space");
  await waitForValue(page, "#epoch", ">=", 5);
  await page.keyboard.press("Space");
  const box = await page.locator("#boundary").boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 3);
  assert.equal(new URL(page.url()).searchParams.get("points-data"), null, "no point added");
  // The weight editor does not open either.
  await page.goto(new URL(`${SUBPATH}?dataset=circle&seed=2&hide=edit-weights`, page.url()).href);
  await waitForApp(page);
  await page.locator("#network .link-hit").first().click({ force: true });
  assert.equal(await page.isVisible("#editor"), false, "no weight editor");
  page.assertClean();
}, { timeout: 300000 });

test("the goal form builds challenge=: add, refuse, remove, in both languages", async () => {
  const page = await openPage(`${SUBPATH}?dataset=xor&seed=1`);
  await waitForApp(page);
  await page.click("#share");
  await page.waitForFunction(() => !!window.qrcode);
  assert.ok(await page.isVisible("#share-goal-none"), "no goal yet");
  assert.equal(await page.isVisible("#challenge"), false);
  const link = async () => new URL(await page.inputValue("#share-link")).searchParams.get("challenge");
  // A word where the number goes: refused beside the field, nothing added.
  await page.selectOption("#share-goal-metric", "test-loss");
  await page.selectOption("#share-goal-op", "<");
  await page.fill("#share-goal-value", "small");
  await page.click("#share-goal-add");
  assert.match(await page.textContent('.field-error[data-for="share-goal-value"]'), /small/);
  assert.equal(await link(), null);
  // A good one: listed in words, in the link, in the page's URL and its banner.
  await page.fill("#share-goal-value", "0.1");
  await page.click("#share-goal-add");
  await page.waitForSelector('#share-goal-list li[data-condition="test-loss<0.1"]');
  assert.equal(await page.textContent('.field-error[data-for="share-goal-value"]'), "");
  assert.equal(await page.inputValue("#share-goal-value"), "", "the number field is emptied for the next one");
  assert.match(await page.textContent("#share-goal-list"), /Test loss below 0\.1/);
  assert.equal(await page.isVisible("#share-goal-none"), false);
  assert.equal(await link(), "test-loss<0.1");
  assert.equal(new URL(page.url()).searchParams.get("challenge"), "test-loss<0.1");
  // A count that is not whole is refused; a whole one joins.
  await page.selectOption("#share-goal-metric", "neurons");
  await page.selectOption("#share-goal-op", "<=");
  await page.fill("#share-goal-value", "4.5");
  await page.click("#share-goal-add");
  assert.match(await page.textContent('.field-error[data-for="share-goal-value"]'), /whole/);
  await page.fill("#share-goal-value", "4");
  await page.click("#share-goal-add");
  await page.waitForFunction(() => document.querySelectorAll("#share-goal-list li").length === 2);
  assert.equal(await link(), "test-loss<0.1;neurons<=4");
  // The banner follows once the dialog closes.
  await page.keyboard.press("Escape");
  await page.waitForSelector('#challenge li[data-condition="neurons<=4"]');
  // Removing the first leaves the second.
  await page.click("#share");
  await page.click('#share-goal-list li[data-condition="test-loss<0.1"] button.goal-remove');
  await page.waitForFunction(() => document.querySelectorAll("#share-goal-list li").length === 1);
  assert.equal(await link(), "neurons<=4");
  assert.equal(await page.getAttribute("#share-goal-list button.goal-remove", "aria-label"), "Remove condition: Hidden neurons at most 4");
  await page.click("#share-goal-list button.goal-remove");
  await page.waitForSelector("#share-goal-none", { state: "visible" });
  assert.equal(await link(), null);
  await page.keyboard.press("Escape");
  await page.waitForSelector("#challenge", { state: "hidden" });
  assert.equal(new URL(page.url()).searchParams.get("challenge"), null);

  // In Chinese: the form's words and its refusal.
  const zh = await openPage(`${SUBPATH}?dataset=xor&seed=1&lang=zh&challenge=test-accuracy%3E%3D90`);
  await waitForApp(zh);
  await zh.click("#share");
  assert.equal(await zh.textContent("#share-goal legend"), "给学生的目标（可选）");
  assert.match(await zh.textContent("#share-goal-list"), /测试准确率/);
  await zh.selectOption("#share-goal-metric", "test-accuracy");
  await zh.selectOption("#share-goal-op", ">");
  await zh.fill("#share-goal-value", "101");
  await zh.click("#share-goal-add");
  assert.match(await zh.textContent('.field-error[data-for="share-goal-value"]'), /[\u4e00-\u9fff]/);
  assert.equal(new URL(await zh.inputValue("#share-link")).searchParams.get("challenge"), "test-accuracy>=90");
  page.assertClean();
  zh.assertClean();
});

/** Reads the dialog's QR code back with jsQR from a screenshot, on a 16 px white border. */
async function readQr(page) {
  const png = PNG.sync.read(await page.locator("#share-qr").screenshot());
  const pad = 16;
  const width = png.width + 2 * pad;
  const height = png.height + 2 * pad;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 0; y < png.height; y++) {
    const from = y * png.width * 4;
    data.set(png.data.subarray(from, from + png.width * 4), ((y + pad) * width + pad) * 4);
  }
  return jsQR(data, width, height)?.data ?? null;
}

test("the QR code reads back as the link exactly, shows large, and a too long link says so", async () => {
  const page = await openPage(`${SUBPATH}?dataset=spiral&hidden=6,4&seed=9&lang=en`);
  await waitForApp(page);
  await page.click("#share");
  await page.check('#share-hide-list input[data-hide="inspector"]');
  await page.check('#share-hide-list input[data-hide="lr"]');
  await page.waitForFunction(() => document.querySelector("#share-qr").dataset.state === "ok");
  const link = await page.inputValue("#share-link");
  assert.match(link, /&hide=lr,inspector(&|$)/);
  assert.equal(await page.getAttribute("#share-qr", "data-link"), link);
  assert.equal(await readQr(page), link);
  assert.ok(page.responses.some((r) => r.url.endsWith("/qrcode.js")), "the encoder loads with the dialog");
  await page.click("#share-large");
  const large = await page.locator("#share-qr").boundingBox();
  assert.ok(large.width >= 500, `large: ${large.width} px`);
  assert.equal(await readQr(page), link, "read back when large");
  await page.click("#share-large");
  // Copy: the clipboard gets the link and the page says so.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.click("#share-copy");
  await page.waitForFunction(() => document.querySelector("#share-copied").textContent === "Copied");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  page.assertClean();

  // Many hand-made points: too long for a QR code; the link stays, and the CSV is offered.
  const many = await openPage(`${SUBPATH}?dataset=circle&seed=2`);
  await waitForApp(many);
  const rows = Array.from({ length: 700 }, (_, i) => `${((i * 37) % 1200) / 100 - 6},${((i * 53) % 1200) / 100 - 6},${i % 2}`);
  const buffer = Buffer.from(`x,y,label\n${rows.join("\n")}\n`);
  await many.setInputFiles("#import-points", { name: "many.csv", mimeType: "text/csv", buffer });
  await many.waitForFunction(() => new URL(location.href).searchParams.has("points-data"));
  await many.click("#share");
  await many.waitForSelector("#share-qr-message:not([hidden])");
  assert.match(await many.textContent("#share-qr-message"), /too long for a QR code .*CSV/);
  assert.ok(await many.isHidden("#share-qr"));
  assert.ok((await many.inputValue("#share-link")).includes("points-data="), "still copyable");
  await many.waitForSelector("#share-csv", { state: "visible" });
  many.assertClean();
});

test("#share-preview shows the page as students get it; a second press or Escape returns", async () => {
  const page = await openPage(`${SUBPATH}?dataset=circle&seed=2`);
  await waitForApp(page);
  await page.click("#share");
  await page.check('#share-hide-list input[data-hide="data"]');
  await page.check('#share-hide-list input[data-hide="share"]');
  await page.click("#share-preview");
  await page.waitForSelector(".data-panel", { state: "hidden" });
  assert.ok(await page.isHidden("#share"));
  assert.equal(await page.getAttribute("#share-preview", "aria-pressed"), "true");
  assert.ok(await page.isHidden("#share-link"), "only the preview bar shows");
  await page.click("#share-preview");
  await page.waitForSelector(".data-panel", { state: "visible" });
  assert.ok(await page.evaluate(() => document.querySelector("#share-dialog").matches(":modal")), "back in the dialog");
  await page.click("#share-preview");
  await page.waitForSelector(".data-panel", { state: "hidden" });
  await page.keyboard.press("Escape");
  await page.waitForSelector(".data-panel", { state: "visible" });
  assert.ok(await page.evaluate(() => document.querySelector("#share-dialog").open));
  page.assertClean();
});

test("hand-made points travel in points-data= and come back exactly in a fresh browser; bad data is named", async () => {
  const page = await openPage(`${SUBPATH}?dataset=xor&seed=4&val-ratio=10`);
  await waitForApp(page);
  const box = await page.locator("#boundary").boundingBox();
  for (const [fx, fy, shift] of [[0.2, 0.3], [0.71, 0.64], [0.5, 0.9, true], [0.33, 0.77, true]]) {
    const position = { x: box.width * fx, y: box.height * fy };
    await page.locator("#boundary").click({ position, modifiers: shift ? ["Shift"] : [] });
  }
  await page.waitForFunction(() => new URL(location.href).searchParams.has("points-data"));
  await page.click("#share");
  const link = await page.inputValue("#share-link");
  assert.equal(new URL(link).searchParams.get("points-data"), new URL(page.url()).searchParams.get("points-data"));
  // Every point with its split, as the dialog's CSV (offered when a link is too long).
  const csv = async (p) =>
    (await downloadBytes(p, () => p.evaluate(() => document.querySelector("#share-csv").click()))).bytes.toString();
  const before = await csv(page);
  assert.equal(before.trim().split("\n").length, 1 + 500 + 4, "the seed's 500 points and 4 added");
  const fresh = await openFreshPage(new URL(link).pathname + new URL(link).search);
  await waitForApp(fresh);
  assert.equal(await csv(fresh), before, "the same points, in the same splits");
  assert.equal(fresh.url(), page.url(), "the same link");
  fresh.assertClean({ ignore: [] });

  const bad = await openPage(`${SUBPATH}?dataset=xor&seed=4&points-data=AQ*&lang=zh`);
  await waitForApp(bad);
  assert.match(await bad.textContent('#notice li[data-key="points-data"]'), /points-data：第 3 个字符不是 base64url/);
  page.assertClean();
});
