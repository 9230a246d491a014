//! `tongxin`: the command-line tool over a directory of roster files (`orgs.csv`, `persons.csv`,
//! `memberships.csv`, optionally `enterprises.csv`; DESIGN §Interchange).
//!
//! Exit codes: 0 ok, 1 data errors found, 2 usage errors. Errors go to stderr, one line each,
//! naming file, line and reason.

use chrono::{NaiveDate, NaiveDateTime};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use tongxin::ids::{DivisionCode, DivisionLevel, DivisionTable};
use tongxin::interchange::{
    export_popolo, export_rosters, import_rosters_report_with_progress,
    import_rosters_with_progress, ExportOptions, ImportOptions, ImportProgress, ImportStage,
    Limits, RosterFile, Rosters, TextEncoding,
};
use tongxin::prelude::*;
use tongxin::rules::{CandidateOrder, CompiledBook, RuleBook};
use tongxin::stats::{self, Dimension, Every, Table};

#[derive(Parser)]
#[command(
    name = "tongxin",
    version,
    about = "Registries of united-front organizations: validate rosters, compute statistics, export"
)]
struct Cli {
    /// Print load and query time separately on stderr.
    #[arg(long, global = true)]
    timings: bool,
    /// Encoding of the CSV files.
    #[arg(long, global = true, value_enum, default_value_t = Encoding::Auto)]
    encoding: Encoding,
    /// Largest roster file read, in bytes (default 536870912 = 512 MiB; raise it for
    /// national-scale rosters).
    #[arg(long, global = true, value_name = "BYTES")]
    max_file_bytes: Option<u64>,
    /// Most data rows read per roster file (default 10000000).
    #[arg(long, global = true, value_name = "ROWS")]
    max_rows: Option<u64>,
    #[command(subcommand)]
    command: Command_,
}

#[derive(Clone, Copy, ValueEnum)]
enum Encoding {
    Auto,
    Utf8,
    Gbk,
    Gb18030,
}

