//! The questions: [`check`], [`audit`], [`candidates`] and [`check_join`].

use super::columns::{gather, low_bits, set_bits, Columns};
use super::compile::{Day, EnterpriseFacts, Explanation, MembershipFact, Subject};
use super::error::{RuleError, RuleViolation};
use super::index::{id_prefix, PersonIndex, NONE8};
use super::{Body, CompiledBook, CompiledRule, Family, Inherit, Rule, Severity};
use crate::error::ErrorCode;
use crate::model::{active_on, Enterprise, MemberRef, Membership, Person, Term};
use crate::registry::{MemberIdx, Registry};
use crate::tree::{Forest, OrgIdx};
use crate::vocab::{Education, OrgKind, Relation, Role, Title};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// Which rules apply where

/// Parent links of one day.
trait Parents {
    fn parent(&self, org: OrgIdx) -> Option<(OrgIdx, Relation)>;
}

impl Parents for Forest {
    fn parent(&self, org: OrgIdx) -> Option<(OrgIdx, Relation)> {
        Forest::parent(self, org)
    }
}

/// Parent links of one day read from the histories, for single questions (no forest built).
struct History<'r> {
    reg: &'r Registry,
    day: NaiveDate,
}

impl Parents for History<'_> {
    fn parent(&self, org: OrgIdx) -> Option<(OrgIdx, Relation)> {
        let o = self.reg.organization_at(org)?;
        if !o.active_on(self.day) {
            return None;
        }
        let history = self.reg.parent_history(&o.id).ok()?;
        let link = history.iter().find(|l| active_on(l.from, l.to, self.day))?;
        let p = self.reg.org_index(link.parent.as_deref()?)?;
        // As in `Forest::build`: a parent that does not exist that day makes a root.
        self.reg
            .organization_at(p)?
            .active_on(self.day)
            .then_some((p, link.relation))
    }
}

/// What decides an organization's rules: the base kind and the overrides that apply, farthest
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SetKey {
    kind: usize,
    overrides: Vec<usize>,
}

impl CompiledBook {
    fn key(&self, reg: &Registry, tree: &dyn Parents, org: OrgIdx) -> SetKey {
        let kind_of = |o: OrgIdx| reg.organization_at(o).map_or(OrgKind::Other, |o| o.kind);
        let mut kind = kind_of(org);
        let mut overrides = Vec::new();
        let mut all_part_of = true;
        let mut cur = org;
        let mut distance = 0usize;
        loop {
            if !self.overrides.is_empty() {
                if let Some(&i) = reg
                    .organization_at(cur)
                    .and_then(|o| self.override_ids.get(&o.id))
                {
                    let applies = distance == 0
                        || match self.overrides[i].inherit {
                            Inherit::Branches => all_part_of,
                            Inherit::Subtree => true,
                            Inherit::None => false,
                        };
                    if applies {
                        overrides.push(i);
                    }
                }
            }
            let Some((parent, relation)) = tree.parent(cur) else {
                break;
            };
            if all_part_of && relation == Relation::PartOf {
                kind = kind_of(parent);
            } else {
                all_part_of = false;
            }
            cur = parent;
            distance += 1;
            if distance > reg.organization_count() || (self.overrides.is_empty() && !all_part_of) {
                break;
            }
        }
        overrides.reverse();
        SetKey {
            kind: kind.index(),
            overrides,
        }
    }

    fn set(&self, key: &SetKey) -> Vec<u32> {
        let mut set: Vec<u32> = self.common.clone();
        set.extend(self.defaults.get(key.kind).into_iter().flatten());
        for &o in &key.overrides {
            let o = &self.overrides[o];
            set.retain(|&r| !o.remove.contains(&self.rules[r as usize].rule.id));
            for &r in &o.rules {
                let id = &self.rules[r as usize].rule.id;
                match set
                    .iter_mut()
                    .find(|x| self.rules[**x as usize].rule.id == *id)
                {
                    Some(slot) => *slot = r,
                    None => set.push(r),
                }
            }
        }
        set
    }

    fn rule(&self, i: u32) -> &CompiledRule {
        &self.rules[i as usize]
    }

    /// The rules that apply to an organization on a day, in order: common rules, the defaults of
    /// its kind, then overrides (see the module docs on inheritance).
    pub fn rules_for(
        &self,
        reg: &Registry,
        org_id: &str,
        day: NaiveDate,
    ) -> Result<Vec<&Rule>, RuleError> {
        let org = reg
            .org_index(org_id)
            .ok_or_else(|| not_found("organization", org_id))?;
        let key = self.key(reg, &History { reg, day }, org);
        Ok(self
            .set(&key)
            .into_iter()
            .map(|i| &self.rule(i).rule)
            .collect())
    }
}

fn not_found(entity: &'static str, id: &str) -> RuleError {
    RuleError::NotFound {
        entity,
        id: id.chars().take(128).collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// check and check_join

/// The outcome of one rule for one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleOutcome {
    /// The rule's id.
    pub rule: String,
    /// Its family.
    pub family: Family,
    /// Its severity.
    pub severity: Severity,
    /// Whether the member satisfies it.
    pub passed: bool,
    /// The rule's message in Chinese.
    pub message_zh: String,
    /// The rule's message in English.
    pub message_en: String,
    /// Every clause with the value seen.
    pub clauses: Vec<super::ClauseOutcome>,
    /// One line in Chinese: mark, id, severity, message and clauses.
    pub explanation_zh: String,
    /// One line in English.
    pub explanation_en: String,
}

impl RuleOutcome {
    fn new(r: &Rule, ex: Explanation) -> Self {
        let mark = if ex.passed { "✓" } else { "✗" };
        RuleOutcome {
            explanation_zh: format!(
                "{mark} {}【{}】{}：{}",
                r.id,
                r.severity.zh(),
                r.message_zh,
                ex.zh()
            ),
            explanation_en: format!(
                "{mark} {} [{}] {}: {}",
                r.id,
                r.severity.as_str(),
                r.message_en,
                ex.en()
            ),
            rule: r.id.clone(),
            family: r.family(),
            severity: r.severity,
            passed: ex.passed,
            message_zh: r.message_zh.clone(),
            message_en: r.message_en.clone(),
            clauses: ex.clauses,
        }
    }
}

/// Whether a member may belong to an organization on a day, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The member.
    pub member: MemberRef,
    /// The organization.
    pub org: String,
    /// The day.
    #[serde(with = "crate::date::day")]
    pub as_of: NaiveDate,
    /// True when no `reject` eligibility rule fails (warnings do not count).
    pub eligible: bool,
    /// Whether the member already has a membership in the organization active that day.
    pub already_member: bool,
    /// Every eligibility rule of the organization, in order.
    pub rules: Vec<RuleOutcome>,
    /// The verdict and one line per rule, in Chinese.
    pub explanation_zh: String,
    /// The verdict and one line per rule, in English.
    pub explanation_en: String,
}

