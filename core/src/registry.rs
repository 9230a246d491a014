//! The registry: validated, atomic commands over an arena of organizations, persons, enterprises
//! and memberships, with the dated queries everything else stands on.
//!
//! Each [`Command`] is checked completely before anything changes, so a rejected command leaves the
//! registry exactly as it was; an accepted one is appended to the journal as an [`Event`].
//! [`Registry::apply_batch`] makes a whole list of commands atomic.
//! Under a rule book ([`Command::SetRuleBook`]) a join also runs the organization's eligibility
//! rules ([`rules::check_join`](crate::rules::check_join)) after the structural checks and before
//! any change; without one that step is a single branch.
//!
//! Inside, organizations are an arena indexed by [`OrgIdx`]; each keeps its dated parent history.
//! The forest of the latest links is numbered in pre-order ([`Forest`]) when first needed after
//! a change, so a subtree is a contiguous range; the forest of an earlier day is built on demand
//! from the histories.

use crate::access::Operator;
use crate::command::{Command, Event, Meta, Warnings};
use crate::date::PartialDate;
use crate::error::{Entity, Error};
use crate::history::{History, Reference, Stored};
use crate::ids::{CreditCode, DivisionCode, ResidentId};
use crate::journal::Journal;
use crate::model::*;
use crate::rules::index::PersonColumns;
use crate::rules::{CompiledBook, RuleOutcome};
use crate::tree::{Forest, OrgIdx};
use crate::vocab::{Level, OrgKind, Relation, Role};
use chrono::NaiveDate;
use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// An index from string ids to the arena positions (0, 1, 2 …, in order of addition) of the
/// records they name.
///
/// The hash table holds only the positions, 4 bytes a slot; the ids are kept apart in a dense
/// list in position order. A bulk load of a million persons thus works in a table of a few
/// megabytes instead of tens (a slot holding the key itself would be eight times as large),
/// which keeps look-ups in cache, and adding a record appends its key instead of writing it at
/// a random place.
///
/// Hashed with foldhash rather than the standard SipHash: on the short ids of a roster it is
/// several times faster, and a bulk import hashes every id at least twice. Ids come from
/// uploaded rosters and may be chosen by an attacker, so the hasher keeps a random seed (per
/// process and per index, from address-space layout and the clock) rather than a fixed one:
/// colliding ids cannot be computed in advance (SECURITY.md). Nothing is ever read out of the
/// table in its own order, so no output depends on the hasher.
#[derive(Clone, Default)]
struct IdIndex {
    slots: hashbrown::HashTable<u32>,
    keys: Vec<IdKey>,
    hasher: foldhash::fast::RandomState,
}

/// An id in an [`IdIndex`]: ids of up to 16 bytes (nearly all) are kept inline, so that
/// comparing one follows no pointer and adding one allocates nothing.
#[derive(Clone, PartialEq, Eq)]
struct IdKey(smallvec::SmallVec<[u8; 16]>);

/// What [`IdIndex::vacant`] found.
enum Slot<'a> {
    /// The id is at this position.
    Taken(u32),
    /// The id is absent; [`Vacant::insert`] adds it.
    Vacant(Vacant<'a>),
}

/// Room for a new id in an [`IdIndex`].
struct Vacant<'a> {
    entry: hashbrown::hash_table::VacantEntry<'a, u32>,
    keys: &'a mut Vec<IdKey>,
    id: &'a str,
}

impl Vacant<'_> {
    /// Adds the id at the next position and returns it.
    fn insert(self) -> u32 {
        let i = self.keys.len() as u32;
        self.entry.insert(i);
        self.keys
            .push(IdKey(smallvec::SmallVec::from_slice(self.id.as_bytes())));
        i
    }
}

impl IdIndex {
    fn hash(hasher: &foldhash::fast::RandomState, id: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        hasher.hash_one(id)
    }

    /// The id at position `i` (empty past the end, where the table never points).
    fn key(keys: &[IdKey], i: u32) -> &[u8] {
        keys.get(i as usize).map_or(&[], |k| k.0.as_slice())
    }

    /// The id at position `i` as text ("" past the end).
    fn text(&self, i: u32) -> &str {
        std::str::from_utf8(Self::key(&self.keys, i)).unwrap_or_default()
    }

    fn get(&self, id: &str) -> Option<u32> {
        let id = id.as_bytes();
        let keys = &self.keys;
        self.slots
            .find(Self::hash(&self.hasher, id), |&i| Self::key(keys, i) == id)
            .copied()
    }

    fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// The position of `id`, or room to add it (one look-up either way).
    fn vacant<'a>(&'a mut self, id: &'a str) -> Slot<'a> {
        let bytes = id.as_bytes();
        let IdIndex {
            slots,
            keys,
            hasher,
        } = self;
        let entry = slots.entry(
            Self::hash(hasher, bytes),
            |&i| Self::key(keys, i) == bytes,
            |&i| Self::hash(hasher, Self::key(keys, i)),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(o) => Slot::Taken(*o.get()),
            hashbrown::hash_table::Entry::Vacant(entry) => Slot::Vacant(Vacant { entry, keys, id }),
        }
    }

    /// Adds `id` at the next position, which it returns; `id` must not be there yet.
    fn push(&mut self, id: &str) -> u32 {
        match self.vacant(id) {
            Slot::Taken(i) => i,
            Slot::Vacant(v) => v.insert(),
        }
    }

    fn reserve(&mut self, additional: usize) {
        let IdIndex {
            slots,
            keys,
            hasher,
        } = self;
        slots.reserve(additional, |&i| Self::hash(hasher, Self::key(keys, i)));
        keys.reserve(additional);
    }
}

/// Two indexes are equal when they hold the same ids at the same positions (the table follows
/// from the ids).
impl PartialEq for IdIndex {
    fn eq(&self, other: &Self) -> bool {
        self.keys == other.keys
    }
}

impl Eq for IdIndex {}

impl std::fmt::Debug for IdIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.keys.iter().map(|k| String::from_utf8_lossy(&k.0)))
            .finish()
    }
}

/// Longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 128;
/// Longest name or title accepted, in characters.
pub const MAX_TEXT_LEN: usize = 1000;

/// Which memberships count as an organization's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberScope {
    /// Only memberships recorded in the organization itself.
    Direct,
    /// The organization's own and those of its part-of branches and committees, recursively
    /// (DESIGN: members of a branch are members of the parent too).
    WithBranches,
    /// Every organization of its subtree, guidance children included.
    Subtree,
}

impl std::str::FromStr for MemberScope {
    type Err = String;

    /// Reads the snake_case name (`direct`, `with_branches`, `subtree`); the error is serde's
    /// "unknown variant …, expected one of …".
    ///
    /// ```
    /// use tongxin::MemberScope;
    /// assert_eq!("with_branches".parse(), Ok(MemberScope::WithBranches));
    /// assert_eq!(
    ///     "all".parse::<MemberScope>().unwrap_err(),
    ///     "unknown variant `all`, expected one of `direct`, `with_branches`, `subtree`"
    /// );
    /// ```
    fn from_str(s: &str) -> Result<Self, String> {
        use serde::de::value::{Error, StrDeserializer};
        serde::Deserialize::deserialize(StrDeserializer::<Error>::new(s)).map_err(|e| e.to_string())
    }
}

/// A member in the arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum MemberIdx {
    Person(u32),
    Enterprise(u32),
}

/// The membership records of one member. Most members have a few, kept inline so that a pass
/// over all members reads one contiguous array instead of chasing a pointer per member.
pub(crate) type MemberList = smallvec::SmallVec<[u32; 4]>;

/// One interval of a parent history, with the parent as an arena index.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    parent: Option<OrgIdx>,
    relation: Relation,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

/// An organization with its history and what hangs on it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OrgRecord {
    org: Organization,
    links: Vec<Link>,
    terms: Vec<Term>,
    memberships: Vec<u32>,
    designations: Vec<u32>,
    activities: Vec<u32>,
    advice: Vec<u32>,
    affiliations: Vec<u32>,
}

impl OrgRecord {
    fn current_link(&self) -> &Link {
        // Every record is created with one link and links are never removed.
        &self.links[self.links.len() - 1]
    }

    fn link_at(&self, day: NaiveDate) -> Option<&Link> {
        let i = self.links.partition_point(|l| l.from <= day);
        let l = self.links.get(i.checked_sub(1)?)?;
        active_on(l.from, l.to, day).then_some(l)
    }
}

/// A membership in compact form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MRec {
    pub(crate) member: MemberIdx,
    pub(crate) org: OrgIdx,
    pub(crate) role: Role,
    pub(crate) start: NaiveDate,
    pub(crate) end: Option<NaiveDate>,
    pub(crate) founding: bool,
    pub(crate) source: Option<u32>,
}

impl MRec {
    pub(crate) fn active_on(&self, day: NaiveDate) -> bool {
        active_on(self.start, self.end, day)
    }
}

/// An arena of records with unique string ids.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Table<T> {
    rows: Vec<T>,
    ids: IdIndex,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: Vec::new(),
            ids: IdIndex::default(),
        }
    }
}

