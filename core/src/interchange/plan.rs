//! From parsed rows to an applied import: organizations ordered parents first, references
//! checked, commands applied all-or-nothing, and every registry error mapped back to the row
//! (file, line, column, value) it came from.

use super::columns::{OrgRow, Table};
use super::error::{quote, InterchangeError, InterchangeErrorKind};
use super::source::{Rejected, Sink, Stop, TableText};
use super::{ImportStage, ImportSummary, Progress, Reading};
use crate::command::{Command, Meta};
use crate::error::{Entity, Error};
use crate::model::{MemberRef, Membership};
use crate::registry::{BatchSize, Registry};
use crate::vocab::Role;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Where the rows of one table came from, to build errors about them.
pub(crate) enum Origin<'a> {
    /// Not given.
    None,
    /// A CSV text (or converted sheet): positions are lines.
    Text(TableText<'a>),
    /// A JSON array of a Popolo document: positions are indices.
    Json { file: String, array: &'static str },
}

impl Origin<'_> {
    fn file(&self, table: Table) -> &str {
        match self {
            Origin::None => table.default_file(),
            Origin::Text(t) => &t.file,
            Origin::Json { file, .. } => file,
        }
    }

    /// An error about the row at `pos`, in `column` (a CSV column name).
    pub fn error(
        &self,
        table: Table,
        pos: u64,
        column: Option<&str>,
        value: Option<String>,
        kind: InterchangeErrorKind,
    ) -> InterchangeError {
        match self {
            Origin::Json { file, array } => InterchangeError {
                file: file.clone(),
                line: None,
                column: Some(match column {
                    Some(c) => format!("{array}[{pos}].{}", super::popolo::json_field(table, c)),
                    None => format!("{array}[{pos}]"),
                }),
                value,
                kind,
            },
            _ => InterchangeError {
                file: self.file(table).to_string(),
                line: Some(pos),
                column: column.map(str::to_string),
                value,
                kind,
            },
        }
    }

    /// The error for a registry rejection of the row at `pos`, with the cell's value looked
    /// up again in the text; an id already defined earlier in the same file becomes a
    /// [`InterchangeErrorKind::DuplicateId`] naming that line.
    fn rule_error(&self, table: Table, pos: u64, error: Error) -> InterchangeError {
        let column = rule_column(table, &error, self);
        let (value, first) = match (self, column) {
            (Origin::Text(t), Some(c)) => t.lookup(pos, c),
            _ => (None, None),
        };
        let kind = match (&error, first) {
            (Error::DuplicateId { .. }, Some(first_line)) => {
                InterchangeErrorKind::DuplicateId { first_line }
            }
            _ => InterchangeErrorKind::Rule(Box::new(error)),
        };
        let value = value.map(|v| mask_if_resident_id(column, v));
        self.error(table, pos, column, value, kind)
    }

    fn has_column(&self, column: &str) -> bool {
        match self {
            Origin::Text(t) => t.has_column(column),
            _ => false,
        }
    }
}

/// Resident ID numbers are quoted masked in errors when they are long enough to mask.
fn mask_if_resident_id(column: Option<&str>, value: String) -> String {
    if column == Some("resident_id") && value.chars().count() == 18 && value.is_ascii() {
        format!(
            "{}********{}",
            value.get(..6).unwrap_or(""),
            value.get(14..).unwrap_or("")
        )
    } else {
        value
    }
}

/// Which column a registry error is about.
fn rule_column(table: Table, error: &Error, origin: &Origin) -> Option<&'static str> {
    let field = |f: &'static str| -> Option<&'static str> {
        Some(match (table, f) {
            (Table::Persons, "birth") => {
                if origin.has_column("birth") {
                    "birth"
                } else {
                    "birth_year"
                }
            }
            (Table::Persons, "political_posts.from" | "political_posts.to") => return None,
            (Table::Memberships, "id") => "person_id",
            (_, f) => f,
        })
    };
    match (table, error) {
        (_, Error::InvalidField { field: f, .. }) => field(f),
        (Table::Memberships, Error::DateOrder { .. }) => Some("end"),
        (_, Error::DateOrder { end_field, .. }) => field(end_field),
        (_, Error::DuplicateId { .. }) => Some("id"),
        (Table::Orgs, Error::NotFound { .. }) => Some("parent_id"),
        (Table::Orgs, Error::LevelOrder { .. }) => Some("level"),
        (Table::Orgs, Error::KindMismatch { .. }) => Some("kind"),
        (Table::Orgs, Error::OutsideLifetime { date, founded, .. }) => {
            // The child's lifetime does not fit its parent's.
            Some(if date < founded {
                "founded"
            } else {
                "dissolved"
            })
        }
        (Table::Orgs, Error::Division { .. }) => Some("division_code"),
        (Table::Memberships, Error::NotFound { entity, .. }) => match entity {
            Entity::Organization => Some("org_id"),
            _ => Some("person_id"),
        },
        (Table::Memberships, Error::OutsideLifetime { .. }) => Some("start"),
        (Table::Memberships, Error::OverlappingMembership { .. }) => Some("start"),
        (Table::Memberships, Error::PresidentConflict { .. }) => Some("role"),
        // The member does not meet a reject rule of the registry's rule book.
        (Table::Memberships, Error::RuleViolation(_)) => Some("person_id"),
        _ => None,
    }
}