/// The member's record, loaded by id.
enum Loaded<'r> {
    Person(&'r Person),
    Enterprise(&'r Enterprise),
}

fn load<'r>(reg: &'r Registry, member: &MemberRef) -> Option<Loaded<'r>> {
    match member {
        MemberRef::Person(id) => reg.person(id).map(Loaded::Person),
        MemberRef::Enterprise(id) => reg.enterprise(id).map(Loaded::Enterprise),
    }
}

/// Evaluates the eligibility rules of `org` for `member` on `day`, calling `f` with each rule
/// and its subject until `f` returns false. Returns whether the member is already active there,
/// or `None` when the member or organization does not exist.
fn with_eligibility<'b>(
    reg: &Registry,
    book: &'b CompiledBook,
    member: &MemberRef,
    org: OrgIdx,
    day: NaiveDate,
    mut f: impl FnMut(&'b CompiledRule, &super::Condition, &Subject<'_>) -> bool,
) -> Option<bool> {
    let loaded = load(reg, member)?;
    let org_id = &reg.organization_at(org)?.id;
    let records = reg.memberships_of(member).ok()?;
    let already = records.iter().any(|m| m.org == *org_id && m.active_on(day));
    let facts: Vec<MembershipFact<'_>> = records
        .iter()
        .filter(|m| m.org != *org_id && m.active_on(day))
        .filter_map(|m| {
            let o = reg.organization(&m.org)?;
            Some(MembershipFact {
                org: &o.id,
                kind: o.kind,
                level: o.level,
                role: m.role,
                carrier: o.carrier,
                category: o.category,
                founding: m.founding,
            })
        })
        .collect();
    let subject = match loaded {
        Loaded::Person(p) => Subject::person(p, day),
        Loaded::Enterprise(e) => Subject::enterprise(e, day),
    }
    .with_memberships(&facts);
    let key = book.key(reg, &History { reg, day }, org);
    for i in book.set(&key) {
        let r = book.rule(i);
        if let Body::Eligibility(c) = &r.body {
            if !f(r, c, &subject) {
                break;
            }
        }
    }
    Some(already)
}

fn describe_member(m: &MemberRef) -> (String, String) {
    match m {
        MemberRef::Person(id) => (format!("person `{id}`"), format!("人士 {id}")),
        MemberRef::Enterprise(id) => (format!("enterprise `{id}`"), format!("企业 {id}")),
    }
}

/// Whether `member` may belong to `org_id` on `day`: every eligibility rule of the organization
/// (after defaults, inheritance and overrides), each clause with the value seen, and the
/// explanation in Chinese and English.
///
/// The member's other memberships (for `member_of` and `count_memberships`) are those active on
/// `day` in other organizations.
pub fn check(
    reg: &Registry,
    book: &CompiledBook,
    member: &MemberRef,
    org_id: &str,
    day: NaiveDate,
) -> Result<Check, RuleError> {
    let org = reg
        .org_index(org_id)
        .ok_or_else(|| not_found("organization", org_id))?;
    let mut rules = Vec::new();
    let mut eligible = true;
    let already = with_eligibility(reg, book, member, org, day, |r, c, s| {
        let ex = c.explain(s);
        if !ex.passed && r.rule.severity == Severity::Reject {
            eligible = false;
        }
        rules.push(RuleOutcome::new(&r.rule, ex));
        true
    })
    .ok_or_else(|| match member {
        MemberRef::Person(id) => not_found("person", id),
        MemberRef::Enterprise(id) => not_found("enterprise", id),
    })?;
    let (who_en, who_zh) = describe_member(member);
    let mut en = format!(
        "{who_en} is {}eligible for `{org_id}` on {day}",
        if eligible { "" } else { "not " }
    );
    let mut zh = format!(
        "{who_zh} 于 {day} {}符合 {org_id} 的入会条件",
        if eligible { "" } else { "不" }
    );
    if rules.is_empty() {
        en.push_str(" (no eligibility rule applies)");
        zh.push_str("（无适用的入会条件）");
    }
    for r in &rules {
        en.push('\n');
        en.push_str(&r.explanation_en);
        zh.push('\n');
        zh.push_str(&r.explanation_zh);
    }
    Ok(Check {
        member: member.clone(),
        org: org_id.to_string(),
        as_of: day,
        eligible,
        already_member: already,
        rules,
        explanation_zh: zh,
        explanation_en: en,
    })
}

/// What the registry runs when `membership` is about to be recorded: the eligibility rules of the
/// organization on the membership's start day. Pure: reads, never changes.
///
/// Returns the `warn` rules the member fails, or the first `reject` rule it fails (rules in
/// order). An unknown member or organization passes here: the registry reports it itself.
// The error is large, but a refused join is rare and the signature is what the registry expects.
#[allow(clippy::result_large_err)]
pub fn check_join(
    book: &CompiledBook,
    reg: &Registry,
    membership: &Membership,
) -> Result<Vec<RuleOutcome>, RuleViolation> {
    let Some(org) = reg.org_index(&membership.org) else {
        return Ok(Vec::new());
    };
    let mut warnings = Vec::new();
    let mut violation = None;
    with_eligibility(
        reg,
        book,
        &membership.member,
        org,
        membership.start,
        |r, c, s| {
            if c.eval(s) {
                return true;
            }
            let ex = c.explain(s);
            match r.rule.severity {
                Severity::Warn => {
                    warnings.push(RuleOutcome::new(&r.rule, ex));
                    true
                }
                Severity::Reject => {
                    violation = Some(RuleViolation {
                        member: membership.member.clone(),
                        org: membership.org.clone(),
                        rule: r.rule.id.clone(),
                        message_zh: r.rule.message_zh.clone(),
                        message_en: r.rule.message_en.clone(),
                        explanation_zh: ex.zh(),
                        explanation_en: ex.en(),
                    });
                    false
                }
            }
        },
    );
    match violation {
        Some(v) => Err(v),
        None => Ok(warnings),
    }
}

