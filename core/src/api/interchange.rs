//! Roster files (CSV or `.xlsx`, UTF-8 or GBK/GB18030) and Popolo JSON, in and out: option
//! objects onto the `interchange` functions, and their results back to JSON or bytes.

use super::{to_json, ApiCode, ApiError};
use crate::access::{AccessRole, View};
use crate::command::{Command, Meta};
use crate::interchange::{
    self, ExportOptions, ImportOptions, ImportProgress, ImportReport, ImportSummary,
    InterchangeError, Limits, RosterExport, RosterFile, Rosters, TextEncoding, UnknownColumns,
};
use crate::model::MemberRef;
use crate::registry::Registry;
use serde::{Deserialize, Serialize};

/// Text encoding of roster files (`"encoding"` of the options).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// Reading: a BOM or valid UTF-8 is UTF-8, anything else GB18030 (which reads GBK).
    /// Writing: UTF-8.
    #[default]
    Auto,
    /// UTF-8 (also accepted as `utf-8`).
    #[serde(alias = "utf-8")]
    Utf8,
    /// GBK.
    Gbk,
    /// GB18030.
    Gb18030,
}

impl From<Encoding> for TextEncoding {
    fn from(e: Encoding) -> Self {
        match e {
            Encoding::Auto => TextEncoding::Auto,
            Encoding::Utf8 => TextEncoding::Utf8,
            Encoding::Gbk => TextEncoding::Gbk,
            Encoding::Gb18030 => TextEncoding::Gb18030,
        }
    }
}

/// What a header column that a table does not know does (`"unknown_columns"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownColumnsPolicy {
    /// It is a problem.
    #[default]
    Reject,
    /// It is skipped.
    Ignore,
}

/// File format of the roster buffers (`"format"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterFormat {
    /// CSV text.
    #[default]
    Csv,
    /// An `.xlsx` workbook.
    Xlsx,
}

/// A sheet name per table (`"sheets"`), for `.xlsx` workbooks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterSheets {
    /// Sheet of the organizations.
    #[serde(default)]
    pub orgs: Option<String>,
    /// Sheet of the persons.
    #[serde(default)]
    pub persons: Option<String>,
    /// Sheet of the memberships.
    #[serde(default)]
    pub memberships: Option<String>,
    /// Sheet of the enterprises.
    #[serde(default)]
    pub enterprises: Option<String>,
}

/// Bounds on an import's files (`"limits"`), each optional: an absent one keeps its default
/// ([`Limits`]: `max_file_bytes` 536870912, `max_unpacked_bytes` 2147483648, `max_rows`
/// 10000000, `max_columns` 256, `max_field_bytes` 65536). Passing one is an import error whose
/// report entry has the code `limit_exceeded` (1009).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportLimits {
    /// Largest file, in bytes.
    #[serde(default)]
    pub max_file_bytes: Option<u64>,
    /// Largest unpacked `.xlsx` workbook (and text of one sheet), in bytes.
    #[serde(default)]
    pub max_unpacked_bytes: Option<u64>,
    /// Most data rows per file or sheet, records per Popolo array.
    #[serde(default)]
    pub max_rows: Option<u64>,
    /// Most columns of a header or sheet.
    #[serde(default)]
    pub max_columns: Option<u64>,
    /// Longest cell, in UTF-8 bytes.
    #[serde(default)]
    pub max_field_bytes: Option<u64>,
}

impl ImportLimits {
    /// The core's limits: the given ones over the defaults.
    pub fn core(&self) -> Limits {
        let d = Limits::default();
        Limits {
            max_file_bytes: self.max_file_bytes.unwrap_or(d.max_file_bytes),
            max_unpacked_bytes: self.max_unpacked_bytes.unwrap_or(d.max_unpacked_bytes),
            max_rows: self.max_rows.unwrap_or(d.max_rows),
            max_columns: self.max_columns.unwrap_or(d.max_columns),
            max_field_bytes: self.max_field_bytes.unwrap_or(d.max_field_bytes),
        }
    }
}

/// Options of [`import_rosters`] and [`check_rosters`]; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterImportOptions {
    /// CSV (default) or `.xlsx`.
    #[serde(default)]
    pub format: RosterFormat,
    /// With `.xlsx`: the sheet of every table not named in `sheets` (default: the first).
    #[serde(default)]
    pub sheet: Option<String>,
    /// With `.xlsx`: a sheet per table.
    #[serde(default)]
    pub sheets: RosterSheets,
    /// Encoding of CSV.
    #[serde(default)]
    pub encoding: Encoding,
    /// Unknown header columns: a problem (default) or skipped.
    #[serde(default)]
    pub unknown_columns: UnknownColumnsPolicy,
    /// A masked resident ID (as exports write) becomes no resident ID instead of a problem.
    #[serde(default)]
    pub drop_masked_resident_ids: bool,
    /// Read every row and report every problem instead of stopping at the first.
    #[serde(default)]
    pub report: bool,
    /// Bounds on the files (default: [`Limits::default`]).
    #[serde(default)]
    pub limits: ImportLimits,
    /// Import as the operator the meta's `actor` names ([`crate::access`]): each row is
    /// authorized like a scoped command, and one outside its grants rejects the import
    /// (`access_denied`, naming file and line).
    #[serde(default)]
    pub as_operator: bool,
}

