//! Roster interchange: the CSV files every front accepts (DESIGN §Interchange), the same tables
//! as `.xlsx` sheets, in UTF-8 or GBK/GB18030, and Popolo JSON for civic-tech tools.
//!
//! ## The roster tables
//! One file per table, a header row, columns in any order (matched by name, ASCII
//! case-insensitive), `,` separated with `"` quoting:
//!
//! | file | required columns | optional columns |
//! |---|---|---|
//! | `orgs.csv` | `id, parent_id, level, kind, division_code, founded, dissolved` | `name` (default: the id), `name_en`, `carrier`, `category`, `relation` (`guidance` default, or `part_of`), `area_m2`, `rooms` |
//! | `persons.csv` | `id, party, title, stratum`, and `birth_year` or `birth` | `name, sex, ethnicity, resident_id, returned_overseas, education, employer, profession` |
//! | `memberships.csv` | `person_id, org_id, role, start, end` | `founding`, `source`, `member_type` (`person` default, or `enterprise`) |
//! | `enterprises.csv` (optional file) | `id, name, credit_code` | — |
//!
//! Extensions to DESIGN §Interchange, all optional: `enterprises.csv` and `member_type`
//! (a membership whose `member_type` is `enterprise` names an enterprise of `enterprises.csv`
//! or of the registry in its `person_id` column — chambers of commerce have enterprise members);
//! `birth` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, beside or instead of `birth_year`; when both are
//! given they must agree); `name_en`, `area_m2`, `rooms` on organizations; `education`,
//! `employer`, `profession` on persons; `founding` and `source` on memberships.
//!
//! Cells: vocabularies by their snake_case English names ([`crate::vocab`]) or their Chinese
//! labels (`知联会`, `中级`, `男` …); days `YYYY-MM-DD` (also `YYYY/M/D`); yes/no cells `true`,
//! `false`, `1`, `0`, `yes`, `no`, `是`, `否` (empty is no); empty cells are absent values. Ids,
//! codes, dates and vocabulary cells are trimmed; free text (names, employer …) is kept as
//! written. Rows whose cells are all empty are skipped. A header column the table does not
//! know is an error, unless [`ImportOptions::unknown_columns`] says to ignore it.
//!
//! ## Importing
//! Rows become [`Command`]s — organizations ordered parents first (a file may list children
//! before their parents), then enterprises, persons and memberships in file order — and are
//! applied with [`Registry::apply_batch`]: all or nothing. [`import_rosters`] stops at the
//! first problem; [`import_rosters_report`] and [`check_rosters`] list every bad row. Either
//! way the error names file, line (header = line 1), column, value and reason
//! ([`InterchangeError`]), and a rejected import leaves the registry exactly as it was.
//!
//! ```
//! use tongxin::interchange::{import_rosters, ImportOptions, Rosters};
//! use tongxin::prelude::*;
//!
//! let orgs = "id,parent_id,level,kind,division_code,founded,dissolved,name\n\
//!             ft-street,ft,subdistrict,zhilianhui,440304004,2024-05-07,,福田街道分会\n\
//!             ft,,district,zhilianhui,440304,2015-01-01,,福田区知联会\n";
//! let persons = "id,party,title,stratum,birth_year\np1,min_meng,senior,none,1975\n";
//! let memberships = "person_id,org_id,role,start,end\np1,ft-street,president,2024-05-07,\n";
//! let mut reg = Registry::new();
//! let meta = Meta { at: chrono::NaiveDateTime::default(), actor: "clerk".into() };
//! let done = import_rosters(&mut reg, &meta, &Rosters::csv(orgs.as_bytes(), persons.as_bytes(),
//!                           memberships.as_bytes()), &ImportOptions::default())?;
//! assert_eq!((done.organizations, done.persons, done.memberships), (2, 1, 1));
//! assert_eq!(reg.organization("ft-street").map(|o| o.name.as_str()), Some("福田街道分会"));
//! # Ok::<(), tongxin::interchange::InterchangeError>(())
//! ```
//!
//! ### Report mode
//! [`import_rosters_report`] reads every row: a row that cannot be read (bad value, missing
//! cell, malformed CSV) is reported and left out; the rest are then applied one by one to a
//! scratch copy of the registry, and each rejection is reported with its row. A row that refers
//! to a rejected row (a membership of a rejected person, an organization under a rejected
//! parent) is not checked — it would only fail for that reason — and is counted in
//! [`ImportReport::rows_skipped`]. A bad header stops the reading of its own table only.
//! Only when nothing at all is wrong does the scratch copy replace the registry.
//!
//! ## Encodings
//! See [`TextEncoding`]: detected (BOM → UTF-8; valid UTF-8 → UTF-8; else GB18030, which reads
//! GBK) or declared in [`ImportOptions::encoding`]; bytes invalid in the encoding are an error
//! naming their offset, line and column. GB18030 and GBK are as the WHATWG Encoding Standard
//! defines them (the GB18030-2022 mappings, as browsers and encoding_rs read them), through the
//! library's own codec over tables derived from encoding_rs at build time: linking encoding_rs
//! itself would bring every CJK encoding's tables into each binary and WASM module.
//!
//! ## Excel
//! With the `xlsx` feature (on by default) a table can be a sheet of an `.xlsx` workbook
//! ([`RosterFile::xlsx`]): the first sheet or a named one, the first non-empty row as header,
//! the same columns. Cells Excel stores as numbers read as text (`440305`, `1975`); in the date
//! columns (`founded`, `dissolved`, `birth`, `start`, `end`) a serial day number — which is how
//! Excel stores dates — becomes the ISO day. Lines in errors are the sheet's row numbers.
//!
//! ## Exporting
//! [`export_rosters`] writes the same files back. With unmasked resident IDs, exporting a
//! registry and importing the files into an empty registry gives the same organizations,
//! persons, enterprises and memberships. What the roster files do not carry: designations,
//! activities, advice, affiliations, council terms, organization tags, political posts of
//! persons, and parent histories — an organization that has moved is written with its
//! *current* parent and relation, so re-importing it records that parent from its founding day
//! (and is rejected if that parent is younger). The journal is not carried either: an imported
//! registry's journal holds the import's own commands. Resident IDs are masked
//! (`440305********123X`) unless [`ExportOptions::unmask_resident_ids`] is set; masked numbers
//! cannot be imported again (see [`ImportOptions::drop_masked_resident_ids`]).
//!
//! ## Limits
//! Every import is bounded by [`ImportOptions::limits`] ([`Limits`]: bytes per file, unpacked
//! bytes of a workbook, rows per file, columns, bytes per cell), checked before or while
//! reading; passing one is a `limit_exceeded` error (1009) naming the limit, the value seen, the
//! file and the line. JSON (Popolo) nested deeper than 128 levels is refused by serde_json's
//! recursion limit (`invalid_json`).
//!
//! ## Popolo
//! [`export_popolo`] and [`import_popolo`] write and read a [Popolo](https://www.popoloproject.com/)
//! document; see [`popolo`] for the mapping and its `tongxin` extension.

