// The same config and seed give the same run in the page (wasm, simd128) and natively (the
// CLI, SSE): after the same number of epochs the saved models hold bit-identical weights.
// The engine's SIMD kernels differ per target, so this is what keeps them summing alike.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test, openPage, assert, SUBPATH, value, waitForValue, downloadBytes, waitForApp } from "./harness.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The native CLI, built (release, as the tests build it) if it is not there yet. */
function cli() {
  const bin = path.join(ROOT, "target", "release", "nnlab");
  if (!fs.existsSync(bin)) {
    execFileSync("cargo", ["build", "--release", "--locked", "--quiet", "--bin", "nnlab"], { cwd: ROOT });
  }
  return bin;
}

/** Trains `settings` natively for `epochs` and returns the saved model. */
function nativeModel(settings, epochs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nnlab-det-"));
  const config = path.join(dir, "config.json");
  const out = path.join(dir, "model.json");
  fs.writeFileSync(config, JSON.stringify(settings));
  execFileSync(cli(), ["train", "--config", config, "--epochs", String(epochs), "--out", out]);
  const model = JSON.parse(fs.readFileSync(out, "utf8"));
  fs.rmSync(dir, { recursive: true, force: true });
  return model;
}

/** Trains the same settings in the page by pressing Step `epochs` times; returns its model. */
async function pageModel(settings, epochs) {
  const query = new URLSearchParams(settings).toString();
  const page = await openPage(`${SUBPATH}?${query}`);
  await waitForApp(page);
  for (let i = 0; i < epochs; i++) await page.click("#step");
  await waitForValue(page, "#epoch", "==", epochs, { timeout: 5000 });
  await page.click("details.more > summary");
  const { bytes } = await downloadBytes(page, () => page.click("#save-model"));
  page.assertClean();
  return JSON.parse(bytes.toString("utf8"));
}

const CASES = [
  // The peer's default network on XOR; batch 10 of 250 points pads each batch to 12.
  { dataset: "xor", hidden: "4,2", activation: "tanh", seed: "3", batch: "10" },
  // Deeper ReLU with Adam on the spiral, odd batch size and a short last batch.
  { dataset: "spiral", hidden: "8,8,8", activation: "relu", optimizer: "adam", lr: "0.01", batch: "7", seed: "5" },
  // Three classes through a softmax head, sigmoid hidden layer, L2.
  { dataset: "blobs3", hidden: "6", activation: "sigmoid", reg: "l2", "reg-rate": "0.001", seed: "2" },
  // Regression, maxout, momentum.
  { dataset: "plane", hidden: "5", activation: "maxout", optimizer: "momentum", seed: "4", batch: "16" },
  // sin/cos features, ELU, focal loss, RMSProp and clipping.
  { dataset: "circle", features: "x,y,x2,y2,xy,sinx,cosy", hidden: "5,3", activation: "elu", loss: "focal",
    optimizer: "rmsprop", clip: "1", seed: "6" },
  // Moons with swish, hinge loss, AdaGrad, L1.
  { dataset: "moons", hidden: "6", activation: "swish", loss: "hinge", optimizer: "adagrad", reg: "l1",
    "reg-rate": "0.003", seed: "8", noise: "20" },
  // Dropout, per layer: the masks come from the seeded stream in both.
  { dataset: "circle", hidden: "8,4", activation: "tanh", optimizer: "adam", lr: "0.01", dropout: "0.3",
    dropouts: "0.3,0.1", seed: "9" },
  // Batch norm then layer norm, with dropout on top, over batches of 8 (running estimates,
  // γ and β compared too).
  { dataset: "spiral", hidden: "6,5", activation: "sigmoid", optimizer: "adam", lr: "0.03", norm: "batch",
    norms: "batch,layer", dropout: "0.1", batch: "8", points: "251", seed: "3" },
];

for (const settings of CASES) {
  test(`page and CLI train ${settings.dataset} (${settings.hidden} ${settings.activation}) to the same weights`, async () => {
    const epochs = 25;
    const native = nativeModel(settings, epochs);
    const web = await pageModel(settings, epochs);
    assert.equal(web.layers.length, native.layers.length);
    if (settings.norm) assert.equal(web.layers[0].norm?.kind, settings.norm, "the page's model carries its normalisation");
    for (const [l, layer] of native.layers.entries()) {
      // Exact equality: the same f32 values print the same shortest decimal.
      assert.deepEqual(web.layers[l].weights, layer.weights, `layer ${l} weights differ`);
      assert.deepEqual(web.layers[l].biases, layer.biases, `layer ${l} biases differ`);
      // γ, β and the running estimates too.
      assert.deepEqual(web.layers[l].norm, layer.norm, `layer ${l} normalisation differs`);
    }
  }, { timeout: 120000 });
}