impl RosterImportOptions {
    fn core(&self) -> ImportOptions {
        ImportOptions {
            encoding: self.encoding.into(),
            unknown_columns: match self.unknown_columns {
                UnknownColumnsPolicy::Reject => UnknownColumns::Reject,
                UnknownColumnsPolicy::Ignore => UnknownColumns::Ignore,
            },
            drop_masked_resident_ids: self.drop_masked_resident_ids,
            limits: self.limits.core(),
            as_operator: self.as_operator,
        }
    }

    /// Checks the options agree with each other (`sheet`/`sheets` only with `xlsx`): an
    /// `invalid_argument` error without context, for a front to name its argument right after
    /// parsing. The import functions check again, naming `options`.
    pub fn validate(&self) -> Result<(), ApiError> {
        if self.format == RosterFormat::Csv
            && (self.sheet.is_some() || self.sheets != RosterSheets::default())
        {
            return Err(ApiError::new(
                ApiCode::InvalidArgument,
                "`sheet` and `sheets` apply only with \"format\":\"xlsx\"",
            ));
        }
        Ok(())
    }

    /// One given file as the core's `RosterFile`.
    fn file<'a>(
        &'a self,
        data: Option<&'a [u8]>,
        sheet: &'a Option<String>,
    ) -> Option<RosterFile<'a>> {
        let data = data?;
        Some(match self.format {
            RosterFormat::Csv => RosterFile::csv(data),
            RosterFormat::Xlsx => {
                RosterFile::xlsx(data, sheet.as_deref().or(self.sheet.as_deref()))
            }
        })
    }
}

/// The caller's four roster files, each `None` when not given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RosterBytes<'a> {
    /// The organizations table.
    pub orgs: Option<&'a [u8]>,
    /// The persons table.
    pub persons: Option<&'a [u8]>,
    /// The memberships table.
    pub memberships: Option<&'a [u8]>,
    /// The enterprises table.
    pub enterprises: Option<&'a [u8]>,
}

impl<'a> RosterBytes<'a> {
    fn rosters(&self, o: &'a RosterImportOptions) -> Rosters<'a> {
        Rosters {
            orgs: o.file(self.orgs, &o.sheets.orgs),
            enterprises: o.file(self.enterprises, &o.sheets.enterprises),
            persons: o.file(self.persons, &o.sheets.persons),
            memberships: o.file(self.memberships, &o.sheets.memberships),
        }
    }
}

/// Options of [`export_rosters`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterExportOptions {
    /// Encoding of the CSV written (`auto` and `utf8` write UTF-8).
    #[serde(default)]
    pub encoding: Encoding,
    /// Begin UTF-8 files with a byte-order mark (for Excel).
    #[serde(default)]
    pub bom: bool,
    /// Write resident IDs in full instead of masked.
    #[serde(default)]
    pub unmask_resident_ids: bool,
}

/// Options of [`export_popolo`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopoloExportOptions {
    /// Write resident IDs in full instead of masked.
    #[serde(default)]
    pub unmask_resident_ids: bool,
}

/// Options of [`import_popolo`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopoloImportOptions {
    /// Encoding of the document.
    #[serde(default)]
    pub encoding: Encoding,
    /// A masked resident ID becomes no resident ID instead of a problem.
    #[serde(default)]
    pub drop_masked_resident_ids: bool,
    /// Bounds on the document: `max_file_bytes` and `max_rows` (records per array) apply.
    #[serde(default)]
    pub limits: ImportLimits,
    /// Import as the operator the meta's `actor` names (as [`RosterImportOptions`] does).
    #[serde(default)]
    pub as_operator: bool,
}

/// `ImportSummary` as JSON.
#[derive(Serialize)]
struct SummaryJson {
    organizations: usize,
    enterprises: usize,
    persons: usize,
    memberships: usize,
}

fn summary_json(s: &ImportSummary) -> Result<String, ApiError> {
    to_json(&SummaryJson {
        organizations: s.organizations,
        enterprises: s.enterprises,
        persons: s.persons,
        memberships: s.memberships,
    })
}

/// The registry's own error behind a `rule_violation`.
#[derive(Serialize)]
struct RuleJson {
    code: &'static str,
    number: u32,
}