mod columns;
pub(crate) mod csv_write;
mod error;
mod export;
pub(crate) mod gb18030;
mod limits;
mod plan;
pub mod popolo;
mod source;
mod text;
mod xlsx;

pub use error::{ImportReport, InterchangeError, InterchangeErrorKind};
pub(crate) use export::{export_resident_id, export_rosters_in};
pub use export::{export_rosters, ExportOptions, RosterExport};
pub use limits::{Limit, Limits};
pub use popolo::{export_popolo, import_popolo};
pub use text::{decode, encode, TextEncoding};

use crate::command::{Command, Meta};
use crate::registry::Registry;
use columns::{OrgRow, Table};
use plan::{Commands, Origin, Plan};
use source::{Rejected, Sink, Stop, TableText};

/// How a roster file is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat<'a> {
    /// CSV text in the [`ImportOptions::encoding`].
    Csv,
    /// An `.xlsx` workbook: the named sheet, or the first one.
    Xlsx {
        /// The sheet's name; `None` for the first sheet.
        sheet: Option<&'a str>,
    },
}

/// One roster file: its bytes, how they are stored, and the name errors use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RosterFile<'a> {
    /// The name errors give the file; `None` for the table's usual name (`orgs.csv` …).
    pub name: Option<&'a str>,
    /// The file's bytes.
    pub data: &'a [u8],
    /// CSV or `.xlsx`.
    pub format: FileFormat<'a>,
}

