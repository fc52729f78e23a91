// The gradient-clipping field #clip: typed like the learning rate, carried by the URL.
import { test, openPage, SUBPATH, waitForApp, setText, blurAll, assert } from "./harness.mjs";

const param = (page, key) => new URL(page.url()).searchParams.get(key);
const error = (page) => page.textContent('.field-error[data-for="clip"]');

test("#clip sets clip in the URL, survives a reload and refuses bad values", async () => {
  const page = await openPage(`${SUBPATH}?dataset=circle`);
  await waitForApp(page);
  assert.equal(await page.inputValue("#clip"), "", "off by default: the empty field");
  assert.equal(await page.getAttribute("#clip", "placeholder"), "off");
  assert.equal(param(page, "clip"), null, "no clip in the URL while it is off");

  await setText(page, "#clip", "1");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("clip") === "1");
  assert.equal(await error(page), "");
  await page.reload();
  await waitForApp(page);
  assert.equal(param(page, "clip"), "1");
  assert.equal(await page.inputValue("#clip"), "1");

  for (const bad of ["-3", "abc"]) {
    await setText(page, "#clip", bad);
    const message = await error(page);
    assert.match(message, new RegExp(`clip: \`${bad}\``), `message for ${bad}: ${message}`);
    assert.equal(param(page, "clip"), "1", `${bad} keeps the old value`);
  }
  // A good value clears the message; an empty field turns clipping off.
  await setText(page, "#clip", "");
  await page.waitForFunction(() => !new URL(location.href).searchParams.has("clip"));
  assert.equal(await error(page), "");
  await blurAll(page);
  page.assertClean();
});

test("#clip speaks Chinese", async () => {
  const page = await openPage(`${SUBPATH}?lang=zh&clip=2`);
  await waitForApp(page);
  assert.equal(await page.getAttribute("#clip", "placeholder"), "关闭");
  assert.equal(await page.inputValue("#clip"), "2");
  assert.match(await page.textContent('label:has(#clip) > span'), /梯度裁剪/);
  await setText(page, "#clip", "abc");
  assert.match(await error(page), /clip：`abc` 不是数字/);
  page.assertClean();
});