/// One `InterchangeError` as JSON.
#[derive(Serialize)]
struct ErrorJson<'a> {
    file: &'a str,
    line: Option<u64>,
    column: Option<&'a str>,
    value: Option<&'a str>,
    code: &'static str,
    number: u32,
    message: String,
    rule: Option<RuleJson>,
}

impl<'a> From<&'a InterchangeError> for ErrorJson<'a> {
    fn from(e: &'a InterchangeError) -> Self {
        ErrorJson {
            file: &e.file,
            line: e.line,
            column: e.column.as_deref(),
            value: e.value.as_deref(),
            code: e.code(),
            number: e.number(),
            message: e.to_string(),
            rule: e.kind.rule().map(|r| RuleJson {
                code: r.code().as_str(),
                number: r.code().number(),
            }),
        }
    }
}

/// `ImportReport` as JSON.
#[derive(Serialize)]
struct ReportJson<'a> {
    errors: Vec<ErrorJson<'a>>,
    rows_ok: usize,
    rows_skipped: usize,
}

fn report_json(r: &ImportReport) -> Result<String, ApiError> {
    to_json(&ReportJson {
        errors: r.errors.iter().map(ErrorJson::from).collect(),
        rows_ok: r.rows_ok,
        rows_skipped: r.rows_skipped,
    })
}