impl<'a> RosterFile<'a> {
    /// A CSV file.
    pub fn csv(data: &'a [u8]) -> Self {
        RosterFile {
            name: None,
            data,
            format: FileFormat::Csv,
        }
    }

    /// A sheet of an `.xlsx` workbook (the first sheet when `sheet` is `None`).
    pub fn xlsx(data: &'a [u8], sheet: Option<&'a str>) -> Self {
        RosterFile {
            name: None,
            data,
            format: FileFormat::Xlsx { sheet },
        }
    }

    /// The same file under another name in errors.
    pub fn named(self, name: &'a str) -> Self {
        RosterFile {
            name: Some(name),
            ..self
        }
    }
}

/// The files of one import; any may be absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rosters<'a> {
    /// `orgs.csv`.
    pub orgs: Option<RosterFile<'a>>,
    /// `enterprises.csv`.
    pub enterprises: Option<RosterFile<'a>>,
    /// `persons.csv`.
    pub persons: Option<RosterFile<'a>>,
    /// `memberships.csv`.
    pub memberships: Option<RosterFile<'a>>,
}

impl<'a> Rosters<'a> {
    /// The three CSV files of DESIGN §Interchange; an empty slice stands for a file not given.
    pub fn csv(orgs: &'a [u8], persons: &'a [u8], memberships: &'a [u8]) -> Self {
        let file = |data: &'a [u8]| (!data.is_empty()).then(|| RosterFile::csv(data));
        Rosters {
            orgs: file(orgs),
            enterprises: None,
            persons: file(persons),
            memberships: file(memberships),
        }
    }

    /// The same, with an `enterprises.csv` (an empty slice for none).
    pub fn with_enterprises(self, enterprises: &'a [u8]) -> Self {
        Rosters {
            enterprises: (!enterprises.is_empty()).then(|| RosterFile::csv(enterprises)),
            ..self
        }
    }
}

/// What to do with a header column a table does not know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum UnknownColumns {
    /// Reject the file, naming the column (the default: a misspelt optional column would
    /// otherwise be dropped silently).
    #[default]
    Reject,
    /// Ignore the column.
    Ignore,
}

/// Options of an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Encoding of CSV files (default: detect).
    pub encoding: TextEncoding,
    /// Header columns the table does not know (default: reject).
    pub unknown_columns: UnknownColumns,
    /// Import a masked resident ID (`440305********123X`, as exports write by default) as no
    /// resident ID instead of rejecting the row.
    pub drop_masked_resident_ids: bool,
    /// Bounds on file size, rows, columns and cells (default: [`Limits::default`]); see
    /// "Limits" in the module docs.
    pub limits: Limits,
    /// Apply the rows as the operator `meta.actor` names
    /// ([`Registry::apply_batch_as`](crate::registry::Registry::apply_batch_as)): a row its
    /// grants do not allow is rejected like any other (`access_denied`, naming file and line).
    pub as_operator: bool,
}

/// How many records an import added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ImportSummary {
    /// Organizations.
    pub organizations: usize,
    /// Enterprises.
    pub enterprises: usize,
    /// Persons.
    pub persons: usize,
    /// Memberships.
    pub memberships: usize,
}

