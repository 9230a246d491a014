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
  type TongxinError,
  type ErrorCodeName,
  type Level,
  type JournalCheck,
  type ChainedJournalEvent,
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

  // @ts-expect-error: not a command type
  const bad: Command = { type: "teleport" };
  // @ts-expect-error: a level the core does not know
  const badLevel: Level = "city";
  // @ts-expect-error: a statistic needs `as_of`
  const badStat: Stat = { stat: "rollup" };
  // @ts-expect-error: members must be tagged person or enterprise
  const badQuestion: RulesQuestion = { question: "check", member: { robot: "r1" }, org: "futian", as_of: "2024-06-01" };

  void [seq, n, members, total, zh, eligible, inside, totals, first, line, bytes, again, born, v,
    level, bad, badLevel, badStat, badQuestion];
  reg.free();
}
