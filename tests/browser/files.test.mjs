// Files in and out of the page: model JSON (save, load, refusal of broken files), the loss
// CSV, the boundary PNG, importing points from CSV, and copying the link.
import {
  test, openPage, waitForText, sleep, assert, SUBPATH, url,
  value, waitForValue, snapCanvas, diffCanvas, testContext, downloadBytes, waitForApp,
} from "./harness.mjs";

async function open(query = "") {
  const page = await openPage(SUBPATH + (query ? `?${query}` : ""));
  await waitForApp(page);
  await page.click("details.more > summary");
  return page;
}

/** Trains at speed 20 until at least `epochs`, then pauses. */
async function train(page, epochs) {
  await page.selectOption("#speed", "20");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", epochs, { timeout: 15000 });
  await page.click("#play");
  await sleep(100);
}

/** Chooses a file in a file input, as a user picking it from disk would. */
async function choose(page, selector, name, text, mimeType) {
  await page.setInputFiles(selector, { name, mimeType, buffer: Buffer.from(text) });
}

/** Waits for #notice to show a new message (dismissing any old one first); returns it. */
async function nextNotice(page, act) {
  if (await page.isVisible("#notice")) await page.click("#notice .notice-close");
  await act();
  await page.waitForSelector("#notice:not([hidden])", { timeout: 5000 });
  return (await page.textContent("#notice .notice-text")).trim();
}

test("save model downloads nnlab-model JSON; loading it back restores the loss", async () => {
  const page = await open("dataset=xor&hidden=4&seed=3");
  await train(page, 120);
  const trained = await value(page, "#train-loss");
  const { name, bytes } = await downloadBytes(page, () => page.click("#save-model"));
  assert.match(name, /\.json$/);
  const model = JSON.parse(bytes.toString("utf8"));
  assert.equal(model.format, "nnlab-model");
  assert.equal(model.version, 2);
  assert.deepEqual(model.features, ["x", "y"]);
  assert.equal(model.layers.length, 2);
  assert.equal(model.layers[0].weights.length, 4);
  assert.equal(model.layers[0].weights[0].length, 2);

  await page.click("#reset");
  await waitForValue(page, "#epoch", "==", 0, { timeout: 2000 });
  const fresh = await value(page, "#train-loss");
  assert.notEqual(fresh, trained, "reset did not change the loss");

  const notice = await nextNotice(page, () => choose(page, "#load-model", "trained.json", bytes, "application/json"));
  assert.match(notice, /loaded/i, `notice: ${notice}`);
  await waitForValue(page, "#train-loss", "==", trained, { timeout: 2000 });
  page.assertClean();
});

test("broken model files are refused with the JSON path and change nothing", async () => {
  const page = await open("dataset=xor&hidden=4&seed=3");
  await train(page, 60);
  const { bytes } = await downloadBytes(page, () => page.click("#save-model"));
  const good = bytes.toString("utf8");
  const model = JSON.parse(good);
  await train(page, 120); // the page's network now differs from the saved one
  const loss = await value(page, "#train-loss");
  const epoch = await value(page, "#epoch");
  await snapCanvas(page, "canvas#boundary", "before");

  const wrongVersion = JSON.stringify({ ...model, version: 99 });
  const first = model.layers[0].weights[0][0];
  const withNaN = JSON.stringify(model).replace(JSON.stringify(model.layers[0].weights[0]),
    `[NaN,${model.layers[0].weights[0].slice(1).join(",")}]`);
  assert.ok(withNaN.includes("[NaN,"), `could not put NaN in for ${first}`);
  const mismatched = structuredClone(model);
  mismatched.layers[0].weights[1] = [mismatched.layers[0].weights[1][0]];

  for (const [file, text, path] of [
    ["version.json", wrongVersion, /\bversion\b/],
    ["nan.json", withNaN, /layers\[0\]\.weights\[0\]/],
    ["shape.json", JSON.stringify(mismatched), /layers\[0\]\.weights\[1\]/],
  ]) {
    const notice = await nextNotice(page, () => choose(page, "#load-model", file, text, "application/json"));
    assert.match(notice, path, `${file}: the notice does not give the JSON path: ${notice}`);
    assert.ok(notice.includes(file), `${file}: the notice does not name the file: ${notice}`);
    await sleep(100);
    assert.equal(await value(page, "#train-loss"), loss, `${file} changed the loss`);
    assert.equal(await value(page, "#epoch"), epoch, `${file} changed the epoch`);
    assert.equal(await diffCanvas(page, "canvas#boundary", "before", { tolerance: 0 }), 0, `${file} changed the boundary`);
  }
  page.assertClean();
});

test("loss CSV and boundary PNG downloads", async () => {
  const page = await open("dataset=circle&hidden=3&seed=2");
  await train(page, 60);
  const epoch = await value(page, "#epoch");
  const csv = await downloadBytes(page, () => page.click("#export-loss"));
  assert.match(csv.name, /\.csv$/);
  const lines = csv.bytes.toString("utf8").trim().split(/\r?\n/);
  assert.equal(lines[0], "epoch,train_loss,test_loss");
  assert.ok(lines.length >= 10, `only ${lines.length} lines`);
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  for (const row of rows) assert.ok(row.length === 3 && row.every(Number.isFinite), `bad row ${row}`);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i][0] > rows[i - 1][0], "epochs not increasing");
  const last = rows[rows.length - 1];
  assert.ok(last[0] <= epoch && last[0] >= epoch - 20, `last row epoch ${last[0]}, page epoch ${epoch}`);
  assert.ok(rows[rows.length - 1][1] < rows[0][1], "the logged training loss did not fall");

  const png = await downloadBytes(page, () => page.click("#export-png"));
  assert.match(png.name, /\.png$/);
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "not a PNG");
  // The PNG has the canvas's size (IHDR width/height).
  const size = await page.evaluate(() => [document.querySelector("#boundary").width, document.querySelector("#boundary").height]);
  assert.deepEqual([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)], size);
  page.assertClean();
});