/// Checks ids, parents and cycles among organization rows and orders them parents first
/// (otherwise in file order). Rows with a problem are reported and left out, and so are the
/// rows under them (counted in `skipped`).
pub(crate) fn order_orgs(
    rows: Vec<OrgRow>,
    registry: &Registry,
    origin: &Origin,
    sink: &mut Sink,
    rejected: &mut Rejected,
    skipped: &mut usize,
) -> Result<Vec<OrgRow>, Stop> {
    let table = Table::Orgs;
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    let mut dropped = vec![false; rows.len()];
    for (i, r) in rows.iter().enumerate() {
        if let Some(&first) = index.get(r.org.id.as_str()) {
            let first_line = rows.get(first).map_or(0, |f| f.pos);
            sink.push(origin.error(
                table,
                r.pos,
                Some("id"),
                Some(quote(&r.org.id)),
                InterchangeErrorKind::DuplicateId { first_line },
            ))?;
            if let Some(d) = dropped.get_mut(i) {
                *d = true;
            }
        } else {
            index.insert(&r.org.id, i);
        }
    }
    // Parent of each row within the file, or `None` (a root, or a parent in the registry).
    let mut parent_of: Vec<Option<usize>> = vec![None; rows.len()];
    for (i, r) in rows.iter().enumerate() {
        let Some(p) = &r.parent else { continue };
        if dropped.get(i).copied().unwrap_or(true) {
            continue;
        }
        if let Some(&j) = index.get(p.as_str()) {
            if let Some(slot) = parent_of.get_mut(i) {
                *slot = Some(j);
            }
        } else if rejected.orgs.contains(p) {
            *skipped += 1;
            if let Some(d) = dropped.get_mut(i) {
                *d = true;
            }
        } else if registry.organization(p).is_none() {
            sink.push(origin.error(
                table,
                r.pos,
                Some("parent_id"),
                Some(quote(p)),
                InterchangeErrorKind::UnknownReference {
                    entity: "organization",
                },
            ))?;
            if let Some(d) = dropped.get_mut(i) {
                *d = true;
            }
        }
    }
    // Depth-first from each row up its parents: 0 new, 1 on the current path, 2 placed.
    let mut state = vec![0u8; rows.len()];
    let mut order = Vec::with_capacity(rows.len());
    let mut path = Vec::new();
    for start in 0..rows.len() {
        let mut cur = Some(start);
        path.clear();
        // Walk up to a placed row, a root, or back onto the path (a cycle).
        let mut cycle_at = None;
        while let Some(c) = cur {
            match state.get(c).copied().unwrap_or(2) {
                2 => break,
                1 => {
                    cycle_at = Some(c);
                    break;
                }
                _ => {
                    if let Some(s) = state.get_mut(c) {
                        *s = 1;
                    }
                    path.push(c);
                    cur = parent_of.get(c).copied().flatten();
                }
            }
        }
        // A row is out when a row above it on the path is dropped or on a cycle.
        let mut blocked = cur.is_some_and(|c| dropped.get(c).copied().unwrap_or(true));
        if let Some(c) = cycle_at {
            let k = path.iter().position(|&p| p == c).unwrap_or(0);
            let on_cycle = path.get(k..).unwrap_or_default();
            let ids: Vec<&str> = on_cycle
                .iter()
                .chain(on_cycle.first())
                .filter_map(|&i| rows.get(i).map(|r| r.org.id.as_str()))
                .collect();
            // Report at the row of the cycle that comes first in the file.
            let first = on_cycle.iter().copied().min().unwrap_or(c);
            if let Some(r) = rows.get(first) {
                sink.push(origin.error(
                    table,
                    r.pos,
                    Some("parent_id"),
                    r.parent.as_deref().map(quote),
                    InterchangeErrorKind::ParentCycle {
                        cycle: ids.join(" -> "),
                    },
                ))?;
            }
            for &i in on_cycle {
                if let Some(d) = dropped.get_mut(i) {
                    *d = true;
                }
            }
        }
        for &i in path.iter().rev() {
            if let Some(s) = state.get_mut(i) {
                *s = 2;
            }
            let out = dropped.get(i).copied().unwrap_or(true);
            if out || blocked {
                if !out {
                    *skipped += 1;
                }
                if let Some(d) = dropped.get_mut(i) {
                    *d = true;
                }
                blocked = true;
            } else {
                order.push(i);
            }
        }
    }
    for (i, d) in dropped.iter().enumerate() {
        if *d {
            if let Some(r) = rows.get(i) {
                rejected.orgs.insert(r.org.id.clone());
            }
        }
    }
    let mut slots: Vec<Option<OrgRow>> = rows.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect())
}

