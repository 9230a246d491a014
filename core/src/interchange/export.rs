//! Writing a registry back as roster files.

use super::error::InterchangeError;
use super::text::{encode, TextEncoding};
use super::{FileFormat, RosterFile, Rosters};
use crate::access::View;
use crate::ids::ResidentId;
use crate::model::MemberRef;
use crate::registry::Registry;
use crate::vocab::Relation;

/// Options of an export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Encoding of the files (`Auto` writes UTF-8).
    pub encoding: TextEncoding,
    /// Start UTF-8 files with a byte-order mark (Excel needs one to open UTF-8 CSV correctly).
    pub bom: bool,
    /// Write resident ID numbers in full. Off by default: every export masks them
    /// ([`ResidentId::masked`]).
    pub unmask_resident_ids: bool,
}

/// The exported files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterExport {
    /// `orgs.csv`.
    pub orgs: Vec<u8>,
    /// `enterprises.csv` (a header only when the registry has no enterprise).
    pub enterprises: Vec<u8>,
    /// `persons.csv`.
    pub persons: Vec<u8>,
    /// `memberships.csv`.
    pub memberships: Vec<u8>,
}

impl RosterExport {
    /// The files as import input.
    pub fn as_rosters(&self) -> Rosters<'_> {
        fn file(data: &[u8]) -> Option<RosterFile<'_>> {
            Some(RosterFile {
                name: None,
                data,
                format: FileFormat::Csv,
            })
        }
        Rosters {
            orgs: file(&self.orgs),
            enterprises: file(&self.enterprises),
            persons: file(&self.persons),
            memberships: file(&self.memberships),
        }
    }
}

struct Table {
    file: &'static str,
    text: String,
}

impl Table {
    fn new(file: &'static str, header: &[&str]) -> Self {
        let mut t = Table {
            file,
            text: String::new(),
        };
        t.row(header);
        t
    }

    fn row<I: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = I>) {
        super::csv_write::write_record(&mut self.text, cells);
    }

    fn finish(self, options: &ExportOptions) -> Result<Vec<u8>, InterchangeError> {
        encode(self.file, self.text, options.encoding, options.bom)
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

/// A resident ID as exported: masked unless asked otherwise.
pub(crate) fn export_resident_id(stored: &str, unmask: bool) -> String {
    if unmask {
        return stored.to_string();
    }
    // The registry keeps only valid numbers; anything else is hidden whole.
    ResidentId::parse(stored).map_or_else(|_| "*".repeat(stored.chars().count()), |r| r.masked())
}

/// Writes the registry as roster files (see the module docs for what they carry).
pub fn export_rosters(
    registry: &Registry,
    options: &ExportOptions,
) -> Result<RosterExport, InterchangeError> {
    export_rosters_in(registry, options, None)
}

/// What an export writes: everything, or what a [`View`] covers (see [`export_rosters_in`]).
pub(crate) struct Selection<'a> {
    registry: &'a Registry,
    view: Option<&'a View>,
}

impl<'a> Selection<'a> {
    pub(crate) fn new(registry: &'a Registry, view: Option<&'a View>) -> Self {
        Selection { registry, view }
    }

    pub(crate) fn org(&self, id: &str) -> bool {
        self.view
            .is_none_or(|v| self.registry.org_index(id).is_some_and(|i| v.sees(i)))
    }

    pub(crate) fn member(&self, m: &MemberRef) -> bool {
        self.view
            .is_none_or(|v| v.role_over_member(self.registry, m).is_some())
    }

    /// An organization's latest parent and relation, as written: none when the parent is
    /// outside the selection (the organization is a root of the export).
    pub(crate) fn parent(&self, org: &str) -> Option<(String, Relation)> {
        self.registry
            .parent_history(org)
            .ok()
            .and_then(|h| h.into_iter().last())
            .and_then(|l| l.parent.map(|p| (p, l.relation)))
            .filter(|(p, _)| self.org(p))
    }
}