impl ImportSummary {
    /// All records.
    pub fn total(&self) -> usize {
        self.organizations + self.enterprises + self.persons + self.memberships
    }

    fn from_ends(ends: [usize; 4]) -> Self {
        let [o, e, p, m] = ends;
        ImportSummary {
            organizations: o,
            enterprises: e.saturating_sub(o),
            persons: p.saturating_sub(e),
            memberships: m.saturating_sub(p),
        }
    }
}

/// Which part of an import an [`ImportProgress`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStage {
    /// Reading and checking rows (`done` rows of about `total`, every table together).
    Reading,
    /// Applying the commands the rows became (`done` of `total`).
    Applying,
}

impl ImportStage {
    /// The stable snake_case name (`reading`, `applying`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStage::Reading => "reading",
            ImportStage::Applying => "applying",
        }
    }
}

/// How far an import has come (see [`import_rosters_with_progress`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    /// The stage.
    pub stage: ImportStage,
    /// Rows read, or commands applied, so far.
    pub done: u64,
    /// Rows to read (counted from the files' line breaks, so an estimate when fields span
    /// lines; never below `done`), or commands to apply.
    pub total: u64,
}

/// Rows or commands between two progress reports.
const PROGRESS_STEP: u64 = 1 << 14;

/// The progress callback of one import and its count.
struct Progress<'p> {
    report: &'p mut dyn FnMut(ImportProgress),
    stage: ImportStage,
    done: u64,
    total: u64,
}

impl<'p> Progress<'p> {
    fn new(report: &'p mut dyn FnMut(ImportProgress)) -> Self {
        Progress {
            report,
            stage: ImportStage::Reading,
            done: 0,
            total: 0,
        }
    }

    fn start(&mut self, stage: ImportStage, total: u64) {
        (self.stage, self.done, self.total) = (stage, 0, total);
        self.send();
    }

    fn send(&mut self) {
        self.total = self.total.max(self.done);
        (self.report)(ImportProgress {
            stage: self.stage,
            done: self.done,
            total: self.total,
        });
    }

    /// One more row or command; reports every [`PROGRESS_STEP`].
    fn tick(&mut self) {
        self.done += 1;
        if self.done % PROGRESS_STEP == 0 {
            self.send();
        }
    }

    /// Reports the stage's end.
    fn finish(&mut self) {
        self.total = self.done;
        self.send();
    }
}

/// State of one import being read.
struct Reading<'p> {
    sink: Sink,
    rejected: Rejected,
    skipped: usize,
    progress: Progress<'p>,
}

impl<'p> Reading<'p> {
    fn new(report: bool, progress: &'p mut dyn FnMut(ImportProgress)) -> Self {
        Reading {
            sink: Sink {
                report,
                errors: Vec::new(),
            },
            rejected: Rejected::default(),
            skipped: 0,
            progress: Progress::new(progress),
        }
    }
}

fn load<'a>(
    table: Table,
    file: Option<&RosterFile<'a>>,
    options: &ImportOptions,
    sink: &mut Sink,
) -> Result<Origin<'a>, Stop> {
    match file.map(|f| TableText::load(table, f, options)) {
        None => Ok(Origin::None),
        Some(Ok(text)) => Ok(Origin::Text(text)),
        Some(Err(e)) => sink.push(e).map(|()| Origin::None),
    }
}

