// Dependency-free static file server for dist/ (used by `make serve` and the browser tests).
//
//   import { startServer } from "./server.mjs";
//   const srv = await startServer({ root: "dist", prefixes: ["/", "/sub/nnlab/"], port: 0 });
//   srv.url("/sub/nnlab/")  // -> "http://127.0.0.1:PORT/sub/nnlab/"
//   await srv.close();
//
// CLI: node tests/browser/server.mjs [--dir dist] [--port 8080] [--host 127.0.0.1]
//   serves dir at "/" on the first free port from --port upward and prints the URL.
import http from "node:http";
import fs from "node:fs";
import zlib from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

// Sent gzipped to a browser that accepts it, as static hosts do: the .wasm is 700 KB raw and
// 300 KB gzipped, which on a school link is the difference between one second and two.
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".wasm", ".json", ".svg", ".txt", ".csv", ".map"]);
const gzipped = new Map(); // file -> { stamp, body }

function gzipOf(file, data) {
  const stat = fs.statSync(file);
  const stamp = `${stat.mtimeMs}:${stat.size}`;
  const hit = gzipped.get(file);
  if (hit && hit.stamp === stamp) return hit.body;
  const body = zlib.gzipSync(data, { level: 9 });
  gzipped.set(file, { stamp, body });
  return body;
}

/**
 * Serves `root` under every prefix in `prefixes` (each must start and end with "/").
 * port 0 = a random free port. Resolves once listening.
 */
export function startServer({ root = "dist", prefixes = ["/"], host = "127.0.0.1", port = 0, log = null } = {}) {
  const rootAbs = path.resolve(root);
  const sorted = [...prefixes].sort((a, b) => b.length - a.length);
  const server = http.createServer((req, res) => {
    const done = (status, headers = {}, body = "") => {
      res.writeHead(status, { "Cache-Control": "no-store", ...headers });
      res.end(req.method === "HEAD" ? undefined : body);
      if (log) log(`${status} ${req.method} ${req.url}`);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return done(405, { Allow: "GET, HEAD" });
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      return done(400);
    }
    // "/sub/nnlab" -> "/sub/nnlab/" so the page's relative URLs resolve under the prefix.
    if (sorted.some((p) => p !== "/" && pathname === p.slice(0, -1))) {
      return done(301, { Location: pathname + "/" });
    }
    const prefix = sorted.find((p) => pathname.startsWith(p));
    if (!prefix) return done(404, { "Content-Type": "text/plain" }, "not found\n");
    let file = path.join(rootAbs, pathname.slice(prefix.length));
    if (file !== rootAbs && !file.startsWith(rootAbs + path.sep)) return done(403);
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!pathname.endsWith("/")) return done(301, { Location: pathname + "/" });
        file = path.join(file, "index.html");
      }
      fs.readFile(file, (err2, data) => {
        if (err2) return done(404, { "Content-Type": "text/plain" }, "not found\n");
        const ext = path.extname(file).toLowerCase();
        const type = MIME[ext] || "application/octet-stream";
        if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
          const body = gzipOf(file, data);
          return done(200, { "Content-Type": type, "Content-Encoding": "gzip", Vary: "Accept-Encoding",
            "Content-Length": body.length }, body);
        }
        done(200, { "Content-Type": type, "Content-Length": data.length, Vary: "Accept-Encoding" }, data);
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const actual = server.address().port;
      resolve({
        server,
        port: actual,
        origin: `http://${host}:${actual}`,
        url: (p = "/") => `http://${host}:${actual}${p}`,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : def;
  };
  const dir = opt("dir", "dist");
  const host = opt("host", "127.0.0.1");
  let port = Number(opt("port", process.env.PORT || 8080));
  if (!fs.existsSync(path.join(dir, "index.html"))) {
    console.error(`serve: ${dir}/index.html not found; build first (make build)`);
    process.exit(1);
  }
  for (let tries = 0; ; tries++, port++) {
    try {
      const srv = await startServer({ root: dir, host, port, log: (l) => console.log(l) });
      console.log(`\nnnlab is served from ${path.resolve(dir)} at:\n\n    ${srv.url("/")}\n\n(Ctrl-C stops it)`);
      break;
    } catch (e) {
      if (e.code !== "EADDRINUSE" || tries > 100) throw e;
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
