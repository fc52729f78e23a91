// Robustness of the page's inputs (issue 7): odd URL queries, typed numbers, broken and
// huge files, and strings that look like HTML. Every bad input gets a message in the page's
// language, naming what was wrong; nothing the user had is lost; the page keeps training.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  test, openPage, sleep, assert, SUBPATH, setText, value, waitForValue, waitForApp, screenshot,
  downloadBytes, snapCanvas, diffCanvas,
} from "./harness.mjs";

const param = (page, key) => new URL(page.url()).searchParams.get(key);

async function open(query) {
  const page = await openPage(`${SUBPATH}?${query}`);
  await waitForApp(page);
  return page;
}

/** Presses play and waits for a few epochs with a finite loss: the page still works. */
async function trains(page, what) {
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 3, { timeout: 10000 }).catch((e) => {
    throw new Error(`${what}: the page does not train: ${e.message}`);
  });
  await page.click("#play");
  const loss = await value(page, "#train-loss");
  assert.ok(Number.isFinite(loss), `${what}: training loss ${loss}`);
}

/** The notice's text, and the keys of its items (li[data-key]). */
async function notice(page) {
  return page.evaluate(() => {
    const box = document.querySelector("#notice");
    const items = [...box.querySelectorAll(".notice-text li[data-key]")];
    return {
      visible: !box.hidden && box.getBoundingClientRect().height > 0,
      text: box.querySelector(".notice-text").textContent,
      items: items.map((li) => [li.getAttribute("data-key"), li.textContent]),
    };
  });
}

async function dismisses(page, what) {
  await page.click("#notice .notice-close");
  assert.equal(await page.isVisible("#notice"), false, `${what}: the dismiss button did not hide #notice`);
}

// Each case: the query, the value each key ends up with, and per rejected key the reason in
// English and in Chinese.
const LONG = "9".repeat(10000);
const CASES = [
  {
    query: "activation=nope",
    used: { activation: "tanh" },
    rejected: { activation: [/activation: `nope` is not one of .*tanh.*; using tanh/, /activation：`nope` 不是可选值（.*tanh.*）之一，改用 tanh/] },
  },
  {
    query: "lr=abc",
    used: { lr: "0.03" },
    rejected: { lr: [/lr: `abc` is not a number; using 0\.03/, /lr：`abc` 不是数字，改用 0\.03/] },
  },
  {
    query: "hidden=9,99,-1",
    used: { hidden: "9,32,1" },
    rejected: { hidden: [/hidden: `9,99,-1`: a layer has 1 to 32 neurons; using 9,32,1/, /hidden：`9,99,-1` 无效（每层 1 到 32 个神经元），改用 9,32,1/] },
  },
  {
    query: "points=1e9",
    used: { points: "2000" },
    rejected: { points: [/points: `1e9` is outside the allowed range 10–2000; using 2000/, /points：`1e9` 超出允许范围 10–2000，改用 2000/] },
  },
  {
    query: "noise=-5",
    used: { noise: "0" },
    rejected: { noise: [/noise: `-5` is outside the allowed range 0–50; using 0/, /noise：`-5` 超出允许范围 0–50，改用 0/] },
  },
  {
    query: "lr=&activation=",
    used: { lr: "0.03", activation: "tanh" },
    rejected: {
      lr: [/lr: no value given; using 0\.03/, /lr：没有给出取值，改用 0\.03/],
      activation: [/activation: no value given; using tanh/, /activation：没有给出取值，改用 tanh/],
    },
  },
  {
    query: "lr=0.1&lr=0.3",
    used: { lr: "0.3" },
    rejected: { lr: [/lr: given 2 times; the last value, `0\.3`, is used/, /lr：出现了 2 次，使用最后一个值 `0\.3`/] },
  },
  {
    // Percent-encoding: %74anh is tanh (accepted); a bad encoded value is named decoded.
    query: "activation=%72elu&optimizer=%3Cb%3Eadam%20",
    used: { activation: "relu", optimizer: "sgd" },
    rejected: { optimizer: [/optimizer: `<b>adam ` is not one of .*adam/, /optimizer：`<b>adam ` 不是可选值/] },
  },
  {
    query: `lr=${LONG}&dataset=${"x".repeat(150)}`,
    used: { lr: "0.03", dataset: "xor" },
    rejected: {
      lr: [/lr: the value is 10000 characters long, at most 200 are read; using 0\.03/, /lr：取值长 10000 个字符，最多读取 200 个，改用 0\.03/],
      // A value that is quoted back is cut after 40 characters.
      dataset: [new RegExp(`dataset: \`${"x".repeat(40)}…\` is not one of`), new RegExp(`dataset：\`${"x".repeat(40)}…\` 不是可选值`)],
    },
  },
];

