//! Model-based test (issue 8): long random command sequences are applied both to a [`Registry`]
//! and to a deliberately naive reference model written here (vectors of records, every question
//! answered by scanning all records and all days), and after every command the two must agree:
//!
//! 1. on acceptance or rejection, with the same `ErrorCode` (the model follows the order in
//!    which the registry documents its checks: the record's own fields, then lookups, then
//!    structure); a rejected command leaves the registry exactly as it was (`==` against a
//!    clone taken before, which covers its indexes and journal too);
//! 2. on every observable record and view: organizations, persons, memberships (in the order
//!    created, as `Registry::memberships` documents), parent histories, memberships of each
//!    person, and on every day of the test's calendar the roots, ancestors, children, subtrees,
//!    members under each [`MemberScope`], `is_within` and `is_member_within`, for every id of
//!    the pools, unknown ones included (`not_found`);
//! 3. on statistics: every row of `stats::rollup` (plain totals and the role and party
//!    breakdowns) and `stats::rollup_totals` equal brute-force counts of distinct persons
//!    computed from the model alone, walking its parent links of that day.
//!
//! At the end of each sequence the snapshot JSON loads back into an equal registry, and the
//! accepted commands applied as one `apply_batch` build an equal registry too.
//!
//! What is modelled: add/update/move/dissolve organization, add/update person, join, leave and
//! change of role, with every structural rule the registry enforces for them: ids, names and
//! sources (blank ones are invalid), division codes against the national level, date order,
//! lifetimes (of a child inside its parent's, of a membership inside its organization's), level
//! order and kinds of both relations (also when an update changes a level or kind), unknown and
//! duplicate ids, immutable founding and dissolution days, moves dated after the last parent
//! change and not onto the same parent, cycles on the day of a move or any later day, active
//! children and memberships starting after a dissolution day, memberships closed by a
//! dissolution, overlapping memberships, one president at a time (joins and role changes),
//! leaving or changing role without an active membership, same-role changes, same-day role
//! changes that replace the role.
//!
//! What is not, and the generator never makes it: enterprises (only persons are members),
//! membership rule books (`set_rule_book`: the eligibility rules have their own tests in
//! `rules.rs` / `join_rules.rs`), terms, designations, activities, advice and affiliations (they
//! only add more dated records that a dissolution must respect), partial dates, resident IDs,
//! birth dates and the length and control-character limits of ids and texts. Organizations have
//! no category or carrier, persons fixed attributes besides name and party.
//!
//! Every date is a day of a ten-day calendar, so the model may answer "do these intervals share a
//! day" or "is there a later day on which …" by trying every day of the calendar: all interval
//! ends are calendar days, so that is exact.

use chrono::{Days, NaiveDate, NaiveDateTime};
use proptest::prelude::*;
use std::collections::BTreeSet;
use tongxin::stats::{rollup, rollup_totals, Dimension};
use tongxin::{
    Command, ErrorCode as Code, Level, MemberRef, MemberScope, Membership, Meta, OrgKind,
    Organization, ParentLink, Party, Person, Registry, Relation, Role, Stratum, Title,
};

/// Organization ids `o0`…`o5`; index `ORGS` stands for an invalid id.
const ORGS: usize = 6;
/// Person ids `p0`…`p5`; index `PERSONS` stands for an invalid id.
const PERSONS: usize = 6;
/// Commands use days `0..DAYS` of the calendar; checks look at days `0..=DAYS`.
const DAYS: u64 = 10;

/// Day `k` of the test's calendar.
fn day(k: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).expect("date") + Days::new(k)
}

/// Every day the checks look at: the calendar and one day after it.
fn all_days() -> impl Iterator<Item = NaiveDate> {
    (0..=DAYS).map(day)
}

/// The id of organization `i` (an id with a leading space, which is invalid, for `ORGS`).
fn org_id(i: usize) -> String {
    if i < ORGS {
        format!("o{i}")
    } else {
        " o".to_string()
    }
}

/// The id of person `i` (an invalid id for `PERSONS`).
fn person_id(i: usize) -> String {
    if i < PERSONS {
        format!("p{i}")
    } else {
        "p ".to_string()
    }
}

/// A division code of the right form for `level` (`00` only for national), or, when `!ok`, one
/// that contradicts the national rule.
fn division_code(level: Level, ok: bool) -> String {
    let code = match (level, ok) {
        (Level::National, true) => "00",
        (Level::National, false) => "4403",
        (_, false) => "00",
        (Level::Provincial, _) => "44",
        (Level::Municipal, _) => "4403",
        (Level::District, _) => "440304",
        (Level::Subdistrict, _) => "440304004",
        (Level::Community, _) => "440304004001",
    };
    code.to_string()
}

/// Organization name variant `k` (variant 3 is blank, which is invalid).
fn org_name(k: u8) -> String {
    match k {
        0 => "福田区知联会".into(),
        1 => "南山区新联会".into(),
        2 => "专委会".into(),
        _ => "  ".into(),
    }
}

/// Person name variant `k` (`None`, two names, or a blank one, which is invalid).
fn person_name(k: u8) -> Option<String> {
    match k {
        0 => None,
        1 => Some("张三".into()),
        2 => Some("李四".into()),
        _ => Some(" ".into()),
    }
}

/// Membership source variant `k` (`None`, a text, or a blank one, which is invalid).
fn source(k: u8) -> Option<String> {
    match k {
        0 => None,
        1 => Some("双轨推荐".into()),
        _ => Some(" ".into()),
    }
}

/// A person record with fixed attributes besides id, name and party.
fn person(id: String, name: Option<String>, party: Party) -> Person {
    Person {
        id,
        name,
        sex: None,
        birth: None,
        ethnicity: None,
        party,
        title: Title::Intermediate,
        stratum: Stratum::None,
        education: None,
        returned_overseas: false,
        employer: None,
        profession: None,
        resident_id: None,
        political_posts: vec![],
    }
}

/// Fixed command metadata.
fn meta() -> Meta {
    Meta {
        at: NaiveDateTime::new(
            day(0),
            chrono::NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
        ),
        actor: "model".into(),
    }
}

