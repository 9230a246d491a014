// Candidates at M scale in Node (issue 4 through the WASM front): imports generated roster
// files into the WASM registry, then times `rules({question: "candidates"})` for one
// organization. The first call builds the registry's person columns; the full list's time is
// mostly its JSON answer (hundreds of thousands of candidates).
//
// Usage: node --max-old-space-size=8000 bench/wasm_candidates.mjs DIR [ORG] [DATE] [LIMIT] [ROUNDS]
//   DIR: output of `gen-rosters --orgs 10000 --persons 1000000 --memberships 2000000 --seed 1`
import { readFileSync } from "node:fs";
import path from "node:path";
import { tx } from "../tests/wasm/lib.mjs";

const [dir, org = "o1", date = "2024-06-30", limitArg, roundsArg = "8"] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node bench/wasm_candidates.mjs DIR [ORG] [DATE] [LIMIT] [ROUNDS]");
  process.exit(2);
}
const read = (f) => readFileSync(path.join(dir, f));
const reg = new tx.Registry();
reg.importRosters({ at: "2025-01-01T00:00:00", actor: "bench" }, {
  orgs: read("orgs.csv"), persons: read("persons.csv"), memberships: read("memberships.csv"),
});
const question = { question: "candidates", org, as_of: date };
if (limitArg) question.limit = Number(limitArg);
const ms = [];
let n = 0;
for (let i = 0; i < Number(roundsArg); i++) {
  const t = performance.now();
  n = reg.rules(question).length;
  ms.push(performance.now() - t);
}
const rest = ms.slice(1).map((x) => x.toFixed(1)).join(", ");
console.log(`candidates for ${org} (limit ${limitArg ?? "none"}): ${n}; first call ${ms[0].toFixed(1)} ms (builds the columns), then ${rest} ms`);
