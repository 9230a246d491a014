// Rollup at M scale in Node (issue 7, "Speed and size"): imports generated roster files into
// the WASM registry, then times the one-pass subtree totals (`rollupTotals`, the core's
// `stats::rollup`) and the full rollup answer (`stats({stat:"rollup"})`, JSON included).
// Compare with the native figure of the same rollup (`bench-ffi`, "direct Rust").
//
// Usage: node bench/wasm_rollup.mjs DIR [DATE] [ROUNDS]
//   DIR: output of `gen-rosters --orgs 10000 --persons 1000000 --memberships 2000000 --seed 1`
import { readFileSync } from "node:fs";
import path from "node:path";
import { tx } from "../tests/wasm/lib.mjs";

const [dir, date = "2024-06-30", roundsArg = "15"] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node bench/wasm_rollup.mjs DIR [DATE] [ROUNDS]");
  process.exit(2);
}
const rounds = Number(roundsArg);
const read = (f) => readFileSync(path.join(dir, f));
const reg = new tx.Registry();
let t = performance.now();
const summary = reg.importRosters({ at: "2025-01-01T00:00:00", actor: "bench" }, {
  orgs: read("orgs.csv"), persons: read("persons.csv"), memberships: read("memberships.csv"),
});
console.log(`import: ${JSON.stringify(summary)} in ${((performance.now() - t) / 1000).toFixed(2)} s`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (f) => {
  const ms = [];
  let last;
  for (let i = 0; i < rounds; i++) {
    t = performance.now();
    last = f();
    ms.push(performance.now() - t);
  }
  return { median: median(ms), best: Math.min(...ms), last };
};
const totals = time(() => reg.rollupTotals(date));
const sum = totals.last.reduce((a, b) => a + b, 0);
console.log(`rollupTotals: median ${totals.median.toFixed(1)} ms, best ${totals.best.toFixed(1)} ms (${totals.last.length} organizations, sum of totals ${sum})`);
const full = time(() => reg.stats({ stat: "rollup", as_of: date }));
console.log(`stats rollup (JSON answer): median ${full.median.toFixed(1)} ms, best ${full.best.toFixed(1)} ms`);
const party = time(() => reg.stats({ stat: "rollup", as_of: date, by: "party" }));
console.log(`stats rollup by party (JSON answer): median ${party.median.toFixed(1)} ms, best ${party.best.toFixed(1)} ms`);