/// The commands of an import, in order, waiting to be applied.
///
/// Joins, by far the most numerous, wait in compact form: ids in one shared text, 40 bytes a
/// join instead of a 200-byte command with two strings of its own. Each is rebuilt just before
/// it is applied and dropped right after, so its two strings reuse the memory the join before
/// freed. A national roster's 15 million joins then wait in 0.9 GB less, and, once applied,
/// leave no 64 bytes of holes per membership behind them in the heap (measured: the resident
/// size after a load fell by what `malloc_trim` used to give back).
#[derive(Debug, Default)]
pub(crate) struct Commands {
    /// The commands before the first waiting join.
    commands: Vec<Command>,
    /// The joins after all of `commands`, in order.
    joins: Vec<CompactJoin>,
    /// The ids of `joins`, one after another.
    ids: String,
}

/// A [`Command::Join`] waiting in [`Commands`]: the member's id at `ids` in the shared text,
/// the organization's right after it.
#[derive(Debug)]
struct CompactJoin {
    ids: u32,
    member_len: u32,
    org_len: u32,
    enterprise: bool,
    role: Role,
    founding: bool,
    start: NaiveDate,
    end: Option<NaiveDate>,
    source: Option<Box<str>>,
}

impl Commands {
    /// Room for `commands` commands other than joins and for `joins` joins.
    pub(crate) fn with_capacity(commands: usize, joins: usize) -> Self {
        Commands {
            commands: Vec::with_capacity(commands),
            joins: Vec::with_capacity(joins),
            ids: String::new(),
        }
    }

    /// The number of commands.
    pub(crate) fn len(&self) -> usize {
        self.commands.len() + self.joins.len()
    }

    /// Appends a command.
    pub(crate) fn push(&mut self, command: Command) {
        match command {
            Command::Join { membership } => match self.compact(&membership) {
                Some(join) => self.joins.push(join),
                None => {
                    self.flush();
                    self.commands.push(Command::Join { membership });
                }
            },
            command => {
                self.flush();
                self.commands.push(command);
            }
        }
    }

    /// `m` in compact form, its ids appended to the shared text; `None` (and nothing appended)
    /// when the text would pass 4 GiB.
    fn compact(&mut self, m: &Membership) -> Option<CompactJoin> {
        let (member, enterprise) = match &m.member {
            MemberRef::Person(id) => (id, false),
            MemberRef::Enterprise(id) => (id, true),
        };
        let ids = u32::try_from(self.ids.len()).ok()?;
        let member_len = u32::try_from(member.len()).ok()?;
        let org_len = u32::try_from(m.org.len()).ok()?;
        ids.checked_add(member_len)?.checked_add(org_len)?;
        self.ids.push_str(member);
        self.ids.push_str(&m.org);
        Some(CompactJoin {
            ids,
            member_len,
            org_len,
            enterprise,
            role: m.role,
            founding: m.founding,
            start: m.start,
            end: m.end,
            source: m.source.as_deref().map(Box::from),
        })
    }

