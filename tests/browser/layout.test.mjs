// Layout for the classroom (issue 17): projector mode fits the first screen with the
// settings in one drawer button; on phones and tablets the output and the training buttons
// come first, a tap adds a point and a long press removes one; `embed=1` in an iframe.
import {
  test, openPage, openFreshPage, waitForApp, waitForValue, value, pixelAt, screenshot, sleep, url, testContext, assert,
} from "./harness.mjs";

const SUB = "/sub/nnlab/";
// Every setting of the top bar, by the id the page has always given it (a public contract).
const SETTINGS = [
  "lang", "speed", "learning-rate", "clip", "activation", "loss", "optimizer", "batch-size", "regularization",
  "reg-rate", "init", "norm", "dropout", "compare", "compare-preset",
];

/** Each selector's box, and whether it lies inside the first viewport (the page at its top). */
async function boxes(page, selectors) {
  return page.evaluate((sels) => {
    const w = document.documentElement.clientWidth;
    const h = window.innerHeight;
    return {
      scrollY: window.scrollY,
      list: sels.map((s) => {
        const el = document.querySelector(s);
        if (!el) return { s, missing: true };
        const r = el.getBoundingClientRect();
        const box = [r.left, r.top, r.right, r.bottom].map(Math.round);
        const inside = r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= w && r.bottom <= h;
        return { s, box, inside };
      }),
    };
  }, selectors);
}

function assertInside(result, what) {
  assert.equal(result.scrollY, 0, `${what}: the page is scrolled`);
  const out = result.list.filter((b) => !b.inside).map((b) => `${b.s} ${b.missing ? "missing" : b.box.join(",")}`);
  assert.deepEqual(out, [], `${what}: outside the first viewport: ${out.join("; ")}`);
}

const visible = (page, selector) => page.isVisible(selector);

test("projector mode fits the first screen at 1280×720, 1366×768 and 1920×1080, in English and Chinese", async () => {
  const must = ["#boundary", "#network", "#play", "#step", "#reset", "#epoch", "#test-loss", "#settings-toggle"];
  for (const [width, height] of [[1280, 720], [1366, 768], [1920, 1080]]) {
    for (const lang of ["en", "zh"]) {
      const page = await openPage(`${SUB}?projector=1&lang=${lang}`, { viewport: { width, height } });
      await waitForApp(page);
      await sleep(150);
      assertInside(await boxes(page, must), `projector ${width}×${height} ${lang}`);
      // The settings are folded away; the readouts are the large projector ones.
      assert.equal(await visible(page, "#learning-rate"), false, "settings folded into the drawer");
      assert.equal(await page.getAttribute("#settings-toggle", "aria-expanded"), "false");
      if (width === 1366) await screenshot(page, `layout-projector-${width}-${lang}`);
      page.assertClean();
      await page.close();
    }
  }
}, { timeout: 120000 });

test("the settings drawer: one button, every setting inside, keyboard and Escape, both languages", async () => {
  const page = await openPage(`${SUB}?projector=1&lang=zh&dataset=xor`, { viewport: { width: 1366, height: 768 } });
  await waitForApp(page);
  const toggle = page.locator("#settings-toggle");
  assert.equal(await toggle.getAttribute("aria-controls"), "settings-drawer");
  assert.equal((await toggle.textContent()).trim(), "设置");
  for (const id of SETTINGS) assert.equal(await visible(page, `#${id}`), false, `#${id} hidden while folded`);

  // Reached with Tab from the last button before it (#share), opened with Enter.
  await page.focus("#share");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "settings-toggle");
  await page.keyboard.press("Enter");
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  for (const id of SETTINGS) {
    assert.equal(await visible(page, `#${id}`), true, `#${id} in the open drawer`);
    assert.ok(await page.$eval(`#${id}`, (e) => !!e.closest("#settings-drawer")), `#${id} inside #settings-drawer`);
  }
  // Tab goes from the button into the drawer.
  await page.keyboard.press("Tab");
  assert.ok(await page.evaluate(() => !!document.activeElement.closest("#settings-drawer")), "Tab enters the drawer");
  // A setting changed in the drawer applies as before.
  await page.selectOption("#activation", "relu");
  await page.waitForFunction(() => /[?&]activation=relu/.test(location.search));
  await screenshot(page, "layout-projector-drawer-zh");
  // Escape (from inside the drawer) closes it and gives the focus back to its button.
  await page.focus("#learning-rate");
  await page.keyboard.press("Escape");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  assert.equal(await visible(page, "#learning-rate"), false);
  assert.equal(await page.evaluate(() => document.activeElement.id), "settings-toggle");
  // A click opens and closes it; switching the language relabels it.
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  await page.selectOption("#lang", "en");
  assert.equal((await toggle.textContent()).trim(), "Settings");
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");

  // Out of projector mode on a desk, the settings are in the top bar again and the button is gone.
  await page.click("#projector");
  assert.equal(await visible(page, "#settings-toggle"), false);
  for (const id of SETTINGS) assert.equal(await visible(page, `#${id}`), true, `#${id} in the top bar`);
  page.assertClean();
});