/// Whether `[start, end)` contains `d`.
fn within(start: NaiveDate, end: Option<NaiveDate>, d: NaiveDate) -> bool {
    start <= d && end.is_none_or(|e| d < e)
}

/// Whether two intervals share a day of the calendar (exact: every interval end is a calendar
/// day).
fn share_a_day(a: (NaiveDate, Option<NaiveDate>), b: (NaiveDate, Option<NaiveDate>)) -> bool {
    all_days().any(|d| within(a.0, a.1, d) && within(b.0, b.1, d))
}

/// Whether an organization exists on `d` (founded on or before, not yet dissolved).
fn exists(org: &Organization, d: NaiveDate) -> bool {
    within(org.founded, org.dissolved, d)
}

/// Whether `[start, end)` lies inside the organization's lifetime.
fn inside_lifetime(org: &Organization, start: NaiveDate, end: Option<NaiveDate>) -> bool {
    exists(org, start)
        && match (org.dissolved, end) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(d), Some(e)) => e <= d,
        }
}

/// Whether an id is acceptable (the generator's invalid ids are only ever blank-padded).
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.trim() == id
}

/// Whether a name or other text is acceptable (the generator's invalid texts are blank).
fn valid_text(text: &str) -> bool {
    !text.trim().is_empty()
}

/// DESIGN §rules: a guided organization sits strictly lower than its guide; a part-of branch at
/// its parent's level or lower, and of its parent's kind unless it is a special committee.
fn relation_error(child: &Organization, parent: &Organization, rel: Relation) -> Option<Code> {
    let lower = child.level > parent.level;
    let same_or_lower = child.level >= parent.level;
    match rel {
        Relation::Guidance if !lower => Some(Code::LevelOrder),
        Relation::PartOf if !same_or_lower => Some(Code::LevelOrder),
        Relation::PartOf
            if child.kind != parent.kind && child.kind != OrgKind::SpecialCommittee =>
        {
            Some(Code::KindMismatch)
        }
        _ => None,
    }
}

/// An organization of the model with its dated parent history.
#[derive(Debug, Clone)]
struct ModelOrg {
    org: Organization,
    links: Vec<ParentLink>,
}

/// The reference model: records in the order they were added, nothing indexed.
#[derive(Debug, Clone, Default)]
struct Model {
    orgs: Vec<ModelOrg>,
    persons: Vec<Person>,
    memberships: Vec<Membership>,
}

impl Model {
    /// The organization with this id.
    fn org(&self, id: &str) -> Option<&ModelOrg> {
        self.orgs.iter().find(|o| o.org.id == id)
    }

    /// The organization with this id, mutably.
    fn org_mut(&mut self, id: &str) -> Option<&mut ModelOrg> {
        self.orgs.iter_mut().find(|o| o.org.id == id)
    }

    /// The person with this id.
    fn person(&self, id: &str) -> Option<&Person> {
        self.persons.iter().find(|p| p.id == id)
    }

    /// The parent link of `id` in force on `d` (whether or not the organization exists then).
    fn link_on(&self, id: &str, d: NaiveDate) -> Option<&ParentLink> {
        self.org(id)?.links.iter().find(|l| within(l.from, l.to, d))
    }

    /// The parent of `id` by its link of `d`, ignoring existence (what a cycle is made of).
    fn raw_parent(&self, id: &str, d: NaiveDate) -> Option<String> {
        self.link_on(id, d)?.parent.clone()
    }

    /// Whether organization `id` exists on `d`.
    fn exists_on(&self, id: &str, d: NaiveDate) -> bool {
        self.org(id).is_some_and(|o| exists(&o.org, d))
    }

    /// The parent and relation of `id` in the tree of `d` (`None` for a root or when it does
    /// not exist that day).
    fn parent_on(&self, id: &str, d: NaiveDate) -> Option<(String, Relation)> {
        if !self.exists_on(id, d) {
            return None;
        }
        let l = self.link_on(id, d)?;
        l.parent.clone().map(|p| (p, l.relation))
    }