    /// Turns the waiting joins back into commands (a command other than a join follows them).
    fn flush(&mut self) {
        if !self.joins.is_empty() {
            let ids = std::mem::take(&mut self.ids);
            let joins = std::mem::take(&mut self.joins);
            self.commands
                .extend(joins.into_iter().map(|j| j.command(&ids)));
        }
    }
}

impl CompactJoin {
    /// The join as a command.
    fn command(self, ids: &str) -> Command {
        let text = |from: u32, len: u32| {
            let from = from as usize;
            ids.get(from..from + len as usize)
                .unwrap_or_default()
                .to_string()
        };
        let member = text(self.ids, self.member_len);
        let org = text(self.ids.saturating_add(self.member_len), self.org_len);
        Command::Join {
            membership: Membership {
                member: if self.enterprise {
                    MemberRef::Enterprise(member)
                } else {
                    MemberRef::Person(member)
                },
                org,
                role: self.role,
                start: self.start,
                end: self.end,
                founding: self.founding,
                source: self.source.map(String::from),
            },
        }
    }
}

impl IntoIterator for Commands {
    type Item = Command;
    type IntoIter = IntoCommands;
    fn into_iter(self) -> IntoCommands {
        IntoCommands {
            commands: self.commands.into_iter(),
            joins: self.joins.into_iter(),
            ids: self.ids,
        }
    }
}

/// The commands of a [`Commands`], in order, each join rebuilt as it is reached.
pub(crate) struct IntoCommands {
    commands: std::vec::IntoIter<Command>,
    joins: std::vec::IntoIter<CompactJoin>,
    ids: String,
}

