// Every method of the WASM package: success paths with hand-checked answers, error paths with
// stable codes, atomicity (a rejected call leaves the registry as it was) and garbage input
// (the instance keeps working afterwards).
import test from "node:test";
import assert from "node:assert/strict";
import { tx, META, seeded, seedCommands, fixture, throwsCode } from "./lib.mjs";

const day = "2024-06-30";
const org = (id, level, code, extra = {}) => ({
  id, name: id, kind: "zhilianhui", level, division_code: code, founded: "2015-01-01", ...extra,
});
const person = (id, extra = {}) => ({
  id, party: "non_party", title: "senior", stratum: "none", ...extra,
});

/** A small hand-made registry: a district association with a street branch and two members. */
function small() {
  const reg = new tx.Registry();
  reg.apply(META, { type: "add_organization", org: org("futian", "district", "440304") });
  reg.apply(META, {
    type: "add_organization", org: org("futian-st", "subdistrict", "440304004"),
    parent: "futian", relation: "part_of",
  });
  reg.apply(META, { type: "add_person", person: person("p1", { name: "张三", birth: "1980" }) });
  reg.apply(META, { type: "add_person", person: person("p2", { party: "cpc" }) });
  reg.apply(META, {
    type: "join", membership: { member: { person: "p1" }, org: "futian-st", role: "member", start: "2020-01-01" },
  });
  reg.apply(META, {
    type: "join", membership: { member: { person: "p2" }, org: "futian", role: "member", start: "2021-01-01" },
  });
  return reg;
}

test("version matches the crate", () => {
  assert.match(tx.version(), /^\d+\.\d+\.\d+$/);
});

test("apply returns the journal event; counts and tree queries", () => {
  const reg = small();
  assert.deepEqual(reg.query({ type: "counts" }), {
    organizations: 2, persons: 2, enterprises: 0, memberships: 2,
  });
  assert.deepEqual(reg.query({ type: "subtree", org: "futian", date: day }), ["futian", "futian-st"]);
  assert.deepEqual(reg.query({ type: "subtree", org: "futian", date: "2014-12-31" }), [], "before founding");
  assert.deepEqual(reg.query({ type: "roots", date: day }), ["futian"]);
  assert.deepEqual(reg.query({ type: "ancestors", org: "futian-st", date: day }), ["futian"]);
  const ev = reg.apply(META, { type: "leave", member: { person: "p2" }, org: "futian", date: "2024-12-31" });
  assert.equal(ev.seq, 7);
  assert.equal(ev.command.type, "leave");
  assert.equal(reg.organizationCount(), 2);
});

test("typed hot paths agree with the JSON answers", () => {
  const reg = small();
  assert.equal(reg.isMemberInSubtree("p1", "futian", day), true);
  assert.equal(reg.isMemberInSubtree("p1", "futian", "2019-01-01"), false);
  assert.equal(reg.memberCount("futian", day), 1);
  assert.equal(reg.memberCount("futian", day, "with_branches"), 2);
  assert.equal(reg.rollupTotal("futian", day), 2);
  assert.equal(reg.rollupTotal("futian-st", day), 1);
  const totals = reg.rollupTotals(day);
  assert.equal(totals.length, 2);
  const byId = Object.fromEntries([...totals].map((t, i) => [reg.organizationIdAt(i), t]));
  assert.deepEqual(byId, { futian: 2, "futian-st": 1 });
  const rollup = reg.stats({ stat: "rollup", as_of: day, by: "party" });
  for (const row of rollup.rows) assert.equal(byId[row.org_id], row.total);
  throwsCode(() => reg.organizationIdAt(2), "invalid_argument");
  throwsCode(() => reg.organizationIdAt(-1), "invalid_argument");
  throwsCode(() => reg.organizationIdAt("0"), "invalid_argument");
  throwsCode(() => reg.rollupTotal("nowhere", day), "not_found");
  throwsCode(() => reg.memberCount("futian", day, "everyone"), "invalid_argument");
});