/// Reads every table into a plan of commands.
fn read<'a>(
    registry: &Registry,
    rosters: &Rosters<'a>,
    options: &ImportOptions,
    st: &mut Reading<'_>,
) -> Result<Plan<'a>, Stop> {
    let orgs = load(Table::Orgs, rosters.orgs.as_ref(), options, &mut st.sink)?;
    let enterprises = load(
        Table::Enterprises,
        rosters.enterprises.as_ref(),
        options,
        &mut st.sink,
    )?;
    let persons = load(
        Table::Persons,
        rosters.persons.as_ref(),
        options,
        &mut st.sink,
    )?;
    let memberships = load(
        Table::Memberships,
        rosters.memberships.as_ref(),
        options,
        &mut st.sink,
    )?;

    let rows_of = |o: &Origin| match o {
        Origin::Text(t) => t.estimated_rows(&options.limits) as u64,
        _ => 0,
    };
    let rows = [&orgs, &enterprises, &persons, &memberships]
        .into_iter()
        .map(rows_of)
        .sum();
    st.progress.start(ImportStage::Reading, rows);
    let mut org_rows: Vec<OrgRow> = Vec::new();
    if let Origin::Text(t) = &orgs {
        org_rows.reserve(t.estimated_rows(&options.limits));
        let progress = &mut st.progress;
        t.for_each_row(options, &mut st.sink, &mut st.rejected, |row| {
            progress.tick();
            org_rows.push(row.org()?);
            Ok(())
        })?;
    }
    let ordered = plan::order_orgs(
        org_rows,
        registry,
        &orgs,
        &mut st.sink,
        &mut st.rejected,
        &mut st.skipped,
    )?;
    let estimate = |o: &Origin| match o {
        Origin::Text(t) => t.estimated_rows(&options.limits),
        _ => 0,
    };
    let others = ordered.len() + estimate(&enterprises) + estimate(&persons);
    let joins = estimate(&memberships);
    let mut commands = Commands::with_capacity(others, joins);
    let mut positions = Vec::with_capacity(others + joins);
    for r in ordered {
        positions.push(r.pos);
        commands.push(Command::AddOrganization {
            org: r.org,
            parent: r.parent,
            relation: r.relation,
        });
    }
    let mut ends = [commands.len(); 4];
    for (slot, origin) in [(1, &enterprises), (2, &persons), (3, &memberships)] {
        if let Origin::Text(t) = origin {
            let progress = &mut st.progress;
            t.for_each_row(options, &mut st.sink, &mut st.rejected, |row| {
                progress.tick();
                let command = match slot {
                    1 => Command::AddEnterprise {
                        enterprise: row.enterprise()?,
                    },
                    2 => Command::AddPerson {
                        person: row.person(options.drop_masked_resident_ids)?,
                    },
                    _ => Command::Join {
                        membership: row.membership()?,
                    },
                };
                positions.push(row.line);
                commands.push(command);
                Ok(())
            })?;
        }
        for e in ends.iter_mut().skip(slot) {
            *e = commands.len();
        }
    }
    st.progress.finish();
    Ok(Plan {
        commands,
        positions,
        ends,
        origins: [orgs, enterprises, persons, memberships],
    })
}

/// Imports roster files into `registry`, all or nothing, stopping at the first problem.
///
/// On error the registry is unchanged and the [`InterchangeError`] names the file, line,
/// column, value and reason; a rejection by the registry's rules carries the registry's own
/// error ([`InterchangeErrorKind::Rule`]).
pub fn import_rosters(
    registry: &mut Registry,
    meta: &Meta,
    rosters: &Rosters,
    options: &ImportOptions,
) -> Result<ImportSummary, InterchangeError> {
    import_rosters_with_progress(registry, meta, rosters, options, &mut |_| {})
}

