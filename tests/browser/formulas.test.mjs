// Formula cards: each card shows the current choice's label (in the page language) above its
// formula as MathML, rendered by the browser (no script library, no network).
import path from "node:path";
import { test, openPage, waitForApp, screenshot, assert, SUBPATH, ARTIFACTS } from "./harness.mjs";

const KEYS = ["activation", "loss", "optimizer", "reg"];
const card = (key) => `#formulas [data-formula="${key}"]`;

async function open(query, opts) {
  const page = await openPage(`${SUBPATH}?${query}`, opts);
  await waitForApp(page);
  await page.waitForSelector(`${card("reg")} math`);
  return page;
}

/** The card's label text and its math element's markup. */
async function read(page, key) {
  return page.evaluate((sel) => {
    const label = document.querySelector(`${sel} .formula-label`);
    const math = document.querySelector(`${sel} .formula-math > math`);
    return { label: label?.textContent ?? null, math: math?.outerHTML ?? null, display: math?.getAttribute("display") };
  }, card(key));
}

/** Selects `value` in the <select> and dispatches change, as a user's pick does. */
async function choose(page, selector, value) {
  await page.evaluate(([sel, v]) => {
    const select = document.querySelector(sel);
    select.value = v;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }, [selector, value]);
}

test("formula cards render MathML that follows the settings, not the language", async () => {
  const page = await open("dataset=xor&hidden=4&activation=tanh&loss=bce&optimizer=sgd&reg=l2&seed=1&lang=en");
  for (const key of KEYS) {
    const { label, math, display } = await read(page, key);
    assert.ok(label && label.trim().length > 0, `${key}: no label`);
    assert.ok(math, `${key}: no <math> element`);
    assert.equal(display, "block", `${key}: math is not display=block`);
    // Parsed as MathML (not as unknown HTML elements).
    const ns = await page.evaluate((sel) => document.querySelector(`${sel} math mi, ${sel} math mn`).namespaceURI, card(key));
    assert.equal(ns, "http://www.w3.org/1998/Math/MathML", `${key}: not in the MathML namespace`);
  }
  const tanh = await read(page, "activation");
  assert.equal(tanh.label, "Tanh");
  assert.match(tanh.math, /<mi>tanh<\/mi>/);
  assert.match(tanh.math, /<mo>′<\/mo>/, "activation card shows f′(z)");
  assert.match((await read(page, "loss")).math, /<mi>σ<\/mi>/, "BCE on p = σ(s)");
  assert.equal((await read(page, "reg")).label, "L2");

  await choose(page, "#activation", "relu");
  await page.waitForFunction((sel) => document.querySelector(`${sel} .formula-math`).innerHTML.includes("<mi>max</mi>"), card("activation"));
  const relu = await read(page, "activation");
  assert.notEqual(relu.math, tanh.math, "activation math did not change");
  assert.equal(relu.label, "ReLU");

  await choose(page, "#optimizer", "adam");
  await page.waitForFunction((sel) => document.querySelector(`${sel} .formula-math`).innerHTML.includes("<msqrt>"), card("optimizer"));

  const before = {};
  for (const key of KEYS) before[key] = await read(page, key);
  await choose(page, "#lang", "zh");
  await page.waitForFunction((sel) => document.querySelector(`${sel} .formula-label`).textContent.includes("ReLU（"), card("activation"));
  for (const key of KEYS) {
    const after = await read(page, key);
    assert.equal(after.math, before[key].math, `${key}: math changed with the language`);
  }
  assert.equal((await read(page, "activation")).label, "ReLU（线性整流）");
  assert.equal((await read(page, "reg")).label, "L2 正则化");
  page.assertClean();
});

// Screenshots for a human look (tests/artifacts/formulas-*.png), and no card may stick out
// of a phone-wide viewport: a wide formula scrolls inside its card.
for (const [w, h] of [[1280, 900], [390, 844]]) {
  for (const lang of ["en", "zh"]) {
    test(`formula cards at ${w}px in ${lang}`, async () => {
      const page = await open(`dataset=spiral&hidden=6,4&activation=swish&loss=huber&optimizer=adam&reg=l1&lang=${lang}`, {
        viewport: { width: w, height: h },
      });
      await page.evaluate(() => document.fonts.ready);
      const boxes = await page.evaluate(() =>
        [...document.querySelectorAll("#formulas > div")].map((d) => {
          const r = d.getBoundingClientRect();
          return { left: r.left, right: r.right, width: r.width };
        }),
      );
      for (const b of boxes) assert.ok(b.left >= 0 && b.right <= w + 0.5, `card sticks out of ${w}px: ${JSON.stringify(b)}`);
      const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(pageWidth <= w, `page is ${pageWidth}px wide in a ${w}px viewport`);
      await page.locator("#formulas").screenshot({ path: path.join(ARTIFACTS, `formulas-${w}-${lang}.png`) });
      await screenshot(page, `formulas-page-${w}-${lang}`);
      // The widest formulas (maxout's cases, hinge's sum over classes, CE's softmax) still fit.
      await choose(page, "#activation", "maxout");
      await choose(page, "#loss", "hinge");
      await page.waitForFunction((sel) => document.querySelector(`${sel} .formula-math`).innerHTML.includes("≠"), card("loss"));
      for (const loss of ["hinge", "ce"]) {
        await choose(page, "#loss", loss);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= w, `${loss}: page is ${width}px wide in a ${w}px viewport`);
      }
      await page.locator("#formulas").screenshot({ path: path.join(ARTIFACTS, `formulas-${w}-${lang}-wide.png`) });
      page.assertClean();
    });
  }
}