test("statistics: rollup by party, CSV, unknown stat", () => {
  const reg = small();
  const r = reg.stats({ stat: "rollup", as_of: day, by: "party" });
  const futian = r.rows.find((x) => x.org_id === "futian");
  assert.equal(futian.total, 2);
  assert.equal(futian.counts[r.columns.indexOf("cpc")], 1);
  assert.equal(futian.counts[r.columns.indexOf("non_party")], 1);
  const csv = reg.statsCsv({ stat: "rollup", as_of: day, by: "party" });
  assert.match(csv.split("\n")[0], /org_id/);
  throwsCode(() => reg.statsCsv({ stat: "series", from: "2020-01-01", to: "2021-01-01", every: "year" }), "invalid_argument");
  throwsCode(() => reg.stats({ stat: "weather" }), "invalid_json");
  throwsCode(() => reg.stats({ stat: "growth", root: "nowhere", periods: [] }), "not_found");
});

test("rules: check explains in Chinese; typed check agrees; rule books", () => {
  const reg = small();
  reg.apply(META, { type: "add_person", person: person("p3", { birth: "1990", education: "master", profession: "医生" }) });
  const c = reg.rules({ question: "check", member: { person: "p3" }, org: "futian", as_of: day });
  assert.equal(typeof c.eligible, "boolean");
  assert.match(c.explanation_zh, /[\u4e00-\u9fff]/);
  assert.equal(reg.checkEligibility("p3", "futian", day), c.eligible);
  const audit = reg.rules({ question: "audit", as_of: day });
  assert.ok(Array.isArray(audit.violations));
  const cands = reg.rules({ question: "candidates", org: "futian", as_of: day });
  assert.ok(Array.isArray(cands));
  throwsCode(() => reg.rules({ question: "check", member: { person: "nobody" }, org: "futian", as_of: day }), "rule");
  throwsCode(() => reg.checkEligibility("nobody", "futian", day), "rule");
  // A book that refuses everyone, then back to the standard book.
  reg.setRuleBook({
    common: [{ id: "nobody", severity: "reject", message_zh: "不可", message_en: "no",
      body: { type: "eligibility", when: "age < 0" } }],
  });
  assert.equal(reg.checkEligibility("p3", "futian", day), false);
  throwsCode(() => reg.setRuleBook({ common: [{ id: "x", severity: "reject", message_zh: "", message_en: "",
    body: { type: "eligibility", when: "shoe_size > 3" } }] }), "rule");
  assert.equal(reg.checkEligibility("p3", "futian", day), false, "a refused book leaves the current one");
  reg.setRuleBook(null);
  assert.equal(reg.checkEligibility("p3", "futian", day), c.eligible);
  // The registry's own book (the one joins obey) is the default of both checks.
  const nobody = { common: [{ id: "nobody", severity: "reject", message_zh: "不可", message_en: "no",
    body: { type: "eligibility", when: "age < 0" } }] };
  reg.apply(META, { type: "set_rule_book", book: nobody });
  assert.equal(reg.checkEligibility("p3", "futian", day), false);
  assert.equal(reg.rules({ question: "check", member: { person: "p3" }, org: "futian", as_of: day }).eligible, false);
  const refused = throwsCode(() => reg.apply(META, { type: "join",
    membership: { member: { person: "p3" }, org: "futian", role: "member", start: day } }), "rule_violation");
  assert.equal(refused.status, 404);
  reg.apply(META, { type: "set_rule_book", book: null });
  assert.equal(reg.checkEligibility("p3", "futian", day), c.eligible);
});

test("identifiers", () => {
  const id = tx.residentIdCheck("11010519491231002x");
  assert.equal(id.number, "11010519491231002X");
  assert.equal(id.birth_date, "1949-12-31");
  assert.equal(id.sex, "female");
  const e = throwsCode(() => tx.residentIdCheck("110105194912310021"), "invalid_identifier");
  assert.match(e.message, /argument `text`/);
  assert.equal(tx.divisionCodeCheck("440304").name, "福田区");
  throwsCode(() => tx.divisionCodeCheck("44x"), "invalid_identifier");
  assert.equal(tx.creditCodeCheck("91110000600037341L").division_code, "110000");
  throwsCode(() => tx.creditCodeCheck("91110000600037341M"), "invalid_identifier");
  throwsCode(() => tx.residentIdCheck(42), "invalid_argument");
});

