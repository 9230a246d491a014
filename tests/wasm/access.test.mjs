// Scoped operators (issue 8) from JavaScript: every refusal path of the `…As` methods with
// `access_denied` (601), the registry unchanged after each refusal and still working, and the
// answers an operator sees — on the fixture of core/tests/access.rs:
//
//   sz (municipal)            p1 president of futian (resident ID 11010519491231002X)
//   ├── futian                p2 member of futian-street and of nanshan
//   │   └── futian-street     p3 no membership
//   └── nanshan
//   xlh (municipal xinlianhui, a second root)
//
// Operators: root (administrator, whole registry), ft-admin (administrator over futian),
// ft-clerk (editor over futian), ft-viewer (viewer over futian), ns-clerk (editor over
// nanshan), two-clerk (editor over futian and nanshan).
import test from "node:test";
import assert from "node:assert/strict";
import { tx, throwsCode } from "./lib.mjs";

const ID = "11010519491231002X";
const MASKED = "110105********002X";
const day = "2024-06-01";
const META = { at: "2024-06-01T09:30:00", actor: "test" };
const as = (actor) => ({ ...META, actor });

const org = (id, kind, level, code, founded) => ({
  id, name: `${id} 名称`, kind, level, division_code: code, founded,
});
const person = (id, party, title) => ({
  id, name: `${id}姓名`, sex: "female", birth: "1980-05", ethnicity: "汉族",
  party, title, stratum: "none", education: "master",
});
const membership = (p, o, role, start) => ({ member: { person: p }, org: o, role, start });
const grant = (role, o) => (o === undefined ? { role } : { role, org: o });
const operator = (id, grants) => ({ id, name: `${id} 姓名`, grants });
const setOperator = (op) => ({ type: "set_operator", operator: op });
const street = (id, parent, code) => ({
  type: "add_organization", org: org(id, "zhilianhui", "subdistrict", code, "2024-05-07"),
  parent, relation: "part_of",
});
const join = (p, o) => ({ type: "join", membership: membership(p, o, "member", day) });

/** The fixture, built through `apply` (the host's own access). */
function registry() {
  const reg = new tx.Registry();
  for (const [o, parent] of [
    [org("sz", "zhilianhui", "municipal", "4403", "2010-01-01"), undefined],
    [org("futian", "zhilianhui", "district", "440304", "2012-01-01"), "sz"],
    [org("nanshan", "zhilianhui", "district", "440305", "2013-01-01"), "sz"],
    [org("futian-street", "zhilianhui", "subdistrict", "440304004", "2024-05-07"), "futian"],
    [org("xlh", "xinlianhui", "municipal", "4403", "2016-01-01"), undefined],
  ]) {
    reg.apply(META, { type: "add_organization", org: o, parent, relation: o.id === "futian-street" ? "part_of" : "guidance" });
  }
  reg.apply(META, { type: "add_person", person: { ...person("p1", "non_party", "senior"), resident_id: ID } });
  reg.apply(META, { type: "add_person", person: person("p2", "min_meng", "intermediate") });
  reg.apply(META, { type: "add_person", person: person("p3", "cpc", "none") });
  for (const m of [
    membership("p1", "futian", "president", "2020-01-01"),
    membership("p2", "futian-street", "member", "2024-05-07"),
    membership("p2", "nanshan", "member", "2019-01-01"),
  ]) {
    reg.apply(META, { type: "join", membership: m });
  }
  for (const op of [
    operator("root", [grant("administrator")]),
    operator("ft-admin", [grant("administrator", "futian")]),
    operator("ft-clerk", [grant("editor", "futian")]),
    operator("ft-viewer", [grant("viewer", "futian")]),
    operator("ns-clerk", [grant("editor", "nanshan")]),
    operator("two-clerk", [grant("editor", "futian"), grant("editor", "nanshan")]),
  ]) {
    reg.apply(META, setOperator(op));
  }
  return reg;
}

/** The registry answers a scoped and an unscoped call after an error. */
function stillWorks(reg) {
  assert.equal(reg.queryAs("ft-viewer", { type: "organization", id: "futian" }).id, "futian");
  assert.deepEqual(reg.queryAs("root", { type: "counts" }), reg.query({ type: "counts" }));
}

/** `f` must throw `access_denied` (601) and leave the registry as it was; returns the error. */
function refused(reg, f) {
  const before = reg.toJson();
  const err = throwsCode(f, "access_denied");
  assert.equal(err.status, 601);
  assert.equal(reg.toJson(), before, "a refused call changed the registry");
  stillWorks(reg);
  return err;
}