for (const lang of ["en", "zh"]) {
  test(`URL edge cases: the page runs and #notice names each rejected key and why (${lang})`, async () => {
    for (const c of CASES) {
      const page = await open(`${c.query}&lang=${lang}&colour=red`);
      const shown = await notice(page);
      if (c === CASES.at(-1)) await screenshot(page, `robust-url-notice-${lang}`);
      assert.ok(shown.visible, `${c.query.slice(0, 60)}: #notice is not visible`);
      assert.ok(shown.text.length < 600, `${c.query.slice(0, 60)}: the notice is ${shown.text.length} characters long`);
      const intro = lang === "en" ? /^Some settings in the link were not usable/ : /^链接中的部分设置无效/;
      assert.match(shown.text, intro, `${c.query.slice(0, 60)}: ${shown.text}`);
      const keys = shown.items.map(([k]) => k);
      assert.deepEqual(keys, Object.keys(c.rejected), `${c.query.slice(0, 60)}: items ${JSON.stringify(shown.items)}`);
      for (const [key, text] of shown.items) {
        const reason = c.rejected[key][lang === "en" ? 0 : 1];
        assert.match(text, reason, `${c.query.slice(0, 60)}: ${key}: ${text}`);
      }
      assert.doesNotMatch(shown.text, /colour|red/, "an unknown key was reported");
      if (lang === "zh") assert.doesNotMatch(shown.text, /\b(is|not|value|using|given|layer)\b/, `English words in Chinese: ${shown.text}`);
      for (const [key, v] of Object.entries(c.used)) assert.equal(param(page, key), v, `${c.query.slice(0, 60)}: ${key} in the URL`);
      assert.equal(param(page, "colour"), "red", "an unknown key is kept in the URL as it was");
      await dismisses(page, c.query.slice(0, 60));
      await trains(page, c.query.slice(0, 60));
      page.assertClean();
      await page.close();
    }
  }, { timeout: 120000 });
}

test("URL: unknown keys and good values (also percent-encoded) give no notice", async () => {
  const page = await open("colour=red&foo=%3Cimg%3E&activation=%74anh&dataset=%63ircle&hidden=3%2C2&x=" + "y".repeat(10000));
  await sleep(300);
  assert.equal(await page.isVisible("#notice"), false, `notice: ${await page.textContent("#notice")}`);
  assert.equal(param(page, "activation"), "tanh");
  assert.equal(param(page, "dataset"), "circle");
  assert.equal(param(page, "hidden"), "3,2");
  await trains(page, "good query");
  page.assertClean();
});

test("URL: an unknown lesson id is quoted short", async () => {
  const page = await open(`lesson=${"q".repeat(10000)}`);
  const shown = await notice(page);
  assert.ok(shown.visible);
  assert.ok(shown.text.length < 200, `the notice is ${shown.text.length} characters long`);
  assert.match(shown.text, new RegExp(`${"q".repeat(40)}…`));
  await trains(page, "unknown lesson");
  page.assertClean();
});

// ---- Number fields ---------------------------------------------------------------------

// Per field: its config key, the value the page starts with, bad inputs with the reason
// (English, Chinese), and a good value.
const OUT = (min, max) => [new RegExp(`is outside the allowed range ${min}–${max}`), new RegExp(`超出允许范围 ${min}–${max}`)];
const NAN = [/is not a number/, /不是数字/];
const EMPTY = [/no value given/, /没有给出取值/];
const FIELDS = [
  {
    id: "learning-rate", key: "lr", start: "0.03", good: "0.1",
    bad: { abc: NAN, "-1": OUT("0.000001", 10), 0: OUT("0.000001", 10), "1e9": OUT("0.000001", 10), "": EMPTY, "1e400": OUT("0.000001", 10) },
  },
  {
    id: "batch-size", key: "batch", start: "10", good: "25",
    bad: { abc: NAN, "-1": OUT(1, 2000), 0: OUT(1, 2000), "1e9": OUT(1, 2000), "2.5": [/is not a whole number/, /不是整数/], "": EMPTY },
  },
  {
    id: "reg-rate", key: "reg-rate", start: "0.001", good: "0.01",
    bad: { "x1": NAN, "-0.5": OUT(0, 1), "1e9": OUT(0, 1), "": EMPTY },
  },
  {
    id: "clip", key: "clip", start: "", good: "2",
    bad: { abc: NAN, "-1": OUT(0, 1000), "1e9": OUT(0, 1000) },
  },
];

