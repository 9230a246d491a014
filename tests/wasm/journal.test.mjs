// The tamper-evident journal through the WASM package: `journalHead()`, the `journal` query's
// `prev` hashes, `verifyJournal(events, expectedHead?)`, and snapshots (schema_version 2)
// refused at the tampered event.
import test from "node:test";
import assert from "node:assert/strict";
import { tx, seeded, throwsCode } from "./lib.mjs";

const GENESIS = "0".repeat(64);

test("journalHead and the journal query's prev hashes verify to the same head", () => {
  assert.equal(new tx.Registry().journalHead(), GENESIS);
  const reg = seeded();
  const head = reg.journalHead();
  assert.match(head, /^[0-9a-f]{64}$/);
  const events = reg.query({ type: "journal" });
  assert.equal(events[0].prev, GENESIS);
  assert.ok(events.every((e) => /^[0-9a-f]{64}$/.test(e.prev)));
  assert.deepEqual(reg.query({ type: "journal_head" }), { head, events: events.length });
  assert.deepEqual(tx.verifyJournal(events, head), { head, events: events.length });
  assert.deepEqual(tx.verifyJournal(events), { head, events: events.length });
  assert.deepEqual(tx.verifyJournal(JSON.stringify(events), head.toUpperCase()), {
    head, events: events.length,
  });
  // `after` keeps each event's prev.
  const tail = reg.query({ type: "journal", after: 10 });
  assert.deepEqual(tail[0], events[10]);
  // A new event links to the old head.
  reg.apply({ at: "2025-02-01T00:00:00", actor: "clerk" }, {
    type: "add_person", person: { id: "late", party: "non_party", title: "none", stratum: "none" },
  });
  assert.notEqual(reg.journalHead(), head);
  assert.equal(reg.query({ type: "journal", after: events.length })[0].prev, head);
});

test("verifyJournal names the first tampered event and what was found", () => {
  const reg = seeded();
  const head = reg.journalHead();
  const events = reg.query({ type: "journal" });
  const n = events.length;
  const copy = () => structuredClone(events);
  const tampered = (list, expected = head) => throwsCode(() => tx.verifyJournal(list, expected), "journal_tampered");

  // An event's field edited.
  let t = copy();
  t[41].actor = "someone else";
  let e = tampered(t);
  assert.equal(e.status, 905);
  assert.deepEqual(e.report, { seq: 42, kind: "altered" });
  assert.match(e.message, /journal tampered at event 42 \(altered\)/);
  // An event inserted (a copy after itself).
  t = copy();
  t.splice(100, 0, { ...t[99], actor: "intruder" });
  assert.deepEqual(tampered(t).report, { seq: 100, kind: "inserted" });
  // An event removed.
  t = copy();
  t.splice(9, 1);
  assert.deepEqual(tampered(t).report, { seq: 10, kind: "removed" });
  // The last event removed: the head no longer matches (and without it, nothing shows).
  t = copy();
  t.pop();
  assert.deepEqual(tampered(t).report, { seq: n - 1, kind: "head_mismatch" });
  assert.equal(tx.verifyJournal(t).events, n - 1);
  // Two events swapped.
  t = copy();
  [t[5], t[6]] = [t[6], t[5]];
  assert.deepEqual(tampered(t).report, { seq: 7, kind: "reordered" });
  // Another head.
  assert.deepEqual(tampered(events, "ab".repeat(32)).report, { seq: n, kind: "head_mismatch" });
});

test("verifyJournal refuses what is not a journal, and the module keeps working", () => {
  const reg = seeded();
  const events = reg.query({ type: "journal" });
  for (const bad of [undefined, null, 42, {}, () => 1]) {
    throwsCode(() => tx.verifyJournal(bad), "invalid_argument");
  }
  let e = throwsCode(() => tx.verifyJournal([{ seq: 1 }]), "invalid_json");
  assert.match(e.message, /argument `events`/);
  throwsCode(() => tx.verifyJournal("[1,"), "invalid_json");
  e = throwsCode(() => tx.verifyJournal(events, "xyz"), "invalid_argument");
  assert.match(e.message, /expectedHead/);
  throwsCode(() => tx.verifyJournal(events, 7), "invalid_argument");
  assert.equal(tx.verifyJournal([]).head, GENESIS);
  assert.equal(tx.verifyJournal(events).head, reg.journalHead());
});

test("snapshots carry the chain and a tampered one is refused at its event", () => {
  const reg = seeded();
  const text = reg.toJson();
  const snap = JSON.parse(text);
  assert.equal(snap.schema_version, 2);
  assert.equal(snap.head, reg.journalHead());
  assert.equal(snap.journal[0].prev, GENESIS);
  assert.equal(tx.Registry.fromJson(text).journalHead(), reg.journalHead());
  const edited = structuredClone(snap);
  edited.journal[2].at = "2030-01-01T00:00:00";
  const e = throwsCode(() => tx.Registry.fromJson(edited), "journal_tampered");
  assert.deepEqual(e.report, { seq: 3, kind: "altered" });
  // A version 1 snapshot (no hashes) still loads; its head is computed.
  const v1 = structuredClone(snap);
  v1.schema_version = 1;
  delete v1.head;
  for (const ev of v1.journal) delete ev.prev;
  const old = tx.Registry.fromJson(v1);
  assert.equal(old.journalHead(), reg.journalHead());
  assert.equal(old.toJson(), text);
});