/** The last journal event (the unscoped journal query). */
const lastEvent = (reg) => reg.query({ type: "journal" }).at(-1);

test("an unknown operator is refused by name; the unscoped call stays the host's", () => {
  const reg = registry();
  const err = refused(reg, () => reg.applyAs(as("nobody"), join("p3", "futian")));
  assert.equal(err.message, "operator `nobody` may not join: no operator with that id is registered");
  refused(reg, () => reg.queryAs("nobody", { type: "journal_head" }));
  refused(reg, () => reg.statsAs("nobody", { stat: "rollup", as_of: day }));
  refused(reg, () => reg.rulesAs("nobody", { question: "audit", as_of: day }));
  refused(reg, () => reg.exportRostersAs(as("nobody")));
  refused(reg, () => reg.exportPopoloAs(as("nobody")));
  const ev = reg.apply(as("nobody"), join("p3", "futian"));
  assert.equal(ev.actor, "nobody");
});

test("editors change only their subtree", () => {
  const reg = registry();
  const ev = reg.applyAs(as("ft-clerk"), street("ft-2", "futian", "440304005"));
  assert.equal(ev.actor, "ft-clerk");
  assert.equal(ev.command.type, "add_organization");
  reg.applyAs(as("ft-clerk"), join("p1", "futian-street"));
  let err = refused(reg, () => reg.applyAs(as("ft-clerk"), street("ns-2", "nanshan", "440305005")));
  assert.equal(
    err.message,
    "operator `ft-clerk` may not add_organization: that needs editor rights over organization " +
      "`nanshan`, which none of its grants gives",
  );
  refused(reg, () => reg.applyAs(as("ft-clerk"), { type: "leave", member: { person: "p2" }, org: "nanshan", date: "2024-07-01" }));
  err = refused(reg, () => reg.applyAs(as("ft-clerk"), {
    type: "add_organization", org: org("new-root", "zhilianhui", "municipal", "4403", "2024-01-01"),
  }));
  assert.match(err.message, /over the whole registry/);
  // An unknown organization counts as outside; with the whole registry it reaches validation.
  refused(reg, () => reg.applyAs(as("ft-clerk"), join("p1", "no-such-org")));
  throwsCode(() => reg.applyAs(as("root"), join("p1", "no-such-org")), "not_found");
  stillWorks(reg);
});

test("viewers change nothing", () => {
  const reg = registry();
  let err = refused(reg, () => reg.applyAs(as("ft-viewer"), join("p1", "futian-street")));
  assert.match(err.message, /needs editor rights over organization `futian-street`/);
  refused(reg, () => reg.applyAs(as("ft-viewer"), { type: "add_person", person: person("p9", "non_party", "senior") }));
  const p1 = reg.query({ type: "person", id: "p1" });
  err = refused(reg, () => reg.applyAs(as("ft-viewer"), { type: "update_person", person: { ...p1, employer: "x" } }));
  assert.match(err.message, /needs editor rights over person `p1`/);
});

test("moving needs editor rights at the old and the new parent", () => {
  const reg = registry();
  const mv = (parent) => ({ type: "move_organization", id: "futian-street", parent, relation: "part_of", date: "2024-09-01" });
  let err = refused(reg, () => reg.applyAs(as("ft-clerk"), mv("nanshan")));
  assert.match(err.message, /organization `nanshan`/);
  err = refused(reg, () => reg.applyAs(as("ns-clerk"), mv("nanshan")));
  assert.match(err.message, /organization `futian`/);
  reg.applyAs(as("two-clerk"), mv("nanshan"));
  // By the latest links futian-street is now nanshan's.
  assert.equal(reg.queryAs("ns-clerk", { type: "organization", id: "futian-street" }).id, "futian-street");
  refused(reg, () => reg.queryAs("ft-clerk", { type: "organization", id: "futian-street" }));
  err = refused(reg, () => reg.applyAs(as("two-clerk"), { type: "move_organization", id: "futian", relation: "guidance", date: "2024-09-01" }));
  assert.match(err.message, /organization `sz`/);
});