for (const lang of ["en", "zh"]) {
  test(`number fields refuse bad values next to the field and keep the previous value (${lang})`, async () => {
    const page = await open(`dataset=circle&lang=${lang}`);
    for (const f of FIELDS) {
      const field = `#${f.id}`;
      const error = `.field-error[data-for="${f.id}"]`;
      assert.ok(await page.evaluate(([e, id]) => document.querySelector(e).parentElement.contains(document.getElementById(id)), [error, f.id]),
        `${error} is not next to ${field}`);
      assert.equal(await page.inputValue(field), f.start);
      for (const [typed, reasons] of Object.entries(f.bad)) {
        await setText(page, field, typed);
        const message = (await page.textContent(error)).trim();
        const reason = reasons[lang === "en" ? 0 : 1];
        const quoted = typed === "" ? "" : `\`${typed}\``;
        assert.ok(message.startsWith(`${f.key}${lang === "en" ? ":" : "："}`), `${f.id} ${typed}: ${message}`);
        assert.ok(message.includes(quoted), `${f.id} ${typed}: the message does not quote the value: ${message}`);
        assert.match(message, reason, `${f.id} ${typed}: ${message}`);
        const kept = f.start === "" ? (lang === "en" ? "off" : "关闭") : f.start;
        assert.ok(message.endsWith(lang === "en" ? `; keeping ${kept}` : `，保留 ${kept}`), `${f.id} ${typed}: ${message}`);
        assert.equal(await page.isVisible(error), true, `${f.id} ${typed}: the message is hidden`);
        assert.equal(param(page, f.key), f.start === "" ? null : f.start, `${f.id} ${typed} changed the config`);
        assert.equal(await page.inputValue(field), f.start, `${f.id} ${typed}: the field does not show the value in force`);
        assert.equal(await page.isVisible("#notice"), false, `${f.id} ${typed}: the message went to #notice`);
      }
      await setText(page, field, f.good);
      await page.waitForFunction(([k, v]) => new URL(location.href).searchParams.get(k) === v, [f.key, f.good]);
      assert.equal((await page.textContent(error)).trim(), "", `${f.id}: a good value did not clear the message`);
      await setText(page, field, f.start === "" ? "0" : f.start); // back, for the next field's checks
    }
    // A message follows a language switch.
    await setText(page, "#learning-rate", "abc");
    await page.selectOption("#lang", lang === "en" ? "zh" : "en");
    assert.match(await page.textContent('.field-error[data-for="learning-rate"]'), lang === "en" ? /不是数字/ : /is not a number/);
    await trains(page, "after the number fields");
    page.assertClean();
  }, { timeout: 90000 });
}

test("stop fields refuse anything but a whole number from 1, keeping the condition in force", async () => {
  for (const lang of ["en", "zh"]) {
    const page = await open(`dataset=xor&lang=${lang}`);
    await page.click("details.more > summary");
    await setText(page, "#stop-epoch", "5");
    for (const bad of ["abc", "0", "-5", "2.5", "1e30", "99999999999999999999999"]) {
      await setText(page, "#stop-epoch", bad);
      const message = (await page.textContent('.field-error[data-for="stop-epoch"]')).trim();
      const reason = lang === "en" ? /^`.*`: enter a whole number from 1 to 1000000000, or leave the field empty; keeping 5$/
        : /^`.*`：请输入 1 到 1000000000 之间的整数，或留空；保留 5$/;
      assert.match(message, reason, `${bad}: ${message}`);
      assert.ok(message.startsWith(`\`${bad}\``), `${bad}: ${message}`);
      assert.equal(await page.inputValue("#stop-epoch"), "5", `${bad}: the field does not show the value in force`);
    }
    // The condition still holds: training pauses at epoch 5.
    await page.click("#play");
    await page.waitForFunction(() => document.querySelector("#play").getAttribute("aria-pressed") === "false"
      && Number(document.querySelector("#epoch").textContent) > 0, null, { timeout: 10000 });
    assert.equal(await value(page, "#epoch"), 5);
    await setText(page, "#stop-epoch", "");
    assert.equal((await page.textContent('.field-error[data-for="stop-epoch"]')).trim(), "");
    page.assertClean();
    await page.close();
  }
});