impl<T> Table<T> {
    fn get(&self, id: &str) -> Option<&T> {
        self.ids.get(id).and_then(|i| self.rows.get(i as usize))
    }
    fn index(&self, id: &str) -> Option<u32> {
        self.ids.get(id)
    }
    fn push(&mut self, id: &str, row: T) -> u32 {
        self.rows.push(row);
        self.ids.push(id)
    }
    /// Adds the record `make` builds under the new id `id`, with one look-up of the id:
    /// `DuplicateId` if it is taken, else `make`'s error if it fails (nothing changes on
    /// either).
    fn push_new(
        &mut self,
        entity: Entity,
        id: &str,
        make: impl FnOnce() -> Result<T, Error>,
    ) -> Result<u32, Error> {
        check_id(entity, id)?;
        match self.ids.vacant(id) {
            Slot::Taken(_) => Err(Error::DuplicateId {
                entity,
                id: id.to_string(),
            }),
            Slot::Vacant(slot) => {
                let row = make()?;
                self.rows.push(row);
                Ok(slot.insert())
            }
        }
    }
    fn require(&self, entity: Entity, id: &str) -> Result<u32, Error> {
        self.index(id).ok_or_else(|| Error::not_found(entity, id))
    }
    fn require_new(&self, entity: Entity, id: &str) -> Result<(), Error> {
        check_id(entity, id)?;
        match self.ids.contains(id) {
            true => Err(Error::DuplicateId {
                entity,
                id: id.to_string(),
            }),
            false => Ok(()),
        }
    }
}

/// The registry of organizations, persons, enterprises and memberships.
///
/// (`PartialEq` only: its rule book may hold decimal numbers.)
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Registry {
    orgs: Vec<OrgRecord>,
    org_ids: IdIndex,
    org_names: BTreeMap<String, Vec<OrgIdx>>,
    persons: Table<Person>,
    person_memberships: Vec<MemberList>,
    person_names: BTreeMap<String, Vec<u32>>,
    enterprises: Table<Enterprise>,
    enterprise_memberships: Vec<MemberList>,
    memberships: Vec<MRec>,
    sources: Table<String>,
    designations: Table<Designation>,
    activities: Table<Activity>,
    advice: Table<Advice>,
    affiliations: Table<Affiliation>,
    /// Every day on which some parent link starts.
    link_days: BTreeSet<NaiveDate>,
    /// The latest day on which an organization moved (a parent link other than the first).
    last_move: Option<NaiveDate>,
    /// Pre-order forest of the latest links (all organizations, dissolved ones included),
    /// numbered when first needed after a structural change.
    forest: LatestForest,
    /// Columns of the persons for questions that scan them all (`rules::PersonIndex`), built on
    /// first use and kept up to date as persons are added or updated.
    person_columns: PersonColumnsCache,
    /// The membership rule book joins are checked against (set by `set_rule_book`), shared so
    /// that cloning the registry (batch undo) does not copy it.
    rules: Option<Arc<CompiledBook>>,
    /// The scoped operators ([`Command::SetOperator`]), by id.
    operators: BTreeMap<String, Operator>,
    /// The journal, kept compactly ([`crate::history`]).
    journal: History,
}

/// How many records of each kind a batch adds (at most), to reserve room for them at once.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BatchSize {
    pub orgs: usize,
    pub persons: usize,
    pub enterprises: usize,
    pub joins: usize,
}

impl BatchSize {
    /// Counted from the commands.
    pub fn of<'c>(commands: impl Iterator<Item = &'c Command>) -> Self {
        let mut size = BatchSize::default();
        for c in commands {
            match c {
                Command::AddOrganization { .. } => size.orgs += 1,
                Command::AddPerson { .. } => size.persons += 1,
                Command::AddEnterprise { .. } => size.enterprises += 1,
                Command::Join { .. } => size.joins += 1,
                _ => {}
            }
        }
        size
    }
}

fn check_actor(meta: &Meta) -> Result<(), Error> {
    check_text(Entity::Event, "(meta)", "actor", &meta.actor)
}

/// The forest of the latest links, numbered on first use after a change ([`Registry::latest_tree`]).
/// Registries compare equal whether or not theirs is numbered yet: it follows from the
/// organizations, which are compared.
#[derive(Debug, Clone, Default)]
struct LatestForest(std::sync::OnceLock<Forest>);

impl PartialEq for LatestForest {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The registry's [`PersonColumns`], once built. Shared by clones (a batch's undo copy), which is
/// why a change either updates them in place, when no clone holds them, or forgets them.
/// Registries compare equal whether or not theirs are built: they follow from the persons.
#[derive(Clone, Default)]
struct PersonColumnsCache(std::sync::OnceLock<Arc<PersonColumns>>);

impl PartialEq for PersonColumnsCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for PersonColumnsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.get() {
            Some(c) => write!(f, "PersonColumns({} rows)", c.len()),
            None => f.write_str("PersonColumns(not built)"),
        }
    }
}

impl PersonColumnsCache {
    /// Applies `change` to the columns if they are built and held by this registry alone;
    /// forgets them if a clone shares them or `change` fails (they are built again when needed).
    fn update(&mut self, change: impl FnOnce(&mut PersonColumns) -> bool) {
        let kept = match self.0.get_mut() {
            None => true,
            Some(arc) => Arc::get_mut(arc).is_some_and(change),
        };
        if !kept {
            self.0 = std::sync::OnceLock::new();
        }
    }
}

fn check_id(entity: Entity, id: &str) -> Result<(), Error> {
    let reason = if id.is_empty() {
        "is empty"
    } else if id.len() > MAX_ID_LEN {
        "is longer than 128 bytes"
    } else if id.trim() != id {
        "has leading or trailing whitespace"
    } else if id.chars().any(char::is_control) {
        "contains a control character"
    } else {
        return Ok(());
    };
    Err(Error::invalid(
        entity,
        &id.chars().take(MAX_ID_LEN).collect::<String>(),
        "id",
        reason,
    ))
}

fn check_text(entity: Entity, id: &str, field: &'static str, text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid(entity, id, field, "is empty"));
    }
    // A text has at most as many characters as bytes.
    if text.len() > MAX_TEXT_LEN && text.chars().count() > MAX_TEXT_LEN {
        return Err(Error::invalid(
            entity,
            id,
            field,
            format!("is longer than {MAX_TEXT_LEN} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Error::invalid(
            entity,
            id,
            field,
            "contains a control character",
        ));
    }
    Ok(())
}

fn check_optional_text(
    entity: Entity,
    id: &str,
    field: &'static str,
    text: &Option<String>,
) -> Result<(), Error> {
    text.as_deref()
        .map_or(Ok(()), |t| check_text(entity, id, field, t))
}