test("operators, rule books and removals are for administrators", () => {
  const reg = registry();
  reg.applyAs(as("ft-admin"), setOperator(operator("ft-new", [grant("viewer", "futian-street")])));
  let err = refused(reg, () => reg.applyAs(as("ft-admin"), setOperator(operator("ns-new", [grant("viewer", "nanshan")]))));
  assert.match(err.message, /needs administrator rights over organization `nanshan`/);
  refused(reg, () => reg.applyAs(as("ft-admin"), setOperator(operator("all", [grant("viewer")]))));
  refused(reg, () => reg.applyAs(as("ft-admin"), setOperator(operator("two-clerk", [grant("viewer", "futian")]))));
  refused(reg, () => reg.applyAs(as("ft-admin"), { type: "remove_operator", id: "ns-clerk" }));
  reg.applyAs(as("ft-admin"), { type: "remove_operator", id: "ft-new" });
  err = refused(reg, () => reg.applyAs(as("ft-clerk"), setOperator(operator("x", [grant("viewer", "futian-street")]))));
  assert.match(err.message, /administrator rights over some organization/);
  // The rule book is the whole registry's.
  err = refused(reg, () => reg.applyAs(as("ft-admin"), { type: "set_rule_book", book: null }));
  assert.match(err.message, /over the whole registry/);
  assert.equal(reg.applyAs(as("root"), { type: "set_rule_book", book: null }).actor, "root");
  // A removed operator is refused from then on.
  reg.applyAs(as("root"), { type: "remove_operator", id: "ft-clerk" });
  err = refused(reg, () => reg.applyAs(as("ft-clerk"), join("p1", "futian-street")));
  assert.match(err.message, /no operator with that id/);
  // Operator records are validated like any command; a wrong role is a JSON error.
  throwsCode(() => reg.apply(META, setOperator(operator("x", [grant("viewer", "nowhere")]))), "not_found");
  throwsCode(() => reg.apply(META, setOperator(operator("x", [grant("superuser", "futian")]))), "invalid_json");
  stillWorks(reg);
});

test("a batch is authorized command by command and refused whole at the failing index", () => {
  const reg = registry();
  assert.equal(reg.applyBatchAs(as("ft-clerk"), [street("ft-2", "futian", "440304005"), join("p1", "ft-2")]), 2);
  const journal = reg.query({ type: "journal" });
  assert.deepEqual(journal.slice(-2).map((e) => e.actor), ["ft-clerk", "ft-clerk"]);
  const err = refused(reg, () => reg.applyBatchAs(as("ft-clerk"), [
    street("ft-3", "futian", "440304006"),
    join("p1", "ft-3"),
    street("ns-3", "nanshan", "440305006"),
  ]));
  assert.equal(err.index, 2);
  assert.match(err.message, /may not add_organization/);
  throwsCode(() => reg.query({ type: "organization", id: "ft-3" }), "not_found");
});

test("queries see only the granted subtrees; resident IDs masked for viewers", () => {
  const reg = registry();
  assert.equal(reg.queryAs("ft-viewer", { type: "organization", id: "futian" }).id, "futian");
  const err = refused(reg, () => reg.queryAs("ft-viewer", { type: "organization", id: "nanshan" }));
  assert.equal(
    err.message,
    "operator `ft-viewer` may not query organization: that needs viewer rights over organization " +
      "`nanshan`, which none of its grants gives",
  );
  refused(reg, () => reg.queryAs("ft-viewer", { type: "person", id: "p3" }));
  refused(reg, () => reg.queryAs("ns-clerk", { type: "person", id: "p1" }));
  refused(reg, () => reg.queryAs("ft-admin", { type: "journal" }));
  assert.equal(reg.queryAs("ft-viewer", { type: "person", id: "p1" }).resident_id, MASKED);
  assert.equal(reg.queryAs("ft-clerk", { type: "person", id: "p1" }).resident_id, ID);
  const found = reg.queryAs("ft-viewer", { type: "search_persons", prefix: "p" });
  assert.deepEqual(found.map((p) => p.id), ["p1", "p2"]);
  assert.equal(found[0].resident_id, MASKED);
  assert.deepEqual(reg.queryAs("ft-viewer", { type: "roots", date: day }), ["futian"]);
  assert.deepEqual(reg.queryAs("root", { type: "roots", date: day }), ["sz", "xlh"]);
  assert.deepEqual(reg.queryAs("ft-viewer", { type: "counts" }), {
    organizations: 2, persons: 2, enterprises: 0, memberships: 2,
  });
  assert.deepEqual(
    reg.queryAs("ft-viewer", { type: "members", org: "futian", date: day, scope: "with_branches" }),
    [{ person: "p1" }, { person: "p2" }],
  );
  assert.ok(Array.isArray(reg.queryAs("root", { type: "journal" })));
  assert.match(reg.queryAs("ft-viewer", { type: "journal_head" }).head, /^[0-9a-f]{64}$/);
});