test("the weight editor refuses non-numbers and huge values with the reason", async () => {
  const page = await open("dataset=xor&hidden=4&seed=1");
  await page.dispatchEvent('#network path.link-hit[data-layer="0"][data-row="0"][data-column="0"]', "click");
  await page.waitForSelector("#editor:not([hidden])");
  const before = await page.inputValue("#editor input");
  for (const bad of ["abc", "1e9", "-20000", "NaN", "inf"]) {
    await page.fill("#editor input", bad);
    await page.press("#editor input", "Enter");
    assert.ok(await page.isVisible("#editor"), `${bad}: the editor closed`);
    assert.match(await page.textContent("#editor .field-error"), /from −10000 to 10000/, `${bad}`);
  }
  await page.press("#editor input", "Escape");
  await page.dispatchEvent('#network path.link-hit[data-layer="0"][data-row="0"][data-column="0"]', "click");
  assert.equal(await page.inputValue("#editor input"), before, "a refused value changed the weight");
  page.assertClean();
});

// ---- Files: model JSON and CSV --------------------------------------------------------

/** A file of `bytes` bytes on disk (setInputFiles sends paths, not 50 MB over the wire). */
function bigFile(name, bytes, head) {
  const file = path.join(os.tmpdir(), `nnlab-robust-${process.pid}-${name}`);
  const fd = fs.openSync(file, "w");
  fs.writeSync(fd, head);
  const chunk = Buffer.alloc(1 << 20, " ");
  for (let left = bytes - Buffer.byteLength(head); left > 0; left -= chunk.length) {
    fs.writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  }
  fs.closeSync(fd);
  return file;
}

/** Chooses `file` (a path, or { name, text }) in the file input and returns the notice. */
async function choose(page, selector, file) {
  if (await page.isVisible("#notice")) await page.click("#notice .notice-close");
  const files = typeof file === "string" ? file
    : { name: file.name, mimeType: "application/octet-stream", buffer: Buffer.from(file.text) };
  const start = Date.now();
  await page.setInputFiles(selector, files);
  await page.waitForSelector("#notice:not([hidden])", { timeout: 5000 });
  const ms = Date.now() - start;
  return { text: (await page.textContent("#notice .notice-text")).trim(), ms };
}

const wasmBytes = (page) => page.evaluate(() => window.nnlabWasmMemory.buffer.byteLength);