    /// Ancestors of `id` on `d`, parent first.
    fn ancestors(&self, id: &str, d: NaiveDate) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = id.to_string();
        while let Some((p, _)) = self.parent_on(&cur, d) {
            if out.len() > self.orgs.len() {
                break;
            }
            out.push(p.clone());
            cur = p;
        }
        out
    }

    /// Children of `id` on `d`, in the order the organizations were added.
    fn children(&self, id: &str, d: NaiveDate) -> Vec<String> {
        self.orgs
            .iter()
            .filter(|o| self.parent_on(&o.org.id, d).is_some_and(|(p, _)| p == id))
            .map(|o| o.org.id.clone())
            .collect()
    }

    /// The subtree of `id` on `d` in pre-order (children in the order added); empty when it
    /// does not exist that day.
    fn subtree(&self, id: &str, d: NaiveDate) -> Vec<String> {
        if !self.exists_on(id, d) {
            return Vec::new();
        }
        let mut out = vec![id.to_string()];
        for c in self.children(id, d) {
            if out.len() > self.orgs.len() {
                break;
            }
            out.extend(self.subtree(&c, d));
        }
        out
    }

    /// Roots existing on `d`, in the order added.
    fn roots(&self, d: NaiveDate) -> Vec<String> {
        self.orgs
            .iter()
            .filter(|o| exists(&o.org, d) && self.parent_on(&o.org.id, d).is_none())
            .map(|o| o.org.id.clone())
            .collect()
    }

    /// Every organization existing on `d`, in pre-order of the day's forest.
    fn preorder(&self, d: NaiveDate) -> Vec<String> {
        self.roots(d)
            .iter()
            .flat_map(|r| self.subtree(r, d))
            .collect()
    }

    /// The organizations whose memberships count for `id` under `scope` on `d`: itself; itself
    /// and its part-of branches, recursively; or its whole subtree.
    fn scope_orgs(&self, id: &str, d: NaiveDate, scope: MemberScope) -> Vec<String> {
        if !self.exists_on(id, d) {
            return Vec::new();
        }
        match scope {
            MemberScope::Direct => vec![id.to_string()],
            MemberScope::Subtree => self.subtree(id, d),
            MemberScope::WithBranches => {
                let mut out = vec![id.to_string()];
                for c in self.children(id, d) {
                    if self
                        .parent_on(&c, d)
                        .is_some_and(|(_, r)| r == Relation::PartOf)
                    {
                        out.extend(self.scope_orgs(&c, d, scope));
                    }
                }
                out
            }
        }
    }

    /// Memberships active on `d` in any of `orgs`.
    fn active_in<'a>(&'a self, orgs: &[String], d: NaiveDate) -> Vec<&'a Membership> {
        self.memberships
            .iter()
            .filter(|m| orgs.contains(&m.org) && m.active_on(d))
            .collect()
    }

    /// Distinct persons active on `d` for `id` under `scope`, sorted by id.
    fn members(&self, id: &str, d: NaiveDate, scope: MemberScope) -> Vec<MemberRef> {
        let set: BTreeSet<MemberRef> = self
            .active_in(&self.scope_orgs(id, d, scope), d)
            .into_iter()
            .map(|m| m.member.clone())
            .collect();
        set.into_iter().collect()
    }

    /// The brute-force rollup of `d`: for each organization existing that day, in pre-order,
    /// its id, the number of distinct persons active anywhere in its subtree, 0 enterprises, and
    /// per column of the breakdown the distinct persons counted under that column.
    fn rollup(&self, d: NaiveDate, dim: Option<Dimension>) -> Vec<(String, u64, u64, Vec<u64>)> {
        self.preorder(d)
            .into_iter()
            .map(|o| {
                let active = self.active_in(&self.subtree(&o, d), d);
                let distinct = |keep: &dyn Fn(&Membership) -> bool| {
                    active
                        .iter()
                        .filter(|m| keep(m))
                        .map(|m| m.member.id())
                        .collect::<BTreeSet<_>>()
                        .len() as u64
                };
                let party = |m: &Membership| self.person(m.member.id()).map(|p| p.party);
                let counts = match dim {
                    None => vec![],
                    Some(Dimension::Role) => Role::ALL
                        .iter()
                        .map(|&r| distinct(&|m| m.role == r))
                        .collect(),
                    Some(Dimension::Party) => Party::ALL
                        .iter()
                        .map(|&p| distinct(&|m| party(m) == Some(p)))
                        .collect(),
                    Some(other) => panic!("the test asks for no {other:?} breakdown"),
                };
                (o, distinct(&|_| true), 0, counts)
            })
            .collect()
    }

    /// Applies a command to a copy and keeps the copy only when it is accepted: the model is
    /// atomic by construction.
    fn apply(&mut self, cmd: &Command) -> Result<(), Code> {
        let mut next = self.clone();
        next.execute(cmd)?;
        *self = next;
        Ok(())
    }

    /// Checks and applies one command, in the order the registry documents its checks (record
    /// fields, then lookups, then structure); may leave `self` half-changed on error.
    fn execute(&mut self, cmd: &Command) -> Result<(), Code> {
        match cmd {
            Command::AddOrganization {
                org,
                parent,
                relation,
            } => self.add_organization(org, parent.as_deref(), *relation),
            Command::UpdateOrganization { org } => self.update_organization(org),
            Command::MoveOrganization {
                id,
                parent,
                relation,
                date,
            } => self.move_organization(id, parent.as_deref(), *relation, *date),
            Command::DissolveOrganization { id, date } => self.dissolve(id, *date),
            Command::AddPerson { person } => {
                if !valid_id(&person.id) {
                    return Err(Code::InvalidField);
                }
                if self.person(&person.id).is_some() {
                    return Err(Code::DuplicateId);
                }
                if person.name.as_deref().is_some_and(|n| !valid_text(n)) {
                    return Err(Code::InvalidField);
                }
                self.persons.push(person.clone());
                Ok(())
            }
            Command::UpdatePerson { person } => {
                let i = self
                    .persons
                    .iter()
                    .position(|p| p.id == person.id)
                    .ok_or(Code::NotFound)?;
                if person.name.as_deref().is_some_and(|n| !valid_text(n)) {
                    return Err(Code::InvalidField);
                }
                self.persons[i] = person.clone();
                Ok(())
            }
            Command::Join { membership } => self.join(membership),
            Command::Leave { member, org, date } => {
                let i = self.active_membership(member, org, *date)?;
                if self.memberships[i].start == *date {
                    return Err(Code::DateOrder);
                }
                self.memberships[i].end = Some(*date);
                Ok(())
            }
            Command::ChangeRole {
                member,
                org,
                role,
                date,
            } => self.change_role(member, org, *role, *date),
            other => panic!("the generator makes no {} command", other.name()),
        }
    }

    /// Checks an organization record's own fields.
    fn check_record(org: &Organization) -> Result<(), Code> {
        if !valid_id(&org.id) || !valid_text(&org.name) {
            return Err(Code::InvalidField);
        }
        if (org.division_code == "00") != (org.level == Level::National) {
            return Err(Code::InvalidField);
        }
        if org.dissolved.is_some_and(|d| d <= org.founded) {
            return Err(Code::DateOrder);
        }
        Ok(())
    }

    /// AddOrganization: a new id, under an existing parent whose lifetime holds the new one's.
    fn add_organization(
        &mut self,
        org: &Organization,
        parent: Option<&str>,
        relation: Relation,
    ) -> Result<(), Code> {
        Self::check_record(org)?;
        if self.org(&org.id).is_some() {
            return Err(Code::DuplicateId);
        }
        if let Some(pid) = parent {
            let p = &self.org(pid).ok_or(Code::NotFound)?.org;
            if let Some(e) = relation_error(org, p, relation) {
                return Err(e);
            }
            if !inside_lifetime(p, org.founded, org.dissolved) {
                return Err(Code::OutsideLifetime);
            }
        }
        self.orgs.push(ModelOrg {
            org: org.clone(),
            links: vec![ParentLink {
                parent: parent.map(str::to_string),
                // A root's relation is recorded as guidance.
                relation: if parent.is_some() {
                    relation
                } else {
                    Relation::Guidance
                },
                from: org.founded,
                to: None,
            }],
        });
        Ok(())
    }

    /// UpdateOrganization: founded and dissolved are immutable; a new level or kind must fit
    /// every parent link it ever had, and every link ever made to it.
    fn update_organization(&mut self, org: &Organization) -> Result<(), Code> {
        let old = self.org(&org.id).ok_or(Code::NotFound)?.clone();
        Self::check_record(org)?;
        if org.founded != old.org.founded || org.dissolved != old.org.dissolved {
            return Err(Code::ImmutableField);
        }
        if org.level != old.org.level || org.kind != old.org.kind {
            for l in &old.links {
                if let Some(p) = &l.parent {
                    let p = &self.org(p).expect("parent").org;
                    if let Some(e) = relation_error(org, p, l.relation) {
                        return Err(e);
                    }
                }
            }
            for c in &self.orgs {
                for l in &c.links {
                    if l.parent.as_deref() == Some(&org.id) {
                        if let Some(e) = relation_error(&c.org, org, l.relation) {
                            return Err(e);
                        }
                    }
                }
            }
        }
        self.org_mut(&org.id).expect("org").org = org.clone();
        Ok(())
    }

    /// MoveOrganization: dated after the last parent change, while the organization exists,
    /// under an existing different parent that fits the relation, lives as long, and is not
    /// inside the organization's subtree on the day of the move or any later day.
    fn move_organization(
        &mut self,
        id: &str,
        parent: Option<&str>,
        relation: Relation,
        date: NaiveDate,
    ) -> Result<(), Code> {
        let me = self.org(id).ok_or(Code::NotFound)?.clone();
        let last = me.links.last().expect("a first link");
        if date <= last.from {
            return Err(Code::HistoryOrder);
        }
        if !exists(&me.org, date) {
            return Err(Code::OutsideLifetime);
        }
        if let Some(pid) = parent {
            self.org(pid).ok_or(Code::NotFound)?;
        }
        let relation = if parent.is_some() {
            relation
        } else {
            Relation::Guidance
        };
        if last.parent.as_deref() == parent && last.relation == relation {
            return Err(Code::InvalidField);
        }
        if let Some(pid) = parent {
            let p = &self.org(pid).expect("parent").org;
            if let Some(e) = relation_error(&me.org, p, relation) {
                return Err(e);
            }
            if !inside_lifetime(p, date, me.org.dissolved) {
                return Err(Code::OutsideLifetime);
            }
            for d in all_days().filter(|&d| d >= date) {
                let mut cur = Some(pid.to_string());
                for _ in 0..=self.orgs.len() {
                    match cur {
                        Some(c) if c == id => return Err(Code::Cycle),
                        Some(c) => cur = self.raw_parent(&c, d),
                        None => break,
                    }
                }
            }
        }
        let o = self.org_mut(id).expect("org");
        o.links.last_mut().expect("link").to = Some(date);
        o.links.push(ParentLink {
            parent: parent.map(str::to_string),
            relation,
            from: date,
            to: None,
        });
        Ok(())
    }

    /// DissolveOrganization: once, after founding, with no organization under it on that day or
    /// later while that organization exists, and no membership starting that day or later; open
    /// memberships close on the day.
    fn dissolve(&mut self, id: &str, date: NaiveDate) -> Result<(), Code> {
        let me = self.org(id).ok_or(Code::NotFound)?.org.clone();
        if me.dissolved.is_some() {
            return Err(Code::AlreadyDissolved);
        }
        if date <= me.founded {
            return Err(Code::DateOrder);
        }
        for c in &self.orgs {
            for l in c.links.iter().filter(|l| l.parent.as_deref() == Some(id)) {
                let later_day_under_it =
                    all_days().any(|d| d >= date && exists(&c.org, d) && within(l.from, l.to, d));
                if later_day_under_it {
                    return Err(Code::HasActiveChildren);
                }
            }
        }
        if self
            .memberships
            .iter()
            .any(|m| m.org == id && m.start >= date)
        {
            return Err(Code::OutsideLifetime);
        }
        self.org_mut(id).expect("org").org.dissolved = Some(date);
        for m in self.memberships.iter_mut().filter(|m| m.org == id) {
            if m.end.is_none_or(|e| e > date) {
                m.end = Some(date);
            }
        }
        Ok(())
    }

    /// Whether another person than `member` is president of `org` on some day of
    /// `[start, end)`, ignoring membership `except`.
    fn other_president(
        &self,
        member: &MemberRef,
        org: &str,
        (start, end): (NaiveDate, Option<NaiveDate>),
        except: Option<usize>,
    ) -> bool {
        self.memberships.iter().enumerate().any(|(i, m)| {
            Some(i) != except
                && m.org == org
                && m.role == Role::President
                && m.member != *member
                && share_a_day((m.start, m.end), (start, end))
        })
    }

    /// Join: known organization and person, valid source, ordered dates inside the
    /// organization's lifetime, no other membership of the person there on a shared day, and
    /// no other president on a shared day.
    fn join(&mut self, m: &Membership) -> Result<(), Code> {
        let org = self.org(&m.org).ok_or(Code::NotFound)?.org.clone();
        self.person(m.member.id()).ok_or(Code::NotFound)?;
        if m.source.as_deref().is_some_and(|s| !valid_text(s)) {
            return Err(Code::InvalidField);
        }
        if m.end.is_some_and(|e| e <= m.start) {
            return Err(Code::DateOrder);
        }
        if !inside_lifetime(&org, m.start, m.end) {
            return Err(Code::OutsideLifetime);
        }
        let overlapping = self.memberships.iter().any(|x| {
            x.member == m.member
                && x.org == m.org
                && share_a_day((x.start, x.end), (m.start, m.end))
        });
        if overlapping {
            return Err(Code::OverlappingMembership);
        }
        if m.role == Role::President
            && self.other_president(&m.member, &m.org, (m.start, m.end), None)
        {
            return Err(Code::PresidentConflict);
        }
        self.memberships.push(m.clone());
        Ok(())
    }

    /// The position of the membership of `member` in `org` active on `date`.
    fn active_membership(
        &self,
        member: &MemberRef,
        org: &str,
        date: NaiveDate,
    ) -> Result<usize, Code> {
        self.org(org).ok_or(Code::NotFound)?;
        self.person(member.id()).ok_or(Code::NotFound)?;
        self.memberships
            .iter()
            .position(|m| m.member == *member && m.org == org && m.active_on(date))
            .ok_or(Code::NoActiveMembership)
    }

    /// ChangeRole: the active membership ends on `date` and one with the new role starts then
    /// (or, started that very day, simply takes the new role); the role must differ and a new
    /// presidency must not meet another president.
    fn change_role(
        &mut self,
        member: &MemberRef,
        org: &str,
        role: Role,
        date: NaiveDate,
    ) -> Result<(), Code> {
        let i = self.active_membership(member, org, date)?;
        let old = self.memberships[i].clone();
        if old.role == role {
            return Err(Code::InvalidField);
        }
        if role == Role::President && self.other_president(member, org, (date, old.end), Some(i)) {
            return Err(Code::PresidentConflict);
        }
        if old.start == date {
            self.memberships[i].role = role;
        } else {
            self.memberships[i].end = Some(date);
            self.memberships.push(Membership {
                role,
                start: date,
                founding: false,
                ..old
            });
        }
        Ok(())
    }
}

