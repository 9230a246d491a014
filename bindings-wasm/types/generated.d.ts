// Generated from the core's own names by `TONGXIN_UPDATE_TYPES=1 cargo test -p tongxin-wasm --test types`; do not edit.

/** Organization level, national down to community. */
export type Level =
  | "national"
  | "provincial"
  | "municipal"
  | "district"
  | "subdistrict"
  | "community";

/** Kind of organization. */
export type OrgKind =
  | "zhilianhui"
  | "xinlianhui"
  | "wanglianhui"
  | "returned_scholars"
  | "tongxinhui"
  | "base"
  | "democratic_party_branch"
  | "party_committee"
  | "party_branch"
  | "chamber"
  | "advisory_studio"
  | "special_committee"
  | "online_group"
  | "other";

/** How an organization hangs under its parent. */
export type Relation =
  | "guidance"
  | "part_of";

/** Carrier of a 同心荟 or base. */
export type Carrier =
  | "building"
  | "industrial_park"
  | "state_enterprise"
  | "private_enterprise"
  | "research_institute"
  | "university"
  | "hospital"
  | "health_system"
  | "education_system"
  | "community";

/** Category of a 同心荟. */
export type TongxinCategory =
  | "incubation"
  | "alliance"
  | "culture"
  | "service"
  | "youth_entrepreneurship";

/** Political affiliation. */
export type Party =
  | "cpc"
  | "non_party"
  | "min_ge"
  | "min_meng"
  | "min_jian"
  | "min_jin"
  | "nong_gong"
  | "zhi_gong"
  | "jiu_san"
  | "tai_meng"
  | "mass";

/** Professional title. */
export type Title =
  | "none"
  | "junior"
  | "intermediate"
  | "associate_senior"
  | "senior";

/** New social stratum. */
export type Stratum =
  | "none"
  | "private_enterprise_staff"
  | "intermediary_staff"
  | "freelancer"
  | "new_media";

/** Sex. */
export type Sex =
  | "male"
  | "female";

/** Education. */
export type Education =
  | "compulsory"
  | "secondary"
  | "college"
  | "bachelor"
  | "master"
  | "doctorate";

/** Role in an organization. */
export type Role =
  | "president"
  | "vice_president"
  | "secretary_general"
  | "deputy_secretary_general"
  | "standing_council"
  | "council"
  | "member"
  | "secretary"
  | "deputy_secretary"
  | "committee_member"
  | "member_unit";

/** People's congress or CPPCC. */
export type PoliticalBody =
  | "npc"
  | "cppcc";

/** Title of a designation. */
export type DesignationTitle =
  | "pilot_unit"
  | "practice_innovation_base"
  | "demonstration_base"
  | "advanced_unit"
  | "other";

/** Kind of activity. */
export type ActivityKind =
  | "study"
  | "training"
  | "consultation"
  | "advice_meeting"
  | "public_service"
  | "reception"
  | "performance"
  | "networking"
  | "other";

/** Kind of advice. */
export type AdviceKind =
  | "advice"
  | "proposal"
  | "research_report";

/** Kind of affiliation. */
export type AffiliationKind =
  | "hosted_by"
  | "partner"
  | "other";

/** Which memberships count as an organization's. */
export type MemberScope =
  | "direct"
  | "with_branches"
  | "subtree";

/** Level of a division code. */
export type DivisionLevel =
  | "province"
  | "city"
  | "county"
  | "township"
  | "village";

/** Breakdown of a rollup. */
export type Dimension =
  | "party"
  | "title"
  | "stratum"
  | "sex"
  | "age"
  | "ethnicity"
  | "role"
  | "level"
  | "kind";

/** Breakdown of an organization rollup. */
export type OrgDimension =
  | "kind"
  | "level"
  | "carrier";

/** Step of a series. */
export type Every =
  | "month` or `year";

/** Ranking key of candidates. */
export type OrderKey =
  | "title_desc"
  | "title_asc"
  | "education_desc"
  | "education_asc"
  | "age_asc"
  | "age_desc"
  | "id";

/** Family of a rule. */
export type Family =
  | "eligibility"
  | "structural"
  | "composition";

/** Severity of a rule. */
export type Severity =
  | "reject` or `warn";

/** How an override inherits its kind's rules. */
export type Inherit =
  | "branches"
  | "subtree"
  | "none";

/** Text encoding of roster files. */
export type Encoding =
  | "auto"
  | "utf-8"
  | "utf8"
  | "gbk"
  | "gb18030";

/** Role of an operator's grant, each including the ones before it. */
export type AccessRole =
  | "viewer"
  | "editor"
  | "administrator";

/** The `type` of a command. */
export type CommandType =
  | "add_organization"
  | "update_organization"
  | "dissolve_organization"
  | "move_organization"
  | "add_affiliation"
  | "end_affiliation"
  | "start_term"
  | "add_person"
  | "update_person"
  | "add_enterprise"
  | "update_enterprise"
  | "join"
  | "leave"
  | "change_role"
  | "record_designation"
  | "revoke_designation"
  | "record_activity"
  | "record_advice"
  | "set_rule_book"
  | "set_operator"
  | "remove_operator"
  | "record_unmasked_export";

/** The `type` of a query. */
export type QueryType =
  | "organization"
  | "person"
  | "enterprise"
  | "counts"
  | "parent_history"
  | "terms"
  | "children"
  | "ancestors"
  | "subtree"
  | "roots"
  | "members"
  | "active_memberships"
  | "memberships_of"
  | "search_organizations"
  | "search_persons"
  | "designations_of"
  | "activities_of"
  | "advice_of"
  | "affiliations_of"
  | "journal"
  | "journal_head";

/** The `stat` of a statistic request. */
export type StatName =
  | "rollup"
  | "org_rollup"
  | "coverage"
  | "coverage_areas"
  | "series"
  | "growth"
  | "activity_totals"
  | "activities_in"
  | "advice_in"
  | "designations_in_force"
  | "designations_by_level_year"
  | "political_arrangements"
  | "suppressed_rollup";

/** The `question` of a rules question. */
export type QuestionName =
  | "check"
  | "audit"
  | "candidates";

/** The `type` of a rule body. */
export type RuleBodyType =
  | "eligibility"
  | "composition"
  | "president_term_limit"
  | "council_seats"
  | "overdue_term"
  | "registry";

/** The `code` of a thrown `TongxinError` (the C front's `tx_status` names). */
export type ErrorCodeName =
  | "invalid_argument"
  | "invalid_identifier"
  | "import"
  | "export"
  | "rule"
  | "unknown_error"
  | "duplicate_id"
  | "not_found"
  | "invalid_field"
  | "date_order"
  | "outside_lifetime"
  | "cycle"
  | "level_order"
  | "kind_mismatch"
  | "overlapping_membership"
  | "president_conflict"
  | "no_active_membership"
  | "has_active_children"
  | "history_order"
  | "already_dissolved"
  | "immutable_field"
  | "term_order"
  | "division"
  | "unsupported_schema_version"
  | "invalid_json"
  | "snapshot_mismatch"
  | "replay_failed"
  | "invalid_rule_book"
  | "rule_violation"
  | "journal_tampered"
  | "access_denied";