// ---------------------------------------------------------------------------------------------
// audit

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The organization.
    pub org: String,
    /// The rule's id.
    pub rule: String,
    /// Its family.
    pub family: Family,
    /// Its severity.
    pub severity: Severity,
    /// The member concerned, if the rule is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberRef>,
    /// The rule's message in Chinese.
    pub message_zh: String,
    /// The rule's message in English.
    pub message_en: String,
    /// What was found, in Chinese (empty for eligibility: [`check`] explains a member).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail_zh: String,
    /// What was found, in English (empty for eligibility).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail_en: String,
}

impl Violation {
    /// One tab-separated line: organization, rule, severity, member (or `-`), message, detail.
    pub fn line(&self) -> String {
        let member = self.member.as_ref().map_or_else(
            || "-".to_string(),
            |m| match m {
                MemberRef::Person(id) => format!("person:{id}"),
                MemberRef::Enterprise(id) => format!("enterprise:{id}"),
            },
        );
        let mut line = format!(
            "{}\t{}\t{}\t{}\t{}",
            self.org,
            self.rule,
            self.severity.as_str(),
            member,
            self.message_en
        );
        if !self.detail_en.is_empty() {
            line.push('\t');
            line.push_str(&self.detail_en);
        }
        line
    }
}

/// Every violation in a subtree (or the whole registry) on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audit {
    /// The day.
    #[serde(with = "crate::date::day")]
    pub as_of: NaiveDate,
    /// The subtree's root, `None` for the whole registry.
    pub root: Option<String>,
    /// Organizations audited (those existing that day in the subtree).
    pub organizations: usize,
    /// Active memberships whose eligibility was checked.
    pub memberships: usize,
    /// Violations: organizations in pre-order of the day's tree; within one, rules in order;
    /// within a rule, members in the order they were added to the registry.
    pub violations: Vec<Violation>,
}

impl Audit {
    /// Violations of one organization.
    pub fn of_org<'a>(&'a self, org: &'a str) -> impl Iterator<Item = &'a Violation> + 'a {
        self.violations.iter().filter(move |v| v.org == org)
    }

    /// Number of violations of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.violations
            .iter()
            .filter(|v| v.severity == severity)
            .count()
    }
}

fn member_ref(reg: &Registry, m: MemberIdx) -> MemberRef {
    reg.member_ref(m)
}

struct Auditor<'r, 'b> {
    reg: &'r Registry,
    book: &'b CompiledBook,
    day: NaiveDate,
    dayc: Day,
    forest: Forest,
    /// Active membership records by organization (CSR).
    start: Vec<u32>,
    records: Vec<u32>,
    enterprises: Vec<EnterpriseFacts<'r>>,
    out: Vec<Violation>,
}