/** A phone or tablet: a touch screen, the page's mobile viewport. */
async function openTouch(path, width, height) {
  return openFreshPage(path, {
    viewport: { width, height },
    context: { hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
  });
}

test("phones and tablets: the output and the training buttons come first, settings and panels after", async () => {
  const must = ["#play", "#step", "#reset", "#epoch", "#train-loss", "#test-loss", "#boundary", "#settings-toggle"];
  for (const [width, height] of [[390, 844], [820, 1180]]) {
    for (const lang of ["en", "zh"]) {
      const page = await openTouch(`${SUB}?lang=${lang}`, width, height);
      await waitForApp(page);
      await sleep(150);
      assertInside(await boxes(page, must), `${width}×${height} ${lang}`);
      const top = (s) => page.$eval(s, (e) => e.getBoundingClientRect().top);
      const output = await top(".output-panel");
      for (const after of [".network-panel", ".data-panel", ".features-panel", ".insights"]) {
        assert.ok((await top(after)) > output, `${after} comes after the output`);
      }
      assert.equal(await visible(page, "#learning-rate"), false, "the settings wait in the drawer");
      await page.tap("#settings-toggle");
      assert.equal(await visible(page, "#learning-rate"), true);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "no sideways scroll");
      await page.tap("#settings-toggle");
      await screenshot(page, `layout-touch-${width}-${lang}`);
      page.assertClean();
    }
  }
}, { timeout: 120000 });

/**
 * On the boundary canvas `selector`: a tap at an empty spot adds a point, a touch held still
 * for 700 ms (the page removes at 500 ms, through the DevTools protocol's touch events)
 * removes it and adds none, and a short touch is still a tap.
 */
async function tapThenLongPress(page, selector) {
  await page.locator(selector).scrollIntoViewIfNeeded();
  await sleep(200);
  const box = await page.locator(selector).boundingBox();
  // XOR keeps its points 0.8 away from the axes: (0.35, 2.5) is empty.
  const at = { x: ((0.35 + 6) / 12) * box.width, y: ((6 - 2.5) / 12) * box.height };
  const before = await pixelAt(page, selector, at.x, at.y);
  const loss = await value(page, "#train-loss");

  await page.touchscreen.tap(box.x + at.x, box.y + at.y);
  await waitForValue(page, "#train-loss", "!=", loss);
  const added = await pixelAt(page, selector, at.x, at.y);
  assert.notDeepEqual(added.slice(0, 3), before.slice(0, 3), `the tap drew a point on ${selector}`);

  const cdp = await page.context().newCDPSession(page);
  const point = { x: box.x + at.x, y: box.y + at.y };
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  await waitForValue(page, "#train-loss", "==", loss, { timeout: 3000 });
  await sleep(300);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await sleep(300);
  assert.equal(await value(page, "#train-loss"), loss, `the long press on ${selector} removed the point and added none`);
  const removed = await pixelAt(page, selector, at.x, at.y);
  assert.ok(removed.slice(0, 3).every((c, i) => Math.abs(c - before[i]) < 12), `after the long press ${removed}, before ${before}`);

  // A short touch is still a tap.
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  await sleep(120);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await waitForValue(page, "#train-loss", "!=", loss);
}

test("touch: a tap adds a point, a long press removes the nearest one", async () => {
  const page = await openTouch(`${SUB}?dataset=xor&seed=1&lang=en`, 390, 844);
  await waitForApp(page);
  await tapThenLongPress(page, "#boundary");
  page.assertClean();
});

test("touch in compare mode: a tap and a long press on B's boundary work as on A's", async () => {
  const page = await openTouch(`${SUB}?dataset=xor&seed=1&lang=en&compare=activation%3Drelu`, 820, 1180);
  await waitForApp(page);
  await page.waitForSelector("#boundary-b", { state: "visible" });
  await tapThenLongPress(page, "#boundary-b");
  page.assertClean();
});