impl Iterator for IntoCommands {
    type Item = Command;
    fn next(&mut self) -> Option<Command> {
        self.commands
            .next()
            .or_else(|| self.joins.next().map(|j| j.command(&self.ids)))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.commands.len() + self.joins.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for IntoCommands {}

/// The commands of an import with the table and position of each.
pub(crate) struct Plan<'a> {
    /// The commands, in order.
    pub commands: Commands,
    pub positions: Vec<u64>,
    /// End (exclusive) of each table's commands, in the order orgs, enterprises, persons,
    /// memberships.
    pub ends: [usize; 4],
    pub origins: [Origin<'a>; 4],
}

const TABLES: [Table; 4] = [
    Table::Orgs,
    Table::Enterprises,
    Table::Persons,
    Table::Memberships,
];

impl<'a> Plan<'a> {
    fn table_of(&self, index: usize) -> (Table, &Origin<'a>) {
        let t = self
            .ends
            .iter()
            .position(|&e| index < e)
            .unwrap_or(3)
            .min(3);
        (TABLES[t], &self.origins[t])
    }

    /// Applies every command atomically (as the operator `meta.actor` names when
    /// `as_operator`), counting them on `progress`; on failure, the registry is unchanged and
    /// the error names the row.
    pub(crate) fn apply(
        mut self,
        registry: &mut Registry,
        meta: &Meta,
        as_operator: bool,
        progress: &mut Progress<'_>,
    ) -> Result<usize, InterchangeError> {
        let commands = std::mem::take(&mut self.commands);
        let plan = self;
        progress.start(ImportStage::Applying, commands.len() as u64);
        // The tables' ends give the batch's size without a pass over the commands.
        let n = ImportSummary::from_ends(plan.ends);
        let size = BatchSize {
            orgs: n.organizations,
            enterprises: n.enterprises,
            persons: n.persons,
            joins: n.memberships,
        };
        let applied = registry.apply_commands(meta, commands.into_iter(), size, |reg, command| {
            progress.tick();
            if as_operator {
                reg.authorize_as(&meta.actor, command)
            } else {
                Ok(())
            }
        });
        progress.finish();
        applied.map_err(|(i, e)| {
            let (table, origin) = plan.table_of(i);
            let pos = plan.positions.get(i).copied().unwrap_or(0);
            origin.rule_error(table, pos, e)
        })
    }

    /// Applies the commands one by one to `registry`, reporting each rejection and skipping
    /// commands that refer to a rejected record.
    pub fn apply_each(
        mut self,
        registry: &mut Registry,
        meta: &Meta,
        as_operator: bool,
        st: &mut Reading<'_>,
    ) -> usize {
        let commands = std::mem::take(&mut self.commands);
        let plan = self;
        let Reading {
            sink,
            rejected,
            skipped,
            progress,
        } = st;
        progress.start(ImportStage::Applying, commands.len() as u64);
        let mut applied = 0;
        for (i, command) in commands.into_iter().enumerate() {
            progress.tick();
            let blocked = match &command {
                Command::AddOrganization {
                    parent: Some(p), ..
                } => rejected.orgs.contains(p),
                Command::Join { membership } => {
                    rejected.orgs.contains(&membership.org)
                        || match &membership.member {
                            MemberRef::Person(p) => rejected.persons.contains(p),
                            MemberRef::Enterprise(e) => rejected.enterprises.contains(e),
                        }
                }
                _ => false,
            };
            let key = match &command {
                Command::AddOrganization { org, .. } => Some((Table::Orgs, org.id.clone())),
                Command::AddPerson { person } => Some((Table::Persons, person.id.clone())),
                Command::AddEnterprise { enterprise } => {
                    Some((Table::Enterprises, enterprise.id.clone()))
                }
                _ => None,
            };
            let reject = |rejected: &mut Rejected| {
                if let Some((t, id)) = &key {
                    if let Some(set) = rejected.set(*t) {
                        set.insert(id.clone());
                    }
                }
            };
            if blocked {
                *skipped += 1;
                reject(rejected);
                continue;
            }
            let result = if as_operator {
                registry.apply_as(meta, command)
            } else {
                registry.apply(meta, command)
            };
            match result {
                Ok(_) => applied += 1,
                Err(e) => {
                    let (table, origin) = plan.table_of(i);
                    let pos = plan.positions.get(i).copied().unwrap_or(0);
                    // Report mode never stops.
                    let _ = sink.push(origin.rule_error(table, pos, e));
                    reject(rejected);
                }
            }
        }
        progress.finish();
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Joins of every shape (persons and enterprises, ids empty, long or in Chinese, a source or
    /// none, open or ended) and other commands between them.
    fn arb_command() -> impl Strategy<Value = Command> {
        let id = prop_oneof![Just(String::new()), "[a-z0-9]{1,20}", "[机构成员]{1,6}"];
        let join = (
            id.clone(),
            id.clone(),
            any::<bool>(),
            any::<bool>(),
            proptest::option::of("[a-z来源]{0,8}"),
            0u32..5000,
            proptest::option::of(0u32..5000),
        )
            .prop_map(|(member, org, enterprise, founding, source, start, end)| {
                let day = |k: u32| NaiveDate::from_num_days_from_ce_opt(730_000 + k as i32);
                Command::Join {
                    membership: Membership {
                        member: if enterprise {
                            MemberRef::Enterprise(member)
                        } else {
                            MemberRef::Person(member)
                        },
                        org,
                        role: if founding {
                            Role::President
                        } else {
                            Role::Member
                        },
                        start: day(start).unwrap_or_default(),
                        end: end.and_then(day),
                        founding,
                        source,
                    },
                }
            });
        let other = id.prop_map(|id| Command::DissolveOrganization {
            id,
            date: NaiveDate::default(),
        });
        prop_oneof![4 => join, 1 => other]
    }

    proptest! {
        /// Commands read back exactly as pushed, in order, however joins and other commands
        /// alternate.
        #[test]
        fn commands_read_back_as_pushed(commands in proptest::collection::vec(arb_command(), 0..60)) {
            let mut waiting = Commands::default();
            for c in commands.iter().cloned() {
                waiting.push(c);
            }
            prop_assert_eq!(waiting.len(), commands.len());
            let back = waiting.into_iter();
            prop_assert_eq!(back.len(), commands.len());
            prop_assert_eq!(back.collect::<Vec<_>>(), commands);
        }
    }

    #[test]
    fn trailing_joins_wait_in_compact_form() {
        let join = |m: &str, o: &str| Command::Join {
            membership: Membership {
                member: MemberRef::Person(m.into()),
                org: o.into(),
                role: Role::Member,
                start: NaiveDate::default(),
                end: None,
                founding: false,
                source: None,
            },
        };
        let mut waiting = Commands::default();
        waiting.push(join("p1", "o1"));
        waiting.push(Command::DissolveOrganization {
            id: "o1".into(),
            date: NaiveDate::default(),
        });
        waiting.push(join("p2", "o2"));
        waiting.push(join("p3", "o3"));
        assert_eq!((waiting.commands.len(), waiting.joins.len()), (2, 2));
        assert_eq!(waiting.ids, "p2o2p3o3");
    }
}