test("rosters: import, check by line, export, Popolo round trip", () => {
  const files = {
    orgs: fixture("small", "orgs.csv"),
    persons: fixture("small", "persons.csv"),
    memberships: fixture("small", "memberships.csv"),
  };
  const reg = new tx.Registry();
  const summary = reg.importRosters(META, files);
  assert.ok(summary.organizations > 0 && summary.persons > 0 && summary.memberships > 0);
  assert.deepEqual(reg.checkRosters(META, files).errors.length > 0, true, "importing twice is duplicate ids");
  const bad = {
    orgs: fixture("bad", "orgs.csv"),
    persons: fixture("bad", "persons.csv"),
    memberships: fixture("bad", "memberships.csv"),
  };
  const fresh = new tx.Registry();
  const report = fresh.checkRosters(META, bad);
  assert.ok(report.errors.length > 0);
  for (const p of report.errors) {
    assert.ok(p.file.endsWith(".csv"));
    assert.equal(typeof p.message, "string");
  }
  assert.ok(report.errors.some((p) => Number.isInteger(p.line) && p.line > 1));
  const before = fresh.toJson();
  const err = throwsCode(() => fresh.importRosters(META, bad, { report: true }), "import");
  assert.equal(err.report.errors.length, report.errors.length);
  assert.equal(fresh.toJson(), before, "a rejected import changes nothing");
  throwsCode(() => fresh.importRosters(META, { orgs: files.orgs }, { sheet: "x" }), "invalid_argument");
  throwsCode(() => fresh.importRosters(META, { teams: "x" }), "invalid_argument");
  throwsCode(() => fresh.importRosters(META, { orgs: 7 }), "invalid_argument");
  // Export and re-import gives the same counts.
  const out = reg.exportRosters();
  assert.ok(out.orgs instanceof Uint8Array && out.orgs.length > 0);
  const again = new tx.Registry();
  assert.deepEqual(again.importRosters(META, out), summary);
  // GBK export as bytes, read back with the encoding named.
  const gbk = reg.exportRosters({ encoding: "gbk" });
  const viaGbk = new tx.Registry();
  assert.deepEqual(viaGbk.importRosters(META, gbk, { encoding: "gbk" }), summary);
  // The host's own GB18030 decoder (ICU, not the library's) reads the GBK bytes as the
  // UTF-8 export's text.
  for (const table of Object.keys(out)) {
    const text = new TextDecoder().decode(out[table]);
    assert.equal(new TextDecoder("gbk", { fatal: true }).decode(gbk[table]), text, table);
  }
  assert.match(new TextDecoder().decode(out.orgs), /知联会/u, "there was Chinese text to encode");
  const doc = reg.exportPopolo();
  const viaPopolo = new tx.Registry();
  const s2 = viaPopolo.importPopolo(META, doc);
  assert.equal(s2.organizations, summary.organizations);
  assert.equal(s2.persons, summary.persons);
  throwsCode(() => viaPopolo.importPopolo(META, "{not json"), "import");
});

test("snapshots round trip; a tampered snapshot is refused", () => {
  const reg = small();
  const text = reg.toJson();
  const back = tx.Registry.fromJson(text);
  assert.equal(back.toJson(), text);
  assert.equal(tx.Registry.fromJson(JSON.parse(text)).toJson(), text);
  const snap = JSON.parse(text);
  snap.persons[0].party = "cpc";
  throwsCode(() => tx.Registry.fromJson(JSON.stringify(snap)), "snapshot_mismatch");
  throwsCode(() => tx.Registry.fromJson("{"), "invalid_json");
  throwsCode(() => tx.Registry.fromJson(JSON.stringify({ ...snap, schema_version: 99 })), "unsupported_schema_version");
});