/// Which record a step names: usually one the model holds (the `n`-th, modulo their number),
/// otherwise (or when the model holds none) the pool id `n`, which may be unknown.
#[derive(Debug, Clone, Copy)]
struct Pick {
    existing: bool,
    n: usize,
}

/// A day given either as a calendar day or as an offset from a day the step refers to (a
/// parent's founding, an organization's founding, a membership's start), kept in the calendar.
#[derive(Debug, Clone, Copy)]
enum When {
    Day(u64),
    After(u64),
}

/// One generated step; turned into a [`Command`] by [`command`], which resolves its picks and
/// relative days against the model so that most steps name records that exist (and the rest
/// exercise the rejections).
#[derive(Debug, Clone)]
enum Op {
    AddOrg {
        id: usize,
        name: u8,
        /// `Ok(level)` or `Err(k)`: `k` levels below the parent (0: the parent's level).
        level: Result<Level, u8>,
        code_ok: bool,
        /// `None`: the parent's kind.
        kind: Option<OrgKind>,
        founded: When,
        /// Offset from the founding day.
        dissolved: Option<u64>,
        parent: Option<Pick>,
        relation: Relation,
    },
    UpdateOrg {
        id: Pick,
        name: u8,
        level: Option<Level>,
        code_ok: bool,
        kind: Option<OrgKind>,
        touch_founded: bool,
        touch_dissolved: bool,
    },
    Move {
        id: Pick,
        parent: Option<Pick>,
        /// `Some(k)`: the parent is picked among the organization's own descendants on day `k`
        /// (a cycle on that day, which may be later than the move).
        below: Option<u64>,
        relation: Relation,
        /// Relative to the day after the organization's last parent change.
        date: When,
    },
    Dissolve {
        id: Pick,
        date: u64,
    },
    AddPerson {
        id: usize,
        name: u8,
        party: Party,
    },
    UpdatePerson {
        id: Pick,
        name: u8,
        party: Party,
    },
    Join {
        person: Pick,
        org: Pick,
        role: Role,
        /// Relative to the organization's founding.
        start: When,
        /// Offset from the start.
        end: Option<u64>,
        founding: bool,
        source: u8,
    },
    /// Leave, naming a membership the model holds (`existing`) or any person and organization;
    /// the day is relative to that membership's start, or a calendar day.
    Leave {
        membership: Pick,
        person: Pick,
        org: Pick,
        date: When,
    },
    /// ChangeRole, naming its membership like [`Op::Leave`].
    ChangeRole {
        membership: Pick,
        person: Pick,
        org: Pick,
        role: Role,
        date: When,
    },
}

