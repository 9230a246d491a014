// Typed usage of the package, checked by `tsc --noEmit` (tsconfig.json here): the generated
// declarations must accept correct programs and refuse wrong ones (`@ts-expect-error`).
import init, {
  Registry,
  residentIdCheck,
  verifyJournal,
  version,
  type Command,
  type Meta,
  type Query,
  type Stat,
  type RulesQuestion,
  type Rollup,
  type Check,
  type ImportReport,
  type ImportProgress,
  type TongxinError,
  type ErrorCodeName,
  type Level,
  type JournalCheck,
  type ChainedJournalEvent,
  type Grant,
  type Operator,
  type AccessRole,
  type RosterExport,
} from "../../bindings-wasm/pkg/web/tongxin.js";

export async function usage(): Promise<void> {
  await init();
  const meta: Meta = { at: "2024-05-07T09:00:00", actor: "clerk" };
  const reg = new Registry();
  const add: Command = {
    type: "add_organization",
    org: {
      id: "futian", name: "福田区知联会", kind: "zhilianhui", level: "district",
      division_code: "440304", founded: "2015-01-01",
    },
  };
  const event = reg.apply(meta, add);
  const seq: number = event.seq;
  const n: number = reg.applyBatch(meta, [
    { type: "add_person", person: { id: "p1", party: "cpc", title: "senior", stratum: "none" } },
    { type: "join", membership: { member: { person: "p1" }, org: "futian", role: "member", start: "2024-01-01" } },
  ]);
  const q: Query = { type: "members", org: "futian", date: "2024-06-01", scope: "with_branches" };
  const members = reg.query(q) as { person?: string }[];
  const s: Stat = { stat: "rollup", as_of: "2024-06-01", by: "party" };
  const rollup = reg.stats(s) as Rollup;
  const total: number = rollup.rows[0].total;
  const question: RulesQuestion = { question: "check", member: { person: "p1" }, org: "futian", as_of: "2024-06-01" };
  const check = reg.rules(question) as Check;
  const zh: string = check.explanation_zh;
  const eligible: boolean = reg.checkEligibility("p1", "futian", "2024-06-01");
  const inside: boolean = reg.isMemberInSubtree("p1", "futian", "2024-06-01");
  const totals: Float64Array = reg.rollupTotals("2024-06-01");
  const first: string = reg.organizationIdAt(0);
  const report: ImportReport = reg.checkRosters(meta, { orgs: "id,parent_id\n" });
  // @ts-expect-error: a progress callback is a function
  reg.checkRosters(meta, { orgs: "id,parent_id\n" }, undefined, "not a function");
  const stages: string[] = [];
  reg.checkRosters(meta, { orgs: "id,parent_id\n" }, undefined, (p: ImportProgress) => {
    const share: number = p.done / Math.max(p.total, 1);
    stages.push(`${p.stage} ${share}`);
  });
  const line: number | null = report.errors[0]?.line ?? null;
  const bytes: Uint8Array = reg.exportRosters({ encoding: "gbk" }).persons;
  const snapshot: string = reg.toJson();
  const again: Registry = Registry.fromJson(snapshot);
  const born: string = residentIdCheck("11010519491231002X").birth_date;
  const v: string = version();
  try {
    reg.apply(meta, { type: "dissolve_organization", id: "nowhere", date: "2024-06-01" });
  } catch (e) {
    const err = e as TongxinError;
    const code: ErrorCodeName = err.code;
    const status: number = err.status;
    void [code, status];
  }
  const level: Level = "district";
  const head: string = reg.journalHead();
  const chained: ChainedJournalEvent[] = reg.query({ type: "journal" });
  const verified: JournalCheck = verifyJournal(chained, head);
  const prev: string = chained[0].prev;
  void [verified.head, verified.events, prev];

  // Scoped operators: set by a command, then the `…As` methods act as one.
  const role: AccessRole = "editor";
  const grant: Grant = { role, org: "futian" };
  const clerk: Operator = { id: "clerk", name: "福田区文员", grants: [grant] };
  reg.apply(meta, { type: "set_operator", operator: clerk });
  reg.apply(meta, { type: "set_operator", operator: { id: "all", name: "管理员", grants: [{ role: "administrator" }] } });
  const asClerk: Meta = { at: "2024-06-01T09:00:00", actor: "clerk" };
  const scoped = reg.applyAs(asClerk, {
    type: "add_person", person: { id: "p2", party: "non_party", title: "none", stratum: "none" },
  });
  const scopedSeq: number = scoped.seq;
  const scopedN: number = reg.applyBatchAs(asClerk, [
    { type: "join", membership: { member: { person: "p2" }, org: "futian", role: "member", start: "2024-06-01" } },
  ]);
  const seen = reg.queryAs("clerk", { type: "subtree", org: "futian", date: "2024-06-01" }) as string[];
  const scopedRollup = reg.statsAs("clerk", s) as Rollup;
  const scopedCsv: string = reg.statsCsvAs("clerk", s);
  const scopedCheck = reg.rulesAs("clerk", question) as Check;
  const scopedFiles: RosterExport = reg.exportRostersAs(asClerk);
  const unmasked: RosterExport = reg.exportRostersAs({ at: "2024-06-01T10:00:00", actor: "all" }, { unmask_resident_ids: true });
  const popolo = reg.exportPopoloAs(asClerk, { unmask_resident_ids: false });
  const imported = reg.importRosters(asClerk, { orgs: "id,parent_id\n" }, { as_operator: true });
  reg.apply(meta, { type: "remove_operator", id: "clerk" });
  try {
    reg.queryAs("clerk", { type: "counts" });
  } catch (e) {
    const denied: ErrorCodeName = (e as TongxinError).code;
    const deniedCode: ErrorCodeName = "access_denied";
    void [denied, deniedCode];
  }
  void [scopedSeq, scopedN, seen, scopedRollup.rows, scopedCsv, scopedCheck.eligible, scopedFiles.orgs,
    unmasked.persons, popolo, imported.organizations];

  // @ts-expect-error: not a command type
  const bad: Command = { type: "teleport" };
  // @ts-expect-error: a level the core does not know
  const badLevel: Level = "city";
  // @ts-expect-error: a statistic needs `as_of`
  const badStat: Stat = { stat: "rollup" };
  // @ts-expect-error: members must be tagged person or enterprise
  const badQuestion: RulesQuestion = { question: "check", member: { robot: "r1" }, org: "futian", as_of: "2024-06-01" };
  // @ts-expect-error: a role the core does not know
  const badGrant: Grant = { role: "superuser", org: "futian" };
  // @ts-expect-error: the scoped query takes the operator's id first
  const badScoped = reg.queryAs({ type: "counts" });

  void [seq, n, members, total, zh, eligible, inside, totals, first, line, bytes, again, born, v,
    level, bad, badLevel, badStat, badQuestion, badGrant, badScoped];
  reg.free();
}
