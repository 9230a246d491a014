// The cross-front scenario (tests/cross/requests.json) through WASM, compared byte for byte
// with the Rust answers (examples/cross_front.rs; the C front is compared by
// tests/cross/cross_c.py). Error messages may carry this front's argument name as a prefix.
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, tx, seedCommands } from "./lib.mjs";

const scenario = JSON.parse(readFileSync(path.join(ROOT, "tests/cross/requests.json"), "utf8"));

function rustLines() {
  const bin = process.env.TONGXIN_CROSS_FRONT_BIN;
  const out = bin
    ? execFileSync(bin, { cwd: ROOT, maxBuffer: 1 << 28 })
    : execFileSync("cargo", ["run", "--release", "-q", "-p", "tongxin-examples", "--bin", "cross-front"],
        { cwd: ROOT, maxBuffer: 1 << 28 });
  return out.toString("utf8").trim().split("\n").map((l) => JSON.parse(l));
}

test("WASM answers equal the Rust (and so the C) answers", () => {
  const rust = rustLines();
  assert.equal(rust.length, scenario.requests.length);
  const reg = new tx.Registry();
  reg.applyBatch(scenario.meta, seedCommands());
  if (scenario.setup) reg.applyBatch(scenario.meta, scenario.setup);
  scenario.requests.forEach((r, i) => {
    let mine;
    try {
      const op = r.operator;
      const v = r.kind === "query" ? reg.query(r.body)
        : r.kind === "stats" ? reg.stats(r.body)
        : r.kind === "stats_csv" ? reg.statsCsv(r.body)
        : r.kind === "rules" ? reg.rules(r.body)
        : r.kind === "query_as" ? reg.queryAs(op, r.body)
        : r.kind === "stats_as" ? reg.statsAs(op, r.body)
        : r.kind === "stats_csv_as" ? reg.statsCsvAs(op, r.body)
        : r.kind === "rules_as" ? reg.rulesAs(op, r.body)
        : r.kind === "apply_as" ? reg.applyAs({ ...scenario.meta, actor: op }, r.body)
        : assert.fail(`unknown request kind ${r.kind}`);
      mine = { ok: typeof v === "string" ? v : JSON.stringify(v) };
    } catch (e) {
      mine = { error: { code: e.code, status: e.status, message: e.message } };
    }
    const want = rust[i];
    const label = `request ${i} ${JSON.stringify(r.body).slice(0, 80)}`;
    if (want.ok !== undefined) {
      assert.ok(mine.ok !== undefined, `${label}: WASM threw ${JSON.stringify(mine.error)}`);
      assert.equal(mine.ok, want.ok, label);
    } else {
      assert.ok(mine.error, `${label}: WASM answered, Rust refused`);
      assert.equal(mine.error.code, want.error.code, label);
      assert.equal(mine.error.status, want.error.status, label);
      assert.ok(mine.error.message.endsWith(want.error.message), `${label}: ${mine.error.message}`);
    }
  });
});