impl<'r> Auditor<'r, '_> {
    fn bucket(&self, org: OrgIdx) -> &[u32] {
        let i = org.get();
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.records[a as usize..b as usize],
            _ => &[],
        }
    }

    fn subject(&self, m: MemberIdx, exclude: OrgIdx) -> Option<Subject<'r>> {
        let reg = self.reg;
        Some(match m {
            MemberIdx::Person(p) => Subject::person_on(reg.person_at(p), self.dayc).with_records(
                reg,
                reg.person_membership_lists().get(p as usize)?,
                Some(exclude),
            ),
            MemberIdx::Enterprise(e) => {
                Subject::enterprise_on(*self.enterprises.get(e as usize)?, self.dayc).with_records(
                    reg,
                    reg.enterprise_membership_lists().get(e as usize)?,
                    Some(exclude),
                )
            }
        })
    }

    fn push(
        &mut self,
        org: &str,
        r: &Rule,
        member: Option<MemberRef>,
        detail_en: String,
        detail_zh: String,
    ) {
        self.out.push(Violation {
            org: org.to_string(),
            rule: r.id.clone(),
            family: r.family(),
            severity: r.severity,
            member,
            message_zh: r.message_zh.clone(),
            message_en: r.message_en.clone(),
            detail_zh,
            detail_en,
        });
    }

    /// Distinct active members of `org` and its part-of branches, in arena order.
    fn members_with_branches(&self, org: OrgIdx) -> Vec<MemberIdx> {
        let mut members = Vec::new();
        let mut stack = vec![org];
        while let Some(o) = stack.pop() {
            members.extend(
                self.bucket(o)
                    .iter()
                    .map(|&i| self.reg.membership_record(i).member),
            );
            stack.extend(
                self.forest
                    .children(o)
                    .filter(|&c| matches!(self.forest.parent(c), Some((_, Relation::PartOf)))),
            );
        }
        members.sort_unstable();
        members.dedup();
        members
    }

    fn org(&mut self, org: OrgIdx, set: &[u32]) {
        let reg = self.reg;
        let book = self.book;
        let Some(o) = reg.organization_at(org) else {
            return;
        };
        let id = o.id.as_str();
        let mut composition_members: Option<Vec<MemberIdx>> = None;
        for &ri in set {
            let r = book.rule(ri);
            match &r.body {
                Body::Eligibility(c) => {
                    for k in 0..self.bucket(org).len() {
                        let m = reg.membership_record(self.bucket(org)[k]).member;
                        let Some(s) = self.subject(m, org) else {
                            continue;
                        };
                        if !c.eval(&s) {
                            self.push(
                                id,
                                &r.rule,
                                Some(member_ref(reg, m)),
                                String::new(),
                                String::new(),
                            );
                        }
                    }
                }
                Body::Composition(c) => {
                    let members =
                        composition_members.get_or_insert_with(|| self.members_with_branches(org));
                    let subjects: Vec<Subject<'_>> = members
                        .iter()
                        .filter_map(|&m| self.subject(m, org))
                        .collect();
                    if !c.eval_members(&subjects) {
                        let ex = c.explain_members(&subjects);
                        self.push(id, &r.rule, None, ex.en(), ex.zh());
                    }
                }
                Body::PresidentTermLimit(max) => {
                    if let Some((p, k, from, to)) = president_streak(reg, id, self.day) {
                        if k > u32::from(*max) {
                            self.push(
                                id,
                                &r.rule,
                                Some(MemberRef::Person(p.clone())),
                                format!("person `{p}` has presided {k} consecutive terms (terms {from}–{to}); at most {max} allowed"),
                                format!("{p} 已连续 {k} 届担任会长（第 {from}–{to} 届），上限 {max} 届"),
                            );
                        }
                    }
                }
                Body::CouncilSeats { max, role } => {
                    if let Some(t) = current_term(reg, id, self.day) {
                        let k = t
                            .posts
                            .iter()
                            .filter(|p| role.is_none_or(|r| p.role == r))
                            .count();
                        if k > *max as usize {
                            let (what_en, what_zh) = role.map_or_else(
                                || ("council posts".to_string(), "理事会职位".to_string()),
                                |r: Role| (format!("{r} posts"), format!("{}职位", r.zh())),
                            );
                            self.push(
                                id,
                                &r.rule,
                                None,
                                format!(
                                    "term {} has {k} {what_en}; at most {max} allowed",
                                    t.number
                                ),
                                format!("第 {} 届有 {k} 个{what_zh}，上限 {max} 个", t.number),
                            );
                        }
                    }
                }
                Body::OverdueTerm => {
                    if let Some(t) = current_term(reg, id, self.day) {
                        if t.overdue_on(self.day) {
                            self.push(
                                id,
                                &r.rule,
                                None,
                                format!(
                                    "term {} started {} for {} years; re-election was due {}",
                                    t.number,
                                    t.start,
                                    t.statutory_years,
                                    t.due()
                                ),
                                format!(
                                    "第 {} 届自 {} 起，任期 {} 年，应于 {} 换届",
                                    t.number,
                                    t.start,
                                    t.statutory_years,
                                    t.due()
                                ),
                            );
                        }
                    }
                }
                Body::Registry(code) => self.structural(org, id, &r.rule, *code),
            }
        }
    }

    fn structural(&mut self, org: OrgIdx, id: &str, r: &Rule, code: ErrorCode) {
        let reg = self.reg;
        match code {
            ErrorCode::PresidentConflict => {
                let presidents: Vec<MemberRef> = self
                    .bucket(org)
                    .iter()
                    .map(|&i| reg.membership_record(i))
                    .filter(|m| m.role == Role::President)
                    .map(|m| member_ref(reg, m.member))
                    .collect();
                if presidents.len() > 1 {
                    let names = presidents
                        .iter()
                        .map(|m| m.id())
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.push(
                        id,
                        r,
                        None,
                        format!(
                            "{} presidents active on {}: {names}",
                            presidents.len(),
                            self.day
                        ),
                        format!("{} 有 {} 位会长：{names}", self.day, presidents.len()),
                    );
                }
            }
            ErrorCode::OverlappingMembership => {
                let mut members: Vec<MemberIdx> = self
                    .bucket(org)
                    .iter()
                    .map(|&i| reg.membership_record(i).member)
                    .collect();
                members.sort_unstable();
                let mut i = 0;
                while i < members.len() {
                    let j = members[i..]
                        .iter()
                        .take_while(|m| **m == members[i])
                        .count();
                    if j > 1 {
                        self.push(
                            id,
                            r,
                            Some(member_ref(reg, members[i])),
                            format!("{j} memberships active on {}", self.day),
                            format!("{} 有 {j} 条同时有效的任职", self.day),
                        );
                    }
                    i += j;
                }
            }
            ErrorCode::LevelOrder | ErrorCode::KindMismatch => {
                let Some((p, relation)) = self.forest.parent(org) else {
                    return;
                };
                let (Some(child), Some(parent)) =
                    (reg.organization_at(org), reg.organization_at(p))
                else {
                    return;
                };
                let broken = if code == ErrorCode::LevelOrder {
                    match relation {
                        Relation::Guidance => child.level <= parent.level,
                        Relation::PartOf => child.level < parent.level,
                    }
                } else {
                    relation == Relation::PartOf
                        && child.kind != parent.kind
                        && child.kind != OrgKind::SpecialCommittee
                };
                if broken {
                    self.push(
                        id,
                        r,
                        None,
                        format!(
                            "{} {} `{}` is {relation} `{}` ({} {})",
                            child.level, child.kind, child.id, parent.id, parent.level, parent.kind
                        ),
                        format!(
                            "{}{} {} {} {}（{}{}）",
                            child.level.zh(),
                            child.kind.zh(),
                            child.id,
                            relation.zh(),
                            parent.id,
                            parent.level.zh(),
                            parent.kind.zh()
                        ),
                    );
                }
            }
            // Memberships outside a lifetime are found in the pass over all records; the other
            // codes are refused by every command and cannot be read off the records.
            _ => {}
        }
    }
}

/// The term of `org` running on `day`.
fn current_term<'r>(reg: &'r Registry, org: &str, day: NaiveDate) -> Option<&'r Term> {
    reg.terms(org)
        .ok()?
        .iter()
        .rev()
        .find(|t| active_on(t.start, t.end, day))
}

/// The president of the current term and how many consecutive terms (numbered consecutively,
/// ending with the current one) they have presided: (person, count, first term, current term).
fn president_streak(reg: &Registry, org: &str, day: NaiveDate) -> Option<(String, u32, u16, u16)> {
    let terms = reg.terms(org).ok()?;
    let pos = terms.iter().rposition(|t| active_on(t.start, t.end, day))?;
    let president = |t: &Term| {
        t.posts
            .iter()
            .find(|p| p.role == Role::President)
            .map(|p| p.person.clone())
    };
    let p = president(&terms[pos])?;
    let mut k = 1u32;
    let mut first = terms[pos].number;
    for i in (0..pos).rev() {
        let t = &terms[i];
        if t.number + 1 != first || president(t).as_deref() != Some(p.as_str()) {
            break;
        }
        first = t.number;
        k += 1;
    }
    Some((p, k, first, terms[pos].number))
}