test("statistics keep the covered rows with their unscoped values", () => {
  const reg = registry();
  const rollup = { stat: "rollup", as_of: day, by: "party" };
  const ft = reg.statsAs("ft-viewer", rollup);
  assert.deepEqual(ft.rows.map((r) => [r.org_id, r.total]), [["futian", 2], ["futian-street", 1]]);
  const all = reg.statsAs("root", rollup);
  for (const row of ft.rows) assert.deepEqual(row, all.rows.find((r) => r.org_id === row.org_id));
  const csv = reg.statsCsvAs("ft-viewer", rollup);
  assert.equal(csv.trim().split("\n").length, 3, csv);
  const err = refused(reg, () => reg.statsAs("ft-viewer", { stat: "political_arrangements", root: "sz", as_of: day }));
  assert.match(err.message, /^operator `ft-viewer` may not stat political_arrangements/);
  refused(reg, () => reg.statsCsvAs("ft-viewer", { stat: "growth", root: "nanshan", periods: [] }));
  assert.equal(typeof reg.statsAs("ft-viewer", { stat: "political_arrangements", root: "futian", as_of: day }).persons, "number");
});

test("rule questions are scoped", () => {
  const reg = registry();
  const check = { question: "check", member: { person: "p1" }, org: "futian", as_of: day };
  assert.equal(typeof reg.rulesAs("ft-viewer", check).eligible, "boolean");
  refused(reg, () => reg.rulesAs("ns-clerk", { ...check, org: "nanshan" }));
  refused(reg, () => reg.rulesAs("ft-viewer", { question: "audit", as_of: day }));
  const audit = reg.rulesAs("ft-viewer", { question: "audit", as_of: day, root: "futian" });
  assert.ok(audit.violations.every((v) => v.org === "futian" || v.org === "futian-street"));
  const cands = reg.rulesAs("ft-viewer", { question: "candidates", org: "futian-street", as_of: day });
  const all = reg.rulesAs("root", { question: "candidates", org: "futian-street", as_of: day });
  assert.deepEqual(cands.map((c) => c.id), all.map((c) => c.id).filter((i) => i === "p1"));
});

test("exports cover the grants; unmasked ones are for administrators and journaled", () => {
  const reg = registry();
  const text = (bytes) => new TextDecoder().decode(bytes);
  const ids = (csv) => csv.trim().split("\n").slice(1).map((l) => l.split(",")[0]);
  const out = reg.exportRostersAs(as("ft-viewer"));
  assert.deepEqual(ids(text(out.orgs)), ["futian", "futian-street"]);
  assert.deepEqual(ids(text(out.persons)), ["p1", "p2"]);
  assert.ok(text(out.persons).includes(MASKED) && !text(out.persons).includes(ID));
  // Unmasked: refused to a viewer and an editor, without a trace in the journal.
  for (const op of ["ft-viewer", "ft-clerk"]) {
    refused(reg, () => reg.exportRostersAs(as(op), { unmask_resident_ids: true }));
    refused(reg, () => reg.exportPopoloAs(as(op), { unmask_resident_ids: true }));
  }
  // An administrator gets the IDs, and the journal says so first.
  const events = reg.query({ type: "journal" }).length;
  const full = reg.exportRostersAs(as("ft-admin"), { unmask_resident_ids: true, encoding: "utf8" });
  assert.ok(text(full.persons).includes(ID));
  assert.equal(reg.query({ type: "journal" }).length, events + 1);
  const last = lastEvent(reg);
  assert.equal(last.actor, "ft-admin");
  assert.deepEqual(last.command, {
    type: "record_unmasked_export", operator: "ft-admin", format: "rosters_csv", orgs: ["futian"], persons: 2,
  });
  const doc = reg.exportPopoloAs(as("root"), { unmask_resident_ids: true });
  assert.ok(JSON.stringify(doc).includes(ID));
  assert.deepEqual(lastEvent(reg).command, {
    type: "record_unmasked_export", operator: "root", format: "popolo", persons: 3,
  });
  const head = reg.journalHead();
  const ns = JSON.stringify(reg.exportPopoloAs(as("ns-clerk")));
  assert.ok(ns.includes('"nanshan"') && !ns.includes('"futian"'));
  assert.equal(reg.journalHead(), head, "a masked export is not journaled");
});