for (const lang of ["en", "zh"]) {
  test(`model import: each broken file names its first problem by JSON path, the network is untouched (${lang})`, async () => {
    const page = await open(`dataset=xor&hidden=4&seed=3&lang=${lang}`);
    await page.click("details.more > summary");
    await page.click("#step");
    const saved = await downloadBytes(page, () => page.click("#save-model"));
    const model = JSON.parse(saved.bytes.toString("utf8"));
    await page.selectOption("#speed", "20");
    await page.click("#play");
    await waitForValue(page, "#epoch", ">=", 40);
    await page.click("#play");
    await sleep(100);
    const before = (await downloadBytes(page, () => page.click("#save-model"))).bytes.toString("utf8");
    const loss = await value(page, "#train-loss");
    await snapCanvas(page, "canvas#boundary", "before");

    const edit = (f) => { const m = structuredClone(model); f(m); return JSON.stringify(m, null, 1); };
    const w00 = JSON.stringify(model.layers[0].weights[0]);
    const en = lang === "en";
    const cases = [
      ["format.json", edit((m) => { m.format = "other-model"; }),
        en ? /format: expected "nnlab-model", found "other-model"$/ : /format：应为 "nnlab-model"，实际为 "other-model"$/],
      ["version.json", edit((m) => { m.version = 3; }),
        en ? /version: this nnlab reads versions 1 to 2, the file is version 3$/ : /version：本程序读取第 1 至 2 版，该文件是第 3 版$/],
      ["row.json", edit((m) => { m.layers[0].weights[1] = [0.5]; }),
        en ? /layers\[0\]\.weights\[1\]: has 1 value but the layer has 2 inputs$/ : /layers\[0\]\.weights\[1\]：有 1 个值，但该层有 2 个输入$/],
      ["features.json", edit((m) => { m.features.push("x2"); m.normalize.shift.push(0); m.normalize.scale.push(1); }),
        en ? /layers\[0\]\.weights\[0\]: has 2 values but the layer has 3 inputs$/ : /layers\[0\]\.weights\[0\]：有 2 个值，但该层有 3 个输入$/],
      ["layers.json", edit((m) => { m.layers[0].weights.pop(); m.layers[0].biases.pop(); }),
        en ? /layers\[1\]\.weights\[0\]: has 4 values but the layer has 3 inputs$/ : /layers\[1\]\.weights\[0\]：有 4 个值，但该层有 3 个输入$/],
      ["nan.json", JSON.stringify(model).replace(w00, `[NaN,${model.layers[0].weights[0].slice(1).join(",")}]`),
        en ? /layers\[0\]\.weights\[0\]\[0\]: is not a finite number \(NaN and Infinity are not allowed\)$/ : /layers\[0\]\.weights\[0\]\[0\]：不是有限的数字（不允许 NaN 和 Infinity）$/],
      ["inf.json", JSON.stringify(model).replace(w00, `[${model.layers[0].weights[0][0]},-Infinity]`),
        en ? /layers\[0\]\.weights\[0\]\[1\]: is not a finite number/ : /layers\[0\]\.weights\[0\]\[1\]：不是有限的数字/],
      ["biases.json", edit((m) => { delete m.layers[1].biases; }),
        en ? /layers\[1\]\.biases: is missing$/ : /layers\[1\]\.biases：缺少此字段$/],
      ["normalize.json", edit((m) => { delete m.normalize; }),
        en ? /normalize: is missing$/ : /normalize：缺少此字段$/],
      ["type.json", edit((m) => { m.layers[0].biases = "0,0,0,0"; }),
        en ? /layers\[0\]\.biases: expected a list \[\.\.\.\]$/ : /layers\[0\]\.biases：应为数组 \[\.\.\.\]$/],
      ["problem.json", edit((m) => { m.layers[1].activation = "linear"; }),
        en ? /layers: the model predicts a number \(regression\) but the data set needs two classes$/ : /layers：该模型预测一个数值（回归），但当前数据集需要两个类别$/],
      ["cut.json", JSON.stringify(model, null, 1).slice(0, 200),
        en ? /the file ends too early \(line \d+\): it is cut off$/ : /文件在第 \d+ 行提前结束，内容不完整$/],
    ];
    assert.ok(cases[5][1].includes("[NaN,") && cases[6][1].includes(",-Infinity]"), "could not build the NaN/Infinity files");
    const intro = en ? "Model not loaded; the network is unchanged. " : "未加载模型，网络保持不变。 ";
    for (const [name, text, reason] of cases) {
      const shown = await choose(page, "#load-model", { name, text });
      assert.ok(shown.text.startsWith(`${intro}${name}${en ? ":" : "："}`), `${name}: ${shown.text}`);
      assert.match(shown.text, reason, `${name}: ${shown.text}`);
      if (!en) assert.doesNotMatch(shown.text, /\b(is|has|the|not|expected|line|values)\b/, `English in Chinese: ${shown.text}`);
      await sleep(50);
      assert.equal(await value(page, "#train-loss"), loss, `${name} changed the loss`);
      assert.equal(await diffCanvas(page, "canvas#boundary", "before", { tolerance: 0 }), 0, `${name} changed the boundary`);
    }
    const after = (await downloadBytes(page, () => page.click("#save-model"))).bytes.toString("utf8");
    assert.equal(after, before, "a refused file changed the network");

    // A 50 MB file is refused by its size before it is read: quickly, and the wasm memory
    // does not grow by the file's size.
    const memory = await wasmBytes(page);
    const big = bigFile("big.json", 50_000_000, JSON.stringify(model).slice(0, -1) + ',"pad":"');
    try {
      const shown = await choose(page, "#load-model", big);
      assert.match(shown.text, en ? /big\.json: the file is 50\.0 MB; a model file is at most 2 MB$/ : /big\.json：文件大小为 50\.0 MB，模型文件最大 2 MB$/, shown.text);
      assert.ok(shown.ms < 3000, `refusing the 50 MB file took ${shown.ms} ms`);
    } finally {
      fs.rmSync(big, { force: true });
    }
    assert.ok((await wasmBytes(page)) - memory < 10_000_000, "the 50 MB file was read into the wasm memory");
    assert.equal(await value(page, "#train-loss"), loss, "the 50 MB file changed the loss");

    // The good file still loads, and the boundary shows it at once.
    const loaded = await choose(page, "#load-model", { name: "good.json", text: saved.bytes.toString("utf8") });
    assert.match(loaded.text, en ? /Model loaded/ : /模型已加载/);
    await sleep(100);
    assert.ok(await diffCanvas(page, "canvas#boundary", "before") > 0, "the loaded model did not change the boundary");
    page.assertClean();
  }, { timeout: 120000 });

  test(`CSV import: a bad file names line and column, imports nothing (${lang})`, async () => {
    const page = await open(`dataset=xor&hidden=4&seed=1&lang=${lang}`);
    await page.click("#step");
    await sleep(100);
    const loss = await value(page, "#train-loss");
    await snapCanvas(page, "canvas#boundary", "before");
    const en = lang === "en";
    const at = (line, column, reason) => en
      ? new RegExp(`line ${line}${column ? `, column ${column}` : ""}: ${reason[0]}$`)
      : new RegExp(`第 ${line} 行${column ? ` ${column} 列` : ""}：${reason[1]}$`);
    const cases = [
      ["label.csv", "x,y,label\n1,1,1\n2,2,7\n", at(3, "label", ["class label 7 is not a whole number from 0 to 1; this data set has 2 classes", "类别标签 7 不是 0 到 1 之间的整数；此数据集有 2 个类别"])],
      ["number.csv", "\ufeffx,y,label,note\r\n1,1,1,a\r\n\r\n2,abc,0,b\r\n", at(4, "y", ["`abc` is not a number", "`abc` 不是数字"])],
      ["nan.csv", "label,x,y\n1,NaN,1\n", at(2, "x", ["`NaN` is not a finite number \\(NaN and infinity are not allowed\\)", "`NaN` 不是有限的数字（不允许 NaN 和无穷大）"])],
      ["header.csv", "1,2,0\n3,4,1\n", at(1, "x", ["missing header: the first line must name the columns x, y and label", "缺少表头：第一行必须列出 x、y 和 label 列"])],
      ["width.csv", "x,y,label\n1,2\n", at(2, null, ["expected 3 fields as in the header, found 2", "应有 3 个字段（与表头一致），实际有 2 个"])],
      ["plane.csv", "x,y,label\n1,9,0\n", at(2, "y", ["9 lies outside the plane \\[−6, 6\\]", "9 超出平面范围 \\[−6, 6\\]"])],
      ["split.csv", `x,y,label,split\n1,1,0,train\n1,1,1,${"<b>".repeat(30)}\n`, at(3, "split", [`\`${"<b>".repeat(13)}<…\` is not a split; expected train, val or test`, `\`${"<b>".repeat(13)}<…\` 不是有效的划分，应为 train、val 或 test`])],
    ];
    const intro = en ? "No points imported; the data is unchanged. " : "未导入数据点，数据保持不变。 ";
    for (const [name, text, reason] of cases) {
      const shown = await choose(page, "#import-points", { name, text });
      assert.ok(shown.text.startsWith(`${intro}${name}${en ? ":" : "："}`), `${name}: ${shown.text}`);
      assert.match(shown.text, reason, `${name}: ${shown.text}`);
      if (!en) assert.doesNotMatch(shown.text, /\b(is|line|column|not|expected|found)\b/, `English in Chinese: ${shown.text}`);
      await sleep(50);
      assert.equal(await value(page, "#train-loss"), loss, `${name} changed the data`);
      assert.equal(await diffCanvas(page, "canvas#boundary", "before", { tolerance: 0 }), 0, `${name} changed the picture`);
    }
    const big = bigFile("big.csv", 50_000_000, "x,y,label\n");
    try {
      const shown = await choose(page, "#import-points", big);
      assert.match(shown.text, en ? /big\.csv: the file is 50\.0 MB; a CSV file is at most 2 MB$/ : /big\.csv：文件大小为 50\.0 MB，CSV 文件最大 2 MB$/, shown.text);
      assert.ok(shown.ms < 3000, `refusing the 50 MB file took ${shown.ms} ms`);
    } finally {
      fs.rmSync(big, { force: true });
    }
    assert.equal(await value(page, "#train-loss"), loss, "the 50 MB file changed the data");

    // BOM, CRLF, blank lines and extra columns are fine.
    const good = "\ufeffnote,label,y,x\r\na,1,1,1\r\n\r\nb,0,-1,-1\r\nc,1,2,2\r\n";
    const imported = await choose(page, "#import-points", { name: "good.csv", text: good });
    assert.match(imported.text, en ? /Points imported: 3 \(good\.csv\)/ : /已导入数据点： 3 \(good\.csv\)|已导入数据点：3/, imported.text);
    page.assertClean();
  }, { timeout: 90000 });
}

