
// ---------------------------------------------------------------------------------------------
// Plain data: the core's serde shapes. Dates are "YYYY-MM-DD" strings, timestamps
// "YYYY-MM-DDTHH:MM:SS"; a PartialDate is "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a date the sources
// know only to the year or month).

/** A day, `YYYY-MM-DD`. */
export type DateString = string;
/** A timestamp, `YYYY-MM-DDTHH:MM:SS`. */
export type DateTimeString = string;
/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
export type PartialDate = string;

/** Who issues a command and when. */
export interface Meta {
  at: DateTimeString;
  actor: string;
}

/** Floor area and rooms of a carrier. */
export interface Facilities {
  area_m2?: number;
  rooms?: number;
}

/** An organization. */
export interface Organization {
  id: string;
  name: string;
  name_en?: string;
  kind: OrgKind;
  level: Level;
  division_code: string;
  carrier?: Carrier;
  category?: TongxinCategory;
  founded: DateString;
  dissolved?: DateString;
  facilities?: Facilities;
  tags?: string[];
}

/** One dated parent link of an organization (`parent` null for a root). */
export interface ParentLink {
  parent: string | null;
  relation: Relation;
  from: DateString;
  to?: DateString;
}

/** A seat in a people's congress or CPPCC. */
export interface PoliticalPost {
  body: PoliticalBody;
  level: Level;
  term?: number;
  from?: PartialDate;
  to?: PartialDate;
}

/** A person. */
export interface Person {
  id: string;
  name?: string;
  sex?: Sex;
  birth?: PartialDate;
  ethnicity?: string;
  party: Party;
  title: Title;
  stratum: Stratum;
  education?: Education;
  returned_overseas?: boolean;
  employer?: string;
  profession?: string;
  resident_id?: string;
  political_posts?: PoliticalPost[];
}

/** An enterprise (a member of a chamber). */
export interface Enterprise {
  id: string;
  name: string;
  credit_code: string;
}

/** A member: a person or an enterprise. */
export type MemberRef = { person: string } | { enterprise: string };

/** A membership. */
export interface Membership {
  member: MemberRef;
  org: string;
  role: Role;
  start: DateString;
  end?: DateString;
  founding?: boolean;
  source?: string;
}

/** A council post of a term. */
export interface CouncilPost {
  person: string;
  role: Role;
}

/** A council term (届). */
export interface Term {
  number: number;
  start: DateString;
  statutory_years: number;
  end?: DateString;
  posts?: CouncilPost[];
}

/** A designation conferred on an organization (试点单位, 示范点 …). */
export interface Designation {
  id: string;
  org: string;
  title: DesignationTitle;
  name: string;
  level: Level;
  issuer: string;
  batch?: number;
  conferred: PartialDate;
  revoked?: PartialDate;
}

/** An activity of an organization. */
export interface Activity {
  id: string;
  org: string;
  date: PartialDate;
  kind: ActivityKind;
  title?: string;
  participants_offline?: number;
  participants_online?: number;
  persons_served?: number;
  delegations?: number;
}

/** Advice submitted by an organization. */
export interface Advice {
  id: string;
  org: string;
  authors?: string[];
  date: PartialDate;
  kind: AdviceKind;
  title: string;
  adopted?: boolean;
}

/** An affiliation between two organizations. */
export interface Affiliation {
  id: string;
  org: string;
  other: string;
  kind: AffiliationKind;
  from: DateString;
  to?: DateString;
}

/** A role over the subtree of organization `org`, or over the whole registry when `org` is
 * absent. */
export interface Grant {
  role: AccessRole;
  org?: string;
}

/** Someone who acts on the registry through the scoped `…As` methods (`meta.actor` names it). */
export interface Operator {
  id: string;
  name: string;
  grants?: Grant[];
}

// ---------------------------------------------------------------------------------------------
// Commands

/** A change to a registry, tagged by `type`. */
export type Command =
  | { type: "add_organization"; org: Organization; parent?: string; relation?: Relation }
  | { type: "update_organization"; org: Organization }
  | { type: "dissolve_organization"; id: string; date: DateString }
  | { type: "move_organization"; id: string; parent?: string; relation?: Relation; date: DateString }
  | { type: "add_affiliation"; affiliation: Affiliation }
  | { type: "end_affiliation"; id: string; date: DateString }
  | { type: "start_term"; org: string; term: Term }
  | { type: "add_person"; person: Person }
  | { type: "update_person"; person: Person }
  | { type: "add_enterprise"; enterprise: Enterprise }
  | { type: "update_enterprise"; enterprise: Enterprise }
  | { type: "join"; membership: Membership }
  | { type: "leave"; member: MemberRef; org: string; date: DateString }
  | { type: "change_role"; member: MemberRef; org: string; role: Role; date: DateString }
  | { type: "record_designation"; designation: Designation }
  | { type: "revoke_designation"; id: string; date: PartialDate }
  | { type: "record_activity"; activity: Activity }
  | { type: "record_advice"; advice: Advice }
  | { type: "set_rule_book"; book?: RuleBook | null }
  | { type: "set_operator"; operator: Operator }
  | { type: "remove_operator"; id: string }
  | {
      type: "record_unmasked_export";
      operator: string;
      /** `rosters_csv` or `popolo`. */
      format: string;
      /** Roots of the exported subtrees; absent for the whole registry. */
      orgs?: string[];
      persons: number;
    };