/// The error for a rejected import: the first problem's message and how many more, with the
/// report attached.
fn import_failure(r: &ImportReport) -> Result<ApiError, ApiError> {
    let message = match r.errors.as_slice() {
        [] => "the import was rejected without a reported problem".to_string(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!(
            "{first} (and {} more problem(s); see the report)",
            rest.len()
        ),
    };
    let mut e = ApiError::new(ApiCode::Import, message);
    e.report = Some(report_json(r)?);
    Ok(e)
}

/// Imports roster files into `reg`, all or nothing, through the same validated commands as
/// [`Registry::apply`] ([`interchange::import_rosters`], or
/// [`interchange::import_rosters_report`] with `report`). The answer is the summary
/// `{"organizations":n,"enterprises":n,"persons":n,"memberships":n}`. A rejection is an
/// [`ApiCode::Import`] error whose message is the first problem (file, line, column, value,
/// reason) and whose `report` is `{"errors":[{"file","line","column","value","code","number",
/// "message","rule"}…],"rows_ok":n,"rows_skipped":n}`; the registry is then unchanged.
pub fn import_rosters(
    reg: &mut Registry,
    meta: &Meta,
    files: RosterBytes<'_>,
    options: &RosterImportOptions,
) -> Result<String, ApiError> {
    import_rosters_with_progress(reg, meta, files, options, &mut |_| {})
}

/// [`import_rosters`], telling `progress` how far it has come
/// ([`interchange::import_rosters_with_progress`]: rows read, then commands applied).
pub fn import_rosters_with_progress(
    reg: &mut Registry,
    meta: &Meta,
    files: RosterBytes<'_>,
    options: &RosterImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<String, ApiError> {
    options.validate().map_err(|e| e.context("options"))?;
    let rosters = files.rosters(options);
    let core = options.core();
    let result = if options.report {
        interchange::import_rosters_report_with_progress(reg, meta, &rosters, &core, progress)
    } else {
        interchange::import_rosters_with_progress(reg, meta, &rosters, &core, progress).map_err(
            |e| ImportReport {
                errors: vec![e],
                rows_ok: 0,
                rows_skipped: 0,
            },
        )
    };
    match result {
        Ok(summary) => summary_json(&summary),
        Err(report) => Err(import_failure(&report)?),
    }
}

/// Checks roster files against `reg` without changing it ([`interchange::check_rosters`]):
/// every problem, as the report JSON [`import_rosters`] attaches to a rejection.
pub fn check_rosters(
    reg: &Registry,
    meta: &Meta,
    files: RosterBytes<'_>,
    options: &RosterImportOptions,
) -> Result<String, ApiError> {
    check_rosters_with_progress(reg, meta, files, options, &mut |_| {})
}

/// [`check_rosters`], telling `progress` how far it has come.
pub fn check_rosters_with_progress(
    reg: &Registry,
    meta: &Meta,
    files: RosterBytes<'_>,
    options: &RosterImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<String, ApiError> {
    options.validate().map_err(|e| e.context("options"))?;
    let report = interchange::check_rosters_with_progress(
        reg,
        meta,
        &files.rosters(options),
        &options.core(),
        progress,
    );
    report_json(&report)
}

/// Writes `reg` as roster CSV files ([`interchange::export_rosters`]); an
/// [`ApiCode::Export`] error when a value cannot be written in the encoding asked for.
pub fn export_rosters(
    reg: &Registry,
    options: &RosterExportOptions,
) -> Result<RosterExport, ApiError> {
    interchange::export_rosters(
        reg,
        &ExportOptions {
            encoding: options.encoding.into(),
            bom: options.bom,
            unmask_resident_ids: options.unmask_resident_ids,
        },
    )
    .map_err(|e| ApiError::new(ApiCode::Export, e.to_string()))
}

/// Writes `reg` as a Popolo JSON document ([`interchange::export_popolo`]).
pub fn export_popolo(reg: &Registry, options: &PopoloExportOptions) -> String {
    let options = ExportOptions {
        unmask_resident_ids: options.unmask_resident_ids,
        ..ExportOptions::default()
    };
    interchange::export_popolo(reg, &options)
}

/// Imports a Popolo JSON document into `reg`, all or nothing ([`interchange::import_popolo`]);
/// the answer is the summary as [`import_rosters`] gives it, a rejection an
/// [`ApiCode::Import`] error.
pub fn import_popolo(
    reg: &mut Registry,
    meta: &Meta,
    document: &[u8],
    options: &PopoloImportOptions,
) -> Result<String, ApiError> {
    let core = ImportOptions {
        encoding: options.encoding.into(),
        drop_masked_resident_ids: options.drop_masked_resident_ids,
        limits: options.limits.core(),
        as_operator: options.as_operator,
        ..ImportOptions::default()
    };
    let summary = interchange::import_popolo(reg, meta, document, &core)
        .map_err(|e| ApiError::new(ApiCode::Import, e.to_string()))?;
    summary_json(&summary)
}

/// What a scoped export writes: the operator's view, or for resident IDs in full only its
/// administrator grants, with the roots to journal (empty for the whole registry).
fn export_scope(
    reg: &Registry,
    meta: &Meta,
    action: &str,
    unmask: bool,
) -> Result<(View, Vec<String>), ApiError> {
    let access = reg.access(&meta.actor, action)?;
    if !unmask {
        access.require_somewhere(AccessRole::Viewer)?;
        return Ok((access.view(), Vec::new()));
    }
    access.require_somewhere(AccessRole::Administrator)?;
    let view = access.view().at_least(AccessRole::Administrator);
    let roots = if view.registry_role().is_some() {
        Vec::new()
    } else {
        view.grant_roots()
            .iter()
            .filter_map(|&(_, r)| reg.organization_at(r).map(|o| o.id.clone()))
            .collect()
    };
    Ok((view, roots))
}

/// Journals an unmasked export ([`Command::RecordUnmaskedExport`]) as `meta`.
fn journal_unmasked(
    reg: &mut Registry,
    meta: &Meta,
    format: &str,
    orgs: Vec<String>,
    view: &View,
) -> Result<(), ApiError> {
    let persons = reg
        .persons()
        .filter(|p| {
            view.role_over_member(reg, &MemberRef::Person(p.id.clone()))
                .is_some()
        })
        .count() as u64;
    reg.apply(
        meta,
        Command::RecordUnmaskedExport {
            operator: meta.actor.clone(),
            format: format.to_string(),
            orgs,
            persons,
        },
    )?;
    Ok(())
}

/// [`export_rosters`] as the operator named by `meta.actor` ([`crate::access`]): the
/// organizations, members and memberships its grants cover (a parent outside them left
/// empty). Resident IDs in full (`unmask_resident_ids`) need an administrator grant; the
/// export then covers only the administrator grants and is journaled first
/// ([`Command::RecordUnmaskedExport`], at `meta.at`), which is why the registry is `&mut`.
pub fn export_rosters_as(
    reg: &mut Registry,
    meta: &Meta,
    options: &RosterExportOptions,
) -> Result<RosterExport, ApiError> {
    let unmask = options.unmask_resident_ids;
    let (view, roots) = export_scope(reg, meta, "export_rosters", unmask)?;
    let export = interchange::export_rosters_in(
        reg,
        &ExportOptions {
            encoding: options.encoding.into(),
            bom: options.bom,
            unmask_resident_ids: unmask,
        },
        Some(&view),
    )
    .map_err(|e| ApiError::new(ApiCode::Export, e.to_string()))?;
    if unmask {
        journal_unmasked(reg, meta, "rosters_csv", roots, &view)?;
    }
    Ok(export)
}

/// [`export_popolo`] as the operator named by `meta.actor`, covering and journaling as
/// [`export_rosters_as`] does.
pub fn export_popolo_as(
    reg: &mut Registry,
    meta: &Meta,
    options: &PopoloExportOptions,
) -> Result<String, ApiError> {
    let unmask = options.unmask_resident_ids;
    let (view, roots) = export_scope(reg, meta, "export_popolo", unmask)?;
    let options = ExportOptions {
        unmask_resident_ids: unmask,
        ..ExportOptions::default()
    };
    let document = interchange::popolo::export_popolo_in(reg, &options, Some(&view));
    if unmask {
        journal_unmasked(reg, meta, "popolo", roots, &view)?;
    }
    Ok(document)
}