/// Position of a day in the calendar.
fn index_of(d: NaiveDate) -> u64 {
    u64::try_from((d - day(0)).num_days()).expect("a calendar day")
}

/// The calendar day of `when`, counting `After` offsets from `base` and staying in the
/// calendar.
fn resolve_day(when: When, base: NaiveDate) -> NaiveDate {
    match when {
        When::Day(k) => day(k),
        When::After(k) => day((index_of(base) + k).min(DAYS - 1)),
    }
}

/// The organization a pick names.
fn pick_org(model: &Model, p: Pick) -> String {
    match model.orgs.len() {
        n if p.existing && n > 0 => model.orgs[p.n % n].org.id.clone(),
        _ => org_id(p.n % ORGS),
    }
}

/// The person a pick names.
fn pick_person(model: &Model, p: Pick) -> String {
    match model.persons.len() {
        n if p.existing && n > 0 => model.persons[p.n % n].id.clone(),
        _ => person_id(p.n % PERSONS),
    }
}

/// The member, organization and day of a leave or role change.
fn pick_membership(
    model: &Model,
    (m, person, org, date): (Pick, Pick, Pick, When),
) -> (MemberRef, String, NaiveDate) {
    match model.memberships.len() {
        n if m.existing && n > 0 => {
            let x = &model.memberships[m.n % n];
            (x.member.clone(), x.org.clone(), resolve_day(date, x.start))
        }
        _ => (
            MemberRef::Person(pick_person(model, person)),
            pick_org(model, org),
            resolve_day(date, day(0)),
        ),
    }
}