/** A journal event: an applied command with its sequence number. */
export interface JournalEvent {
  seq: number;
  at: DateTimeString;
  actor: string;
  command: Command;
  /** The warn rules a join under the registry's rule book failed (absent when none). */
  warnings?: RuleOutcome[];
}

/** A journal event with `prev`, the hash of the event before it (64 lowercase hex digits, all
 * zeros before event 1): what `query({type: "journal"})` answers and snapshots hold. */
export interface ChainedJournalEvent extends JournalEvent {
  prev: string;
}

/** What `verifyJournal` and `query({type: "journal_head"})` answer. */
export interface JournalCheck {
  /** The hash of the last event (64 lowercase hex digits). */
  head: string;
  /** How many events. */
  events: number;
}

/** What a `journal_tampered` error reports: the first tampered event and what was found. */
export interface TamperReport {
  seq: number;
  kind: "altered" | "inserted" | "removed" | "reordered" | "head_mismatch";
}

// ---------------------------------------------------------------------------------------------
// Queries

/** A read-only question, tagged by `type`. */
export type Query =
  | { type: "organization"; id: string }
  | { type: "person"; id: string }
  | { type: "enterprise"; id: string }
  | { type: "counts" }
  | { type: "parent_history"; org: string }
  | { type: "terms"; org: string }
  | { type: "children"; org: string; date: DateString }
  | { type: "ancestors"; org: string; date: DateString }
  | { type: "subtree"; org: string; date: DateString }
  | { type: "roots"; date: DateString }
  | { type: "members"; org: string; date: DateString; scope?: MemberScope }
  | { type: "active_memberships"; org: string; date: DateString; scope?: MemberScope }
  | { type: "memberships_of"; member: MemberRef }
  | { type: "search_organizations"; prefix: string }
  | { type: "search_persons"; prefix: string }
  | { type: "designations_of"; org: string }
  | { type: "activities_of"; org: string }
  | { type: "advice_of"; org: string }
  | { type: "affiliations_of"; org: string }
  | { type: "journal"; after?: number }
  | { type: "journal_head" };

/** The answer to `{type: "counts"}`. */
export interface Counts {
  organizations: number;
  persons: number;
  enterprises: number;
  memberships: number;
}

// ---------------------------------------------------------------------------------------------
// Statistics

/** A period, both days included. */
export interface Period {
  from: DateString;
  to: DateString;
}

/** A statistic to compute, tagged by `stat`. */
export type Stat =
  | { stat: "rollup"; as_of: DateString; by?: Dimension }
  | { stat: "org_rollup"; as_of: DateString; by: OrgDimension }
  | {
      stat: "coverage";
      kind: OrgKind;
      within: string;
      level: DivisionLevel;
      org_level?: Level;
      as_of: DateString;
      /** CSV text `code,name,parent_code` of street (township) rows. */
      streets_csv?: string;
      /** CSV text `code,name,parent_code` of village rows. */
      villages_csv?: string;
    }
  | {
      stat: "coverage_areas";
      kind: OrgKind;
      /** Division codes; the answer has one coverage per code, in order. */
      within: string[];
      level: DivisionLevel;
      org_level?: Level;
      as_of: DateString;
      streets_csv?: string;
      villages_csv?: string;
    }
  | { stat: "series"; from: DateString; to: DateString; every: Every; by?: Dimension }
  | { stat: "growth"; root: string; periods: Period[] }
  | { stat: "activity_totals"; root: string; from: DateString; to: DateString; kind?: ActivityKind }
  | { stat: "activities_in"; root: string; from: DateString; to: DateString; kind?: ActivityKind }
  | { stat: "advice_in"; root: string; from: DateString; to: DateString; kinds?: AdviceKind[] }
  | { stat: "designations_in_force"; root: string; as_of: DateString }
  | { stat: "designations_by_level_year"; root: string }
  | { stat: "political_arrangements"; root: string; as_of: DateString }
  | { stat: "suppressed_rollup"; as_of: DateString; by?: Dimension; k: number };

/** One organization's row of a rollup: distinct members in its subtree. */
export interface RollupRow {
  org_id: string;
  total: number;
  enterprises: number;
  counts: number[];
}

