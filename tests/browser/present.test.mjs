// Presenting: projector mode (#projector, ?projector=1), panel PNG snapshots (button.snapshot)
// and the video recording (#record: WebM, or MP4 where the browser records no WebM).
import { test, openPage, waitForApp, waitForValue, downloadBytes, screenshot, sleep, assert } from "./harness.mjs";

const SUB = "/sub/nnlab/";
const fontSize = (page, selector) =>
  page.$eval(selector, (e) => parseFloat(getComputedStyle(e).fontSize));

test("projector mode: large type, fewer panels, kept in the URL, toggled by its button", async () => {
  const normal = await openPage(SUB, { viewport: { width: 1366, height: 768 } });
  await waitForApp(normal);
  const normalSize = await fontSize(normal, "#train-loss");

  const page = await openPage(`${SUB}?projector=1&dataset=circle`, { viewport: { width: 1366, height: 768 } });
  await waitForApp(page);
  assert.equal(await page.getAttribute("#projector", "aria-pressed"), "true");
  assert.ok(await page.$eval("html", (e) => e.classList.contains("projector")));
  assert.ok((await fontSize(page, "#train-loss")) >= normalSize * 1.5, "readouts are much larger");
  assert.equal(await page.isVisible(".features-panel"), false, "fewer panels");
  assert.equal(await page.isVisible("#formulas"), false);
  assert.equal(await page.isVisible("#boundary"), true);
  assert.match(page.url(), /[?&]projector=1/);
  await screenshot(page, "projector");

  await page.click("#projector");
  assert.equal(await page.getAttribute("#projector", "aria-pressed"), "false");
  assert.equal(await page.isVisible(".features-panel"), true);
  assert.doesNotMatch(page.url(), /projector=/);
  await page.click("#projector");
  assert.match(page.url(), /[?&]projector=1/);
  normal.assertClean();
  page.assertClean();
});

test("every panel with pictures saves a PNG snapshot", async () => {
  const page = await openPage(`${SUB}?dataset=circle&hidden=3`, { viewport: { width: 1280, height: 900 } });
  await waitForApp(page);
  await page.click("#step");
  for (const [panel, name] of [
    [".output-panel", "nnlab-output.png"],
    [".network-panel", "nnlab-network.png"],
    ["#activation-panel", "nnlab-activation-panel.png"],
    ["#gradient-flow", "nnlab-gradient-flow.png"],
    ["#landscape", "nnlab-landscape.png"],
  ]) {
    const file = await downloadBytes(page, () => page.click(`${panel} button.snapshot`));
    assert.equal(file.name, name);
    assert.deepEqual([...file.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "a PNG");
    assert.ok(file.bytes.length > 5000, `${name}: ${file.bytes.length} bytes`);
  }
  page.assertClean();
});

test("recording while training downloads a WebM video", async () => {
  const page = await openPage(`${SUB}?dataset=xor`);
  await waitForApp(page);
  await page.click("#record");
  assert.equal(await page.getAttribute("#record", "aria-pressed"), "true");
  assert.equal(await page.textContent("#record span"), "Stop and save video");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 40, { timeout: 20000 });
  await sleep(1200);
  const video = await downloadBytes(page, () => page.click("#record"));
  assert.equal(video.name, "nnlab-training.webm");
  assert.equal(await page.getAttribute("#record", "data-video-format"), "webm");
  // WebM is Matroska: it starts with the EBML magic number 1A 45 DF A3.
  assert.deepEqual([...video.bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3]);
  assert.ok(video.bytes.length > 5000, `${video.bytes.length} bytes`);
  assert.equal(await page.getAttribute("#record", "aria-pressed"), "false");
  assert.equal(await page.textContent("#record span"), "Record video");
  page.assertClean();
});

test("a browser that records no WebM (Safari before 18.4) saves the recording as MP4", async () => {
  const page = await openPage(`${SUB}?dataset=xor`);
  await waitForApp(page);
  // Chromium records both; refusing WebM here takes the path Safari takes.
  await page.evaluate(() => {
    const supported = MediaRecorder.isTypeSupported.bind(MediaRecorder);
    MediaRecorder.isTypeSupported = (type) => !type.startsWith("video/webm") && supported(type);
  });
  await page.click("#play");
  await page.click("#record");
  assert.equal(await page.getAttribute("#record", "aria-pressed"), "true");
  assert.equal(await page.getAttribute("#record", "data-video-format"), "mp4");
  await sleep(1500);
  const video = await downloadBytes(page, () => page.click("#record"));
  assert.equal(video.name, "nnlab-training.mp4");
  // An MP4 file starts with its "ftyp" box: a 4-byte size, then the letters ftyp.
  assert.equal(video.bytes.subarray(4, 8).toString("latin1"), "ftyp");
  assert.ok(video.bytes.length > 5000, `${video.bytes.length} bytes`);
  page.assertClean();
});

test("a browser that records no video at all says so in the page's language, and the button stays off", async () => {
  const page = await openPage(`${SUB}?lang=zh`);
  await waitForApp(page);
  await page.evaluate(() => { MediaRecorder.isTypeSupported = () => false; });
  await page.click("#record");
  await page.waitForSelector("#notice:not([hidden])");
  assert.equal((await page.textContent("#notice .notice-text")).trim(), "此浏览器无法录制视频。");
  assert.equal(await page.getAttribute("#record", "aria-pressed"), "false");
  assert.equal(await page.textContent("#record span"), "录制视频");
  page.assertClean();
});