test("applyBatch is all or nothing and names the failing command", () => {
  const reg = small();
  const before = reg.toJson();
  const err = throwsCode(() => reg.applyBatch(META, [
    { type: "add_person", person: person("p9") },
    { type: "join", membership: { member: { person: "p9" }, org: "nowhere", role: "member", start: "2024-01-01" } },
  ]), "not_found");
  assert.equal(err.index, 1);
  assert.match(err.message, /^command \[1\] \(join\)/);
  assert.equal(reg.toJson(), before);
  const parse = throwsCode(() => reg.applyBatch(META, [{ type: "add_person", person: person("p9") }, { type: "fly" }]), "invalid_json");
  assert.equal(parse.index, 1);
  assert.equal(reg.toJson(), before);
  assert.equal(reg.applyBatch(META, [{ type: "add_person", person: person("p9") }]), 1);
});

test("every rejected command leaves the registry exactly as it was", () => {
  const reg = small();
  const cases = [
    [{ type: "add_organization", org: org("futian", "district", "440304") }, "duplicate_id"],
    [{ type: "add_organization", org: org("bad", "municipal", "4403"), parent: "futian", relation: "part_of" }, "level_order"],
    [{ type: "join", membership: { member: { person: "p1" }, org: "futian-st", role: "member", start: "2022-01-01" } }, "overlapping_membership"],
    [{ type: "dissolve_organization", id: "nowhere", date: day }, "not_found"],
    [{ type: "move_organization", id: "futian", parent: "futian-st", relation: "guidance", date: day }, null],
    [{ type: "leave", member: { person: "p2" }, org: "futian-st", date: day }, "no_active_membership"],
  ];
  for (const [command, code] of cases) {
    const before = reg.toJson();
    const err = (() => { try { reg.apply(META, command); } catch (e) { return e; } })();
    assert.ok(err, `${command.type} should be rejected`);
    if (code) assert.equal(err.code, code, err.message);
    assert.equal(reg.toJson(), before);
  }
});

test("garbage to every method throws a coded Error and the registry keeps working", () => {
  const reg = small();
  const before = reg.toJson();
  const cyclic = {};
  cyclic.self = cyclic;
  const huge = "字".repeat(2_000_000);
  const garbage = [undefined, null, 42, -1, 1.5, NaN, true, "", huge, "{", [], [1, 2], {}, { type: 7 },
    cyclic, 10n, Symbol("s"), () => 1, new Uint8Array([0xff, 0xfe]), { type: "organization", id: huge }];
  const calls = [
    (g) => reg.apply(g, g),
    (g) => reg.apply(META, g),
    (g) => reg.applyBatch(META, g),
    (g) => reg.applyBatch(g, []),
    (g) => reg.query(g),
    (g) => reg.stats(g),
    (g) => reg.statsCsv(g),
    (g) => reg.rules(g),
    (g) => reg.checkEligibility(g, "futian", day),
    (g) => reg.checkEligibility("p1", "futian", g),
    (g) => reg.isMemberInSubtree("p1", g, day),
    (g) => reg.memberCount(g, day),
    (g) => reg.rollupTotal("futian", g),
    (g) => reg.rollupTotals(g),
    (g) => reg.organizationIdAt(g),
    (g) => reg.importRosters(META, g),
    (g) => reg.importRosters(META, { orgs: g }),
    (g) => reg.importRosters(g, {}),
    (g) => reg.checkRosters(META, g),
    (g) => reg.exportRosters(g),
    (g) => reg.exportPopolo(g),
    (g) => reg.importPopolo(META, g),
    (g) => reg.setRuleBook(g),
    (g) => tx.Registry.fromJson(g),
    (g) => tx.residentIdCheck(g),
    (g) => tx.creditCodeCheck(g),
    (g) => tx.divisionCodeCheck(g),
  ];
  let thrown = 0;
  for (const call of calls) {
    for (const g of garbage) {
      try {
        call(g);
      } catch (e) {
        thrown++;
        assert.ok(e instanceof Error, `not an Error: ${e}`);
        assert.equal(e.name, "TongxinError", `${call} with ${typeof g}: ${e}`);
        assert.equal(typeof e.code, "string");
        assert.equal(typeof e.status, "number");
      }
    }
    reg.setRuleBook(null);
  }
  assert.ok(thrown > calls.length * 10, `only ${thrown} calls threw`);
  // Some garbage is valid (an empty batch, no options); nothing else changed the registry.
  assert.equal(reg.toJson(), before);
  assert.equal(reg.rollupTotal("futian", day), 2);
  assert.deepEqual(reg.query({ type: "subtree", org: "futian", date: day }), ["futian", "futian-st"]);
});