/// Every violation on `day` in the subtree of `root` (the tree of that day), or in the whole
/// registry: eligibility of each active membership (against the rules of the organization it is
/// recorded in, the member's other memberships excluding that organization), composition
/// conditions over each organization's distinct active members (branches included), term rules
/// (overdue, seats, president streaks) and the structural rules that can be re-verified on
/// records ([`REVERIFIED_CODES`](super::REVERIFIED_CODES)).
///
/// A root that does not exist on `day` gives an empty audit; an unknown root is an error.
/// Cost: one pass over the membership records plus one evaluation per active membership and
/// eligibility rule.
pub fn audit(
    reg: &Registry,
    book: &CompiledBook,
    root: Option<&str>,
    day: NaiveDate,
) -> Result<Audit, RuleError> {
    let root_idx = match root {
        Some(id) => Some(
            reg.org_index(id)
                .ok_or_else(|| not_found("organization", id))?,
        ),
        None => None,
    };
    let forest = reg.tree_at(day);
    let orgs: Vec<OrgIdx> = match root_idx {
        Some(r) => forest.subtree(r).to_vec(),
        None => forest.order().to_vec(),
    };
    let n = reg.organization_count();
    let mut in_scope = vec![false; n];
    for o in &orgs {
        in_scope[o.get()] = true;
    }
    // Active records by organization, counting sort.
    let mut start = vec![0u32; n + 1];
    let mut outside = Vec::new();
    let total = reg.membership_count() as u32;
    for i in 0..total {
        let m = reg.membership_record(i);
        if m.active_on(day) {
            if in_scope[m.org.get()] {
                start[m.org.get() + 1] += 1;
            } else if root.is_none() && !forest.contains(m.org) {
                outside.push(i);
            }
        }
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut records = vec![0u32; start[n] as usize];
    for i in 0..total {
        let m = reg.membership_record(i);
        if m.active_on(day) && in_scope[m.org.get()] {
            let slot = &mut fill[m.org.get()];
            records[*slot as usize] = i;
            *slot += 1;
        }
    }
    let memberships = records.len();
    let credit = book.rules.iter().any(|r| match &r.body {
        Body::Eligibility(c) | Body::Composition(c) => c.reads_credit(),
        _ => false,
    });
    let enterprises: Vec<EnterpriseFacts<'_>> = reg
        .enterprises()
        .map(|e| EnterpriseFacts::checked(e, credit))
        .collect();
    let mut a = Auditor {
        reg,
        book,
        day,
        dayc: Day::new(day),
        forest,
        start,
        records,
        enterprises,
        out: Vec::new(),
    };
    // Memberships active in an organization that does not exist that day.
    if let Some(&ri) = book.common.iter().find(|&&ri| {
        matches!(
            book.rule(ri).body,
            Body::Registry(ErrorCode::OutsideLifetime)
        )
    }) {
        let r = &book.rule(ri).rule;
        for i in outside {
            let m = reg.membership_record(i);
            if let Some(o) = reg.organization_at(m.org) {
                a.push(
                    &o.id,
                    r,
                    Some(member_ref(reg, m.member)),
                    format!("membership active on {day}, when the organization does not exist"),
                    format!("{day} 任职有效，但组织当日不存在"),
                );
            }
        }
    }
    let mut sets: HashMap<SetKey, Vec<u32>> = HashMap::new();
    for &org in &orgs {
        let key = book.key(reg, &a.forest, org);
        let set = match sets.get(&key) {
            Some(s) => s.clone(),
            None => {
                let s = book.set(&key);
                sets.insert(key, s.clone());
                s
            }
        };
        a.org(org, &set);
    }
    Ok(Audit {
        as_of: day,
        root: root.map(str::to_string),
        organizations: orgs.len(),
        memberships,
        violations: a.out,
    })
}

// ---------------------------------------------------------------------------------------------
// candidates

/// A key candidates are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderKey {
    /// Higher professional title first.
    TitleDesc,
    /// Lower professional title first.
    TitleAsc,
    /// Higher education first.
    EducationDesc,
    /// Lower education first.
    EducationAsc,
    /// Younger first (later earliest birth day first).
    AgeAsc,
    /// Older first.
    AgeDesc,
    /// By id (byte order of the UTF-8 text). Ids are unique, so keys after it never matter.
    Id,
}

/// How [`candidates`] ranks: by the keys in order; values not recorded (and enterprises, which
/// have no title or age) come last for every key; remaining ties keep the order in which the
/// members were added to the registry (persons before enterprises).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateOrder {
    /// The keys, most significant first. At most three attribute keys count (title,
    /// education and age make three); `id` ends the ranking (ids are unique).
    pub keys: Vec<OrderKey>,
    /// Keep only the first `limit` candidates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

impl Default for CandidateOrder {
    /// Title descending, then age ascending, then id; no limit.
    fn default() -> Self {
        CandidateOrder {
            keys: vec![OrderKey::TitleDesc, OrderKey::AgeAsc, OrderKey::Id],
            limit: None,
        }
    }
}

/// A member who could join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Candidate<'r> {
    /// The person's or enterprise's id.
    pub id: &'r str,
    /// Whether it is an enterprise.
    pub enterprise: bool,
    /// Professional title (persons).
    pub title: Option<Title>,
    /// Education, when recorded.
    pub education: Option<Education>,
    /// Age on the day, when the birth date is recorded.
    pub age: Option<u32>,
    /// Number of `warn` eligibility rules not met.
    pub warnings: u32,
}

/// Bits of the age part of a rank key (calendar order of birth days).
const AGE_BITS: u32 = 20;
const AGE_MISSING: u64 = (1 << AGE_BITS) - 1;
/// Attributes a rank key can hold (title, education, age).
const MAX_KEYS: usize = 3;

/// What ranking reads of a member: title, education (indices) and packed birth day (0: none).
#[derive(Clone, Copy)]
struct RankInput {
    title: Option<u8>,
    education: Option<u8>,
    birth: u32,
}