/** `stats({stat: "rollup"})`: members per subtree, broken down by a dimension. */
export interface Rollup {
  as_of: DateString;
  dimension: Dimension | null;
  columns: string[];
  rows: RollupRow[];
}

/** `stats({stat: "org_rollup"})`: organizations per subtree. */
export interface OrgRollup {
  as_of: DateString;
  dimension: OrgDimension;
  columns: string[];
  rows: RollupRow[];
}

/** One division of a coverage answer. */
export interface CoverageRow {
  division_code: string;
  name: string;
  covered: boolean;
  organizations: string[];
}

/** `stats({stat: "coverage"})`; `stats({stat: "coverage_areas"})` answers `Coverage[]`. */
export interface Coverage {
  kind: OrgKind;
  level: DivisionLevel;
  as_of: DateString;
  rows: CoverageRow[];
}

/** One period of `stats({stat: "growth"})`. */
export interface GrowthRow {
  from: DateString;
  to: DateString;
  joins: number;
  leaves: number;
  net: number;
  returning: number;
}

/** `stats({stat: "activity_totals"})`. */
export interface ActivityTotals {
  events: number;
  participants_offline: number;
  participants_online: number;
  persons_served: number;
  delegations: number;
}

/** One row of `stats({stat: "designations_by_level_year"})`. */
export interface DesignationCount {
  level: Level;
  year: number;
  count: number;
}

/** `stats({stat: "political_arrangements"})`. */
export interface PoliticalArrangements {
  persons: number;
  npc: number;
  cppcc: number;
  by_level: number[];
}

/** A row of a suppressed rollup: hidden cells are `null`. */
export interface PublishedRow {
  org_id: string;
  total: number | null;
  enterprises: number | null;
  counts: (number | null)[];
}

/** `stats({stat: "suppressed_rollup"})`. */
export interface PublishedRollup {
  as_of: DateString;
  k: number;
  columns: string[];
  rows: PublishedRow[];
  primary: number;
  complementary: number;
}

// ---------------------------------------------------------------------------------------------
// Rules

/** A rule's body, tagged by `type`; conditions are text in the rule language. */
export type RuleBody =
  | { type: "eligibility"; when: string }
  | { type: "composition"; when: string }
  | { type: "president_term_limit"; max_consecutive: number }
  | { type: "council_seats"; max: number; role?: Role }
  | { type: "overdue_term" }
  | { type: "registry"; code: string };

/** A membership rule. */
export interface Rule {
  id: string;
  severity: Severity;
  message_zh: string;
  message_en: string;
  body: RuleBody;
}

/** Changes to the rules of one organization. */
export interface Override {
  rules?: Rule[];
  remove?: string[];
  inherit?: Inherit;
}

/** A rule book: common rules, defaults per kind, overrides per organization. */
export interface RuleBook {
  common?: Rule[];
  defaults?: Partial<Record<OrgKind, Rule[]>>;
  overrides?: Record<string, Override>;
}

/** A question about the rules, tagged by `question`. */
export type RulesQuestion =
  | { question: "check"; member: MemberRef; org: string; as_of: DateString; book?: RuleBook }
  | { question: "audit"; as_of: DateString; root?: string; book?: RuleBook }
  | {
      question: "candidates";
      org: string;
      as_of: DateString;
      limit?: number;
      keys?: OrderKey[];
      book?: RuleBook;
    };

/** One clause of a rule, with the value seen. */
export interface ClauseOutcome {
  clause: string;
  passed: boolean;
  seen: string;
  zh: string;
  en: string;
}

/** One rule's outcome in a check. */
export interface RuleOutcome {
  rule: string;
  family: Family;
  severity: Severity;
  passed: boolean;
  message_zh: string;
  message_en: string;
  clauses: ClauseOutcome[];
  explanation_zh: string;
  explanation_en: string;
}

/** `rules({question: "check"})`: eligibility with every rule and an explanation. */
export interface Check {
  member: MemberRef;
  org: string;
  as_of: DateString;
  eligible: boolean;
  already_member: boolean;
  rules: RuleOutcome[];
  explanation_zh: string;
  explanation_en: string;
}

/** One violation of an audit. */
export interface Violation {
  org: string;
  rule: string;
  family: Family;
  severity: Severity;
  member?: MemberRef;
  message_zh: string;
  message_en: string;
  detail_zh?: string;
  detail_en?: string;
}

/** `rules({question: "audit"})`. */
export interface Audit {
  as_of: DateString;
  root: string | null;
  organizations: number;
  memberships: number;
  violations: Violation[];
}

/** One of `rules({question: "candidates"})`. */
export interface Candidate {
  id: string;
  enterprise: boolean;
  title: Title | null;
  education: Education | null;
  age: number | null;
  warnings: number;
}

// ---------------------------------------------------------------------------------------------
// Rosters, Popolo, identifiers