fn check_interval(
    entity: Entity,
    id: &str,
    (start_field, start): (&'static str, NaiveDate),
    (end_field, end): (&'static str, Option<NaiveDate>),
) -> Result<(), Error> {
    match end {
        Some(end) if end <= start => Err(Error::DateOrder {
            entity,
            id: id.to_string(),
            start_field,
            start,
            end_field,
            end,
        }),
        _ => Ok(()),
    }
}

/// Parses a division code (short statistical or padded six-digit form) into its short form and
/// checks the national rule: `00` stands for the whole country and only national organizations
/// use it.
fn normalize_division_code(id: &str, code: &str, level: Level) -> Result<String, Error> {
    let parsed = DivisionCode::parse(code)
        .map_err(|e| Error::invalid(Entity::Organization, id, "division_code", e.to_string()))?;
    if parsed.is_national() != (level == Level::National) {
        return Err(Error::invalid(
            Entity::Organization,
            id,
            "division_code",
            format!("`{code}` does not fit level {level}: `00` stands for the whole country and only national organizations use it"),
        ));
    }
    Ok(parsed.as_str().to_string())
}

/// Checks an organization's own fields; returns it with its division code normalised.
fn check_organization(org: &Organization) -> Result<Organization, Error> {
    let e = Entity::Organization;
    check_id(e, &org.id)?;
    check_text(e, &org.id, "name", &org.name)?;
    check_optional_text(e, &org.id, "name_en", &org.name_en)?;
    let division_code = normalize_division_code(&org.id, &org.division_code, org.level)?;
    check_interval(
        e,
        &org.id,
        ("founded", org.founded),
        ("dissolved", org.dissolved),
    )?;
    if org.category.is_some() && org.kind != OrgKind::Tongxinhui {
        return Err(Error::invalid(
            e,
            &org.id,
            "category",
            format!("is only for tongxinhui, not {}", org.kind),
        ));
    }
    for tag in &org.tags {
        check_text(e, &org.id, "tags", tag)?;
    }
    Ok(Organization {
        division_code,
        ..org.clone()
    })
}

/// Checks a person's fields; returns it with the resident ID in its 18-character form.
fn check_person(p: &Person) -> Result<Person, Error> {
    let e = Entity::Person;
    check_id(e, &p.id)?;
    check_optional_text(e, &p.id, "name", &p.name)?;
    check_optional_text(e, &p.id, "ethnicity", &p.ethnicity)?;
    check_optional_text(e, &p.id, "employer", &p.employer)?;
    check_optional_text(e, &p.id, "profession", &p.profession)?;
    if let Some(b) = p.birth {
        if !(1900..=2100).contains(&b.year_number()) {
            return Err(Error::invalid(
                e,
                &p.id,
                "birth",
                format!("{b} is not between 1900 and 2100"),
            ));
        }
    }
    // The 18-character form, when it differs from the text given.
    let resident_id = match &p.resident_id {
        None => None,
        Some(text) => {
            let parsed = ResidentId::parse(text)
                .map_err(|err| Error::invalid(e, &p.id, "resident_id", err.to_string()))?;
            (parsed.as_str() != text).then(|| parsed.as_str().to_string())
        }
    };
    for post in &p.political_posts {
        if let (Some(from), Some(to)) = (post.from, post.to) {
            check_interval(
                e,
                &p.id,
                ("political_posts.from", from.earliest()),
                ("political_posts.to", Some(to.latest())),
            )?;
        }
    }
    let mut person = p.clone();
    if resident_id.is_some() {
        person.resident_id = resident_id;
    }
    Ok(person)
}

/// Checks an enterprise's fields; returns it with its credit code in upper case.
fn check_enterprise(x: &Enterprise) -> Result<Enterprise, Error> {
    let e = Entity::Enterprise;
    check_id(e, &x.id)?;
    check_text(e, &x.id, "name", &x.name)?;
    let code = CreditCode::parse(&x.credit_code)
        .map_err(|err| Error::invalid(e, &x.id, "credit_code", err.to_string()))?;
    Ok(Enterprise {
        credit_code: code.as_str().to_string(),
        ..x.clone()
    })
}

/// Checks that `child` may hang under `parent` with `relation`.
fn check_relation(
    child: &Organization,
    parent: &Organization,
    relation: Relation,
) -> Result<(), Error> {
    let level_ok = match relation {
        Relation::Guidance => child.level > parent.level,
        Relation::PartOf => child.level >= parent.level,
    };
    if !level_ok {
        return Err(Error::LevelOrder {
            child: child.id.clone(),
            child_level: child.level,
            parent: parent.id.clone(),
            parent_level: parent.level,
            relation,
        });
    }
    if relation == Relation::PartOf
        && child.kind != parent.kind
        && child.kind != OrgKind::SpecialCommittee
    {
        return Err(Error::KindMismatch {
            child: child.id.clone(),
            child_kind: child.kind,
            parent: parent.id.clone(),
            parent_kind: parent.kind,
        });
    }
    Ok(())
}

/// Checks that `[start, end)` lies inside the organization's lifetime.
fn check_in_lifetime(
    org: &Organization,
    what: impl Fn() -> String,
    start: NaiveDate,
    end: Option<NaiveDate>,
) -> Result<(), Error> {
    let outside = |date| Error::OutsideLifetime {
        org: org.id.clone(),
        what: what(),
        date,
        founded: org.founded,
        dissolved: org.dissolved,
    };
    if !org.active_on(start) {
        return Err(outside(start));
    }
    match (org.dissolved, end) {
        (Some(d), None) => Err(outside(d)),
        (Some(d), Some(e)) if e > d => Err(outside(e)),
        _ => Ok(()),
    }
}

/// Checks that a partially known date may fall inside the organization's lifetime.
fn check_partial_in_lifetime(
    org: &Organization,
    what: impl Fn() -> String,
    date: PartialDate,
) -> Result<(), Error> {
    let fits = date.latest() >= org.founded && org.dissolved.is_none_or(|d| date.earliest() < d);
    if fits {
        Ok(())
    } else {
        Err(Error::OutsideLifetime {
            org: org.id.clone(),
            what: what(),
            date: date.earliest(),
            founded: org.founded,
            dissolved: org.dissolved,
        })
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds a registry by applying a journal's events in order (borrowed, as from a
    /// list, or owned, as from another registry's [`journal`](Registry::journal)).
    pub fn replay<E: Borrow<Event>>(
        events: impl IntoIterator<Item = E>,
    ) -> Result<Registry, Error> {
        let mut reg = Registry::new();
        for ev in events {
            let ev = ev.borrow();
            let meta = Meta {
                at: ev.at,
                actor: ev.actor.clone(),
            };
            reg.apply_one(&meta, ev.command.clone())
                .map_err(|e| Error::Replay {
                    seq: ev.seq,
                    command: ev.command.name(),
                    source: Box::new(e),
                })?;
        }
        Ok(reg)
    }

    /// Applies one command. On success the event is appended to the journal and returned; on
    /// failure the registry is unchanged.
    pub fn apply(&mut self, meta: &Meta, command: Command) -> Result<Event, Error> {
        let seq = self.journal.len() as u64 + 1;
        let given = command.clone();
        let warnings = self.apply_one(meta, command)?;
        Ok(Event {
            seq,
            at: meta.at,
            actor: meta.actor.clone(),
            command: given,
            warnings,
        })
    }

    /// Applies a list of commands atomically: either all are applied (and journaled), or the
    /// registry is left exactly as it was and the error names the failing command's position
    /// (0-based) in the list.
    pub fn apply_batch(
        &mut self,
        meta: &Meta,
        commands: impl IntoIterator<Item = Command>,
    ) -> Result<usize, (usize, Error)> {
        self.apply_batch_checked(meta, commands, |_, _| Ok(()))
    }

    /// [`apply_batch`](Registry::apply_batch) with `check` run on each command, against the
    /// registry as the commands before it left it, before the command is applied; an error
    /// from it fails the batch like a rejected command.
    pub(crate) fn apply_batch_checked(
        &mut self,
        meta: &Meta,
        commands: impl IntoIterator<Item = Command>,
        check: impl FnMut(&Registry, &Command) -> Result<(), Error>,
    ) -> Result<usize, (usize, Error)> {
        let commands: Vec<Command> = commands.into_iter().collect();
        let size = BatchSize::of(commands.iter());
        self.apply_commands(meta, commands.into_iter(), size, check)
    }

    /// [`apply_batch_checked`](Registry::apply_batch_checked) with the batch's size given.
    /// Each command is taken from `commands` as it is applied and consumed, so that a bulk load
    /// holds no second copy of what it journals.
    pub(crate) fn apply_commands(
        &mut self,
        meta: &Meta,
        commands: impl ExactSizeIterator<Item = Command>,
        size: BatchSize,
        mut check: impl FnMut(&Registry, &Command) -> Result<(), Error>,
    ) -> Result<usize, (usize, Error)> {
        // Undoing arbitrary commands would need an inverse for each; a copy of the registry is
        // simpler and, for the common case of loading into an empty registry, free.
        let backup = (!self.is_empty()).then(|| self.clone());
        self.reserve(size);
        let count = commands.len();
        for (i, command) in commands.into_iter().enumerate() {
            let applied = check(self, &command).and_then(|()| {
                // The batch's actor is the same for every command: checked with the first.
                if i == 0 {
                    check_actor(meta)?;
                }
                self.execute(&command)
            });
            match applied {
                Ok(warnings) => self.record(meta, command, warnings.into()),
                Err(e) => {
                    *self = backup.unwrap_or_default();
                    return Err((i, e));
                }
            }
        }
        self.reindex();
        Ok(count)
    }

    /// Reserves room for what a batch will add, so that a bulk load does not regrow and
    /// rehash its tables many times over.
    fn reserve(&mut self, size: BatchSize) {
        self.orgs.reserve(size.orgs);
        self.org_ids.reserve(size.orgs);
        self.persons.rows.reserve(size.persons);
        self.persons.ids.reserve(size.persons);
        self.person_memberships.reserve(size.persons);
        self.enterprises.rows.reserve(size.enterprises);
        self.enterprises.ids.reserve(size.enterprises);
        self.enterprise_memberships.reserve(size.enterprises);
        self.memberships.reserve(size.joins);
    }

    /// Whether the registry has no records and an empty journal.
    pub fn is_empty(&self) -> bool {
        self.journal.len() == 0
    }

    /// Appends the event of `command`, just executed, to the journal: a join by reference to
    /// the membership record it created, the addition of a person by reference to their row
    /// when the row is the person as given ([`crate::history`]).
    fn record(&mut self, meta: &Meta, command: Command, warnings: Warnings) {
        match command {
            Command::Join { membership } => match self.memberships.len().checked_sub(1) {
                Some(i) => self
                    .journal
                    .push_reference(meta, Reference::Join(i as u32), warnings),
                None => self
                    .journal
                    .push_command(meta, Command::Join { membership }, warnings),
            },
            Command::AddPerson { person } => {
                let row = self.persons.rows.len().saturating_sub(1);
                if self.persons.rows.get(row) == Some(&person) {
                    self.journal
                        .push_reference(meta, Reference::Person(row as u32), warnings);
                } else {
                    self.journal
                        .push_command(meta, Command::AddPerson { person }, warnings);
                }
            }
            command => self.journal.push_command(meta, command, warnings),
        }
    }

    /// The journal's event at `index` (0-based), rebuilt from its compact form.
    pub(crate) fn event(&self, index: usize) -> Option<Event> {
        self.journal.event(index, |stored| {
            Some(match stored {
                Stored::Join(i) => Command::Join {
                    membership: self
                        .membership_view(self.journal.membership(i, &self.memberships)?),
                },
                Stored::Person(i) => Command::AddPerson {
                    person: self.journal.person(i, &self.persons.rows)?.clone(),
                },
                Stored::Command(c) => c.clone(),
            })
        })
    }

    /// The number of events in the journal.
    pub(crate) fn journal_len(&self) -> usize {
        self.journal.len()
    }

    /// The journal's commands kept as given (not joins nor additions of persons, but for the
    /// rare ones that could not be kept by reference), in order.
    pub(crate) fn journal_commands(&self) -> impl Iterator<Item = &Command> {
        self.journal.stored().filter_map(|s| match s {
            Stored::Command(c) => Some(c),
            _ => None,
        })
    }

    /// The memberships the journal's joins created, as created, in order.
    pub(crate) fn journal_joins(&self) -> impl Iterator<Item = Membership> + '_ {
        self.journal.stored().filter_map(|s| match s {
            Stored::Join(i) => self
                .journal
                .membership(i, &self.memberships)
                .map(|m| self.membership_view(m)),
            Stored::Command(Command::Join { membership }) => Some(membership.clone()),
            _ => None,
        })
    }

    /// Applies one command and journals it; returns the `warn` rules a join failed.
    fn apply_one(&mut self, meta: &Meta, command: Command) -> Result<Warnings, Error> {
        check_actor(meta)?;
        let structural = command.is_structural();
        let warnings: Warnings = self.execute(&command)?.into();
        self.record(meta, command, warnings.clone());
        if structural {
            self.reindex();
        }
        Ok(warnings)
    }

    /// Forgets the numbering of the forest of latest links: the next question that needs it
    /// numbers it again. (Numbering is O(organizations); numbering after every structural command
    /// made adding n organizations one by one cost O(n²): validating the 665,276 organizations
    /// of the national tree that way ran for over ten minutes before it was stopped.)
    fn reindex(&mut self) {
        self.forest = LatestForest::default();
    }

    /// Validates a command completely, then applies it. Every check comes before the first
    /// mutation, so an error leaves `self` untouched. Returns the `warn` rules a join failed.
    fn execute(&mut self, command: &Command) -> Result<Vec<RuleOutcome>, Error> {
        let mut warnings = Vec::new();
        match command {
            Command::AddOrganization {
                org,
                parent,
                relation,
            } => self.add_organization(org, parent.as_deref(), *relation),
            Command::UpdateOrganization { org } => self.update_organization(org),
            Command::DissolveOrganization { id, date } => self.dissolve(id, *date),
            Command::MoveOrganization {
                id,
                parent,
                relation,
                date,
            } => self.move_organization(id, parent.as_deref(), *relation, *date),
            Command::AddAffiliation { affiliation } => self.add_affiliation(affiliation),
            Command::EndAffiliation { id, date } => self.end_affiliation(id, *date),
            Command::StartTerm { org, term } => self.start_term(org, term),
            Command::AddPerson { person } => {
                let i = self
                    .persons
                    .push_new(Entity::Person, &person.id, || check_person(person))?;
                self.person_memberships.push(MemberList::new());
                if let Some(name) = &person.name {
                    add_name(&mut self.person_names, name, i);
                }
                let stored = &self.persons.rows[i as usize];
                self.person_columns.update(|c| {
                    c.push(stored);
                    c.len() == i as usize + 1
                });
                Ok(())
            }
            Command::UpdatePerson { person } => {
                let i = self.persons.require(Entity::Person, &person.id)?;
                let person = &check_person(person)?;
                let old = std::mem::replace(&mut self.persons.rows[i as usize], person.clone());
                if old.name != person.name {
                    if let Some(name) = &old.name {
                        remove_name(&mut self.person_names, name, i);
                    }
                    if let Some(name) = &person.name {
                        add_name(&mut self.person_names, name, i);
                    }
                }
                self.person_columns.update(|c| c.set(i, person));
                self.journal.keep_person(i, old);
                Ok(())
            }
            Command::AddEnterprise { enterprise } => {
                self.enterprises
                    .push_new(Entity::Enterprise, &enterprise.id, || {
                        check_enterprise(enterprise)
                    })?;
                self.enterprise_memberships.push(MemberList::new());
                Ok(())
            }
            Command::UpdateEnterprise { enterprise } => {
                let i = self
                    .enterprises
                    .require(Entity::Enterprise, &enterprise.id)?;
                self.enterprises.rows[i as usize] = check_enterprise(enterprise)?;
                Ok(())
            }
            Command::Join { membership } => self.join(membership, &mut warnings),
            Command::Leave { member, org, date } => self.leave(member, org, *date),
            Command::ChangeRole {
                member,
                org,
                role,
                date,
            } => self.change_role(member, org, *role, *date),
            Command::RecordDesignation { designation } => self.record_designation(designation),
            Command::RevokeDesignation { id, date } => {
                let i = self.designations.require(Entity::Designation, id)?;
                let d = &self.designations.rows[i as usize];
                if let Some(r) = d.revoked {
                    return Err(Error::invalid(
                        Entity::Designation,
                        id,
                        "revoked",
                        format!("is already set ({r})"),
                    ));
                }
                if date.earliest() <= d.conferred.earliest() {
                    return Err(Error::DateOrder {
                        entity: Entity::Designation,
                        id: id.clone(),
                        start_field: "conferred",
                        start: d.conferred.earliest(),
                        end_field: "revoked",
                        end: date.earliest(),
                    });
                }
                self.designations.rows[i as usize].revoked = Some(*date);
                Ok(())
            }
            Command::RecordActivity { activity } => {
                self.activities
                    .require_new(Entity::Activity, &activity.id)?;
                let o = self.require_org(&activity.org)?;
                check_partial_in_lifetime(
                    &self.orgs[o.get()].org,
                    || format!("activity `{}`", activity.id),
                    activity.date,
                )?;
                let i = self.activities.push(&activity.id, activity.clone());
                self.orgs[o.get()].activities.push(i);
                Ok(())
            }
            Command::RecordAdvice { advice } => {
                self.advice.require_new(Entity::Advice, &advice.id)?;
                check_text(Entity::Advice, &advice.id, "title", &advice.title)?;
                let o = self.require_org(&advice.org)?;
                for a in &advice.authors {
                    self.persons.require(Entity::Person, a)?;
                }
                check_partial_in_lifetime(
                    &self.orgs[o.get()].org,
                    || format!("advice `{}`", advice.id),
                    advice.date,
                )?;
                let i = self.advice.push(&advice.id, advice.clone());
                self.orgs[o.get()].advice.push(i);
                Ok(())
            }
            Command::SetOperator { operator } => {
                let operator = self.check_operator(operator)?;
                self.operators.insert(operator.id.clone(), operator);
                Ok(())
            }
            Command::RemoveOperator { id } => {
                self.operators
                    .remove(id)
                    .map(drop)
                    .ok_or_else(|| Error::NotFound {
                        entity: Entity::Operator,
                        id: id.clone(),
                    })
            }
            Command::RecordUnmaskedExport {
                operator,
                format,
                orgs,
                persons: _,
            } => {
                if !self.operators.contains_key(operator) {
                    return Err(Error::NotFound {
                        entity: Entity::Operator,
                        id: operator.clone(),
                    });
                }
                check_text(Entity::Event, operator, "format", format)?;
                for o in orgs {
                    self.require_org(o)?;
                }
                Ok(())
            }
            Command::SetRuleBook { book } => {
                self.rules = match book {
                    None => None,
                    Some(book) => Some(Arc::new(book.compile().map_err(|e| {
                        Error::InvalidRuleBook {
                            message: e.to_string(),
                            rule_code: e.code(),
                        }
                    })?)),
                };
                Ok(())
            }
        }?;
        Ok(warnings)
    }

    fn require_org(&self, id: &str) -> Result<OrgIdx, Error> {
        self.org_ids
            .get(id)
            .map(OrgIdx)
            .ok_or_else(|| Error::not_found(Entity::Organization, id))
    }

    fn add_organization(
        &mut self,
        org: &Organization,
        parent: Option<&str>,
        relation: Relation,
    ) -> Result<(), Error> {
        let org = &check_organization(org)?;
        if self.org_ids.contains(&org.id) {
            return Err(Error::DuplicateId {
                entity: Entity::Organization,
                id: org.id.clone(),
            });
        }
        let parent = match parent {
            None => None,
            Some(pid) => {
                let p = self.require_org(pid)?;
                let prec = &self.orgs[p.get()].org;
                check_relation(org, prec, relation)?;
                check_in_lifetime(
                    prec,
                    || format!("organization `{}` under it", org.id),
                    org.founded,
                    org.dissolved,
                )?;
                Some(p)
            }
        };
        let idx = OrgIdx(self.orgs.len() as u32);
        self.org_ids.push(&org.id);
        add_name(&mut self.org_names, &org.name, idx);
        self.link_days.insert(org.founded);
        self.orgs.push(OrgRecord {
            org: org.clone(),
            links: vec![Link {
                parent,
                relation: if parent.is_some() {
                    relation
                } else {
                    Relation::Guidance
                },
                from: org.founded,
                to: None,
            }],
            terms: Vec::new(),
            memberships: Vec::new(),
            designations: Vec::new(),
            activities: Vec::new(),
            advice: Vec::new(),
            affiliations: Vec::new(),
        });
        Ok(())
    }

    /// Organizations that have (had) `org` as parent in some link, with that link.
    fn child_links(&self, org: OrgIdx) -> impl Iterator<Item = (OrgIdx, &Link)> {
        self.orgs.iter().enumerate().flat_map(move |(i, r)| {
            r.links
                .iter()
                .filter(move |l| l.parent == Some(org))
                .map(move |l| (OrgIdx(i as u32), l))
        })
    }

    fn update_organization(&mut self, org: &Organization) -> Result<(), Error> {
        let idx = self.require_org(&org.id)?;
        let org = &check_organization(org)?;
        let old = &self.orgs[idx.get()].org;
        let immutable = |field, hint| Error::ImmutableField {
            entity: Entity::Organization,
            id: org.id.clone(),
            field,
            hint,
        };
        if org.founded != old.founded {
            return Err(immutable("founded", "record a new organization instead"));
        }
        if org.dissolved != old.dissolved {
            return Err(immutable("dissolved", "use dissolve_organization"));
        }
        if org.level != old.level || org.kind != old.kind {
            for l in &self.orgs[idx.get()].links {
                if let Some(p) = l.parent {
                    check_relation(org, &self.orgs[p.get()].org, l.relation)?;
                }
            }
            for (c, l) in self.child_links(idx) {
                check_relation(&self.orgs[c.get()].org, org, l.relation)?;
            }
        }
        let old_name = std::mem::replace(&mut self.orgs[idx.get()].org, org.clone()).name;
        if old_name != org.name {
            remove_name(&mut self.org_names, &old_name, idx);
            add_name(&mut self.org_names, &org.name, idx);
        }
        Ok(())
    }

    fn dissolve(&mut self, id: &str, date: NaiveDate) -> Result<(), Error> {
        let idx = self.require_org(id)?;
        let rec = &self.orgs[idx.get()];
        if let Some(d) = rec.org.dissolved {
            return Err(Error::AlreadyDissolved {
                org: id.to_string(),
                dissolved: d,
            });
        }
        check_interval(
            Entity::Organization,
            id,
            ("founded", rec.org.founded),
            ("dissolved", Some(date)),
        )?;
        for (c, l) in self.child_links(idx) {
            let child = &self.orgs[c.get()].org;
            // The child is under `org` on some day >= date while it exists.
            let from = l.from.max(date).max(child.founded);
            let until = [l.to, child.dissolved].into_iter().flatten().min();
            if until.is_none_or(|u| from < u) {
                return Err(Error::HasActiveChildren {
                    org: id.to_string(),
                    child: child.id.clone(),
                    date,
                });
            }
        }
        let late = |what: String, at: NaiveDate| Error::OutsideLifetime {
            org: id.to_string(),
            what,
            date: at,
            founded: rec.org.founded,
            dissolved: Some(date),
        };
        for &m in &rec.memberships {
            let m = &self.memberships[m as usize];
            if m.start >= date {
                return Err(late(
                    format!("membership of {}", self.member_ref(m.member)),
                    m.start,
                ));
            }
        }
        for &a in &rec.activities {
            let a = &self.activities.rows[a as usize];
            if a.date.earliest() >= date {
                return Err(late(format!("activity `{}`", a.id), a.date.earliest()));
            }
        }
        for &a in &rec.advice {
            let a = &self.advice.rows[a as usize];
            if a.date.earliest() >= date {
                return Err(late(format!("advice `{}`", a.id), a.date.earliest()));
            }
        }
        for &d in &rec.designations {
            let d = &self.designations.rows[d as usize];
            if d.conferred.earliest() >= date {
                return Err(late(
                    format!("designation `{}`", d.id),
                    d.conferred.earliest(),
                ));
            }
        }
        for &a in &rec.affiliations {
            let a = &self.affiliations.rows[a as usize];
            if a.from >= date {
                return Err(late(format!("affiliation `{}`", a.id), a.from));
            }
        }
        if let Some(t) = rec.terms.last() {
            if t.end.is_none() && t.start >= date {
                return Err(late(format!("term {}", t.number), t.start));
            }
        }
        // All checks passed: close what is open.
        let rec = &mut self.orgs[idx.get()];
        rec.org.dissolved = Some(date);
        if let Some(t) = rec.terms.last_mut() {
            if t.end.is_none() {
                t.end = Some(date);
            }
        }
        for &i in &rec.memberships {
            let m = &mut self.memberships[i as usize];
            if m.end.is_none_or(|e| e > date) {
                self.journal.keep_membership(i, m);
                m.end = Some(date);
            }
        }
        for &a in &rec.affiliations {
            let a = &mut self.affiliations.rows[a as usize];
            if a.to.is_none_or(|t| t > date) {
                a.to = Some(date);
            }
        }
        Ok(())
    }

    /// The parent of `org` on `day` by the recorded links.
    pub(crate) fn parent_at(&self, org: OrgIdx, day: NaiveDate) -> Option<OrgIdx> {
        self.orgs[org.get()].link_at(day).and_then(|l| l.parent)
    }

    fn move_organization(
        &mut self,
        id: &str,
        parent: Option<&str>,
        relation: Relation,
        date: NaiveDate,
    ) -> Result<(), Error> {
        let idx = self.require_org(id)?;
        let rec = &self.orgs[idx.get()];
        let last = rec.current_link();
        if date <= last.from {
            return Err(Error::HistoryOrder {
                org: id.to_string(),
                what: "a move",
                date,
                last: last.from,
            });
        }
        check_in_lifetime(&rec.org, || "a move".to_string(), date, rec.org.dissolved)?;
        let new_parent = match parent {
            None => None,
            Some(pid) => Some(self.require_org(pid)?),
        };
        let relation = if new_parent.is_some() {
            relation
        } else {
            Relation::Guidance
        };
        if new_parent == last.parent && relation == last.relation {
            return Err(Error::invalid(
                Entity::Organization,
                id,
                "parent",
                format!(
                    "is already {} with relation {relation}",
                    crate::error::describe_parent(&parent.map(str::to_string))
                ),
            ));
        }
        if let Some(p) = new_parent {
            let prec = &self.orgs[p.get()].org;
            check_relation(&rec.org, prec, relation)?;
            check_in_lifetime(
                prec,
                || format!("organization `{id}` moved under it"),
                date,
                rec.org.dissolved,
            )?;
            // The tree changes only on days some link starts: check each from the move on.
            let days = std::iter::once(date).chain(
                self.link_days
                    .range((std::ops::Bound::Excluded(date), std::ops::Bound::Unbounded))
                    .copied(),
            );
            for day in days {
                let mut cur = Some(p);
                let mut steps = 0;
                while let Some(c) = cur {
                    if c == idx {
                        return Err(Error::Cycle {
                            org: id.to_string(),
                            parent: prec.id.clone(),
                            date,
                            at: day,
                        });
                    }
                    steps += 1;
                    if steps > self.orgs.len() {
                        break;
                    }
                    cur = self.parent_at(c, day);
                }
            }
        }
        let rec = &mut self.orgs[idx.get()];
        let n = rec.links.len();
        rec.links[n - 1].to = Some(date);
        rec.links.push(Link {
            parent: new_parent,
            relation,
            from: date,
            to: None,
        });
        self.link_days.insert(date);
        self.last_move = self.last_move.max(Some(date));
        Ok(())
    }

    fn add_affiliation(&mut self, a: &Affiliation) -> Result<(), Error> {
        self.affiliations.require_new(Entity::Affiliation, &a.id)?;
        let o = self.require_org(&a.org)?;
        let other = self.require_org(&a.other)?;
        if o == other {
            return Err(Error::invalid(
                Entity::Affiliation,
                &a.id,
                "other",
                "is the organization itself",
            ));
        }
        check_interval(Entity::Affiliation, &a.id, ("from", a.from), ("to", a.to))?;
        for x in [o, other] {
            check_in_lifetime(
                &self.orgs[x.get()].org,
                || format!("affiliation `{}`", a.id),
                a.from,
                a.to,
            )?;
        }
        let i = self.affiliations.push(&a.id, a.clone());
        self.orgs[o.get()].affiliations.push(i);
        self.orgs[other.get()].affiliations.push(i);
        Ok(())
    }

    fn end_affiliation(&mut self, id: &str, date: NaiveDate) -> Result<(), Error> {
        let i = self.affiliations.require(Entity::Affiliation, id)?;
        let a = &self.affiliations.rows[i as usize];
        if let Some(t) = a.to {
            return Err(Error::invalid(
                Entity::Affiliation,
                id,
                "to",
                format!("is already set ({t})"),
            ));
        }
        check_interval(
            Entity::Affiliation,
            id,
            ("from", a.from),
            ("to", Some(date)),
        )?;
        self.affiliations.rows[i as usize].to = Some(date);
        Ok(())
    }

    fn start_term(&mut self, org_id: &str, term: &Term) -> Result<(), Error> {
        let o = self.require_org(org_id)?;
        let rec = &self.orgs[o.get()];
        let reject = |reason: String| Error::TermOrder {
            org: org_id.to_string(),
            number: term.number,
            start: term.start,
            reason,
        };
        if term.end.is_some() {
            return Err(reject(
                "a new term has no end; the next start_term ends it".into(),
            ));
        }
        if term.statutory_years == 0 {
            return Err(reject("statutory_years must be at least 1".into()));
        }
        let expected = rec.terms.last().map_or(1, |t| t.number + 1);
        if term.number != expected {
            return Err(reject(format!("the next term number is {expected}")));
        }
        if let Some(prev) = rec.terms.last() {
            if term.start <= prev.start || prev.end.is_some_and(|e| term.start < e) {
                return Err(reject(format!(
                    "term {} started on {} and ended {}",
                    prev.number,
                    prev.start,
                    prev.end.map_or("never".to_string(), |e| e.to_string())
                )));
            }
        }
        check_in_lifetime(
            &rec.org,
            || format!("term {}", term.number),
            term.start,
            rec.org.dissolved,
        )?;
        let mut seen = BTreeSet::new();
        for post in &term.posts {
            self.persons.require(Entity::Person, &post.person)?;
            if !seen.insert(post.person.as_str()) {
                return Err(reject(format!(
                    "person `{}` holds two posts in it",
                    post.person
                )));
            }
        }
        if term
            .posts
            .iter()
            .filter(|p| p.role == Role::President)
            .count()
            > 1
        {
            return Err(reject("it has more than one president".into()));
        }
        let rec = &mut self.orgs[o.get()];
        if let Some(prev) = rec.terms.last_mut() {
            if prev.end.is_none() {
                prev.end = Some(term.start);
            }
        }
        rec.terms.push(term.clone());
        Ok(())
    }

    fn record_designation(&mut self, d: &Designation) -> Result<(), Error> {
        self.designations.require_new(Entity::Designation, &d.id)?;
        check_text(Entity::Designation, &d.id, "name", &d.name)?;
        check_text(Entity::Designation, &d.id, "issuer", &d.issuer)?;
        let o = self.require_org(&d.org)?;
        if let Some(r) = d.revoked {
            if r.earliest() <= d.conferred.earliest() {
                return Err(Error::DateOrder {
                    entity: Entity::Designation,
                    id: d.id.clone(),
                    start_field: "conferred",
                    start: d.conferred.earliest(),
                    end_field: "revoked",
                    end: r.earliest(),
                });
            }
        }
        check_partial_in_lifetime(
            &self.orgs[o.get()].org,
            || format!("designation `{}`", d.id),
            d.conferred,
        )?;
        let i = self.designations.push(&d.id, d.clone());
        self.orgs[o.get()].designations.push(i);
        Ok(())
    }

    pub(crate) fn member_idx(&self, m: &MemberRef) -> Result<MemberIdx, Error> {
        match m {
            MemberRef::Person(id) => self
                .persons
                .require(Entity::Person, id)
                .map(MemberIdx::Person),
            MemberRef::Enterprise(id) => self
                .enterprises
                .require(Entity::Enterprise, id)
                .map(MemberIdx::Enterprise),
        }
    }

    pub(crate) fn member_ref(&self, m: MemberIdx) -> MemberRef {
        match m {
            MemberIdx::Person(i) => MemberRef::Person(self.persons.rows[i as usize].id.clone()),
            MemberIdx::Enterprise(i) => {
                MemberRef::Enterprise(self.enterprises.rows[i as usize].id.clone())
            }
        }
    }

    pub(crate) fn memberships_of_idx(&self, m: MemberIdx) -> &[u32] {
        match m {
            MemberIdx::Person(i) => &self.person_memberships[i as usize],
            MemberIdx::Enterprise(i) => &self.enterprise_memberships[i as usize],
        }
    }

    /// Checks that a membership `[start, end)` of `member` in `org` with `role` conflicts with no
    /// other, ignoring the membership `except` (the one a role change closes).
    fn check_membership_conflicts(
        &self,
        member: MemberIdx,
        org: OrgIdx,
        role: Role,
        (start, end): (NaiveDate, Option<NaiveDate>),
        except: Option<u32>,
    ) -> Result<(), Error> {
        let oid = &self.orgs[org.get()].org.id;
        for &mi in self.memberships_of_idx(member) {
            let m = &self.memberships[mi as usize];
            if Some(mi) != except && m.org == org && overlaps(m.start, m.end, start, end) {
                return Err(Error::OverlappingMembership {
                    member: self.member_ref(member).to_string(),
                    org: oid.clone(),
                    existing_start: m.start,
                    existing_end: m.end,
                });
            }
        }
        if role == Role::President {
            for &mi in &self.orgs[org.get()].memberships {
                let m = &self.memberships[mi as usize];
                if Some(mi) != except
                    && m.role == Role::President
                    && m.member != member
                    && overlaps(m.start, m.end, start, end)
                {
                    return Err(Error::PresidentConflict {
                        org: oid.clone(),
                        existing: self.member_ref(m.member).to_string(),
                        existing_start: m.start,
                        existing_end: m.end,
                        new: self.member_ref(member).to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Records a membership; under a rule book, after the structural checks and before any
    /// change, runs the organization's eligibility rules: a failed `reject` rule refuses the
    /// join, failed `warn` rules go to `warnings`.
    fn join(&mut self, m: &Membership, warnings: &mut Vec<RuleOutcome>) -> Result<(), Error> {
        let org = self.require_org(&m.org)?;
        let member = self.member_idx(&m.member)?;
        let what = || format!("membership of {}", m.member);
        if let Some(s) = &m.source {
            check_text(Entity::Membership, m.member.id(), "source", s)?;
        }
        check_interval(
            Entity::Membership,
            m.member.id(),
            ("start", m.start),
            ("end", m.end),
        )?;
        check_in_lifetime(&self.orgs[org.get()].org, what, m.start, m.end)?;
        self.check_membership_conflicts(member, org, m.role, (m.start, m.end), None)?;
        if let Some(book) = &self.rules {
            *warnings = crate::rules::check_join(book, self, m)
                .map_err(|v| Error::RuleViolation(Box::new(v)))?;
        }
        let source = m.source.as_ref().map(|s| match self.sources.index(s) {
            Some(i) => i,
            None => self.sources.push(s, s.clone()),
        });
        self.push_membership(MRec {
            member,
            org,
            role: m.role,
            start: m.start,
            end: m.end,
            founding: m.founding,
            source,
        });
        Ok(())
    }

    fn push_membership(&mut self, rec: MRec) {
        let i = self.memberships.len() as u32;
        self.orgs[rec.org.get()].memberships.push(i);
        match rec.member {
            MemberIdx::Person(p) => self.person_memberships[p as usize].push(i),
            MemberIdx::Enterprise(e) => self.enterprise_memberships[e as usize].push(i),
        }
        self.memberships.push(rec);
    }

    /// The membership of `member` in `org` active on `date`.
    fn active_membership(
        &self,
        member: &MemberRef,
        org_id: &str,
        date: NaiveDate,
    ) -> Result<u32, Error> {
        let org = self.require_org(org_id)?;
        let member_idx = self.member_idx(member)?;
        self.memberships_of_idx(member_idx)
            .iter()
            .copied()
            .find(|&i| {
                let m = &self.memberships[i as usize];
                m.org == org && active_on(m.start, m.end, date)
            })
            .ok_or_else(|| Error::NoActiveMembership {
                member: member.to_string(),
                org: org_id.to_string(),
                date,
            })
    }

    fn leave(&mut self, member: &MemberRef, org: &str, date: NaiveDate) -> Result<(), Error> {
        let i = self.active_membership(member, org, date)?;
        let m = &self.memberships[i as usize];
        check_interval(
            Entity::Membership,
            member.id(),
            ("start", m.start),
            ("end", Some(date)),
        )?;
        self.journal.keep_membership(i, m);
        self.memberships[i as usize].end = Some(date);
        Ok(())
    }

    fn change_role(
        &mut self,
        member: &MemberRef,
        org: &str,
        role: Role,
        date: NaiveDate,
    ) -> Result<(), Error> {
        let i = self.active_membership(member, org, date)?;
        let m = self.memberships[i as usize].clone();
        if m.role == role {
            return Err(Error::invalid(
                Entity::Membership,
                member.id(),
                "role",
                format!("is already {role} in `{org}` on {date}"),
            ));
        }
        self.check_membership_conflicts(m.member, m.org, role, (date, m.end), Some(i))?;
        self.journal.keep_membership(i, &m);
        if m.start == date {
            // Started the same day: the new role replaces the old one outright.
            self.memberships[i as usize].role = role;
        } else {
            self.memberships[i as usize].end = Some(date);
            self.push_membership(MRec {
                role,
                start: date,
                founding: false,
                ..m
            });
        }
        Ok(())
    }
}

/// Adds `item` under `name` to a name index (the name is copied only when it is new there).
fn add_name<T>(index: &mut BTreeMap<String, Vec<T>>, name: &str, item: T) {
    match index.get_mut(name) {
        Some(v) => v.push(item),
        None => {
            index.insert(name.to_string(), vec![item]);
        }
    }
}

fn remove_name<T: PartialEq>(index: &mut BTreeMap<String, Vec<T>>, name: &str, item: T) {
    if let Some(v) = index.get_mut(name) {
        v.retain(|x| *x != item);
        if v.is_empty() {
            index.remove(name);
        }
    }
}

/// Crate-internal access for the statistics, which work on arena indices.
impl Registry {
    /// Membership record indices of each person, by person index.
    pub(crate) fn person_membership_lists(&self) -> &[MemberList] {
        &self.person_memberships
    }

    /// Membership record indices of each enterprise, by enterprise index.
    pub(crate) fn enterprise_membership_lists(&self) -> &[MemberList] {
        &self.enterprise_memberships
    }

    /// Membership record indices of an organization (its own, not its branches'), oldest first.
    pub(crate) fn org_membership_records(&self, org: OrgIdx) -> &[u32] {
        self.orgs.get(org.get()).map_or(&[], |r| &r.memberships)
    }

    /// A membership record by index.
    pub(crate) fn membership_record(&self, i: u32) -> &MRec {
        &self.memberships[i as usize]
    }

    /// A person by arena index.
    pub(crate) fn person_at(&self, i: u32) -> &Person {
        &self.persons.rows[i as usize]
    }

    /// The id of the person at arena position `i`, read from the id index's dense keys rather
    /// than the record ("" past the end).
    pub(crate) fn person_id_at(&self, i: u32) -> &str {
        self.persons.ids.text(i)
    }

    /// The columns of the persons (`rules::PersonIndex`), built on the first call.
    pub(crate) fn person_columns(&self) -> &PersonColumns {
        self.person_columns
            .0
            .get_or_init(|| Arc::new(PersonColumns::new(self)))
    }

    /// Days on which some organization changes parent (moves; foundings excluded), sorted.
    pub(crate) fn move_days(&self) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = self
            .orgs
            .iter()
            .flat_map(|r| r.links.iter().skip(1).map(|l| l.from))
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    /// The forest of every organization, each under its parent on `start` (or on its founding
    /// day when founded later): the tree of every day from `start` up to the next move, once
    /// restricted to the organizations existing that day.
    pub(crate) fn forest_from(&self, start: NaiveDate) -> Forest {
        Forest::build(self.orgs.len(), |i| {
            let r = &self.orgs[i.get()];
            let on = start.max(r.org.founded);
            let link = r.link_at(on).unwrap_or_else(|| r.current_link());
            Some(link.parent.map(|p| (p, link.relation)))
        })
    }
}

/// What the scoped-operator checks ([`crate::access`]) read.
impl Registry {
    /// The operator with this id, if any.
    pub fn operator(&self, id: &str) -> Option<&Operator> {
        self.operators.get(id)
    }

    /// Every operator, by id.
    pub fn operators(&self) -> impl Iterator<Item = &Operator> {
        self.operators.values()
    }

    /// The parent of `org` by its latest link (what the latest forest shows, kept current even
    /// inside a batch, where the forest is renumbered only at the end).
    pub(crate) fn current_parent(&self, org: OrgIdx) -> Option<OrgIdx> {
        self.orgs[org.get()].current_link().parent
    }

    /// The organizations of every membership `member` has had (none for an unknown member).
    pub(crate) fn member_orgs(&self, member: &MemberRef) -> Vec<OrgIdx> {
        self.member_idx(member).map_or_else(
            |_| Vec::new(),
            |m| {
                self.memberships_of_idx(m)
                    .iter()
                    .map(|&i| self.memberships[i as usize].org)
                    .collect()
            },
        )
    }

    /// The organization a designation was conferred on.
    pub(crate) fn designation_org(&self, id: &str) -> Option<&str> {
        self.designations.get(id).map(|d| d.org.as_str())
    }

    /// An affiliation by id.
    pub(crate) fn affiliation(&self, id: &str) -> Option<&Affiliation> {
        self.affiliations.get(id)
    }

    /// Validates an operator record: its id, a non-empty display name, at most
    /// [`MAX_GRANTS`](crate::access::MAX_GRANTS) grants, each on an existing organization.
    fn check_operator(&self, op: &Operator) -> Result<Operator, Error> {
        check_id(Entity::Operator, &op.id)?;
        check_text(Entity::Operator, &op.id, "name", &op.name)?;
        if op.grants.len() > crate::access::MAX_GRANTS {
            return Err(Error::invalid(
                Entity::Operator,
                &op.id,
                "grants",
                format!(
                    "has {} entries (at most {} are accepted)",
                    op.grants.len(),
                    crate::access::MAX_GRANTS
                ),
            ));
        }
        for g in &op.grants {
            if let Some(org) = &g.org {
                self.require_org(org)?;
            }
        }
        Ok(op.clone())
    }
}

/// Queries.
impl Registry {
    /// The journal of accepted events, oldest first.
    pub fn journal(&self) -> Journal<'_> {
        Journal::new(self)
    }

    /// The membership rule book joins are checked against, compiled; `None` (the default)
    /// when no `set_rule_book` command set one, or the last one set `None`.
    pub fn rule_book(&self) -> Option<&CompiledBook> {
        self.rules.as_deref()
    }

    /// Number of organizations (dissolved ones included).
    pub fn organization_count(&self) -> usize {
        self.orgs.len()
    }

    /// Number of persons.
    pub fn person_count(&self) -> usize {
        self.persons.rows.len()
    }

    /// Number of membership records (each role interval counts once).
    pub fn membership_count(&self) -> usize {
        self.memberships.len()
    }

    /// The organization with this id.
    pub fn organization(&self, id: &str) -> Option<&Organization> {
        self.org_ids
            .get(id)
            .and_then(|i| self.orgs.get(i as usize))
            .map(|r| &r.org)
    }

    /// Every organization, in the order they were added.
    pub fn organizations(&self) -> impl Iterator<Item = &Organization> {
        self.orgs.iter().map(|r| &r.org)
    }

    /// The arena index of an organization (stable for the registry's lifetime).
    pub fn org_index(&self, id: &str) -> Option<OrgIdx> {
        self.org_ids.get(id).map(OrgIdx)
    }

    /// The organization at an arena index.
    pub fn organization_at(&self, idx: OrgIdx) -> Option<&Organization> {
        self.orgs.get(idx.get()).map(|r| &r.org)
    }

    /// The parent history of an organization, oldest first.
    pub fn parent_history(&self, id: &str) -> Result<Vec<ParentLink>, Error> {
        let idx = self.require_org(id)?;
        Ok(self.orgs[idx.get()]
            .links
            .iter()
            .map(|l| ParentLink {
                parent: l.parent.map(|p| self.orgs[p.get()].org.id.clone()),
                relation: l.relation,
                from: l.from,
                to: l.to,
            })
            .collect())
    }

    /// The council terms of an organization, oldest first.
    pub fn terms(&self, id: &str) -> Result<&[Term], Error> {
        Ok(&self.orgs[self.require_org(id)?.get()].terms)
    }

    /// The person with this id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.persons.get(id)
    }

    /// Every person, in the order they were added.
    pub fn persons(&self) -> impl Iterator<Item = &Person> {
        self.persons.rows.iter()
    }

    /// The enterprise with this id.
    pub fn enterprise(&self, id: &str) -> Option<&Enterprise> {
        self.enterprises.get(id)
    }

    /// Every enterprise, in the order they were added.
    pub fn enterprises(&self) -> impl Iterator<Item = &Enterprise> {
        self.enterprises.rows.iter()
    }

    fn membership_view(&self, m: &MRec) -> Membership {
        Membership {
            member: self.member_ref(m.member),
            org: self.orgs[m.org.get()].org.id.clone(),
            role: m.role,
            start: m.start,
            end: m.end,
            founding: m.founding,
            source: m.source.map(|s| self.sources.rows[s as usize].clone()),
        }
    }

    /// Every membership record, in the order they were created.
    pub fn memberships(&self) -> impl Iterator<Item = Membership> + '_ {
        self.memberships.iter().map(|m| self.membership_view(m))
    }

    /// Every membership a member has had, oldest record first.
    pub fn memberships_of(&self, member: &MemberRef) -> Result<Vec<Membership>, Error> {
        let idx = self.member_idx(member)?;
        Ok(self
            .memberships_of_idx(idx)
            .iter()
            .map(|&i| self.membership_view(&self.memberships[i as usize]))
            .collect())
    }

    /// Designations conferred on an organization.
    pub fn designations_of(&self, org: &str) -> Result<Vec<&Designation>, Error> {
        let r = &self.orgs[self.require_org(org)?.get()];
        Ok(r.designations
            .iter()
            .map(|&i| &self.designations.rows[i as usize])
            .collect())
    }

    /// Every designation.
    pub fn designations(&self) -> impl Iterator<Item = &Designation> {
        self.designations.rows.iter()
    }

    /// Activities recorded on an organization.
    pub fn activities_of(&self, org: &str) -> Result<Vec<&Activity>, Error> {
        let r = &self.orgs[self.require_org(org)?.get()];
        Ok(r.activities
            .iter()
            .map(|&i| &self.activities.rows[i as usize])
            .collect())
    }

    /// Every activity.
    pub fn activities(&self) -> impl Iterator<Item = &Activity> {
        self.activities.rows.iter()
    }

    /// Advice records of an organization.
    pub fn advice_of(&self, org: &str) -> Result<Vec<&Advice>, Error> {
        let r = &self.orgs[self.require_org(org)?.get()];
        Ok(r.advice
            .iter()
            .map(|&i| &self.advice.rows[i as usize])
            .collect())
    }

    /// Every advice record.
    pub fn advice_records(&self) -> impl Iterator<Item = &Advice> {
        self.advice.rows.iter()
    }

    /// Affiliations from or to an organization.
    pub fn affiliations_of(&self, org: &str) -> Result<Vec<&Affiliation>, Error> {
        let r = &self.orgs[self.require_org(org)?.get()];
        Ok(r.affiliations
            .iter()
            .map(|&i| &self.affiliations.rows[i as usize])
            .collect())
    }

    /// Every affiliation.
    pub fn affiliations(&self) -> impl Iterator<Item = &Affiliation> {
        self.affiliations.rows.iter()
    }

    /// The forest of organizations existing on `day`, numbered in pre-order, over the parent
    /// links of that day. Builds in O(organizations).
    pub fn tree_at(&self, day: NaiveDate) -> Forest {
        Forest::build(self.orgs.len(), |i| {
            let r = &self.orgs[i.get()];
            if !r.org.active_on(day) {
                return None;
            }
            Some(
                r.link_at(day)
                    .and_then(|l| l.parent.map(|p| (p, l.relation))),
            )
        })
    }

    /// The forest of the latest parent links, every organization included, dissolved or not.
    /// It is numbered when first asked for after a structural change, and kept until the next.
    pub fn latest_tree(&self) -> &Forest {
        self.forest.0.get_or_init(|| {
            let orgs = &self.orgs;
            Forest::build(orgs.len(), |i| {
                let l = orgs[i.get()].current_link();
                Some(l.parent.map(|p| (p, l.relation)))
            })
        })
    }

    /// Whether the latest forest, restricted to the organizations existing on `day`, is the
    /// tree of `day`: no organization moved after it. (Organizations founded later hang in the
    /// latest forest under parents that existed when they were founded; they are filtered out,
    /// and existence is inherited down the tree, so they change nothing for the others.)
    fn latest_covers(&self, day: NaiveDate) -> bool {
        self.last_move.is_none_or(|d| d <= day)
    }

    fn ids(&self, v: impl IntoIterator<Item = OrgIdx>) -> Vec<&str> {
        v.into_iter()
            .map(|i| self.orgs[i.get()].org.id.as_str())
            .collect()
    }

    fn active_org(&self, id: &str, day: NaiveDate) -> Result<Option<OrgIdx>, Error> {
        let idx = self.require_org(id)?;
        Ok(self.orgs[idx.get()].org.active_on(day).then_some(idx))
    }

    /// The organization's subtree on `day` in pre-order (itself first); empty when it does not
    /// exist that day.
    pub fn subtree(&self, id: &str, day: NaiveDate) -> Result<Vec<&str>, Error> {
        let Some(idx) = self.active_org(id, day)? else {
            return Ok(Vec::new());
        };
        if self.latest_covers(day) {
            // Existence is inherited down the tree, so filtering the latest range is exact.
            Ok(self.ids(
                self.latest_tree()
                    .subtree(idx)
                    .iter()
                    .copied()
                    .filter(|o| self.orgs[o.get()].org.active_on(day)),
            ))
        } else {
            Ok(self.ids(self.tree_at(day).subtree(idx).iter().copied()))
        }
    }

    /// The organization's children on `day`, in the order they were added.
    pub fn children(&self, id: &str, day: NaiveDate) -> Result<Vec<&str>, Error> {
        let Some(idx) = self.active_org(id, day)? else {
            return Ok(Vec::new());
        };
        if self.latest_covers(day) {
            Ok(self.ids(
                self.latest_tree()
                    .children(idx)
                    .filter(|o| self.orgs[o.get()].org.active_on(day)),
            ))
        } else {
            Ok(self.ids(self.tree_at(day).children(idx)))
        }
    }

    /// The organization's ancestors on `day`, parent first.
    pub fn ancestors(&self, id: &str, day: NaiveDate) -> Result<Vec<&str>, Error> {
        let Some(idx) = self.active_org(id, day)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut cur = self.parent_at(idx, day);
        while let Some(p) = cur {
            if out.len() > self.orgs.len() {
                break;
            }
            out.push(self.orgs[p.get()].org.id.as_str());
            cur = self.parent_at(p, day);
        }
        Ok(out)
    }

    /// Whether organization `org` lies in the subtree of `root` on `day` (an organization is in
    /// its own subtree); false when either does not exist that day or is unknown. Walks the
    /// parent links of that day: O(depth).
    pub fn is_within(&self, org: &str, root: &str, day: NaiveDate) -> bool {
        let (Some(o), Some(r)) = (
            self.org_ids.get(org).map(OrgIdx),
            self.org_ids.get(root).map(OrgIdx),
        ) else {
            return false;
        };
        self.orgs[o.get()].org.active_on(day)
            && self.orgs[r.get()].org.active_on(day)
            && self.reaches(o, r, day)
    }

    /// Whether `member` is active on `day` in some organization of the subtree of `root` (the
    /// tree of that day). O(memberships of the member × depth).
    pub fn is_member_within(
        &self,
        member: &MemberRef,
        root: &str,
        day: NaiveDate,
    ) -> Result<bool, Error> {
        let root_idx = self.require_org(root)?;
        let m = self.member_idx(member)?;
        if !self.orgs[root_idx.get()].org.active_on(day) {
            return Ok(false);
        }
        // On and after the last parent change the latest forest is the tree of the day, and a
        // subtree is a range of positions; before it, walk the links of the day.
        let latest = self.latest_covers(day);
        Ok(self.memberships_of_idx(m).iter().any(|&i| {
            let rec = &self.memberships[i as usize];
            rec.active_on(day)
                && if latest {
                    self.latest_tree().is_within(rec.org, root_idx)
                } else {
                    self.reaches(rec.org, root_idx, day)
                }
        }))
    }

    /// Whether walking up from `org` along the links of `day` reaches `root`.
    pub(crate) fn reaches(&self, org: OrgIdx, root: OrgIdx, day: NaiveDate) -> bool {
        self.reaches_by(org, root, |c| self.parent_at(c, day))
    }

    /// Whether walking up from `org` by `parent` reaches `root` (at most one step per
    /// organization, so a cycle in what `parent` gives cannot loop).
    pub(crate) fn reaches_by(
        &self,
        org: OrgIdx,
        root: OrgIdx,
        parent: impl Fn(OrgIdx) -> Option<OrgIdx>,
    ) -> bool {
        let mut cur = Some(org);
        let mut steps = 0;
        while let Some(c) = cur {
            if c == root {
                return true;
            }
            steps += 1;
            if steps > self.orgs.len() {
                return false;
            }
            cur = parent(c);
        }
        false
    }

    /// Root organizations existing on `day`.
    pub fn roots(&self, day: NaiveDate) -> Vec<&str> {
        self.ids(self.tree_at(day).roots())
    }

    /// The organizations whose memberships count for `id` under `scope` on `day`.
    fn scope_orgs(&self, idx: OrgIdx, day: NaiveDate, scope: MemberScope) -> Vec<OrgIdx> {
        match scope {
            MemberScope::Direct => vec![idx],
            MemberScope::Subtree => self.tree_at(day).subtree(idx).to_vec(),
            MemberScope::WithBranches => {
                let forest = self.tree_at(day);
                let mut out = vec![idx];
                let mut i = 0;
                while let Some(&o) = out.get(i) {
                    out.extend(
                        forest
                            .children(o)
                            .filter(|&c| matches!(forest.parent(c), Some((_, Relation::PartOf)))),
                    );
                    i += 1;
                }
                out
            }
        }
    }

    /// Memberships active on `day` that count for the organization under `scope`.
    pub fn active_memberships(
        &self,
        org: &str,
        day: NaiveDate,
        scope: MemberScope,
    ) -> Result<Vec<Membership>, Error> {
        let Some(idx) = self.active_org(org, day)? else {
            return Ok(Vec::new());
        };
        Ok(self
            .scope_orgs(idx, day, scope)
            .into_iter()
            .flat_map(|o| self.orgs[o.get()].memberships.iter())
            .map(|&i| &self.memberships[i as usize])
            .filter(|m| m.active_on(day))
            .map(|m| self.membership_view(m))
            .collect())
    }

    /// Distinct members active on `day` for the organization under `scope`, sorted
    /// (persons first, then enterprises, each by id).
    pub fn members(
        &self,
        org: &str,
        day: NaiveDate,
        scope: MemberScope,
    ) -> Result<Vec<MemberRef>, Error> {
        let mut out: Vec<MemberRef> = self
            .active_memberships(org, day, scope)?
            .into_iter()
            .map(|m| m.member)
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Organizations whose Chinese name starts with `prefix`, sorted by name.
    pub fn search_organizations(&self, prefix: &str) -> Vec<&Organization> {
        prefix_range(&self.org_names, prefix)
            .map(|i| &self.orgs[i.get()].org)
            .collect()
    }

    /// Persons whose name starts with `prefix`, sorted by name.
    pub fn search_persons(&self, prefix: &str) -> Vec<&Person> {
        prefix_range(&self.person_names, prefix)
            .map(|i| &self.persons.rows[i as usize])
            .collect()
    }
}

fn prefix_range<'a, T: Copy>(
    index: &'a BTreeMap<String, Vec<T>>,
    prefix: &'a str,
) -> impl Iterator<Item = T> + 'a {
    index
        .range::<str, _>((
            std::ops::Bound::Included(prefix),
            std::ops::Bound::Unbounded,
        ))
        .take_while(move |(name, _)| name.starts_with(prefix))
        .flat_map(|(_, v)| v.iter().copied())
}