#[derive(Subcommand)]
enum Command_ {
    /// Import the rosters and report every problem (exit 1 if there is any).
    Validate {
        /// Directory holding the roster files.
        dir: PathBuf,
        /// A rule book (JSON) to import under: a membership that fails one of its `reject`
        /// eligibility rules on its start day is a problem (`rule_violation`). Default: no
        /// membership rules.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Statistics.
    Stats {
        #[command(subcommand)]
        command: StatsCommand,
    },
    /// Membership rules: eligibility with its explanation, audits, candidates.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Export the registry the rosters make: CSV rosters, Popolo JSON, or a snapshot.
    Export {
        /// Directory holding the roster files.
        dir: PathBuf,
        /// Output directory (created if missing).
        #[arg(long)]
        to: PathBuf,
        /// What to write.
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Write resident ID numbers in full (masked by default).
        #[arg(long)]
        unmasked: bool,
        /// Write CSV in GBK instead of UTF-8.
        #[arg(long)]
        gbk: bool,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Whether a person may belong to an organization, with the explanation (exit 0 eligible,
    /// 1 not).
    Check {
        /// Directory holding the roster files.
        dir: PathBuf,
        /// The person's id.
        #[arg(long)]
        person: String,
        /// The organization's id.
        #[arg(long)]
        org: String,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        as_of: NaiveDate,
        /// A rule book (JSON); default: the standard one.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Every violation, one line each: org, rule id, severity, member, message (exit 1 if any).
    Audit {
        /// Directory holding the roster files.
        dir: PathBuf,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        as_of: NaiveDate,
        /// A rule book (JSON); default: the standard one.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Only this organization's subtree.
        #[arg(long)]
        root: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
    },
    /// Persons eligible for an organization and not yet members, best first (title, then age).
    Candidates {
        /// Directory holding the roster files.
        dir: PathBuf,
        /// The organization's id.
        #[arg(long)]
        org: String,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        as_of: NaiveDate,
        /// A rule book (JSON); default: the standard one.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// At most this many.
        #[arg(long)]
        limit: Option<usize>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ExportFormat {
    /// orgs.csv, enterprises.csv, persons.csv, memberships.csv.
    Csv,
    /// popolo.json.
    Popolo,
    /// snapshot.json (records and hash-chained journal, schema_version 2).
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum By {
    Party,
    Title,
    Stratum,
    Sex,
    Age,
    Ethnicity,
    Role,
    Level,
    Kind,
}

impl From<By> for Dimension {
    fn from(b: By) -> Dimension {
        match b {
            By::Party => Dimension::Party,
            By::Title => Dimension::Title,
            By::Stratum => Dimension::Stratum,
            By::Sex => Dimension::Sex,
            By::Age => Dimension::Age,
            By::Ethnicity => Dimension::Ethnicity,
            By::Role => Dimension::Role,
            By::Level => Dimension::Level,
            By::Kind => Dimension::Kind,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum EveryArg {
    Month,
    Year,
}

#[derive(Subcommand)]
enum StatsCommand {
    /// Distinct active members of every organization's subtree: one row per organization.
    Rollup {
        /// Directory holding the roster files.
        dir: PathBuf,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        as_of: NaiveDate,
        /// Break the counts down by this.
        #[arg(long, value_enum)]
        by: Option<By>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Suppress cells below this threshold (with complementary suppression).
        #[arg(long)]
        suppress: Option<u64>,
    },
    /// Which divisions of a level have an active organization of a kind.
    Coverage {
        /// Directory holding the roster files.
        dir: PathBuf,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        as_of: NaiveDate,
        /// Kind of organization (e.g. zhilianhui).
        #[arg(long)]
        kind: String,
        /// Level of the divisions listed (provincial, municipal, district, subdistrict, community).
        #[arg(long)]
        level: String,
        /// Only divisions inside this organization's division (default: those of the roots).
        #[arg(long)]
        within: Option<String>,
        /// Count only organizations at this level (default: any level).
        #[arg(long)]
        org_level: Option<String>,
        /// Directory with street.csv / village.csv, needed for subdistrict and community levels.
        #[arg(long)]
        divisions: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
    },
    /// A rollup at each month or year end of a range, computed incrementally.
    Series {
        /// Directory holding the roster files.
        dir: PathBuf,
        /// First day of the range.
        #[arg(long)]
        from: NaiveDate,
        /// Last day of the range.
        #[arg(long)]
        to: NaiveDate,
        /// Month or year ends.
        #[arg(long, value_enum)]
        every: EveryArg,
        /// Break the counts down by this.
        #[arg(long, value_enum)]
        by: Option<By>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
    },
}

/// A failure and the exit code it gives.
struct Failure {
    code: u8,
    lines: Vec<String>,
}

fn usage(msg: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        lines: vec![msg.into()],
    }
}

fn data(lines: Vec<String>) -> Failure {
    Failure { code: 1, lines }
}

/// The roster files of a directory, read into memory.
struct Files {
    orgs: Vec<u8>,
    enterprises: Vec<u8>,
    persons: Vec<u8>,
    memberships: Vec<u8>,
}

impl Files {
    /// Bytes of all four files.
    fn size(&self) -> usize {
        self.orgs.len() + self.persons.len() + self.memberships.len() + self.enterprises.len()
    }
}

fn read_dir(dir: &Path) -> Result<Files, Failure> {
    if !dir.is_dir() {
        return Err(usage(format!("{}: not a directory", dir.display())));
    }
    let bar = ProgressBar::new_spinner().with_message(format!("reading {}", dir.display()));
    let read = |name: &str, required: bool| -> Result<Vec<u8>, Failure> {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(bytes),
            Err(_) if !required && !path.exists() => Ok(Vec::new()),
            Err(e) => Err(usage(format!("{}: {e}", path.display()))),
        }
    };
    let files = Files {
        orgs: read("orgs.csv", true)?,
        enterprises: read("enterprises.csv", false)?,
        persons: read("persons.csv", true)?,
        memberships: read("memberships.csv", true)?,
    };
    bar.finish_and_clear();
    Ok(files)
}

fn rosters(files: &Files) -> Rosters<'_> {
    fn file(b: &[u8]) -> Option<RosterFile<'_>> {
        (!b.is_empty()).then(|| RosterFile::csv(b))
    }
    Rosters {
        orgs: file(&files.orgs),
        enterprises: file(&files.enterprises),
        persons: file(&files.persons),
        memberships: file(&files.memberships),
    }
}

fn options(cli: &Cli) -> ImportOptions {
    ImportOptions {
        encoding: match cli.encoding {
            Encoding::Auto => TextEncoding::Auto,
            Encoding::Utf8 => TextEncoding::Utf8,
            Encoding::Gbk => TextEncoding::Gbk,
            Encoding::Gb18030 => TextEncoding::Gb18030,
        },
        limits: Limits {
            max_file_bytes: cli.max_file_bytes.unwrap_or(Limits::MAX_FILE_BYTES),
            max_rows: cli.max_rows.unwrap_or(Limits::MAX_ROWS),
            ..Limits::default()
        },
        ..ImportOptions::default()
    }
}

fn meta() -> Meta {
    Meta {
        at: NaiveDateTime::default(),
        actor: "tongxin-cli".into(),
    }
}

/// A progress bar on stderr for an import (hidden when stderr is not a terminal), and the
/// callback that drives it from the core's [`ImportProgress`] reports.
fn import_bar(size: usize) -> (ProgressBar, impl FnMut(ImportProgress)) {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:>24} [{bar:30}] {human_pos}/{human_len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mb = size as f64 / 1e6;
    let driver = bar.clone();
    let update = move |p: ImportProgress| {
        driver.set_message(match p.stage {
            ImportStage::Reading => format!("reading {mb:.1} MB (rows)"),
            ImportStage::Applying => "applying (commands)".to_string(),
        });
        driver.set_length(p.total);
        driver.set_position(p.done);
    };
    (bar, update)
}

/// Loads the rosters of `dir`, stopping at the first problem.
fn load(cli: &Cli, dir: &Path) -> Result<Registry, Failure> {
    let started = Instant::now();
    let files = read_dir(dir)?;
    let (bar, mut update) = import_bar(files.size());
    let mut reg = Registry::new();
    let result = import_rosters_with_progress(
        &mut reg,
        &meta(),
        &rosters(&files),
        &options(cli),
        &mut update,
    );
    bar.finish_and_clear();
    result.map_err(|e| data(vec![e.to_string()]))?;
    if cli.timings {
        eprintln!("load: {:.3} s", started.elapsed().as_secs_f64());
    }
    Ok(reg)
}

fn print(format: Format, table: Table, json: serde_json::Result<String>) -> Result<(), Failure> {
    match format {
        Format::Csv => print!("{}", table.to_csv()),
        Format::Json => println!("{}", json.map_err(|e| usage(e.to_string()))?),
    }
    Ok(())
}

fn division_level(level: &str) -> Result<DivisionLevel, Failure> {
    match level.parse::<Level>().map_err(|e| usage(e.to_string()))? {
        Level::National => Err(usage(
            "--level national has no divisions below it to list; use provincial",
        )),
        Level::Provincial => Ok(DivisionLevel::Province),
        Level::Municipal => Ok(DivisionLevel::City),
        Level::District => Ok(DivisionLevel::County),
        Level::Subdistrict => Ok(DivisionLevel::Township),
        Level::Community => Ok(DivisionLevel::Village),
    }
}

fn division_table(level: DivisionLevel, dir: Option<&Path>) -> Result<DivisionTable, Failure> {
    let mut table = DivisionTable::bundled().map_err(|e| usage(e.to_string()))?;
    let needed: &[&str] = match level {
        DivisionLevel::Township => &["street.csv"],
        DivisionLevel::Village => &["street.csv", "village.csv"],
        _ => &[],
    };
    for name in needed {
        let Some(dir) = dir else {
            return Err(usage(format!(
                "{} coverage needs {name}: pass --divisions DIR",
                level.as_str()
            )));
        };
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| usage(format!("{}: {e}", path.display())))?;
        table
            .load_level_csv(&text)
            .map_err(|e| usage(format!("{}: {e}", path.display())))?;
    }
    Ok(table)
}

fn run(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        Command_::Validate { dir, rules } => {
            let started = Instant::now();
            let mut reg = Registry::new();
            if let Some(path) = rules {
                let book = rule_book(Some(path))?.book().clone();
                reg.apply(&meta(), tongxin::Command::SetRuleBook { book: Some(book) })
                    .map_err(|e| data(vec![format!("{}: {e}", path.display())]))?;
            }
            let files = read_dir(dir)?;
            let (bar, mut update) = import_bar(files.size());
            let result = import_rosters_report_with_progress(
                &mut reg,
                &meta(),
                &rosters(&files),
                &options(cli),
                &mut update,
            );
            bar.finish_and_clear();
            if cli.timings {
                eprintln!("load: {:.3} s", started.elapsed().as_secs_f64());
            }
            match result {
                Ok(summary) => {
                    println!(
                        "ok: {} organizations, {} enterprises, {} persons, {} memberships",
                        summary.organizations,
                        summary.enterprises,
                        summary.persons,
                        summary.memberships
                    );
                    Ok(())
                }
                Err(report) => {
                    let mut lines: Vec<String> =
                        report.errors.iter().map(|e| e.to_string()).collect();
                    lines.push(format!(
                        "{} problem(s); {} row(s) fine; {} row(s) not checked (they depend on a rejected row)",
                        report.errors.len(),
                        report.rows_ok,
                        report.rows_skipped
                    ));
                    Err(data(lines))
                }
            }
        }
        Command_::Rules { command } => rules_command(cli, command),
        Command_::Export {
            dir,
            to,
            format,
            unmasked,
            gbk,
        } => {
            let reg = load(cli, dir)?;
            let started = Instant::now();
            std::fs::create_dir_all(to).map_err(|e| usage(format!("{}: {e}", to.display())))?;
            let write = |name: &str, bytes: &[u8]| {
                let path = to.join(name);
                std::fs::write(&path, bytes).map_err(|e| usage(format!("{}: {e}", path.display())))
            };
            let options = ExportOptions {
                encoding: if *gbk {
                    TextEncoding::Gbk
                } else {
                    TextEncoding::Utf8
                },
                unmask_resident_ids: *unmasked,
                ..ExportOptions::default()
            };
            match format {
                ExportFormat::Csv => {
                    let files =
                        export_rosters(&reg, &options).map_err(|e| data(vec![e.to_string()]))?;
                    write("orgs.csv", &files.orgs)?;
                    write("enterprises.csv", &files.enterprises)?;
                    write("persons.csv", &files.persons)?;
                    write("memberships.csv", &files.memberships)?;
                }
                ExportFormat::Popolo => {
                    write("popolo.json", export_popolo(&reg, &options).as_bytes())?
                }
                ExportFormat::Json => {
                    if !*unmasked && reg.persons().any(|p| p.resident_id.is_some()) {
                        return Err(usage("a snapshot holds resident ID numbers in full: pass --unmasked to write one"));
                    }
                    write("snapshot.json", reg.to_json().as_bytes())?
                }
            }
            if cli.timings {
                eprintln!("export: {:.3} s", started.elapsed().as_secs_f64());
            }
            Ok(())
        }
        Command_::Stats { command } => {
            let (dir, format) = match command {
                StatsCommand::Rollup { dir, format, .. }
                | StatsCommand::Coverage { dir, format, .. }
                | StatsCommand::Series { dir, format, .. } => (dir, *format),
            };
            let reg = load(cli, dir)?;
            let started = Instant::now();
            let result = stats_command(&reg, command, format);
            if cli.timings {
                eprintln!("query: {:.3} s", started.elapsed().as_secs_f64());
            }
            result
        }
    }
}

fn stats_command(reg: &Registry, command: &StatsCommand, format: Format) -> Result<(), Failure> {
    match command {
        StatsCommand::Rollup {
            as_of,
            by,
            suppress,
            ..
        } => {
            let r = stats::rollup(reg, *as_of, by.map(Dimension::from));
            match suppress {
                Some(k) => {
                    let p = stats::suppress(reg, &r, *k);
                    print(format, Table::from(&p), serde_json::to_string_pretty(&p))
                }
                None => print(format, Table::from(&r), serde_json::to_string_pretty(&r)),
            }
        }
        StatsCommand::Coverage {
            as_of,
            kind,
            level,
            within,
            org_level,
            divisions,
            ..
        } => {
            let kind: OrgKind = kind
                .parse()
                .map_err(|e: UnknownValue| usage(e.to_string()))?;
            let org_level: Option<Level> = org_level
                .as_deref()
                .map(|l| l.parse().map_err(|e: UnknownValue| usage(e.to_string())))
                .transpose()?;
            let dlevel = division_level(level)?;
            let table = division_table(dlevel, divisions.as_deref())?;
            let parse =
                |code: &str| DivisionCode::parse(code).map_err(|e| data(vec![e.to_string()]));
            let mut areas: Vec<DivisionCode> = match within {
                Some(id) => {
                    let org = reg
                        .organization(id)
                        .ok_or_else(|| usage(format!("--within: organization `{id}` not found")))?;
                    vec![parse(&org.division_code)?]
                }
                None => reg
                    .roots(*as_of)
                    .into_iter()
                    .filter_map(|id| reg.organization(id))
                    .map(|o| parse(&o.division_code))
                    .collect::<Result<_, _>>()?,
            };
            areas.sort();
            areas.dedup();
            let outer: Vec<DivisionCode> = areas
                .iter()
                .filter(|a| !areas.iter().any(|b| b != *a && b.contains(a)))
                .cloned()
                .collect();
            // One pass over the organizations for every area.
            let mut cov = stats::Coverage {
                kind,
                level: dlevel,
                as_of: *as_of,
                rows: Vec::new(),
            };
            for c in stats::coverage_areas(reg, &table, kind, &outer, dlevel, org_level, *as_of)
                .map_err(|e| data(vec![e.to_string()]))?
            {
                cov.rows.extend(c.rows);
            }
            cov.rows
                .sort_by(|a, b| a.division_code.cmp(&b.division_code));
            if format == Format::Csv {
                eprintln!(
                    "covered {} of {} ({:.1} %)",
                    cov.covered(),
                    cov.rows.len(),
                    100.0 * cov.share()
                );
            }
            print(
                format,
                Table::from(&cov),
                serde_json::to_string_pretty(&cov),
            )
        }
        StatsCommand::Series {
            from,
            to,
            every,
            by,
            ..
        } => {
            if from > to {
                return Err(usage(format!("--from {from} is after --to {to}")));
            }
            let every = match every {
                EveryArg::Month => Every::Month,
                EveryArg::Year => Every::Year,
            };
            let points = stats::period_ends(*from, *to, every);
            let series = stats::rollup_series(reg, &points, by.map(Dimension::from));
            let mut table: Option<Table> = None;
            for r in &series {
                let t = Table::from(r);
                let rows = t
                    .rows
                    .into_iter()
                    .map(|row| std::iter::once(r.as_of.to_string()).chain(row).collect());
                match table.as_mut() {
                    None => {
                        table = Some(Table {
                            columns: std::iter::once("as_of".to_string())
                                .chain(t.columns)
                                .collect(),
                            rows: rows.collect(),
                        })
                    }
                    Some(acc) => acc.rows.extend(rows),
                }
            }
            let table = table.unwrap_or(Table {
                columns: vec!["as_of".into(), "org_id".into(), "total".into()],
                rows: Vec::new(),
            });
            print(format, table, serde_json::to_string_pretty(&series))
        }
    }
}

/// The standard rule book, or the one in `path`, compiled.
fn rule_book(path: Option<&Path>) -> Result<CompiledBook, Failure> {
    match path {
        None => Ok(CompiledBook::standard()),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).map_err(|e| usage(format!("{}: {e}", p.display())))?;
            RuleBook::from_json(&text)
                .and_then(|b| b.compile())
                .map_err(|e| data(vec![format!("{}: {e}", p.display())]))
        }
    }
}

fn rules_command(cli: &Cli, command: &RulesCommand) -> Result<(), Failure> {
    match command {
        RulesCommand::Check {
            dir,
            person,
            org,
            as_of,
            rules,
        } => {
            let book = rule_book(rules.as_deref())?;
            let reg = load(cli, dir)?;
            let started = Instant::now();
            let c =
                tongxin::rules::check(&reg, &book, &MemberRef::Person(person.clone()), org, *as_of)
                    .map_err(|e| usage(e.to_string()))?;
            if cli.timings {
                eprintln!("query: {:.3} s", started.elapsed().as_secs_f64());
            }
            println!("{}\n{}", c.explanation_zh, c.explanation_en);
            if c.eligible {
                Ok(())
            } else {
                Err(Failure {
                    code: 1,
                    lines: Vec::new(),
                })
            }
        }
        RulesCommand::Audit {
            dir,
            as_of,
            rules,
            root,
            format,
        } => {
            let book = rule_book(rules.as_deref())?;
            let reg = load(cli, dir)?;
            let started = Instant::now();
            let audit = tongxin::rules::audit(&reg, &book, root.as_deref(), *as_of)
                .map_err(|e| usage(e.to_string()))?;
            if cli.timings {
                eprintln!("query: {:.3} s", started.elapsed().as_secs_f64());
            }
            match format {
                Format::Csv => audit
                    .violations
                    .iter()
                    .for_each(|v| println!("{}", v.line())),
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&audit).map_err(|e| usage(e.to_string()))?
                ),
            }
            eprintln!(
                "{} violation(s) in {} organization(s), {} membership(s) checked",
                audit.violations.len(),
                audit.organizations,
                audit.memberships
            );
            if audit.violations.is_empty() {
                Ok(())
            } else {
                Err(Failure {
                    code: 1,
                    lines: Vec::new(),
                })
            }
        }
        RulesCommand::Candidates {
            dir,
            org,
            as_of,
            rules,
            limit,
            format,
        } => {
            let book = rule_book(rules.as_deref())?;
            let reg = load(cli, dir)?;
            let order = CandidateOrder {
                limit: *limit,
                ..CandidateOrder::default()
            };
            let started = Instant::now();
            let list = tongxin::rules::candidates(&reg, &book, org, *as_of, &order)
                .map_err(|e| usage(e.to_string()))?;
            if cli.timings {
                eprintln!("query: {:.3} s", started.elapsed().as_secs_f64());
            }
            let table = Table {
                columns: [
                    "rank",
                    "id",
                    "type",
                    "title",
                    "education",
                    "age",
                    "warnings",
                ]
                .map(String::from)
                .to_vec(),
                rows: list
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        vec![
                            (i + 1).to_string(),
                            c.id.to_string(),
                            if c.enterprise { "enterprise" } else { "person" }.to_string(),
                            c.title.map_or(String::new(), |t| t.to_string()),
                            c.education.map_or(String::new(), |e| e.to_string()),
                            c.age.map_or(String::new(), |a| a.to_string()),
                            c.warnings.to_string(),
                        ]
                    })
                    .collect(),
            };
            print(*format, table, serde_json::to_string_pretty(&list))
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            for line in &f.lines {
                eprintln!("{line}");
            }
            ExitCode::from(f.code)
        }
    }
}
