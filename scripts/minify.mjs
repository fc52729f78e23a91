// Shrinks the files the served page downloads, after Trunk has built dist/ and single.mjs
// has made nnlab.html from the readable files (scripts/build.sh runs it last):
//   - the .wasm's imports from the wasm-bindgen glue get short names (`a`, `b`, ...) in the
//     .wasm and in the glue's import object alike: wasm-bindgen names each one like
//     `__wbg_getContext_e1b6b4bc5d5cf3a0`, 257 names whose hashes gzip poorly, twice;
//   - the glue, boot.js and the QR encoder are minified by terser, the stylesheet by
//     clean-css (its `integrity` in index.html is recomputed).
// About 13 KB less to download on every first visit (docs/performance.md). Fails loudly if
// the glue's shape is not the one expected, rather than shipping a page that cannot start.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import { minify } from "terser";
import CleanCSS from "clean-css";

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");
const fail = (why) => {
  console.error(`minify: ${why}`);
  process.exit(1);
};
const htmlFile = path.join(dist, "index.html");
let html = fs.readFileSync(htmlFile, "utf8");
const boot = html.match(/data-nnlab-js="\.\/([^"]+\.js)" data-nnlab-wasm="\.\/([^"]+\.wasm)"/);
const cssLink = html.match(/<link rel="stylesheet" href="\.\/([^"]+\.css)"[^>]*>/);
if (!boot || !cssLink) fail("dist/index.html does not name the glue, the .wasm and the stylesheet as expected");
const [glueFile, wasmFile, cssFile] = [boot[1], boot[2], cssLink[1]].map((f) => path.join(dist, f));

// ----- Short import names.

/** Unsigned LEB128 at `at`: [value, next offset]. */
function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}
function leb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}
/** The name for the n-th import: a, b, ..., Z, ba, bb, ... */
function shortName(n) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let name = "";
  do {
    name = letters[n % letters.length] + name;
    n = Math.floor(n / letters.length);
  } while (n);
  return name;
}

let glue = fs.readFileSync(glueFile, "utf8");
const wasm = fs.readFileSync(wasmFile);
const moduleName = glue.match(/\n\s*"([^"]+)": import0,?\n/);
if (!moduleName) fail("the glue has no import object of the expected shape");
if (wasm.readUInt32LE(0) !== 0x6d736100) fail("the .wasm has no wasm header");
const sections = [wasm.subarray(0, 8)];
const renamed = new Map();
let at = 8;
while (at < wasm.length) {
  const sectionStart = at;
  const id = wasm[at];
  const [size, start] = readLeb(wasm, at + 1);
  const body = wasm.subarray(start, start + size);
  at = start + size;
  if (id !== 2) {
    sections.push(wasm.subarray(sectionStart, at));
    continue;
  }
  // The import section: each entry is module, name, then its kind and type, copied as is.
  let [count, p] = readLeb(body, 0);
  const parts = [leb(count)];
  while (count--) {
    const [moduleLength, m] = readLeb(body, p);
    const module = body.subarray(m, m + moduleLength).toString("utf8");
    const [nameLength, n] = readLeb(body, m + moduleLength);
    const name = body.subarray(n, n + nameLength).toString("utf8");
    let q = n + nameLength;
    const kind = body[q++];
    if (kind === 0) q = readLeb(body, q)[1];
    else if (kind === 1 || kind === 2) {
      if (kind === 1) q++;
      const [flags, r] = readLeb(body, q);
      q = readLeb(body, r)[1];
      if (flags & 1) q = readLeb(body, q)[1];
    } else if (kind === 3) q += 2;
    else fail(`unknown import kind ${kind}`);
    let newName = name;
    if (module === moduleName[1]) {
      newName = shortName(renamed.size);
      renamed.set(name, newName);
    }
    const moduleBytes = Buffer.from(module, "utf8");
    const nameBytes = Buffer.from(newName, "utf8");
    parts.push(leb(moduleBytes.length), moduleBytes, leb(nameBytes.length), nameBytes, body.subarray(n + nameLength, q));
    p = q;
  }
  const newBody = Buffer.concat(parts);
  sections.push(Buffer.from([2]), leb(newBody.length), newBody);
}
if (renamed.size === 0) fail("the .wasm imports nothing from the glue");
for (const [name, short] of renamed) {
  // Each import is one key of the glue's import object, and named nowhere else.
  const key = new RegExp(`\\n(\\s+)${name}: `, "g");
  const uses = glue.split(new RegExp(`\\b${name}\\b`)).length - 1;
  const keys = glue.match(key)?.length ?? 0;
  if (keys !== 1 || uses !== 1) fail(`import ${name} appears ${uses} times in the glue, ${keys} as a key`);
  glue = glue.replace(key, `\n$1${short}: `);
}
fs.writeFileSync(wasmFile, Buffer.concat(sections));

// ----- Minified scripts and stylesheet.

async function minifyScript(file, text, module) {
  const out = await minify(text, { module, compress: { passes: 2 }, mangle: true, format: { comments: false } });
  if (!out.code) fail(`terser returned nothing for ${file}`);
  fs.writeFileSync(file, out.code);
}
await minifyScript(glueFile, glue, true);
await minifyScript(path.join(dist, "boot.js"), fs.readFileSync(path.join(dist, "boot.js"), "utf8"), true);
// A classic script that defines the global `qrcode`: top-level names stay.
const qr = path.join(dist, "qrcode.js");
await minifyScript(qr, fs.readFileSync(qr, "utf8"), false);

const css = new CleanCSS({ level: 1 }).minify(fs.readFileSync(cssFile, "utf8"));
if (css.errors.length) fail(`clean-css: ${css.errors.join("; ")}`);
fs.writeFileSync(cssFile, css.styles);
const integrity = `sha384-${crypto.createHash("sha384").update(css.styles).digest("base64")}`;
const newLink = cssLink[0].replace(/integrity="[^"]*"/, `integrity="${integrity}"`);
html = html.replace(cssLink[0], newLink);
fs.writeFileSync(htmlFile, html);
console.log(`minify: ${renamed.size} imports renamed; glue, boot.js, qrcode.js and the stylesheet minified`);