/// Turns a generated step into a command, resolving its picks and relative days against the
/// model (the model only chooses names and days here, never whether the command is valid).
fn command(op: &Op, model: &Model) -> Command {
    match *op {
        Op::AddOrg {
            id,
            name,
            level,
            code_ok,
            kind,
            founded,
            dissolved,
            parent,
            relation,
        } => {
            let parent = parent.map(|p| pick_org(model, p));
            let p = parent.as_deref().and_then(|p| model.org(p)).map(|p| &p.org);
            let level = match level {
                Ok(l) => l,
                Err(k) => {
                    let top = p.map_or(0, |p| p.level.index());
                    Level::ALL[(top + usize::from(k)).min(Level::ALL.len() - 1)]
                }
            };
            let kind = kind.unwrap_or_else(|| p.map_or(OrgKind::Zhilianhui, |p| p.kind));
            let founded = resolve_day(founded, p.map_or(day(0), |p| p.founded));
            Command::AddOrganization {
                org: Organization {
                    id: org_id(id),
                    name: org_name(name),
                    name_en: None,
                    kind,
                    level,
                    division_code: division_code(level, code_ok),
                    carrier: None,
                    category: None,
                    founded,
                    dissolved: dissolved.map(|k| resolve_day(When::After(k), founded)),
                    facilities: None,
                    tags: vec![],
                },
                parent,
                relation,
            }
        }
        Op::UpdateOrg {
            id,
            name,
            level,
            code_ok,
            kind,
            touch_founded,
            touch_dissolved,
        } => {
            let id = pick_org(model, id);
            let mut org = model.org(&id).map_or_else(
                || Organization {
                    id: id.clone(),
                    name: String::new(),
                    name_en: None,
                    kind: OrgKind::Zhilianhui,
                    level: Level::Municipal,
                    division_code: String::new(),
                    carrier: None,
                    category: None,
                    founded: day(0),
                    dissolved: None,
                    facilities: None,
                    tags: vec![],
                },
                |o| o.org.clone(),
            );
            org.name = org_name(name);
            org.level = level.unwrap_or(org.level);
            org.division_code = division_code(org.level, code_ok);
            org.kind = kind.unwrap_or(org.kind);
            if touch_founded {
                org.founded = resolve_day(When::After(1), org.founded);
            }
            if touch_dissolved {
                org.dissolved = match org.dissolved {
                    None => Some(day(DAYS - 1)),
                    Some(_) => None,
                };
            }
            Command::UpdateOrganization { org }
        }
        Op::Move {
            id,
            parent,
            below,
            relation,
            date,
        } => {
            let id = pick_org(model, id);
            let descendants: Vec<String> = below.map_or_else(Vec::new, |k| {
                model.subtree(&id, day(k)).into_iter().skip(1).collect()
            });
            let parent = parent.map(|p| match descendants.len() {
                0 => pick_org(model, p),
                n => descendants[p.n % n].clone(),
            });
            let last = model
                .org(&id)
                .and_then(|o| o.links.last())
                .map_or(day(0), |l| l.from);
            Command::MoveOrganization {
                parent,
                relation,
                date: resolve_day(date, last + Days::new(1)),
                id,
            }
        }
        Op::Dissolve { id, date } => Command::DissolveOrganization {
            id: pick_org(model, id),
            date: day(date),
        },
        Op::AddPerson { id, name, party } => Command::AddPerson {
            person: person(person_id(id), person_name(name), party),
        },
        Op::UpdatePerson { id, name, party } => Command::UpdatePerson {
            person: person(pick_person(model, id), person_name(name), party),
        },
        Op::Join {
            person,
            org,
            role,
            start,
            end,
            founding,
            source: s,
        } => {
            let org = pick_org(model, org);
            let founded = model.org(&org).map_or(day(0), |o| o.org.founded);
            let start = resolve_day(start, founded);
            Command::Join {
                membership: Membership {
                    member: MemberRef::Person(pick_person(model, person)),
                    org,
                    role,
                    start,
                    end: end.map(|k| resolve_day(When::After(k), start)),
                    founding,
                    source: source(s),
                },
            }
        }
        Op::Leave {
            membership,
            person,
            org,
            date,
        } => {
            let (member, org, date) = pick_membership(model, (membership, person, org, date));
            Command::Leave { member, org, date }
        }
        Op::ChangeRole {
            membership,
            person,
            org,
            role,
            date,
        } => {
            let (member, org, date) = pick_membership(model, (membership, person, org, date));
            Command::ChangeRole {
                member,
                org,
                role,
                date,
            }
        }
    }
}

/// A pick, naming a record the model holds six times in seven.
fn arb_pick() -> impl Strategy<Value = Pick> {
    (prop::bool::weighted(6.0 / 7.0), 0..12usize).prop_map(|(existing, n)| Pick { existing, n })
}

/// A day of the calendar or, half of the time, an offset of 0 to 3 days.
fn arb_when() -> impl Strategy<Value = When> {
    prop_oneof![
        (0..DAYS).prop_map(When::Day),
        (0..4u64).prop_map(When::After)
    ]
}

/// A new id of the pool, now and then the invalid one.
fn arb_new_id(pool: usize) -> impl Strategy<Value = usize> {
    prop_oneof![12 => 0..pool, 1 => Just(pool)]
}

/// A level.
fn arb_level() -> impl Strategy<Value = Level> {
    prop::sample::select(Level::ALL.to_vec())
}

/// Two association kinds and the special committee (which may be part of either).
fn arb_kind() -> impl Strategy<Value = OrgKind> {
    prop::sample::select(vec![
        OrgKind::Zhilianhui,
        OrgKind::Xinlianhui,
        OrgKind::SpecialCommittee,
    ])
}

/// A relation.
fn arb_relation() -> impl Strategy<Value = Relation> {
    prop::sample::select(vec![Relation::Guidance, Relation::PartOf])
}

/// A role, president often enough to meet another.
fn arb_role() -> impl Strategy<Value = Role> {
    prop::sample::select(vec![
        Role::President,
        Role::President,
        Role::VicePresident,
        Role::Council,
        Role::Member,
    ])
}

/// A party.
fn arb_party() -> impl Strategy<Value = Party> {
    prop::sample::select(vec![
        Party::Cpc,
        Party::NonParty,
        Party::MinMeng,
        Party::Mass,
    ])
}

/// A name variant, blank (invalid) one time in twelve.
fn arb_name() -> impl Strategy<Value = u8> {
    prop_oneof![11 => 0u8..3, 1 => Just(3u8)]
}