test("#export-python downloads nnlab-run.py: header, data sizes and the epochs trained; Chinese comments in Chinese", async () => {
  // Full batch (250 training points): the header says there is no batch order.
  const page = await open("dataset=circle&hidden=3&seed=2&batch=500");
  await train(page, 30);
  const epoch = await value(page, "#epoch");
  const { name, bytes } = await downloadBytes(page, () => page.click("#export-python"));
  assert.equal(name, "nnlab-run.py");
  const script = bytes.toString("utf8");
  assert.ok(script.startsWith("#!/usr/bin/env python3\n# nnlab-run.py: one nnlab run written out in NumPy"), script.slice(0, 200));
  assert.ok(script.includes(`# Data: 250 training points and 250 test points; epochs: ${epoch}.`), script.slice(0, 600));
  assert.ok(script.includes("# Settings: dataset=circle&") && script.includes("batch=500"), script.slice(0, 600));
  assert.ok(script.includes(`\nEPOCHS = ${epoch}\n`) && script.includes("# Full batch"));
  assert.equal(script.split("\n").filter((l) => /^    \[-?[0-9.]+, -?[0-9.]+, [01]\.0\],$/.test(l)).length, 500, "500 points inlined");
  assert.ok(script.includes("def forward(") && script.includes("def backward(") && !script.includes("#en:"));
  assert.ok(!/[\u4e00-\u9fff]/.test(script.replace("# nnlab-run.py", "")), "an English script has no Chinese");
  // The template is fetched when the button is pressed: when that fails, a notice says so.
  await page.route("**/export-python.txt", (route) => route.abort());
  const notice = await nextNotice(page, () => page.click("#export-python"));
  assert.match(notice, /template could not be loaded/, notice);
  await page.unroute("**/export-python.txt");
  page.assertClean({ ignore: [/export-python\.txt/] });

  const zh = await open("dataset=circle&hidden=3&seed=2&batch=10&lang=zh");
  await train(zh, 5);
  const chinese = (await downloadBytes(zh, () => zh.click("#export-python"))).bytes.toString("utf8");
  assert.ok(chinese.startsWith("#!/usr/bin/env python3\n# nnlab-run.py：把一次 nnlab 训练用 NumPy 逐步写出来"), chinese.slice(0, 200));
  assert.ok(chinese.includes("# 数据：训练集 250 个数据点，测试集 250 个数据点") && chinese.includes("前向传播"));
  assert.ok(chinese.includes("# 小批量") && chinese.includes("BATCH_SIZE = 10\n"), "mini-batches: the header says so");
  assert.ok(!chinese.includes("Forward pass") && !chinese.includes("#zh:"));
  zh.assertClean();
});

test("importing points from CSV replaces the data; a bad CSV names line and column and changes nothing", async () => {
  const page = await open("dataset=xor&hidden=4&seed=1");
  await train(page, 40);
  const loss = await value(page, "#train-loss");
  await snapCanvas(page, "canvas#boundary", "xor");

  // A linearly separable set: label 1 right of the y axis.
  const rows = ["x,y,label"];
  for (let i = 0; i < 60; i++) {
    const x = ((i * 37) % 100) / 10 - 5, y = ((i * 53) % 100) / 10 - 5;
    rows.push(`${x.toFixed(2)},${y.toFixed(2)},${x > 0 ? 1 : 0}`);
  }
  const notice = await nextNotice(page, () => choose(page, "#import-points", "points.csv", rows.join("\n"), "text/csv"));
  assert.match(notice, /60/, `notice: ${notice}`);
  await sleep(100);
  const imported = await value(page, "#train-loss");
  assert.notEqual(imported, loss, "the loss did not change with the new data");
  assert.ok((await diffCanvas(page, "canvas#boundary", "xor")) > 100, "the picture did not change with the new points");

  await snapCanvas(page, "canvas#boundary", "imported");
  const bad = "x,y,label\n1,1,1\n2,2,7\n-1,-1,0\n";
  const refused = await nextNotice(page, () => choose(page, "#import-points", "bad.csv", bad, "text/csv"));
  assert.match(refused, /line 3/i, `the notice does not name line 3: ${refused}`);
  assert.match(refused, /label/, `the notice does not name the label column: ${refused}`);
  await sleep(100);
  assert.equal(await value(page, "#train-loss"), imported, "a refused CSV changed the loss");
  assert.equal(await diffCanvas(page, "canvas#boundary", "imported", { tolerance: 0 }), 0, "a refused CSV changed the picture");
  page.assertClean();
});

test("copy link puts the page URL on the clipboard", async () => {
  await testContext().grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url()).origin });
  const page = await open("dataset=moons&hidden=5,2&seed=9");
  await page.selectOption("#activation", "relu");
  const notice = await nextNotice(page, () => page.click("#copy-link"));
  const link = page.url();
  assert.match(link, /activation=relu/);
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(clip, link, `clipboard holds ${JSON.stringify(clip)}; notice: ${notice}`);
  assert.match(notice, /copied/i, `notice: ${notice}`);
  page.assertClean();
});