test("embed=1 inside an iframe of another page shows the board and the training buttons, and trains", async () => {
  // A slide deck's page on the same test server (served by the test itself), with the app
  // in an iframe under the sub-path.
  const src = url(`${SUB}?embed=1&dataset=xor&seed=1&lang=en`);
  await testContext().route("**/slides.html", (route) => route.fulfill({
    contentType: "text/html; charset=utf-8",
    body: `<!doctype html><title>Slides</title><h1>Slide 3: XOR</h1>
      <iframe id="nn" src="${src}" width="800" height="450" style="border:1px solid #999"></iframe>`,
  }));
  const page = await openPage("/slides.html", { viewport: { width: 1100, height: 700 } });
  const frame = await (await page.waitForSelector("iframe#nn")).contentFrame();
  await frame.waitForFunction(() => {
    const s = document.querySelector("#status");
    return s && s.textContent.trim() !== "" && s.textContent.trim() !== "Loading…";
  });
  await sleep(200);
  assert.match(frame.url(), /[?&]embed=1/);
  assertInside(await boxes(frame, ["#boundary", "#network", "#play", "#step", "#reset", "#epoch", "#test-loss", "#train-loss"]),
    "embed 800×450");
  assert.ok(await frame.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1), "no scrolling in the frame");
  for (const gone of [".brand", "#settings-toggle", "#learning-rate", ".data-panel", ".features-panel", "#loss-chart",
    ".insights", "#projector", "#status"]) {
    assert.equal(await frame.isVisible(gone), false, `${gone} hidden in the embed`);
  }
  const loss = Number(await frame.getAttribute("#test-loss", "data-value"));
  await frame.click("#play");
  await frame.waitForFunction(() => Number(document.querySelector("#epoch").textContent) >= 30, null, { timeout: 20000 });
  await frame.click("#play");
  const trained = Number(await frame.getAttribute("#test-loss", "data-value"));
  assert.ok(trained < loss, `test loss ${loss} -> ${trained}`);
  await screenshot(page, "layout-embed");
  page.assertClean();
});

// Each readout's label of the output panel stays on one line on a classroom laptop's screen
// ("Training accuracy" once wrapped at 1280–1366 px), in both languages, compare mode too.
test("the output readouts' labels stay on one line at 1280 and 1366 px, both languages", async () => {
  for (const [width, height] of [[1280, 800], [1366, 768]]) {
    for (const lang of ["en", "zh"]) {
      for (const compare of ["", `&compare=${encodeURIComponent("lr=0.3")}`]) {
        const page = await openPage(`${SUB}?val-ratio=20&lang=${lang}${compare}`, { viewport: { width, height } });
        await waitForApp(page);
        const lines = await page.$$eval("dl.metrics dt", (dts) => dts.filter((dt) => dt.getClientRects().length > 0)
          .map((dt) => {
            const lineHeight = parseFloat(getComputedStyle(dt).lineHeight) || 1.2 * parseFloat(getComputedStyle(dt).fontSize);
            return [dt.textContent, Math.round(dt.getBoundingClientRect().height / lineHeight)];
          }));
        assert.ok(lines.length >= 6, `${width} ${lang}: ${JSON.stringify(lines)}`);
        const wrapped = lines.filter(([, n]) => n > 1);
        assert.deepEqual(wrapped, [], `${width}×${height} ${lang}${compare ? " compare" : ""}: wrapped ${JSON.stringify(wrapped)}`);
        await page.close();
      }
    }
  }
});

test("projector mode: the output's readouts fit their cells, compare mode too, both languages", async () => {
  for (const [width, height] of [[1280, 720], [1366, 768]]) {
    for (const lang of ["en", "zh"]) {
      for (const compare of ["", `&compare=${encodeURIComponent("activation=relu")}`]) {
        const page = await openPage(`${SUB}?dataset=xor&val-ratio=20&lang=${lang}${compare}`, { viewport: { width, height } });
        await waitForApp(page);
        await page.click("#projector");
        // A few epochs, so the readouts hold trained values (four or five digits, "100.0%").
        for (let i = 0; i < 5; i++) await page.click("#step");
        await page.waitForFunction(() => document.querySelector("#epoch").dataset.value === "5");
        const overflowing = await page.$$eval(".output-panel dl.metrics dd", (dds) => dds
          .filter((dd) => dd.getClientRects().length > 0 && dd.scrollWidth > dd.clientWidth + 1)
          .map((dd) => `${dd.id} "${dd.textContent}" ${dd.scrollWidth} > ${dd.clientWidth}`));
        assert.deepEqual(overflowing, [],
          `${width}×${height} ${lang}${compare ? " compare" : ""}: readouts wider than their cells`);
        await page.close();
      }
    }
  }
});