/// An AddOrganization step, under a parent with probability `with_parent`.
fn arb_add_org(with_parent: f64) -> impl Strategy<Value = Op> {
    (
        arb_new_id(ORGS),
        arb_name(),
        prop_oneof![
            1 => arb_level().prop_map(Ok),
            3 => (0..3u8).prop_map(Err),
        ],
        prop::bool::weighted(0.95),
        prop::option::weighted(0.4, arb_kind()),
        arb_when(),
        prop::option::weighted(0.15, 0..6u64),
        prop::option::weighted(with_parent, arb_pick()),
        arb_relation(),
    )
        .prop_map(
            |(id, name, level, code_ok, kind, founded, dissolved, parent, relation)| Op::AddOrg {
                id,
                name,
                level,
                code_ok,
                kind,
                founded,
                dissolved,
                parent,
                relation,
            },
        )
}

/// An AddPerson step.
fn arb_add_person() -> impl Strategy<Value = Op> {
    (arb_new_id(PERSONS), arb_name(), arb_party()).prop_map(|(id, name, party)| Op::AddPerson {
        id,
        name,
        party,
    })
}

/// A step of the opening of a sequence: adding organizations (half of them roots) and persons,
/// so that the random steps after it find records to name.
fn arb_opening_op() -> impl Strategy<Value = Op> {
    prop_oneof![arb_add_org(0.5), arb_add_person()]
}

/// One step, weighted towards building a tree and memberships.
fn arb_op() -> impl Strategy<Value = Op> {
    let add_org = arb_add_org(0.75);
    let update_org = (
        arb_pick(),
        arb_name(),
        prop::option::weighted(0.5, arb_level()),
        prop::bool::weighted(0.95),
        prop::option::weighted(0.3, arb_kind()),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(id, name, level, code_ok, kind, touch_founded, touch_dissolved)| Op::UpdateOrg {
                id,
                name,
                level,
                code_ok,
                kind,
                touch_founded,
                touch_dissolved,
            },
        );
    let move_org = (
        arb_pick(),
        prop::option::weighted(0.8, arb_pick()),
        prop::option::weighted(0.25, 0..DAYS),
        arb_relation(),
        arb_when(),
    )
        .prop_map(|(id, parent, below, relation, date)| Op::Move {
            id,
            parent,
            below,
            relation,
            date,
        });
    let dissolve = (arb_pick(), 1..DAYS).prop_map(|(id, date)| Op::Dissolve { id, date });
    let add_person = arb_add_person();
    let update_person = (arb_pick(), arb_name(), arb_party())
        .prop_map(|(id, name, party)| Op::UpdatePerson { id, name, party });
    let join = (
        arb_pick(),
        arb_pick(),
        arb_role(),
        arb_when(),
        prop::option::weighted(0.3, 0..5u64),
        any::<bool>(),
        prop_oneof![6 => Just(0u8), 5 => Just(1u8), 1 => Just(2u8)],
    )
        .prop_map(
            |(person, org, role, start, end, founding, source)| Op::Join {
                person,
                org,
                role,
                start,
                end,
                founding,
                source,
            },
        );
    let leave = (arb_pick(), arb_pick(), arb_pick(), arb_when()).prop_map(
        |(membership, person, org, date)| Op::Leave {
            membership,
            person,
            org,
            date,
        },
    );
    let change_role = (arb_pick(), arb_pick(), arb_pick(), arb_role(), arb_when()).prop_map(
        |(membership, person, org, role, date)| Op::ChangeRole {
            membership,
            person,
            org,
            role,
            date,
        },
    );
    prop_oneof![
        3 => add_org,
        1 => update_org,
        4 => move_org,
        1 => dissolve,
        2 => add_person,
        1 => update_person,
        10 => join,
        2 => leave,
        3 => change_role,
    ]
}

/// Returns `Err` describing the difference when the registry's and the model's answers differ.
macro_rules! same {
    ($reg:expr, $model:expr, $($what:tt)+) => {{
        let (r, m) = (&$reg, &$model);
        if r != m {
            return Err(format!(
                "{}:\n  registry: {:?}\n  model:    {:?}",
                format!($($what)+),
                r,
                m
            ));
        }
    }};
}

/// Owned ids from a query answer, the error reduced to its code.
fn ids(r: Result<Vec<&str>, tongxin::Error>) -> Result<Vec<String>, Code> {
    r.map(|v| v.into_iter().map(str::to_string).collect())
        .map_err(|e| e.code())
}

/// The model's answer for an organization query: `not_found` for an unknown id.
fn known<T>(model: &Model, id: &str, answer: impl FnOnce() -> T) -> Result<T, Code> {
    model.org(id).map(|_| answer()).ok_or(Code::NotFound)
}

