// Shared helpers of the Node tests: the package as Node loads it, the seed dataset, fixtures.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import assert from "node:assert/strict";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
/** The npm package's Node build (CommonJS, loaded synchronously); `TONGXIN_WASM_NODE` names
 * another build's directory (e.g. a variant built for a size/speed comparison). */
export const tx = require(
  path.join(process.env.TONGXIN_WASM_NODE ?? path.join(ROOT, "bindings-wasm/pkg/node"), "tongxin.js"),
);

export const META = { at: "2025-01-01T00:00:00", actor: "seed-dataset" };

/** The seed dataset's commands. */
export function seedCommands() {
  return readFileSync(path.join(ROOT, "examples/data/seeds.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));
}

/** A registry holding the seed dataset. */
export function seeded() {
  const reg = new tx.Registry();
  reg.applyBatch(META, seedCommands());
  return reg;
}

/** A roster fixture of the command-line tool's tests, as text. */
export function fixture(set, file) {
  return readFileSync(path.join(ROOT, "cli/tests/fixtures", set, file), "utf8");
}

/** Runs `f`, which must throw a TongxinError with `code` (and a `status` number and a
 * message); returns the error. */
export function throwsCode(f, code) {
  let err;
  try {
    f();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof Error, `expected a thrown Error with code ${code}`);
  assert.equal(err.name, "TongxinError", String(err));
  assert.equal(err.code, code, `${err.code}: ${err.message}`);
  assert.equal(typeof err.status, "number");
  assert.ok(err.message.length > 0);
  return err;
}