test("the seed dataset loads and answers", () => {
  const reg = seeded();
  const counts = reg.query({ type: "counts" });
  assert.equal(reg.query({ type: "journal", after: 0 }).length, seedCommands().length);
  assert.ok(counts.organizations > 100 && counts.persons > 1000);
});

test("import limits reach the core from JavaScript", () => {
  const reg = new tx.Registry();
  const files = { orgs: fixture("small", "orgs.csv"), persons: fixture("small", "persons.csv") };
  const before = reg.toJson();
  const e = throwsCode(() => reg.importRosters(META, files, { limits: { max_rows: 1 } }), "import");
  assert.match(e.message, /max_rows = 1/);
  assert.equal(reg.toJson(), before);
  throwsCode(() => reg.importRosters(META, files, { limits: { max_wishes: 3 } }), "invalid_json");
  assert.ok(reg.importRosters(META, files, { limits: { max_rows: 1000 } }).organizations > 0);
});

test("rosters: onProgress counts rows, then commands; a bad callback is refused, a throwing one ignored", () => {
  const n = 20000;
  let persons = "id,name,party,title,stratum,birth_year\n";
  let memberships = "person_id,org_id,role,start,end\n";
  for (let i = 0; i < n; i++) {
    persons += `p${i},人${i},non_party,senior,none,1970\n`;
    memberships += `p${i},sz,member,2020-01-01,\n`;
  }
  const files = {
    orgs: "id,parent_id,level,kind,division_code,founded,dissolved,name\nsz,,municipal,zhilianhui,4403,2008-06-01,,深圳市知联会\n",
    persons,
    memberships,
  };
  const seen = [];
  const reg = new tx.Registry();
  const summary = reg.importRosters(META, files, undefined, (p) => seen.push(p));
  assert.deepEqual(summary, { organizations: 1, enterprises: 0, persons: n, memberships: n });
  const rows = 1 + 2 * n;
  for (const stage of ["reading", "applying"]) {
    const mine = seen.filter((p) => p.stage === stage);
    assert.equal(mine[0].done, 0, `${stage} starts at 0`);
    assert.deepEqual(mine.at(-1), { stage, done: rows, total: rows }, `${stage} ends at its total`);
    assert.equal(mine.length, 2 + Math.floor(rows / 16384));
    for (let i = 1; i < mine.length; i++) assert.ok(mine[i - 1].done <= mine[i].done && mine[i].done <= mine[i].total);
  }
  assert.equal(seen.findIndex((p) => p.stage === "applying"), seen.filter((p) => p.stage === "reading").length);
  // The same through checkRosters (on a scratch copy: the registry keeps nothing of it).
  const checked = [];
  const fresh = new tx.Registry();
  assert.equal(fresh.checkRosters(META, files, null, (p) => checked.push(p)).errors.length, 0);
  assert.deepEqual(checked, seen);
  assert.equal(fresh.organizationCount(), 0);
  // Not a function: refused before anything is read; a callback that throws does not stop it.
  const e = throwsCode(() => fresh.importRosters(META, files, undefined, 42), "invalid_argument");
  assert.match(e.message, /onProgress/);
  assert.equal(fresh.organizationCount(), 0);
  const s2 = fresh.importRosters(META, files, {}, () => { throw new Error("ui gone"); });
  assert.deepEqual(s2, summary);
});