/// Every record and every view of the registry equals the model's, on every day of the
/// calendar, for every id of the pools (unknown ones included).
fn check_views(reg: &Registry, model: &Model) -> Result<(), String> {
    let model_orgs: Vec<Organization> = model.orgs.iter().map(|o| o.org.clone()).collect();
    same!(
        reg.organizations().cloned().collect::<Vec<_>>(),
        model_orgs,
        "organizations"
    );
    same!(
        reg.persons().cloned().collect::<Vec<_>>(),
        model.persons,
        "persons"
    );
    same!(
        reg.memberships().collect::<Vec<_>>(),
        model.memberships,
        "memberships (in the order created)"
    );
    let org_ids: Vec<String> = (0..ORGS).map(org_id).collect();
    for id in &org_ids {
        same!(
            reg.parent_history(id).map_err(|e| e.code()),
            known(model, id, || model.org(id).expect("known").links.clone()),
            "parent history of {id}"
        );
    }
    for p in 0..PERSONS {
        let who = MemberRef::Person(person_id(p));
        let expected = model.person(who.id()).map(|_| {
            model
                .memberships
                .iter()
                .filter(|m| m.member == who)
                .cloned()
                .collect::<Vec<_>>()
        });
        same!(
            reg.memberships_of(&who).map_err(|e| e.code()),
            expected.ok_or(Code::NotFound),
            "memberships of {who}"
        );
    }
    for d in all_days() {
        same!(ids(Ok(reg.roots(d))), Ok(model.roots(d)), "roots on {d}");
        for id in &org_ids {
            same!(
                ids(reg.ancestors(id, d)),
                known(model, id, || model.ancestors(id, d)),
                "ancestors of {id} on {d}"
            );
            same!(
                ids(reg.children(id, d)),
                known(model, id, || if model.exists_on(id, d) {
                    model.children(id, d)
                } else {
                    vec![]
                }),
                "children of {id} on {d}"
            );
            let subtree = known(model, id, || model.subtree(id, d));
            same!(ids(reg.subtree(id, d)), subtree, "subtree of {id} on {d}");
            for scope in [
                MemberScope::Direct,
                MemberScope::WithBranches,
                MemberScope::Subtree,
            ] {
                same!(
                    reg.members(id, d, scope).map_err(|e| e.code()),
                    known(model, id, || model.members(id, d, scope)),
                    "members of {id} on {d} ({scope:?})"
                );
            }
            let inside = subtree.unwrap_or_default();
            for other in &org_ids {
                same!(
                    reg.is_within(other, id, d),
                    inside.contains(other),
                    "{other} within {id} on {d}"
                );
            }
            for p in 0..PERSONS {
                let who = MemberRef::Person(person_id(p));
                let expected = known(model, id, || ()).and_then(|()| {
                    model.person(who.id()).ok_or(Code::NotFound)?;
                    Ok(model.active_in(&inside, d).iter().any(|m| m.member == who))
                });
                same!(
                    reg.is_member_within(&who, id, d).map_err(|e| e.code()),
                    expected,
                    "{who} member within {id} on {d}"
                );
            }
        }
    }
    Ok(())
}

/// The rollups of every day of the calendar equal brute force over the model: per
/// organization, distinct persons active anywhere in its subtree of that day (overall, per role
/// and per party), and `rollup_totals` puts each total at the organization's arena position.
fn check_rollups(reg: &Registry, model: &Model) -> Result<(), String> {
    for d in all_days() {
        for dim in [None, Some(Dimension::Role), Some(Dimension::Party)] {
            let r = rollup(reg, d, dim);
            let rows: Vec<(String, u64, u64, Vec<u64>)> = r
                .rows
                .iter()
                .map(|row| {
                    (
                        row.org_id.clone(),
                        row.total,
                        row.enterprises,
                        row.counts.clone(),
                    )
                })
                .collect();
            same!(rows, model.rollup(d, dim), "rollup on {d} by {dim:?}");
            let columns: Vec<String> = match dim {
                None => vec![],
                Some(Dimension::Role) => Role::ALL.iter().map(|r| r.to_string()).collect(),
                Some(_) => Party::ALL.iter().map(|p| p.to_string()).collect(),
            };
            same!(r.columns, columns, "rollup columns by {dim:?}");
        }
        let by_position: Vec<u64> = model
            .orgs
            .iter()
            .map(|o| {
                model
                    .rollup(d, None)
                    .into_iter()
                    .find(|row| row.0 == o.org.id)
                    .map_or(0, |row| row.1)
            })
            .collect();
        same!(rollup_totals(reg, d), by_position, "rollup_totals on {d}");
    }
    Ok(())
}

/// Runs one sequence of steps against a fresh registry and a fresh model, checking after every
/// command that they agree (acceptance, error code, atomicity, every view, every rollup), then
/// that the final registry survives its snapshot JSON and rebuilds from its accepted commands as
/// one batch. A failure prints the accepted commands and the failing one: rejected commands
/// change nothing (checked at each step), so that is a replay of the failure.
fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut reg = Registry::new();
    let mut model = Model::default();
    let mut accepted: Vec<Command> = Vec::new();
    for op in ops {
        let cmd = command(op, &model);
        let before = reg.clone();
        let expected = model.apply(&cmd);
        let got = reg.apply(&meta(), cmd.clone());
        let replay = || {
            let json = |c: &Command| serde_json::to_string(c).unwrap_or_default();
            format!(
                "\naccepted commands:\n{}\nthen:\n{}\n  registry: {:?}\n  model:    {:?}",
                accepted.iter().map(json).collect::<Vec<_>>().join("\n"),
                json(&cmd),
                got.as_ref().map(|_| ()).map_err(|e| e.to_string()),
                expected,
            )
        };
        match (&got, expected) {
            (Ok(ev), Ok(())) => {
                prop_assert_eq!(&ev.command, &cmd);
                prop_assert_eq!(ev.seq as usize, reg.journal().len());
            }
            (Err(e), Err(code)) => {
                prop_assert_eq!(e.code(), code, "error code{}", replay());
                prop_assert!(
                    reg == before,
                    "a rejected command changed the registry{}",
                    replay()
                );
            }
            _ => prop_assert!(false, "acceptance differs{}", replay()),
        }
        if let Err(diff) = check_views(&reg, &model).and_then(|()| check_rollups(&reg, &model)) {
            prop_assert!(false, "{}{}", diff, replay());
        }
        if got.is_ok() {
            accepted.push(cmd);
        }
    }
    let json = reg.to_json();
    let back = Registry::from_json(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(back == reg, "the snapshot loads back into another registry");
    prop_assert_eq!(back.to_json(), json);
    let mut batch = Registry::new();
    prop_assert_eq!(
        batch
            .apply_batch(&meta(), accepted.clone())
            .map_err(|(i, e)| (i, e.code())),
        Ok(accepted.len())
    );
    prop_assert!(
        batch == reg,
        "the accepted commands as one batch build another registry"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Property: for any sequence of 50–150 commands (an opening of ten additions, then any
    /// command) over six organization ids, six person ids and a ten-day calendar, the registry
    /// accepts exactly the commands the reference model accepts, rejects the others with the
    /// model's error code and without any change, and after every command shows the model's
    /// records, trees, members and rollups on every day (see [`run`]).
    #[test]
    fn registry_agrees_with_reference_model(
        opening in prop::collection::vec(arb_opening_op(), 10),
        rest in prop::collection::vec(arb_op(), 40..140),
    ) {
        let ops: Vec<Op> = opening.into_iter().chain(rest).collect();
        run(&ops)?;
    }
}
