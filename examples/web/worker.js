// Roster checks off the main thread. The page posts {type: "init", seeds, meta} once (the demo
// dataset as JSON lines, loaded into this worker's own registry so memberships may name the
// seeded organizations), then {type: "check", files: {orgs?, persons?, memberships?,
// enterprises?} (File objects), meta}. The worker answers with progress messages per phase —
// {type: "progress", phase: "reading", file, fileLoaded, fileSize, loaded, total} while it reads
// the files, {type: "progress", phase: "checking", stage, done, rows, total} while the core
// checks them (`stage` "reading" rows, then "applying" commands; `done` of `rows`)
// the bytes, {phase: "checking", total} before the (synchronous) check — then {type: "done",
// report, ms} or {type: "error", code, message}. The registry is never changed by a check.
import init, { Registry } from "/pkg/tongxin.js";

/** @type {Registry | undefined} */
let reg;
const ready = init();

/** Reads a File as bytes, posting progress every chunk (at most every 20 ms). */
async function readAll(file, name, done, total) {
  const bytes = new Uint8Array(file.size);
  let off = 0;
  let last = 0;
  const reader = file.stream().getReader();
  for (;;) {
    const { value, done: end } = await reader.read();
    if (end) break;
    bytes.set(value, off);
    off += value.length;
    const now = performance.now();
    if (now - last > 20 || off === file.size) {
      last = now;
      postMessage({ type: "progress", phase: "reading", file: name, fileLoaded: off, fileSize: file.size, loaded: done + off, total });
    }
  }
  if (file.size === 0) postMessage({ type: "progress", phase: "reading", file: name, fileLoaded: 0, fileSize: 0, loaded: done, total });
  return bytes;
}

async function check(files, meta) {
  await ready;
  const entries = Object.entries(files);
  const total = entries.reduce((n, [, f]) => n + f.size, 0);
  const t0 = performance.now();
  const input = {};
  let done = 0;
  for (const [kind, f] of entries) {
    input[kind] = await readAll(f, f.name || `${kind}.csv`, done, total);
    done += f.size;
  }
  postMessage({ type: "progress", phase: "checking", total, stage: "reading", done: 0, rows: 0 });
  // The core reports rows read, then commands applied (on a scratch copy), every 16,384.
  let last = 0;
  const onProgress = (p) => {
    const now = performance.now();
    if (now - last < 20 && p.done !== 0 && p.done !== p.total) return; // starts and ends always
    last = now;
    postMessage({ type: "progress", phase: "checking", total, stage: p.stage, done: p.done, rows: p.total });
  };
  const report = (reg ?? new Registry()).checkRosters(meta, input, { format: "csv" }, onProgress);
  postMessage({ type: "done", report, ms: Math.round(performance.now() - t0) });
}

self.addEventListener("message", async (ev) => {
  const m = ev.data;
  try {
    if (m.type === "init") {
      await ready;
      const commands = m.seeds.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
      const r = new Registry();
      r.applyBatch(m.meta, commands);
      reg = r;
      postMessage({ type: "ready" });
    } else if (m.type === "check") {
      await check(m.files, m.meta);
    }
  } catch (e) {
    postMessage({ type: "error", code: e?.code, message: String(e?.message ?? e) });
  }
});