/** Roster files: each a string (UTF-8 text) or a Uint8Array (bytes: GBK text, `.xlsx`). */
export interface RosterFiles {
  orgs?: string | Uint8Array;
  persons?: string | Uint8Array;
  memberships?: string | Uint8Array;
  enterprises?: string | Uint8Array;
}

/** Bounds on an import's files; an absent one keeps its default (SECURITY.md). */
export interface ImportLimits {
  max_file_bytes?: number;
  max_unpacked_bytes?: number;
  max_rows?: number;
  max_columns?: number;
  max_field_bytes?: number;
}

/** Options of `importRosters` and `checkRosters`. */
export interface RosterImportOptions {
  limits?: ImportLimits;
  format?: "csv" | "xlsx";
  sheet?: string;
  sheets?: { orgs?: string; persons?: string; memberships?: string; enterprises?: string };
  encoding?: Encoding | "utf-8";
  unknown_columns?: "reject" | "ignore";
  drop_masked_resident_ids?: boolean;
  report?: boolean;
  /** Authorize every row as a scoped command of the operator `meta.actor` names. */
  as_operator?: boolean;
}

/** How far an import (or check) has come: rows read, then commands applied. */
export interface ImportProgress {
  stage: "reading" | "applying";
  done: number;
  /** Rows to read (from the files' line breaks) or commands to apply; never below `done`. */
  total: number;
}

/** The `onProgress` argument of `importRosters` and `checkRosters`. */
export type ProgressCallback = (progress: ImportProgress) => void;

/** What an import added. */
export interface ImportSummary {
  organizations: number;
  enterprises: number;
  persons: number;
  memberships: number;
}

/** One problem of a roster import. */
export interface ImportProblem {
  file: string;
  line: number | null;
  column: string | null;
  value: string | null;
  code: string;
  number: number;
  message: string;
  rule: { code: ErrorCodeName; number: number } | null;
}

/** Every problem of a roster import or check. */
export interface ImportReport {
  errors: ImportProblem[];
  rows_ok: number;
  rows_skipped: number;
}

/** Options of `exportRosters` and `exportRostersAs`. */
export interface RosterExportOptions {
  encoding?: Encoding | "utf-8";
  bom?: boolean;
  unmask_resident_ids?: boolean;
}

/** The files `exportRosters` writes. */
export interface RosterExport {
  orgs: Uint8Array;
  persons: Uint8Array;
  memberships: Uint8Array;
  enterprises: Uint8Array;
}

/** Options of `exportPopolo` and `exportPopoloAs`. */
export interface PopoloExportOptions {
  unmask_resident_ids?: boolean;
}

/** Options of `importPopolo`. */
export interface PopoloImportOptions {
  limits?: ImportLimits;
  encoding?: Encoding | "utf-8";
  drop_masked_resident_ids?: boolean;
  /** Authorize every record as a scoped command of the operator `meta.actor` names. */
  as_operator?: boolean;
}

/** What `residentIdCheck` reads. */
export interface ResidentIdInfo {
  number: string;
  birth_date: DateString;
  sex: Sex;
  masked: string;
}

/** What `creditCodeCheck` reads. */
export interface CreditCodeInfo {
  code: string;
  authority: string;
  authority_name: string;
  category: string;
  category_name: string | null;
  division_code: string;
  organization_code: string;
}

/** What `divisionCodeCheck` reads. */
export interface DivisionCodeInfo {
  code: string;
  level: DivisionLevel | "national";
  padded6: string | null;
  name: string | null;
}

/** The error every method throws. */
export interface TongxinError extends Error {
  name: "TongxinError";
  /** Stable snake_case code, the C front's `tx_status` name. */
  code: ErrorCodeName;
  /** Stable number, the C front's `tx_status` value. */
  status: number;
  /** `applyBatch`, `applyBatchAs`: the command that failed. */
  index?: number;
  /** `importRosters`: every problem found; `journal_tampered`: the event and what was found. */
  report?: ImportReport | TamperReport;
}

/** The optional trailing arguments of the registry's methods (merged into the class). */
export interface Registry {
  importRosters(meta: Meta, files: RosterFiles): ImportSummary;
  importRosters(meta: Meta, files: RosterFiles, options?: RosterImportOptions | null, onProgress?: ProgressCallback | null): ImportSummary;
  checkRosters(meta: Meta, files: RosterFiles): ImportReport;
  checkRosters(meta: Meta, files: RosterFiles, options?: RosterImportOptions | null, onProgress?: ProgressCallback | null): ImportReport;
  exportRosters(): RosterExport;
  exportPopolo(): any;
  exportRostersAs(meta: Meta): RosterExport;
  exportPopoloAs(meta: Meta): any;
  importPopolo(meta: Meta, document: object | string | Uint8Array): ImportSummary;
  memberCount(org_id: string, date: string): number;
}