test("an import as an operator rejects a row outside its grants", () => {
  const reg = registry();
  const orgs =
    "id,parent_id,level,kind,division_code,founded,dissolved,name,relation\n" +
    "ft-9,futian,subdistrict,zhilianhui,440304009,2024-05-07,,福田九,part_of\n" +
    "ns-9,nanshan,subdistrict,zhilianhui,440305009,2024-05-07,,南山九,part_of\n";
  const before = reg.toJson();
  const err = throwsCode(() => reg.importRosters(as("ft-clerk"), { orgs }, { as_operator: true }), "import");
  assert.match(err.message, /orgs\.csv/);
  assert.match(err.message, /line 3/);
  assert.match(err.message, /may not add_organization/);
  assert.equal(reg.toJson(), before);
  stillWorks(reg);
  const firstTwo = orgs.split("\n").slice(0, 2).join("\n") + "\n";
  assert.equal(reg.importRosters(as("ft-clerk"), { orgs: firstTwo }, { as_operator: true }).organizations, 1);
  // Unscoped, both rows are accepted.
  const other = registry();
  assert.equal(other.importRosters(as("ft-clerk"), { orgs }).organizations, 2);
});

test("the scoped methods check their arguments like the others", () => {
  const reg = registry();
  throwsCode(() => reg.queryAs(42, { type: "counts" }), "invalid_argument");
  throwsCode(() => reg.queryAs(undefined, { type: "counts" }), "invalid_argument");
  throwsCode(() => reg.queryAs("root", { type: "weather" }), "invalid_json");
  throwsCode(() => reg.statsAs(null, { stat: "rollup", as_of: day }), "invalid_argument");
  throwsCode(() => reg.statsCsvAs("root", { stat: "series", from: "2020-01-01", to: "2021-01-01", every: "year" }), "invalid_argument");
  throwsCode(() => reg.rulesAs({}, { question: "audit", as_of: day }), "invalid_argument");
  throwsCode(() => reg.applyAs({ actor: "root" }, join("p3", "futian")), "invalid_json");
  throwsCode(() => reg.applyAs(as("root"), undefined), "invalid_argument");
  throwsCode(() => reg.applyBatchAs(as("root"), join("p3", "futian")), "invalid_argument");
  const e = throwsCode(() => reg.applyBatchAs(as("root"), [join("p3", "futian"), { type: "teleport" }]), "invalid_json");
  assert.equal(e.index, 1);
  throwsCode(() => reg.exportRostersAs(as("root"), "unmask"), "invalid_json");
  throwsCode(() => reg.exportPopoloAs(as("root"), { unmask: true }), "invalid_json");
  throwsCode(() => reg.exportRostersAs("root"), "invalid_json");
  stillWorks(reg);
});

test("garbage to the scoped methods throws a coded Error and changes nothing", () => {
  const reg = registry();
  const before = reg.toJson();
  const cyclic = {};
  cyclic.self = cyclic;
  const huge = "字".repeat(2_000_000);
  const garbage = [undefined, null, 42, -1, NaN, true, "", huge, "{", [], [1, 2], {}, { type: 7 },
    cyclic, 10n, Symbol("s"), () => 1, new Uint8Array([0xff, 0xfe]), { type: "organization", id: huge }];
  const calls = [
    (g) => reg.applyAs(g, g),
    (g) => reg.applyAs(as("root"), g),
    (g) => reg.applyBatchAs(as("root"), g),
    (g) => reg.applyBatchAs(g, []),
    (g) => reg.queryAs(g, { type: "counts" }),
    (g) => reg.queryAs("root", g),
    (g) => reg.statsAs(g, { stat: "rollup", as_of: day }),
    (g) => reg.statsAs("root", g),
    (g) => reg.statsCsvAs("root", g),
    (g) => reg.rulesAs("root", g),
    (g) => reg.rulesAs(g, { question: "audit", as_of: day }),
    (g) => reg.exportRostersAs(g),
    (g) => reg.exportRostersAs(as("root"), g),
    (g) => reg.exportPopoloAs(g),
    (g) => reg.exportPopoloAs(as("root"), g),
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
  }
  assert.ok(thrown > calls.length * 10, `only ${thrown} calls threw`);
  // Some garbage is valid (an empty batch, default options of a masked export).
  assert.equal(reg.toJson(), before);
  stillWorks(reg);
});
