#!/usr/bin/env node
// A tiny static server for the browser dashboard (no dependencies):
//   /            → examples/web/ (index.html, app.js, worker.js, style.css)
//   /pkg/…       → bindings-wasm/pkg/web/ (the wasm-bindgen ES module; ./scripts/build-wasm.sh)
//   /data/seeds.jsonl → examples/data/seeds.jsonl (the demo dataset)
//
//   node examples/web/serve.mjs [PORT]        # or PORT=8080; 0 picks a free port
//
// TONGXIN_WASM_PKG=DIR serves another wasm-bindgen --target web output under /pkg/.
// Prints `listening on http://127.0.0.1:PORT/` once it accepts connections.
import { createServer } from "node:http";
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const pkgDir = path.resolve(process.env.TONGXIN_WASM_PKG || path.join(root, "bindings-wasm/pkg/web"));
const seeds = path.join(root, "examples/data/seeds.jsonl");

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "application/x-ndjson; charset=utf-8",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".csv": "text/csv; charset=utf-8",
};

function parsePort() {
  const args = process.argv.slice(2);
  const i = args.indexOf("--port");
  const raw = i >= 0 ? args[i + 1] : args.find((a) => /^\d+$/.test(a)) ?? process.env.PORT ?? "8080";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve.mjs: bad port \`${raw}\``);
    process.exit(2);
  }
  return port;
}

/** The file a URL path names, or null when it falls outside the served folders. */
function resolve(urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (p.includes("\0")) return null;
  if (p === "/data/seeds.jsonl") return seeds;
  let base = here;
  let rest = p;
  if (p.startsWith("/pkg/")) {
    base = pkgDir;
    rest = p.slice("/pkg".length);
  }
  if (rest.endsWith("/")) rest += "index.html";
  const file = path.resolve(base, "." + path.posix.normalize(rest));
  return file === base || file.startsWith(base + path.sep) ? file : null;
}

function send(res, status, text) {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  res.end(text);
}

const server = createServer(async (req, res) => {
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "method not allowed\n");
  const url = new URL(req.url ?? "/", "http://localhost");
  const file = resolve(url.pathname);
  if (!file) return send(res, 403, "forbidden\n");
  let st;
  try {
    st = await fs.stat(file);
  } catch {
    const hint = url.pathname.startsWith("/pkg/") ? " (build the package: ./scripts/build-wasm.sh)" : "";
    return send(res, 404, `not found: ${url.pathname}${hint}\n`);
  }
  if (!st.isFile()) return send(res, 404, `not found: ${url.pathname}\n`);
  res.writeHead(200, {
    "Content-Type": MIME[path.extname(file).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": st.size,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  if (req.method === "HEAD") return res.end();
  createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
});

server.listen(parsePort(), "127.0.0.1", () => {
  const { port } = server.address();
  console.log(`listening on http://127.0.0.1:${port}/`);
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.close(() => process.exit(0)));