/// [`import_rosters`], telling `progress` how far it has come: a report when each stage
/// ([`ImportStage::Reading`], then [`ImportStage::Applying`]) starts, every 16,384 rows or
/// commands, and when the stage ends (`done == total`). For a progress bar; the import is the
/// same.
pub fn import_rosters_with_progress(
    registry: &mut Registry,
    meta: &Meta,
    rosters: &Rosters,
    options: &ImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportSummary, InterchangeError> {
    let mut st = Reading::new(false, progress);
    let plan = match read(registry, rosters, options, &mut st) {
        Ok(plan) => plan,
        Err(Stop) => return Err(first_error(st)),
    };
    let ends = plan.ends;
    plan.apply(registry, meta, options.as_operator, &mut st.progress)?;
    Ok(ImportSummary::from_ends(ends))
}

/// The commands [`import_rosters`] would apply, in order (organizations parents first, then
/// enterprises, persons and memberships), read and checked as far as reading goes (cells,
/// ids, parents, cycles) but not applied: the registry's rules are checked by whoever applies
/// them, e.g. [`Registry::apply_batch`].
pub fn roster_commands(
    registry: &Registry,
    rosters: &Rosters,
    options: &ImportOptions,
) -> Result<Vec<Command>, InterchangeError> {
    let mut quiet = |_| {};
    let mut st = Reading::new(false, &mut quiet);
    match read(registry, rosters, options, &mut st) {
        Ok(plan) => Ok(plan.commands.into_iter().collect()),
        Err(Stop) => Err(first_error(st)),
    }
}

fn first_error(st: Reading<'_>) -> InterchangeError {
    st.sink.errors.into_iter().next().unwrap_or_else(|| {
        InterchangeError::file(
            "(import)",
            InterchangeErrorKind::Csv {
                message: "stopped without an error".into(),
            },
        )
    })
}

/// Checks roster files against `registry` as [`import_rosters_report`] would, without
/// changing it, and lists every problem.
pub fn check_rosters(
    registry: &Registry,
    meta: &Meta,
    rosters: &Rosters,
    options: &ImportOptions,
) -> ImportReport {
    check_rosters_with_progress(registry, meta, rosters, options, &mut |_| {})
}

/// [`check_rosters`], telling `progress` how far it has come (as
/// [`import_rosters_with_progress`] does; the commands are applied to a scratch copy).
pub fn check_rosters_with_progress(
    registry: &Registry,
    meta: &Meta,
    rosters: &Rosters,
    options: &ImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
) -> ImportReport {
    report(registry, meta, rosters, options, progress).0
}

fn report(
    registry: &Registry,
    meta: &Meta,
    rosters: &Rosters,
    options: &ImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
) -> (ImportReport, Option<(Registry, ImportSummary)>) {
    let mut st = Reading::new(true, progress);
    // Report mode never stops early, so `read` always returns a plan.
    let Ok(plan) = read(registry, rosters, options, &mut st) else {
        return (
            ImportReport {
                errors: st.sink.errors,
                ..ImportReport::default()
            },
            None,
        );
    };
    let mut scratch = registry.clone();
    let ends = plan.ends;
    let applied = plan.apply_each(&mut scratch, meta, options.as_operator, &mut st);
    let report = ImportReport {
        errors: st.sink.errors,
        rows_ok: applied,
        rows_skipped: st.skipped,
    };
    let done = report
        .is_ok()
        .then(|| (scratch, ImportSummary::from_ends(ends)));
    (report, done)
}

/// Imports roster files into `registry`, all or nothing, listing every bad row when there is
/// any (see the module docs, "Report mode"). On error the registry is unchanged.
pub fn import_rosters_report(
    registry: &mut Registry,
    meta: &Meta,
    rosters: &Rosters,
    options: &ImportOptions,
) -> Result<ImportSummary, ImportReport> {
    import_rosters_report_with_progress(registry, meta, rosters, options, &mut |_| {})
}

/// [`import_rosters_report`], telling `progress` how far it has come (as
/// [`import_rosters_with_progress`] does).
pub fn import_rosters_report_with_progress(
    registry: &mut Registry,
    meta: &Meta,
    rosters: &Rosters,
    options: &ImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportSummary, ImportReport> {
    match report(registry, meta, rosters, options, progress) {
        (_, Some((scratch, summary))) => {
            *registry = scratch;
            Ok(summary)
        }
        (report, None) => Err(report),
    }
}