/// Bits of an order key's part of a rank key: enough for every value and, all ones, "missing"
/// (which sorts last). Narrow parts keep the key short, so the radix sort makes fewer passes.
fn key_bits(k: OrderKey) -> u32 {
    let bits = |n: usize| usize::BITS - n.leading_zeros();
    match k {
        OrderKey::TitleDesc | OrderKey::TitleAsc => bits(Title::ALL.len()),
        OrderKey::EducationDesc | OrderKey::EducationAsc => bits(Education::ALL.len()),
        OrderKey::AgeAsc | OrderKey::AgeDesc => AGE_BITS,
        OrderKey::Id => 0,
    }
}

/// The attribute an order key reads: a second key on an attribute never decides anything, since
/// the first already ordered every pair whose values differ.
fn attribute(k: OrderKey) -> u8 {
    match k {
        OrderKey::TitleDesc | OrderKey::TitleAsc => 0,
        OrderKey::EducationDesc | OrderKey::EducationAsc => 1,
        OrderKey::AgeAsc | OrderKey::AgeDesc => 2,
        OrderKey::Id => 3,
    }
}

/// Builds the entries of candidates for an order: the attribute keys before `id`, each
/// attribute once (so at most 3 + 4 + 20 bits: a rank key fits 32), with their widths, worked
/// out once rather than per candidate.
struct Ranker {
    parts: [(OrderKey, u32); MAX_KEYS],
    len: usize,
    by_id: bool,
    day: Day,
}

impl Ranker {
    fn new(order: &CandidateOrder, day: Day) -> Self {
        let mut parts = [(OrderKey::Id, 0); MAX_KEYS];
        let mut len = 0;
        for &k in order.keys.iter().take_while(|k| **k != OrderKey::Id) {
            if len < MAX_KEYS
                && !parts[..len]
                    .iter()
                    .any(|(p, _)| attribute(*p) == attribute(k))
            {
                parts[len] = (k, key_bits(k));
                len += 1;
            }
        }
        Ranker {
            parts,
            len,
            by_id: order.keys.contains(&OrderKey::Id),
            day,
        }
    }

    /// The rank key of a member: each order key in its [`key_bits`], most significant first.
    #[inline]
    fn key(&self, r: RankInput) -> u32 {
        let mut key = 0u64;
        for &(k, bits) in self.parts.iter().take(self.len) {
            let comp = match k {
                OrderKey::TitleDesc => r
                    .title
                    .map(|t| ((Title::ALL.len() - 1) as u64).saturating_sub(u64::from(t))),
                OrderKey::TitleAsc => r.title.map(u64::from),
                OrderKey::EducationDesc => r
                    .education
                    .map(|e| ((Education::ALL.len() - 1) as u64).saturating_sub(u64::from(e))),
                OrderKey::EducationAsc => r.education.map(u64::from),
                OrderKey::AgeAsc | OrderKey::AgeDesc => (r.birth != 0).then(|| {
                    // Years from 1890 (clamped) and month-day: calendar order in 20 bits.
                    let year = (i64::from(r.birth >> 9) - 32768 - 1890).clamp(0, 2047) as u64;
                    let days = (year << 9 | u64::from(r.birth & 511)).min(AGE_MISSING - 1);
                    if k == OrderKey::AgeAsc {
                        AGE_MISSING - 1 - days
                    } else {
                        days
                    }
                }),
                OrderKey::Id => None,
            };
            key = key << bits | comp.unwrap_or((1 << bits) - 1);
        }
        // At most 27 bits: nothing is lost.
        key as u32
    }

    /// The entry of a candidate (`id8`: the first bytes of `id`, read only when ranking by id).
    #[inline]
    fn entry<'r>(
        &self,
        r: RankInput,
        who: u32,
        warnings: usize,
        id: &'r str,
        id8: impl Fn() -> u64,
    ) -> Entry<'r> {
        Entry {
            id8: if self.by_id { id8() } else { 0 },
            id,
            key: self.key(r),
            who,
            warnings: u8::try_from(warnings).unwrap_or(u8::MAX),
            title: r.title.unwrap_or(NONE8),
            education: r.education.unwrap_or(NONE8),
            age: self
                .day
                .age_packed(r.birth)
                .and_then(|a| u8::try_from(a).ok())
                .filter(|&a| a != NONE8)
                .unwrap_or(NONE8),
        }
    }
}

/// A candidate with its sort keys: the first bytes of the id (when ranking by id), the id itself
/// (read in registration order while the entries are built, so that writing the answer in rank
/// order reads no scattered memory), the rank key, who it is (person index, or enterprise index
/// with [`ENTERPRISE`] set: registration order) and what the answer shows besides the id,
/// packed (`u8::MAX`: none).
#[derive(Clone, Copy)]
struct Entry<'r> {
    id8: u64,
    id: &'r str,
    key: u32,
    who: u32,
    warnings: u8,
    title: u8,
    education: u8,
    age: u8,
}

impl Entry<'_> {
    const EMPTY: Entry<'static> = Entry {
        id8: 0,
        id: "",
        key: 0,
        who: 0,
        warnings: 0,
        title: NONE8,
        education: NONE8,
        age: NONE8,
    };
}

const ENTERPRISE: u32 = 1 << 31;

/// Most bits per digit of [`radix_sort`]: at most 4,096 buckets, few enough that scattering
/// stays in cache.
const RADIX_BITS: u32 = 12;

/// Sorts entries by key with an LSD radix sort over the span of bits that differ between
/// entries, in as few passes of at most [`RADIX_BITS`] bits as cover it (the counts of every
/// pass taken in one read); stable, so equal keys keep the order they were found in.
fn radix_sort(v: &mut Vec<Entry<'_>>) {
    let (mut and, mut or) = (u32::MAX, 0u32);
    for e in v.iter() {
        and &= e.key;
        or |= e.key;
    }
    let varying = and ^ or;
    if varying == 0 {
        return;
    }
    let low = varying.trailing_zeros();
    let span = 32 - varying.leading_zeros() - low;
    let passes = span.div_ceil(RADIX_BITS) as usize;
    let bits = span.div_ceil(passes as u32);
    let (mask, buckets) = ((1u32 << bits) - 1, 1usize << bits);
    let digit = |key: u32, pass: usize| ((key >> (low + pass as u32 * bits)) & mask) as usize;
    let mut count = vec![0usize; passes * buckets];
    for e in v.iter() {
        for (pass, c) in count.chunks_exact_mut(buckets).enumerate() {
            c[digit(e.key, pass)] += 1;
        }
    }
    let mut tmp = vec![Entry::EMPTY; v.len()];
    for (pass, c) in count.chunks_exact_mut(buckets).enumerate() {
        let mut at = 0;
        for slot in c.iter_mut() {
            let n = *slot;
            *slot = at;
            at += n;
        }
        for e in v.iter() {
            let slot = &mut c[digit(e.key, pass)];
            tmp[*slot] = *e;
            *slot += 1;
        }
        std::mem::swap(v, &mut tmp);
    }
}