// ---- Security: user strings are text, never HTML ---------------------------------------

const XSS = `<img src=x onerror="window.__xss=1">`;

/** No element was made from the string, no handler ran, and the string shows as text. */
async function inert(page, what) {
  const found = await page.evaluate(() => ({
    images: document.querySelectorAll("img, [onerror]").length,
    ran: window.__xss === 1,
    notice: document.querySelector("#notice .notice-text").textContent,
    html: document.querySelector("#notice .notice-text").innerHTML,
  }));
  assert.equal(found.images, 0, `${what}: an element was created from the string`);
  assert.equal(found.ran, false, `${what}: the handler ran`);
  assert.ok(found.notice.includes("<img src=x onerror="), `${what}: the string is not shown as text: ${found.notice}`);
  assert.ok(found.html.includes("&lt;img src=x onerror="), `${what}: the string is not escaped: ${found.html}`);
}

test("strings that look like HTML in the URL, a CSV and a model JSON stay text", async () => {
  const q = encodeURIComponent(XSS);
  const page = await open(`activation=${q}&lesson=${q}&${q}=${q}&compare=${encodeURIComponent(`init=${XSS}`)}&dataset=xor&hidden=4`);
  await inert(page, "URL");
  const items = await page.$$eval("#notice li[data-key]", (lis) => lis.map((li) => li.getAttribute("data-key")));
  assert.deepEqual(items, ["activation", "compare"], `notice items: ${items}`);
  await page.click("#notice .notice-close");
  await page.click("details.more > summary");

  const csv = `x,y,label,split,${XSS}\n1,1,1,train,${XSS}\n1,1,0,${XSS},a\n`;
  const refused = await choose(page, "#import-points", { name: `${XSS}.csv`, text: csv });
  assert.match(refused.text, /line 3, column split: `<img src=x onerror="window\.__xss=1">` is not a split/, refused.text);
  await inert(page, "CSV");

  const { bytes } = await downloadBytes(page, () => page.click("#save-model"));
  const model = JSON.parse(bytes.toString("utf8"));
  for (const [field, edit] of [
    ["features[0]", (m) => { m.features[0] = XSS; }],
    ["layers[0].activation", (m) => { m.layers[0].activation = XSS; }],
    ["format", (m) => { m.format = XSS; }],
  ]) {
    const m = structuredClone(model);
    edit(m);
    const shown = await choose(page, "#load-model", { name: `${XSS}.json`, text: JSON.stringify(m) });
    assert.ok(shown.text.includes(`${field}: `), `${field}: ${shown.text}`);
    await inert(page, `model ${field}`);
  }
  await trains(page, "after the HTML strings");
  await sleep(200);
  page.assertClean();
});

test("a lang= that is not en or zh is named in the notice, in the browser's language, and the page follows the browser", async () => {
  const page = await open("dataset=xor&lang=fr");
  const shown = await notice(page);
  assert.ok(shown.visible, "the notice shows");
  assert.deepEqual(shown.items, [["lang", "lang: “fr” is not a language of this page (en, zh); following the browser's"]]);
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  assert.equal(param(page, "lang"), "fr", "the link keeps what it was given");
  // A Chinese browser reads the same link in Chinese; the value is quoted as text, cut at 40.
  const context = await page.context().browser().newContext({ locale: "zh-CN" });
  const zh = await context.newPage();
  await zh.goto(page.url().replace("lang=fr", `lang=${encodeURIComponent("<b>" + "x".repeat(60))}`));
  await waitForApp(zh);
  const zhShown = await notice(zh);
  assert.deepEqual(zhShown.items, [["lang", `lang：“<b>${"x".repeat(37)}…”不是本页的语言（en、zh），改用浏览器的语言`]]);
  assert.equal(await zh.evaluate(() => document.querySelectorAll("#notice b").length), 0, "no markup from the link");
  await context.close();
  await trains(page, "lang=fr");
  page.assertClean();
});