/// [`export_rosters`] of what `view` covers (everything for `None`): its organizations (a
/// parent outside it left empty), the persons and enterprises it covers and the memberships
/// in its organizations.
pub(crate) fn export_rosters_in(
    registry: &Registry,
    options: &ExportOptions,
    view: Option<&View>,
) -> Result<RosterExport, InterchangeError> {
    let sel = Selection::new(registry, view);
    let mut orgs = Table::new(
        "orgs.csv",
        &[
            "id",
            "parent_id",
            "level",
            "kind",
            "division_code",
            "founded",
            "dissolved",
            "name",
            "name_en",
            "carrier",
            "category",
            "relation",
            "area_m2",
            "rooms",
        ],
    );
    for o in registry.organizations().filter(|o| sel.org(&o.id)) {
        let (parent, relation) = match sel.parent(&o.id) {
            Some((p, r)) => (p, r.as_str()),
            None => (String::new(), ""),
        };
        let facilities = o.facilities.as_ref();
        orgs.row([
            o.id.as_str(),
            &parent,
            o.level.as_str(),
            o.kind.as_str(),
            &o.division_code,
            &o.founded.to_string(),
            &opt(o.dissolved),
            &o.name,
            o.name_en.as_deref().unwrap_or(""),
            o.carrier.map_or("", |c| c.as_str()),
            o.category.map_or("", |c| c.as_str()),
            if relation == Relation::Guidance.as_str() {
                ""
            } else {
                relation
            },
            &opt(facilities.and_then(|f| f.area_m2)),
            &opt(facilities.and_then(|f| f.rooms)),
        ]);
    }
    let mut enterprises = Table::new("enterprises.csv", &["id", "name", "credit_code"]);
    for e in registry
        .enterprises()
        .filter(|e| sel.member(&MemberRef::Enterprise(e.id.clone())))
    {
        enterprises.row([&e.id, &e.name, &e.credit_code]);
    }
    let mut persons = Table::new(
        "persons.csv",
        &[
            "id",
            "party",
            "title",
            "stratum",
            "birth_year",
            "birth",
            "name",
            "sex",
            "ethnicity",
            "resident_id",
            "returned_overseas",
            "education",
            "employer",
            "profession",
        ],
    );
    for p in registry
        .persons()
        .filter(|p| sel.member(&MemberRef::Person(p.id.clone())))
    {
        persons.row([
            p.id.as_str(),
            p.party.as_str(),
            p.title.as_str(),
            p.stratum.as_str(),
            &opt(p.birth.map(|b| b.year_number())),
            &opt(p.birth),
            p.name.as_deref().unwrap_or(""),
            p.sex.map_or("", |s| s.as_str()),
            p.ethnicity.as_deref().unwrap_or(""),
            &p.resident_id
                .as_deref()
                .map(|r| export_resident_id(r, options.unmask_resident_ids))
                .unwrap_or_default(),
            if p.returned_overseas { "true" } else { "false" },
            p.education.map_or("", |e| e.as_str()),
            p.employer.as_deref().unwrap_or(""),
            p.profession.as_deref().unwrap_or(""),
        ]);
    }
    let mut memberships = Table::new(
        "memberships.csv",
        &[
            "person_id",
            "org_id",
            "role",
            "start",
            "end",
            "founding",
            "source",
            "member_type",
        ],
    );
    for m in registry.memberships().filter(|m| sel.org(&m.org)) {
        let member_type = match m.member {
            MemberRef::Person(_) => "person",
            MemberRef::Enterprise(_) => "enterprise",
        };
        memberships.row([
            m.member.id(),
            &m.org,
            m.role.as_str(),
            &m.start.to_string(),
            &opt(m.end),
            if m.founding { "true" } else { "false" },
            m.source.as_deref().unwrap_or(""),
            member_type,
        ]);
    }
    Ok(RosterExport {
        orgs: orgs.finish(options)?,
        enterprises: enterprises.finish(options)?,
        persons: persons.finish(options)?,
        memberships: memberships.finish(options)?,
    })
}