/// Sorts entries by `cmp`, whose first criterion is the rank key: [`radix_sort`] on the key
/// (stable, so equal keys stay in registration order), then, when ranking by id, each run of
/// equal keys by `cmp`. (An in-place American flag sort, which needs no second buffer, was
/// tried: its swaps across the list made the full candidates list 50 % slower.)
fn rank_sort<'r>(
    entries: &mut Vec<Entry<'r>>,
    by_id: bool,
    cmp: &impl Fn(&Entry<'r>, &Entry<'r>) -> std::cmp::Ordering,
) {
    radix_sort(entries);
    if by_id {
        // Runs of equal keys by id (integer prefixes first).
        let mut i = 0;
        while i < entries.len() {
            let key = entries[i].key;
            let j = i + entries[i..].iter().take_while(|e| e.key == key).count();
            if j - i > 1 {
                entries[i..j].sort_unstable_by(cmp);
            }
            i = j;
        }
    }
}

/// Persons and enterprises eligible for `org_id` on `day` (no `reject` eligibility rule fails)
/// who are not already active members of it or of its part-of branches, ranked by `order`
/// ([`CandidateOrder::default`]: title descending, age ascending, id). Each candidate counts the
/// `warn` eligibility rules it fails. Their other memberships (for `member_of`) exclude the
/// organization itself.
///
/// Unknown organization: an error; one that does not exist on `day`: no candidates. Cost: the
/// organization's own membership records (who is a member already), the rules evaluated over
/// the registry's person columns 64 persons at a time
/// ([`Condition::matching_rows`](super::Condition::matching_rows) shows the technique; the
/// columns are built on the registry's first such question and kept up to date after), one
/// evaluation per enterprise, and a radix sort of the candidates on integer keys (with `limit`,
/// a selection).
pub fn candidates<'r>(
    reg: &'r Registry,
    book: &CompiledBook,
    org_id: &str,
    day: NaiveDate,
    order: &CandidateOrder,
) -> Result<Vec<Candidate<'r>>, RuleError> {
    candidates_indexed(&PersonIndex::new(reg), book, org_id, day, order)
}

