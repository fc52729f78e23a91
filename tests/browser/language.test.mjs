// Both languages: in Chinese mode no English sentence is left on the page (formulas, proper
// names and abbreviations of the field excepted), and switching back restores English.
import { test, openPage, waitForApp, sleep, screenshot, assert } from "./harness.mjs";

const SUB = "/sub/nnlab/";

// Words that stay as they are in Chinese texts: names of methods and people, abbreviations,
// file formats and libraries (NumPy), math symbols.
const ALLOWED = new Set(
  (
    "nnlab ReLU Leaky ELU Sigmoid Tanh Softplus Swish Maxout Dropout SGD Adam AdamW RMSprop AdaGrad Adagrad Nesterov " +
    "Momentum Xavier Glorot He LeCun XOR MAE MSE RMSE MAPE PNG CSV JSON WebM NumPy Huber Hinge BCE MLP " +
    "SiLU Focal Kaiming Shift English sin cos exp log max min tanh sign softmax sigmoid relu"
  ).split(" ").map((w) => w.toLowerCase()),
);

/** Every English-looking word (3+ Latin letters) in visible text and labels, with where. */
async function englishLeft(page) {
  return page.evaluate((allowed) => {
    const allowedSet = new Set(allowed);
    const found = [];
    const check = (text, where) => {
      for (const word of text.match(/[A-Za-z]{3,}/g) || []) {
        if (!allowedSet.has(word.toLowerCase())) found.push(`${where}: "${text.trim().slice(0, 80)}" (${word})`);
      }
    };
    const skip = (el) => el.closest("math, script, style, #formulas dd, .formula, svg text, [data-proper]");
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || skip(el) || !node.textContent.trim()) continue;
      if (!el.checkVisibility()) continue;
      check(node.textContent, el.tagName.toLowerCase() + (el.id ? `#${el.id}` : el.className ? `.${el.className}` : ""));
    }
    for (const el of document.querySelectorAll("[aria-label], [title], [placeholder]")) {
      if (skip(el)) continue;
      for (const attr of ["aria-label", "title", "placeholder"]) {
        const v = el.getAttribute(attr);
        if (v) check(v, `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}[${attr}]`);
      }
    }
    for (const option of document.querySelectorAll("option")) {
      if (!skip(option)) check(option.textContent, `option in #${option.parentElement.id}`);
    }
    check(document.title, "title");
    return [...new Set(found)];
  }, [...ALLOWED]);
}

async function openEverything(page) {
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  await page.click("#step");
  await sleep(300);
}

test("Chinese mode leaves no English text on the page", async () => {
  for (const query of [
    "?lang=zh&lesson=xor",
    "?lang=zh&dataset=blobs3&hidden=4,3",
    "?lang=zh&dataset=bumps",
    "?lang=zh&projector=1",
  ]) {
    const page = await openPage(`${SUB}${query}`, { viewport: { width: 1366, height: 900 } });
    await waitForApp(page);
    await openEverything(page);
    const left = await englishLeft(page);
    assert.deepEqual(left, [], `${query}:\n${left.join("\n")}`);
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    page.assertClean();
  }
}, { timeout: 90000 });

test("switching the language rewrites every text at once, both ways", async () => {
  const page = await openPage(`${SUB}?lesson=circle`, { viewport: { width: 1280, height: 900 } });
  await waitForApp(page);
  await openEverything(page);
  const english = await page.textContent("body");
  await page.selectOption("#lang", "zh");
  await sleep(200);
  const left = await englishLeft(page);
  assert.deepEqual(left, [], left.join("\n"));
  assert.match(new URL(page.url()).searchParams.get("lang"), /^zh$/);
  // The diagram's hover tooltip and the value editor speak Chinese too.
  await page.hover('canvas.neuron[data-layer="0"][data-index="0"]');
  await page.waitForSelector("#tooltip:not([hidden])");
  const tip = await page.textContent("#tooltip");
  assert.match(tip, /[\u4e00-\u9fff]/, tip);
  const spot = await page.$eval('#network path.link[data-layer="0"][data-row="0"][data-column="0"]', (p) => {
    const m = p.getScreenCTM();
    const q = p.getPointAtLength(p.getTotalLength() / 2);
    return { x: m.a * q.x + m.c * q.y + m.e, y: m.b * q.x + m.d * q.y + m.f };
  });
  await page.mouse.click(spot.x, spot.y);
  await page.waitForSelector("#editor:not([hidden])");
  assert.equal(await page.textContent("#editor .editor-title"), "权重");
  assert.deepEqual(await englishLeft(page), []);
  await page.keyboard.press("Escape");
  await screenshot(page, "language-zh");
  await page.selectOption("#lang", "en");
  await sleep(200);
  assert.doesNotMatch(await page.textContent("#lessons"), /[\u4e00-\u9fff]/);
  assert.equal(await page.textContent("#gradient-flow-title"), "Gradient flow");
  assert.ok(english.length > 500);
  page.assertClean();
});