/// [`candidates`] on a [`PersonIndex`] already taken (the same answer).
pub fn candidates_indexed<'r>(
    ix: &PersonIndex<'r>,
    book: &CompiledBook,
    org_id: &str,
    day: NaiveDate,
    order: &CandidateOrder,
) -> Result<Vec<Candidate<'r>>, RuleError> {
    let reg = ix.registry();
    let org = reg
        .org_index(org_id)
        .ok_or_else(|| not_found("organization", org_id))?;
    let forest = reg.tree_at(day);
    if !forest.contains(org) {
        return Ok(Vec::new());
    }
    let set = book.set(&book.key(reg, &forest, org));
    let (mut rejects, mut warns) = (Vec::new(), Vec::new());
    for &i in &set {
        if let Body::Eligibility(c) = &book.rule(i).body {
            match book.rule(i).rule.severity {
                Severity::Reject => rejects.push(c),
                Severity::Warn => warns.push(c),
            }
        }
    }
    let credit = rejects.iter().chain(&warns).any(|c| c.reads_credit());
    // The organization and its part-of branches: their members are already members. Their own
    // membership lists say who (a few records, not a pass over every membership).
    let persons = reg.person_count();
    let elists = reg.enterprise_membership_lists();
    let mut member = vec![false; persons + elists.len()];
    let mut stack = vec![org];
    while let Some(o) = stack.pop() {
        stack.extend(
            forest
                .children(o)
                .filter(|&c| matches!(forest.parent(c), Some((_, Relation::PartOf)))),
        );
        for &i in reg.org_membership_records(o) {
            let m = reg.membership_record(i);
            if !m.active_on(day) {
                continue;
            }
            let slot = match m.member {
                MemberIdx::Person(p) => p as usize,
                MemberIdx::Enterprise(e) => persons + e as usize,
            };
            if let Some(x) = member.get_mut(slot) {
                *x = true;
            }
        }
    }
    let dayc = Day::new(day);
    let ranker = Ranker::new(order, dayc);
    // Persons, a column at a time, 64 per step (see `columns`): first which pass (and which
    // warn rules each fails), so that the entries are allocated once at their exact size.
    let n = ix.len().min(persons);
    let prepare = |c| Columns::new(c, ix, day, Some(org));
    let reject_cols: Vec<Columns<'_>> = rejects.iter().copied().map(prepare).collect();
    let warn_cols: Vec<Columns<'_>> = warns.iter().copied().map(prepare).collect();
    let words = n.div_ceil(64);
    let mut passed = Vec::with_capacity(words);
    let mut failed = vec![0u64; words * warn_cols.len()];
    for base in (0..n).step_by(64) {
        let live = low_bits(n - base) & !gather(&member, base, |m| m);
        let ok = reject_cols.iter().fold(live, |m, r| r.word(base, m));
        for (j, w) in warn_cols.iter().enumerate() {
            if let Some(f) = failed.get_mut(j * words + base / 64) {
                *f = ok & !w.word(base, ok);
            }
        }
        passed.push(ok);
    }
    let enterprises: Vec<&'r Enterprise> = reg.enterprises().collect();
    let count = passed
        .iter()
        .map(|w| w.count_ones() as usize)
        .sum::<usize>();
    let mut entries: Vec<Entry<'r>> = Vec::with_capacity(count + enterprises.len());
    for (word, &ok) in passed.iter().enumerate() {
        let base = word * 64;
        for k in set_bits(ok) {
            let i = base + k as usize;
            let r = RankInput {
                title: PersonIndex::byte(&ix.cols.title, i as u32),
                education: PersonIndex::byte(&ix.cols.education, i as u32),
                birth: ix.cols.birth.get(i).copied().unwrap_or(0),
            };
            let warnings = (0..warn_cols.len())
                .filter(|j| {
                    failed
                        .get(j * words + word)
                        .is_some_and(|f| f >> k & 1 != 0)
                })
                .count();
            let id = ix.id(i as u32);
            let id8 = || ix.cols.id8.get(i).copied().unwrap_or(0);
            entries.push(ranker.entry(r, i as u32, warnings, id, id8));
        }
    }
    // Enterprises, record by record (they are few, and have no columns).
    for (i, (e, list)) in enterprises.iter().zip(elists).enumerate() {
        if member.get(persons + i).copied().unwrap_or(true) {
            continue;
        }
        let s = Subject::enterprise_on(EnterpriseFacts::checked(e, credit), dayc).with_records(
            reg,
            list,
            Some(org),
        );
        if !rejects.iter().all(|c| c.eval(&s)) {
            continue;
        }
        let r = RankInput {
            title: None,
            education: None,
            birth: 0,
        };
        let warnings = warns.iter().filter(|w| !w.eval(&s)).count();
        let who = ENTERPRISE | i as u32;
        entries.push(ranker.entry(r, who, warnings, &e.id, || id_prefix(&e.id)));
    }
    // Found in registration order (persons, then enterprises), hence `who` breaks the last ties.
    let by_id = ranker.by_id;
    let cmp = |a: &Entry<'_>, b: &Entry<'_>| {
        (a.key, a.id8)
            .cmp(&(b.key, b.id8))
            .then_with(|| {
                if by_id {
                    a.id.cmp(b.id)
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then(a.who.cmp(&b.who))
    };
    match order.limit {
        Some(0) => return Ok(Vec::new()),
        Some(limit) if limit < entries.len() => {
            entries.select_nth_unstable_by(limit - 1, cmp);
            entries.truncate(limit);
            entries.sort_unstable_by(cmp);
        }
        _ => rank_sort(&mut entries, by_id, &cmp),
    }
    let byte = |b: u8| (b != NONE8).then_some(b as usize);
    Ok(entries
        .iter()
        .map(|e| Candidate {
            id: e.id,
            enterprise: e.who & ENTERPRISE != 0,
            title: byte(e.title).and_then(|t| Title::ALL.get(t)).copied(),
            education: byte(e.education)
                .and_then(|t| Education::ALL.get(t))
                .copied(),
            age: byte(e.age).map(|a| a as u32),
            warnings: u32::from(e.warnings),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `rank_sort` puts entries in exactly the order of a comparison sort: by key, id and
    /// registration order when ranking by id, by key and then the order they were found in
    /// otherwise; for keys of every width and skew (all equal, a few values, wide random spans,
    /// spans that end at bit 31), lists shorter and longer than a bucket, ids that tie on their
    /// first eight bytes, and persons before enterprises.
    #[test]
    fn rank_sort_equals_a_comparison_sort() {
        let ids: Vec<String> = (0..4000)
            .map(|i| format!("person-{:05}", (i * 7919) % 4000))
            .collect();
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let cmp = |a: &Entry<'_>, b: &Entry<'_>| {
            (a.key, a.id8)
                .cmp(&(b.key, b.id8))
                .then_with(|| a.id.cmp(b.id))
                .then(a.who.cmp(&b.who))
        };
        let key_shapes: [fn(u64) -> u32; 6] = [
            |_| 7,
            |r| (r % 5) as u32,
            |r| (r & 0x7F_FFFF) as u32,
            |r| (((r % 6) << 20) | ((r >> 20) % 18_000)) as u32,
            |r| r as u32,
            |r| (((r & 1) << 31) | ((r >> 40) & 0xFFF)) as u32,
        ];
        for shape in key_shapes {
            for n in [0usize, 1, 2, 47, 48, 49, 300, 4000] {
                let mut v: Vec<Entry<'_>> = (0..n)
                    .map(|i| {
                        let r = next();
                        let id = ids[i].as_str();
                        Entry {
                            key: shape(r),
                            id8: id_prefix(id),
                            id,
                            who: if i % 17 == 0 {
                                ENTERPRISE | i as u32
                            } else {
                                i as u32
                            },
                            warnings: (r % 3) as u8,
                            title: NONE8,
                            education: NONE8,
                            age: NONE8,
                        }
                    })
                    .collect();
                let order = |v: &[Entry<'_>]| v.iter().map(|e| (e.key, e.who)).collect::<Vec<_>>();
                let mut found_order = v.clone();
                let mut expected = v.clone();
                expected.sort_by(cmp);
                rank_sort(&mut v, true, &cmp);
                assert_eq!(order(&v), order(&expected), "{n} entries by id");
                expected = found_order.clone();
                expected.sort_by_key(|e| e.key);
                rank_sort(&mut found_order, false, &|a, b| a.key.cmp(&b.key));
                assert_eq!(
                    order(&found_order),
                    order(&expected),
                    "{n} entries as found"
                );
            }
        }
    }

    /// Every order's rank key fits the 32 bits of an entry: keys on one attribute count once.
    #[test]
    fn rank_keys_fit_in_32_bits() {
        let all = [
            OrderKey::TitleDesc,
            OrderKey::TitleAsc,
            OrderKey::EducationDesc,
            OrderKey::EducationAsc,
            OrderKey::AgeAsc,
            OrderKey::AgeDesc,
        ];
        let day = Day::new(NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default());
        for a in all {
            for b in all {
                for c in all {
                    for d in all {
                        let order = CandidateOrder {
                            keys: vec![a, b, c, d],
                            limit: None,
                        };
                        let r = Ranker::new(&order, day);
                        let bits: u32 = r.parts[..r.len].iter().map(|p| p.1).sum();
                        assert!(bits <= 32, "{a:?} {b:?} {c:?} {d:?}: {bits} bits");
                    }
                }
            }
        }
    }
}
