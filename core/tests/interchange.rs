//! Roster interchange: CSV / GBK / xlsx import with every error path, report mode, export
//! round trips, masking, Popolo, and a property test that export-then-import reproduces
//! random registries.

use chrono::NaiveDate;
use proptest::prelude::*;
use tongxin::interchange::*;
use tongxin::prelude::*;

const ORGS: &str = include_str!("fixtures/rosters/orgs.csv");
const PERSONS: &str = include_str!("fixtures/rosters/persons.csv");
const ENTERPRISES: &str = include_str!("fixtures/rosters/enterprises.csv");
const MEMBERSHIPS: &str = include_str!("fixtures/rosters/memberships.csv");
const PERSONS_GBK: &[u8] = include_bytes!("fixtures/persons_gbk.csv");
const XLSX: &[u8] = include_bytes!("fixtures/rosters.xlsx");

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn meta() -> Meta {
    Meta {
        at: d("2024-06-01").and_hms_opt(9, 0, 0).expect("time"),
        actor: "import".into(),
    }
}

fn fixture() -> Rosters<'static> {
    Rosters::csv(ORGS.as_bytes(), PERSONS.as_bytes(), MEMBERSHIPS.as_bytes())
        .with_enterprises(ENTERPRISES.as_bytes())
}

fn opts() -> ImportOptions {
    ImportOptions::default()
}

/// The fixture registry, imported from the CSV files.
fn base() -> Registry {
    let mut reg = Registry::new();
    import_rosters(&mut reg, &meta(), &fixture(), &opts()).expect("fixture imports");
    reg
}

/// Every record a roster file carries, for comparing registries.
type Records = (
    Vec<Organization>,
    Vec<Vec<ParentLink>>,
    Vec<Person>,
    Vec<Enterprise>,
    Vec<Membership>,
);

fn records(reg: &Registry) -> Records {
    let orgs: Vec<Organization> = reg.organizations().cloned().collect();
    let links = orgs
        .iter()
        .map(|o| reg.parent_history(&o.id).expect("history"))
        .collect();
    (
        orgs,
        links,
        reg.persons().cloned().collect(),
        reg.enterprises().cloned().collect(),
        reg.memberships().collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// Importing valid files

#[test]
fn fixture_imports_parents_first_with_labels_and_enterprises() {
    let reg = base();
    let ids: Vec<&str> = reg.organizations().map(|o| o.id.as_str()).collect();
    // `ft-street` is listed first in the file but needs `ft`, which needs `sz`.
    assert_eq!(ids, ["sz", "ft", "ft-street", "ns", "dashi", "lh-chamber"]);
    let street = reg.parent_history("ft-street").unwrap();
    assert_eq!(street[0].parent.as_deref(), Some("ft"));
    assert_eq!(street[0].relation, Relation::PartOf);
    assert_eq!(
        reg.organization("dashi").unwrap().carrier,
        Some(Carrier::Building)
    );
    assert_eq!(reg.organization("sz").unwrap().name, "深圳市知联会");

    let p3 = reg.person("p3").unwrap();
    assert_eq!(p3.sex, Some(Sex::Male)); // written 男
    assert_eq!(p3.birth, Some(PartialDate::Month(1985, 7)));
    assert!(!p3.returned_overseas); // written 否
    let p1 = reg.person("p1").unwrap();
    assert_eq!(p1.birth, Some(PartialDate::Day(d("1949-12-31"))));
    assert_eq!(p1.resident_id.as_deref(), Some("11010519491231002X"));
    assert_eq!(reg.person("p4").unwrap().birth, None);
    assert_eq!(
        reg.person("p2").unwrap().birth,
        Some(PartialDate::Year(1991))
    );

    assert_eq!(reg.enterprises().count(), 2);
    let chamber = reg
        .members("lh-chamber", d("2024-01-01"), MemberScope::Direct)
        .unwrap();
    assert_eq!(
        chamber,
        [
            MemberRef::Enterprise("e1".into()),
            MemberRef::Enterprise("e2".into())
        ]
    );
    let m = reg.memberships().find(|m| m.org == "ft-street").unwrap();
    assert_eq!(m.source.as_deref(), Some("双轨推荐"));
    assert!(m.founding);
    assert_eq!(reg.membership_count(), 8);
    assert_eq!(reg.journal().len(), 6 + 2 + 4 + 8);
}

#[test]
fn bom_and_crlf_files_read_the_same() {
    let with_bom = |s: &str| {
        let mut b = "\u{FEFF}".as_bytes().to_vec();
        b.extend_from_slice(s.replace('\n', "\r\n").as_bytes());
        b
    };
    let (o, p, m, e) = (
        with_bom(ORGS),
        with_bom(PERSONS),
        with_bom(MEMBERSHIPS),
        with_bom(ENTERPRISES),
    );
    let mut reg = Registry::new();
    let rosters = Rosters::csv(&o, &p, &m).with_enterprises(&e);
    import_rosters(&mut reg, &meta(), &rosters, &opts()).unwrap();
    assert_eq!(reg.to_json(), base().to_json());
    // A BOM wins over a declared encoding.
    let mut reg = Registry::new();
    let gbk = ImportOptions {
        encoding: TextEncoding::Gbk,
        ..opts()
    };
    import_rosters(&mut reg, &meta(), &rosters, &gbk).unwrap();
    assert_eq!(reg.to_json(), base().to_json());
}

#[test]
fn gbk_files_are_detected_or_declared() {
    assert!(
        String::from_utf8(PERSONS_GBK.to_vec()).is_err(),
        "fixture is GBK"
    );
    // Detected: a GBK file among UTF-8 ones.
    let mut rosters = fixture();
    rosters.persons = Some(RosterFile::csv(PERSONS_GBK));
    let mut reg = Registry::new();
    import_rosters(&mut reg, &meta(), &rosters, &opts()).unwrap();
    assert_eq!(reg.to_json(), base().to_json());
    // Every table in GBK (made with encoding_rs), detected or declared.
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let (o, m, e) = (gbk(ORGS), gbk(MEMBERSHIPS), gbk(ENTERPRISES));
    assert_eq!(gbk(PERSONS), PERSONS_GBK);
    for encoding in [TextEncoding::Auto, TextEncoding::Gbk, TextEncoding::Gb18030] {
        let mut reg = Registry::new();
        let rosters = Rosters::csv(&o, PERSONS_GBK, &m).with_enterprises(&e);
        import_rosters(
            &mut reg,
            &meta(),
            &rosters,
            &ImportOptions { encoding, ..opts() },
        )
        .unwrap();
        assert_eq!(reg.to_json(), base().to_json(), "{encoding:?}");
    }
}

#[cfg(feature = "xlsx")]
#[test]
fn xlsx_fixture_reads_like_the_csv_files() {
    let rosters = Rosters {
        orgs: Some(RosterFile::xlsx(XLSX, None).named("rosters.xlsx")), // first sheet
        enterprises: Some(RosterFile::xlsx(XLSX, Some("enterprises"))),
        persons: Some(RosterFile::xlsx(XLSX, Some("persons"))),
        memberships: Some(RosterFile::xlsx(XLSX, Some("memberships"))),
    };
    let mut reg = Registry::new();
    let done = import_rosters(&mut reg, &meta(), &rosters, &opts()).unwrap();
    assert_eq!(done.total(), 6 + 2 + 4 + 8);
    // Dates (Excel serial numbers, one without date format), numeric codes and years: the
    // same registry, journal included.
    assert_eq!(reg.to_json(), base().to_json());
}

#[cfg(feature = "xlsx")]
#[test]
fn xlsx_errors_name_the_sheet_row() {
    // A bad cell in a sheet: line is the sheet's row number.
    let reg0 = base();
    let mut reg = reg0.clone();
    let rosters = Rosters {
        // The sheet `persons` read as memberships: wrong columns.
        memberships: Some(RosterFile::xlsx(XLSX, Some("persons")).named("book.xlsx")),
        ..Rosters::default()
    };
    let err = import_rosters(&mut reg, &meta(), &rosters, &opts()).unwrap_err();
    assert_eq!(err.code(), "unknown_column");
    assert_eq!((err.file.as_str(), err.line), ("book.xlsx", Some(1)));
    assert_eq!(reg.to_json(), reg0.to_json());

    let rosters = Rosters {
        orgs: Some(RosterFile::xlsx(XLSX, Some("nope")).named("book.xlsx")),
        ..Rosters::default()
    };
    let err = import_rosters(&mut reg, &meta(), &rosters, &opts()).unwrap_err();
    assert_eq!(err.code(), "sheet_not_found");
    assert!(
        err.to_string()
            .contains("orgs, persons, memberships, enterprises"),
        "{err}"
    );
    // Duplicate ids on sheet rows: the persons sheet imported twice.
    let rosters = Rosters {
        persons: Some(RosterFile::xlsx(XLSX, Some("persons"))),
        ..Rosters::default()
    };
    let err = import_rosters(&mut reg, &meta(), &rosters, &opts()).unwrap_err();
    assert_eq!((err.line, err.column.as_deref()), (Some(2), Some("id")));
    assert_eq!(
        err.kind.rule().map(Error::code),
        Some(ErrorCode::DuplicateId)
    );
    assert_eq!(reg.to_json(), reg0.to_json());
}

// ---------------------------------------------------------------------------------------------
// Every error path: file, line, column, and the registry unchanged

struct Case<'a> {
    orgs: Option<&'a [u8]>,
    persons: Option<&'a [u8]>,
    memberships: Option<&'a [u8]>,
    options: ImportOptions,
}

impl<'a> Case<'a> {
    fn new() -> Self {
        Case {
            orgs: None,
            persons: None,
            memberships: None,
            options: opts(),
        }
    }
    fn orgs(self, s: &'a str) -> Self {
        Case {
            orgs: Some(s.as_bytes()),
            ..self
        }
    }
    fn persons(self, s: &'a [u8]) -> Self {
        Case {
            persons: Some(s),
            ..self
        }
    }
    fn memberships(self, s: &'a str) -> Self {
        Case {
            memberships: Some(s.as_bytes()),
            ..self
        }
    }

    /// Imports into the fixture registry, expects a rejection, checks that nothing changed,
    /// and returns the error.
    fn reject(&self) -> InterchangeError {
        let before = base();
        let mut reg = before.clone();
        let rosters = Rosters {
            orgs: self.orgs.map(RosterFile::csv),
            enterprises: None,
            persons: self.persons.map(RosterFile::csv),
            memberships: self.memberships.map(RosterFile::csv),
        };
        let err = import_rosters(&mut reg, &meta(), &rosters, &self.options).unwrap_err();
        assert_eq!(reg.to_json(), before.to_json(), "registry changed by {err}");
        // Report mode agrees and changes nothing either.
        let report = import_rosters_report(&mut reg, &meta(), &rosters, &self.options)
            .expect_err("report mode rejects too");
        assert!(report.errors.contains(&err), "{report}\nmissing: {err}");
        assert_eq!(reg.to_json(), before.to_json());
        err
    }
}

fn at(err: &InterchangeError) -> (&str, Option<u64>, Option<&str>, &'static str) {
    (
        err.file.as_str(),
        err.line,
        err.column.as_deref(),
        err.code(),
    )
}

const ORG_HEADER: &str = "id,parent_id,level,kind,division_code,founded,dissolved\n";
const PERSON_HEADER: &str = "id,party,title,stratum,birth_year,resident_id\n";
const MEMBERSHIP_HEADER: &str = "person_id,org_id,role,start,end\n";

#[test]
fn bad_enum_value() {
    let orgs = format!("{ORG_HEADER}x1,sz,district,zhilianhui,440306,2020-01-01,\nx2,sz,city,zhilianhui,440306,2020-01-01,\n");
    let err = Case::new().orgs(&orgs).reject();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(3), Some("level"), "invalid_value")
    );
    assert_eq!(err.value.as_deref(), Some("city"));
    assert!(
        err.to_string()
            .contains("expected one of: national, provincial"),
        "{err}"
    );
}

#[test]
fn bad_date() {
    let ms = format!("{MEMBERSHIP_HEADER}p3,ns,member,2024-02-30,\n");
    let err = Case::new().memberships(&ms).reject();
    assert_eq!(
        at(&err),
        ("memberships.csv", Some(2), Some("start"), "invalid_value")
    );
    assert_eq!(err.value.as_deref(), Some("2024-02-30"));
}

#[test]
fn bad_division_code() {
    let orgs = format!("{ORG_HEADER}x1,sz,district,zhilianhui,44030X,2020-01-01,\n");
    let err = Case::new().orgs(&orgs).reject();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(2), Some("division_code"), "rule_violation")
    );
    assert_eq!(err.value.as_deref(), Some("44030X"));
    assert_eq!(
        err.kind.rule().map(Error::code),
        Some(ErrorCode::InvalidField)
    );
}

#[test]
fn bad_resident_id_is_quoted_masked() {
    let persons = format!("{PERSON_HEADER}q1,mass,none,none,1991,360426199101010072\n");
    let err = Case::new().persons(persons.as_bytes()).reject();
    assert_eq!(
        at(&err),
        (
            "persons.csv",
            Some(2),
            Some("resident_id"),
            "rule_violation"
        )
    );
    assert_eq!(err.value.as_deref(), Some("360426********0072"));
    assert!(err.to_string().contains("check"), "{err}");
}

#[test]
fn unknown_parent() {
    let orgs = format!("{ORG_HEADER}x1,nowhere,district,zhilianhui,440306,2020-01-01,\n");
    let err = Case::new().orgs(&orgs).reject();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(2), Some("parent_id"), "unknown_reference")
    );
    assert_eq!(err.value.as_deref(), Some("nowhere"));
    // A parent already in the registry is fine.
    let mut reg = base();
    let ok = format!("{ORG_HEADER}x1,sz,district,zhilianhui,440306,2020-01-01,\n");
    import_rosters(
        &mut reg,
        &meta(),
        &Rosters::csv(ok.as_bytes(), b"", b""),
        &opts(),
    )
    .unwrap();
}

#[test]
fn duplicate_ids() {
    let orgs = format!("{ORG_HEADER}x1,sz,district,zhilianhui,440306,2020-01-01,\nx2,sz,district,zhilianhui,440306,2020-01-01,\nx1,sz,district,zhilianhui,440306,2020-01-01,\n");
    let err = Case::new().orgs(&orgs).reject();
    assert_eq!(at(&err), ("orgs.csv", Some(4), Some("id"), "duplicate_id"));
    assert_eq!(
        err.kind,
        InterchangeErrorKind::DuplicateId { first_line: 2 }
    );
    // Persons: twice in the file …
    let persons = format!("{PERSON_HEADER}q1,mass,none,none,1991,\nq2,mass,none,none,1991,\nq1,mass,none,none,1990,\n");
    let err = Case::new().persons(persons.as_bytes()).reject();
    assert_eq!(
        at(&err),
        ("persons.csv", Some(4), Some("id"), "duplicate_id")
    );
    assert_eq!(
        err.kind,
        InterchangeErrorKind::DuplicateId { first_line: 2 }
    );
    // … or already in the registry.
    let persons = format!("{PERSON_HEADER}q1,mass,none,none,1991,\np2,mass,none,none,1991,\n");
    let err = Case::new().persons(persons.as_bytes()).reject();
    assert_eq!(
        at(&err),
        ("persons.csv", Some(3), Some("id"), "rule_violation")
    );
    assert_eq!(err.value.as_deref(), Some("p2"));
    let orgs = format!("{ORG_HEADER}sz,,municipal,zhilianhui,4403,2020-01-01,\n");
    let err = Case::new().orgs(&orgs).reject();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(2), Some("id"), "rule_violation")
    );
}

#[test]
fn parent_cycle() {
    let orgs = format!("{ORG_HEADER}x0,sz,district,zhilianhui,440306,2020-01-01,\nx1,x3,district,zhilianhui,440306,2020-01-01,\nx2,x1,district,zhilianhui,440306,2020-01-01,\nx3,x2,district,zhilianhui,440306,2020-01-01,\n");
    let err = Case::new().orgs(&orgs).reject();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(3), Some("parent_id"), "parent_cycle")
    );
    assert!(err.to_string().contains("x1 -> x3 -> x2 -> x1"), "{err}");
    let selfloop = format!("{ORG_HEADER}x1,x1,district,zhilianhui,440306,2020-01-01,\n");
    let err = Case::new().orgs(&selfloop).reject();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(2), Some("parent_id"), "parent_cycle")
    );
}

#[test]
fn overlapping_membership_and_second_president() {
    let ms = format!(
        "{MEMBERSHIP_HEADER}p3,ns,member,2019-01-01,\np1,ft,council,2016-01-01,2017-01-01\n"
    );
    let err = Case::new().memberships(&ms).reject();
    assert_eq!(
        at(&err),
        ("memberships.csv", Some(3), Some("start"), "rule_violation")
    );
    assert_eq!(err.value.as_deref(), Some("2016-01-01"));
    assert_eq!(
        err.kind.rule().map(Error::code),
        Some(ErrorCode::OverlappingMembership)
    );
    let ms = format!("{MEMBERSHIP_HEADER}p3,ft,president,2019-01-01,\n");
    let err = Case::new().memberships(&ms).reject();
    assert_eq!(
        at(&err),
        ("memberships.csv", Some(2), Some("role"), "rule_violation")
    );
    assert_eq!(
        err.kind.rule().map(Error::code),
        Some(ErrorCode::PresidentConflict)
    );
}

#[test]
fn other_rule_violations_name_their_column() {
    let ms = format!("{MEMBERSHIP_HEADER}ghost,ns,member,2019-01-01,\n");
    let err = Case::new().memberships(&ms).reject();
    assert_eq!(
        at(&err),
        (
            "memberships.csv",
            Some(2),
            Some("person_id"),
            "rule_violation"
        )
    );
    let ms = format!("{MEMBERSHIP_HEADER}p3,ghost,member,2019-01-01,\n");
    let err = Case::new().memberships(&ms).reject();
    assert_eq!(
        at(&err),
        ("memberships.csv", Some(2), Some("org_id"), "rule_violation")
    );
    assert_eq!(err.value.as_deref(), Some("ghost"));
    let ms = format!("{MEMBERSHIP_HEADER}p3,ns,member,2019-01-01,2018-01-01\n");
    let err = Case::new().memberships(&ms).reject();
    assert_eq!(
        at(&err),
        ("memberships.csv", Some(2), Some("end"), "rule_violation")
    );
    let ms = format!("{MEMBERSHIP_HEADER}p3,ns,member,2001-01-01,\n");
    let err = Case::new().memberships(&ms).reject();
    assert_eq!(
        at(&err),
        ("memberships.csv", Some(2), Some("start"), "rule_violation")
    );
    // A guided organization at its guide's level.
    let orgs = format!("{ORG_HEADER}x1,sz,municipal,zhilianhui,4403,2020-01-01,\n");
    let err = Case::new().orgs(&orgs).reject();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(2), Some("level"), "rule_violation")
    );
    // Founded before its parent.
    let orgs = format!("{ORG_HEADER}x1,ft,subdistrict,zhilianhui,440304001,2001-01-01,\n");
    let err = Case::new().orgs(&orgs).reject();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(2), Some("founded"), "rule_violation")
    );
}

#[test]
fn unknown_column_rejected_or_ignored() {
    let orgs = "id,parent_id,level,kind,division_code,founded,dissolved,nmae\nx1,sz,district,zhilianhui,440306,2020-01-01,,名\n";
    let err = Case::new().orgs(orgs).reject();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(1), Some("nmae"), "unknown_column")
    );
    let mut reg = base();
    let ignore = ImportOptions {
        unknown_columns: UnknownColumns::Ignore,
        ..opts()
    };
    import_rosters(
        &mut reg,
        &meta(),
        &Rosters::csv(orgs.as_bytes(), b"", b""),
        &ignore,
    )
    .unwrap();
    assert_eq!(reg.organization("x1").unwrap().name, "x1");
    let dup = "id,parent_id,level,kind,division_code,founded,dissolved,ID\n";
    let err = Case::new().orgs(dup).reject();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(1), Some("ID"), "duplicate_column")
    );
}

#[test]
fn missing_required_column() {
    let persons = "id,party,stratum,birth_year\nq1,mass,none,1990\n";
    let err = Case::new().persons(persons.as_bytes()).reject();
    assert_eq!(
        at(&err),
        ("persons.csv", Some(1), Some("title"), "missing_column")
    );
    let persons = "id,party,title,stratum\nq1,mass,none,none\n";
    let err = Case::new().persons(persons.as_bytes()).reject();
    assert_eq!(
        at(&err),
        ("persons.csv", Some(1), Some("birth_year"), "missing_column")
    );
    // … and a required cell left empty.
    let persons = format!("{PERSON_HEADER}q1,,none,none,1990,\n");
    let err = Case::new().persons(persons.as_bytes()).reject();
    assert_eq!(
        at(&err),
        ("persons.csv", Some(2), Some("party"), "missing_value")
    );
}

#[test]
fn empty_file() {
    let err = Case::new().persons(b"").reject();
    assert_eq!(at(&err), ("persons.csv", None, None, "empty_file"));
    let err = Case::new().persons(b"\xEF\xBB\xBF\n\n").reject();
    assert_eq!(at(&err), ("persons.csv", None, None, "empty_file"));
    // A header alone is a valid file with no rows.
    let mut reg = base();
    let done = import_rosters(
        &mut reg,
        &meta(),
        &Rosters::csv(b"", PERSON_HEADER.as_bytes(), b""),
        &opts(),
    )
    .unwrap();
    assert_eq!(done.total(), 0);
}

#[test]
fn bad_encoding_declared() {
    let err = Case {
        options: ImportOptions {
            encoding: TextEncoding::Utf8,
            ..opts()
        },
        ..Case::new().persons(PERSONS_GBK)
    }
    .reject();
    // Line 2 is the first row with Chinese text; its first non-ASCII cell is `name`.
    assert_eq!(at(&err), ("persons.csv", Some(2), Some("name"), "encoding"));
    assert!(err.to_string().contains("not valid UTF-8"), "{err}");
    // Bytes invalid even as GB18030.
    let bad = b"id,party,title,stratum,birth_year,name\nq1,mass,none,none,1990,\x81\x20\n";
    let err = Case::new().persons(bad).reject();
    assert_eq!(at(&err), ("persons.csv", Some(2), Some("name"), "encoding"));
}

#[cfg(feature = "xlsx")]
#[test]
fn bad_xlsx_bytes() {
    let before = base();
    let mut reg = before.clone();
    for bytes in [&b"not a zip"[..], &XLSX[..XLSX.len() / 2], b""] {
        let rosters = Rosters {
            orgs: Some(RosterFile::xlsx(bytes, None).named("orgs.xlsx")),
            ..Rosters::default()
        };
        let err = import_rosters(&mut reg, &meta(), &rosters, &opts()).unwrap_err();
        assert_eq!(at(&err), ("orgs.xlsx", None, None, "xlsx"));
        assert_eq!(reg.to_json(), before.to_json());
    }
}

#[cfg(not(feature = "xlsx"))]
#[test]
fn xlsx_needs_the_feature() {
    let mut reg = base();
    let rosters = Rosters {
        orgs: Some(RosterFile::xlsx(XLSX, None)),
        ..Rosters::default()
    };
    let err = import_rosters(&mut reg, &meta(), &rosters, &opts()).unwrap_err();
    assert_eq!(err.code(), "feature_disabled");
}

#[test]
fn malformed_csv_row() {
    let ms = format!("{MEMBERSHIP_HEADER}p3,ns,member,2019-01-01,\n\np3,ns\n");
    let err = Case::new().memberships(&ms).reject();
    assert_eq!(at(&err), ("memberships.csv", Some(4), None, "csv"));
    assert!(
        err.to_string().contains("2 fields but the header has 5"),
        "{err}"
    );
}

#[test]
fn lines_count_quoted_newlines_and_blank_lines() {
    let orgs = "id,parent_id,level,kind,division_code,founded,dissolved,name\n\
         x1,sz,district,zhilianhui,440306,2020-01-01,,\"two\nlines\"\n\n\n\
         x2,sz,district,zhilianhui,440306,2020-13-01,,\n";
    let err = Case::new().orgs(orgs).reject();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(6), Some("founded"), "invalid_value")
    );
}

// ---------------------------------------------------------------------------------------------
// Report mode

#[test]
fn report_lists_every_bad_row_and_skips_dependents() {
    let orgs = format!(
        "{ORG_HEADER}\
         x1,sz,district,zhilianhui,440306,2020-01-01,\n\
         x2,sz,city,zhilianhui,440306,2020-01-01,\n\
         x3,x2,subdistrict,zhilianhui,440306001,2020-01-01,\n\
         x4,sz,municipal,zhilianhui,4403,2020-01-01,\n"
    );
    let persons = format!(
        "{PERSON_HEADER}\
         q1,mass,none,none,1990,\n\
         q2,communist,none,none,1990,\n\
         q3,mass,none,none,1990,360426199101010072\n\
         q4,mass,none,none,1990,\n"
    );
    let ms = format!(
        "{MEMBERSHIP_HEADER}\
         q1,x1,member,2020-01-01,\n\
         q2,x1,member,2020-01-01,\n\
         q1,x3,member,2020-01-01,\n\
         q4,x1,member,2019-01-01,\n\
         q4,x1,member,2021-01-01,bad\n"
    );
    let before = base();
    let mut reg = before.clone();
    let rosters = Rosters::csv(orgs.as_bytes(), persons.as_bytes(), ms.as_bytes());
    let report = import_rosters_report(&mut reg, &meta(), &rosters, &opts()).unwrap_err();
    assert_eq!(reg.to_json(), before.to_json());
    let found: Vec<_> = report.errors.iter().map(at).collect();
    assert_eq!(
        found,
        [
            ("orgs.csv", Some(3), Some("level"), "invalid_value"),
            ("persons.csv", Some(3), Some("party"), "invalid_value"),
            ("memberships.csv", Some(6), Some("end"), "invalid_value"),
            ("orgs.csv", Some(5), Some("level"), "rule_violation"),
            (
                "persons.csv",
                Some(4),
                Some("resident_id"),
                "rule_violation"
            ),
            ("memberships.csv", Some(5), Some("start"), "rule_violation"),
        ],
        "{report}"
    );
    // x3 (under rejected x2), and the memberships of q2 and in x3 were not checked.
    assert_eq!(report.rows_skipped, 3, "{report}");
    assert_eq!(report.rows_ok, 4, "{report}"); // x1, q1, q4, q1 in x1
    assert!(report.to_string().contains("6 problem(s)"));
    // check_rosters says the same without touching anything.
    assert_eq!(check_rosters(&reg, &meta(), &rosters, &opts()), report);
    // The strict import stops at the first.
    let err = import_rosters(&mut reg, &meta(), &rosters, &opts()).unwrap_err();
    assert_eq!(
        at(&err),
        ("orgs.csv", Some(3), Some("level"), "invalid_value")
    );
}

#[test]
fn report_mode_applies_a_clean_import() {
    let mut reg = Registry::new();
    let done = import_rosters_report(&mut reg, &meta(), &fixture(), &opts()).unwrap();
    assert_eq!(done.total(), 20);
    assert_eq!(reg.to_json(), base().to_json());
    assert!(check_rosters(&Registry::new(), &meta(), &fixture(), &opts()).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Export

fn unmasked() -> ExportOptions {
    ExportOptions {
        unmask_resident_ids: true,
        ..ExportOptions::default()
    }
}

#[test]
fn export_round_trips_the_fixture() {
    let reg = base();
    let files = export_rosters(&reg, &unmasked()).unwrap();
    let mut again = Registry::new();
    import_rosters(&mut again, &meta(), &files.as_rosters(), &opts()).unwrap();
    assert_eq!(records(&again), records(&reg));
    // Same commands, so the same journal too.
    assert_eq!(again.to_json(), reg.to_json());
    let text = String::from_utf8(files.orgs.clone()).unwrap();
    assert!(text.starts_with("id,parent_id,level,kind,division_code,founded,dissolved,"));
    assert!(text.contains("ft-street,ft,subdistrict,zhilianhui,440304004,2024-05-07,,福田区知联会福田街道分会,,,,part_of,,"), "{text}");
    // Exporting the re-import gives the same bytes.
    assert_eq!(export_rosters(&again, &unmasked()).unwrap(), files);
}

#[test]
fn export_in_gbk_and_with_bom() {
    let reg = base();
    let gbk = export_rosters(
        &reg,
        &ExportOptions {
            encoding: TextEncoding::Gbk,
            ..unmasked()
        },
    )
    .unwrap();
    assert!(std::str::from_utf8(&gbk.orgs).is_err());
    let mut again = Registry::new();
    import_rosters(&mut again, &meta(), &gbk.as_rosters(), &opts()).unwrap();
    assert_eq!(records(&again), records(&reg));
    let bom = export_rosters(
        &reg,
        &ExportOptions {
            bom: true,
            ..unmasked()
        },
    )
    .unwrap();
    assert!(bom.persons.starts_with(b"\xEF\xBB\xBFid,"));
    let mut again = Registry::new();
    import_rosters(&mut again, &meta(), &bom.as_rosters(), &opts()).unwrap();
    assert_eq!(records(&again), records(&reg));
    // A character GBK lacks: named, with its line.
    let mut reg = Registry::new();
    let orgs = format!("{ORG_HEADER}x,,municipal,zhilianhui,4403,2020-01-01,\n").replace(
        "id,parent_id,level,kind,division_code,founded,dissolved\n",
        "id,parent_id,level,kind,division_code,founded,dissolved,name\n",
    );
    let orgs = orgs.replace("2020-01-01,\n", "2020-01-01,,😀 club\n");
    import_rosters(
        &mut reg,
        &meta(),
        &Rosters::csv(orgs.as_bytes(), b"", b""),
        &opts(),
    )
    .unwrap();
    let err = export_rosters(
        &reg,
        &ExportOptions {
            encoding: TextEncoding::Gbk,
            ..ExportOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        (err.file.as_str(), err.line, err.code()),
        ("orgs.csv", Some(2), "unencodable")
    );
    assert_eq!(err.value.as_deref(), Some("😀"));
    // GB18030 has it.
    let gb = export_rosters(
        &reg,
        &ExportOptions {
            encoding: TextEncoding::Gb18030,
            ..ExportOptions::default()
        },
    )
    .unwrap();
    let mut again = Registry::new();
    import_rosters(&mut again, &meta(), &gb.as_rosters(), &opts()).unwrap();
    assert_eq!(again.organization("x").unwrap().name, "😀 club");
}

#[test]
fn exports_mask_resident_ids_by_default() {
    let reg = base();
    let files = export_rosters(&reg, &ExportOptions::default()).unwrap();
    let persons = String::from_utf8(files.persons.clone()).unwrap();
    assert!(persons.contains("110105********002X"), "{persons}");
    assert!(persons.contains("360426********0071"), "{persons}");
    assert!(!persons.contains("11010519491231002X"));
    let popolo = export_popolo(&reg, &ExportOptions::default());
    assert!(popolo.contains("110105********002X") && !popolo.contains("19491231"));
    assert!(export_popolo(&reg, &unmasked()).contains("11010519491231002X"));
    // A masked export does not import as it is …
    let mut again = Registry::new();
    let err = import_rosters(&mut again, &meta(), &files.as_rosters(), &opts()).unwrap_err();
    assert_eq!(
        at(&err),
        ("persons.csv", Some(2), Some("resident_id"), "invalid_value")
    );
    assert!(again.is_empty());
    // … unless masked numbers are dropped.
    let drop = ImportOptions {
        drop_masked_resident_ids: true,
        ..opts()
    };
    import_rosters(&mut again, &meta(), &files.as_rosters(), &drop).unwrap();
    assert_eq!(again.person("p1").unwrap().resident_id, None);
    assert_eq!(again.person("p1").unwrap().name.as_deref(), Some("李明"));
}

#[test]
fn moved_organizations_export_their_current_parent() {
    let mut reg = base();
    reg.apply(
        &meta(),
        Command::MoveOrganization {
            id: "dashi".into(),
            parent: Some("ft".into()),
            relation: Relation::Guidance,
            date: d("2020-01-01"),
        },
    )
    .unwrap();
    let files = export_rosters(&reg, &unmasked()).unwrap();
    let orgs = String::from_utf8(files.orgs).unwrap();
    assert!(orgs.contains("\ndashi,ft,"), "{orgs}");
}

#[test]
fn history_made_by_commands_round_trips() {
    // Role changes, departures and dissolutions leave records the files carry exactly.
    let mut reg = base();
    let m = meta();
    reg.apply(
        &m,
        Command::ChangeRole {
            member: MemberRef::Person("p3".into()),
            org: "dashi".into(),
            role: Role::VicePresident,
            date: d("2021-03-01"),
        },
    )
    .unwrap();
    reg.apply(
        &m,
        Command::Leave {
            member: MemberRef::Person("p4".into()),
            org: "dashi".into(),
            date: d("2022-01-01"),
        },
    )
    .unwrap();
    reg.apply(
        &m,
        Command::DissolveOrganization {
            id: "ft-street".into(),
            date: d("2024-06-01"),
        },
    )
    .unwrap();
    let files = export_rosters(&reg, &unmasked()).unwrap();
    let mut again = Registry::new();
    import_rosters(&mut again, &meta(), &files.as_rosters(), &opts()).unwrap();
    assert_eq!(records(&again), records(&reg));
}

// ---------------------------------------------------------------------------------------------
// Popolo

fn rich() -> Registry {
    let mut reg = base();
    let mut org = reg.organization("dashi").unwrap().clone();
    org.tags = vec!["楼宇".into(), "试点".into()];
    org.facilities = Some(Facilities {
        area_m2: Some(1600),
        rooms: Some(4),
    });
    org.name_en = Some("Dashi Building Zhilianhui".into());
    reg.apply(&meta(), Command::UpdateOrganization { org })
        .unwrap();
    let mut p = reg.person("p1").unwrap().clone();
    p.political_posts = vec![PoliticalPost {
        body: PoliticalBody::Cppcc,
        level: Level::Municipal,
        term: Some(7),
        from: Some(PartialDate::Month(2021, 1)),
        to: None,
    }];
    reg.apply(&meta(), Command::UpdatePerson { person: p })
        .unwrap();
    reg
}

#[test]
fn popolo_round_trip() {
    let reg = rich();
    let json = export_popolo(&reg, &unmasked());
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ft = doc["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "ft-street")
        .unwrap();
    assert_eq!(ft["parent_id"], "ft");
    assert_eq!(ft["classification"], "zhilianhui");
    assert_eq!(ft["founding_date"], "2024-05-07");
    assert_eq!(ft["tongxin"]["level"], "subdistrict");
    assert_eq!(ft["tongxin"]["relation"], "part_of");
    let m = &doc["memberships"][0];
    assert_eq!(
        (
            &m["person_id"],
            &m["organization_id"],
            &m["role"],
            &m["start_date"]
        ),
        (
            &serde_json::json!("p1"),
            &serde_json::json!("ft"),
            &serde_json::json!("president"),
            &serde_json::json!("2015-01-01")
        )
    );
    assert_eq!(m["label"], "会长");
    let mut again = Registry::new();
    let done = import_popolo(&mut again, &meta(), json.as_bytes(), &opts()).unwrap();
    assert_eq!(done.total(), 20);
    assert_eq!(records(&again), records(&reg));
    assert_eq!(export_popolo(&again, &unmasked()), json);
}

#[test]
fn popolo_errors_name_the_path() {
    let reg0 = base();
    let mut reg = reg0.clone();
    let json = br#"{"persons": [{"id": "q1", "tongxin": {"party": "mass", "title": "none", "stratum": "none"}},
                               {"id": "q2", "tongxin": {"party": "communist"}}]}"#;
    let err = import_popolo(&mut reg, &meta(), json, &opts()).unwrap_err();
    assert_eq!(
        (
            err.file.as_str(),
            err.line,
            err.column.as_deref(),
            err.code()
        ),
        (
            "popolo.json",
            Some(2),
            Some("persons[1].tongxin.party"),
            "invalid_json"
        )
    );
    let json = br#"{"persons": [{"id": "q1", "tongxin": {"party": "mass", "title": "none"}}]}"#;
    let err = import_popolo(&mut reg, &meta(), json, &opts()).unwrap_err();
    assert_eq!(err.column.as_deref(), Some("persons[0].tongxin.stratum"));
    assert_eq!(err.code(), "missing_value");
    let json = br#"{"organizations": [{"id": "x", "name": "X", "classification": "zhilianhui", "parent_id": "nope",
                    "founding_date": "2020-01-01", "area_id": "440306", "tongxin": {"level": "district"}}]}"#;
    let err = import_popolo(&mut reg, &meta(), json, &opts()).unwrap_err();
    assert_eq!(err.column.as_deref(), Some("organizations[0].parent_id"));
    assert_eq!(err.code(), "unknown_reference");
    let json = br#"{"memberships": [{"person_id": "p3", "organization_id": "ns", "role": "member", "start_date": "2001-01-01"}]}"#;
    let err = import_popolo(&mut reg, &meta(), json, &opts()).unwrap_err();
    assert_eq!(err.column.as_deref(), Some("memberships[0].start_date"));
    assert_eq!(err.code(), "rule_violation");
    let err = import_popolo(&mut reg, &meta(), b"{\"persons\": [\n", &opts()).unwrap_err();
    assert_eq!((err.line, err.code()), (Some(2), "invalid_json"));
    assert_eq!(reg.to_json(), reg0.to_json());
}

// ---------------------------------------------------------------------------------------------
// Property: export then import reproduces random registries

const CODES: [(Level, &str); 4] = [
    (Level::Municipal, "4403"),
    (Level::District, "440304"),
    (Level::Subdistrict, "440304004"),
    (Level::Community, "440304004001"),
];
const TEXTS: [&str; 8] = [
    "深圳市知联会",
    "a, \"quoted\" name",
    " leading space",
    "two\nlines",
    "tab\there",
    "Ünïcödé ✓",
    "=1+2",
    "plain",
];
const RESIDENT_IDS: [&str; 3] = [
    "11010519491231002X",
    "360426199101010071",
    "110105491231002",
];

fn day(k: u16) -> NaiveDate {
    d("2000-01-01") + chrono::Days::new(u64::from(k) * 37)
}

fn pick<T: Copy>(items: &[T], i: usize) -> T {
    items[i % items.len()]
}

prop_compose! {
    fn arb_org(i: usize)(level in 0usize..4, parent in proptest::option::of(0usize..8),
                         part_of: bool, f in 0u16..50, dissolve in proptest::option::weighted(0.2, 1u16..100),
                         name in proptest::option::of(0usize..8), en in proptest::option::of(0usize..8),
                         carrier in proptest::option::of(0usize..10), rooms in proptest::option::of(0u32..9))
        -> Command {
        let (lv, code) = CODES[level];
        let org = Organization {
            id: format!("o{i}"),
            name: name.map_or(format!("o{i}"), |n| pick(&TEXTS, n).to_string()),
            name_en: en.map(|n| pick(&TEXTS, n).to_string()),
            kind: OrgKind::Zhilianhui,
            level: lv,
            division_code: code.into(),
            carrier: carrier.map(|c| pick(Carrier::ALL, c)),
            category: None,
            founded: day(f),
            dissolved: dissolve.map(|x| day(f + x)),
            facilities: rooms.map(|r| Facilities { area_m2: (r % 2 == 0).then_some(r * 100), rooms: Some(r) }),
            tags: vec![],
        };
        Command::AddOrganization {
            org,
            parent: parent.filter(|&p| p < i).map(|p| format!("o{p}")),
            relation: if part_of { Relation::PartOf } else { Relation::Guidance },
        }
    }
}

prop_compose! {
    fn arb_person(i: usize)(party in 0usize..11, title in 0usize..5, stratum in 0usize..5,
                            name in proptest::option::of(0usize..8), sex in proptest::option::of(0usize..2),
                            birth in proptest::option::of((1930i32..2005, 0u32..13, 1u32..29)),
                            rid in proptest::option::weighted(0.3, 0usize..3),
                            edu in proptest::option::of(0usize..6), overseas: bool,
                            employer in proptest::option::of(0usize..8))
        -> Command {
        Command::AddPerson { person: Person {
            id: format!("p{i}"),
            name: name.map(|n| pick(&TEXTS, n).to_string()),
            sex: sex.map(|s| pick(Sex::ALL, s)),
            birth: birth.map(|(y, m, dd)| match m {
                0 => PartialDate::Year(y),
                m if dd % 2 == 0 => PartialDate::Month(y, m),
                m => PartialDate::Day(NaiveDate::from_ymd_opt(y, m, dd).expect("day")),
            }),
            ethnicity: name.map(|_| "汉族".to_string()),
            party: pick(Party::ALL, party),
            title: pick(Title::ALL, title),
            stratum: pick(Stratum::ALL, stratum),
            education: edu.map(|e| pick(Education::ALL, e)),
            returned_overseas: overseas,
            employer: employer.map(|n| pick(&TEXTS, n).to_string()),
            profession: employer.map(|_| "律师".to_string()),
            resident_id: rid.map(|r| RESIDENT_IDS[r].to_string()),
            political_posts: vec![],
        }}
    }
}

fn arb_change() -> impl Strategy<Value = Command> {
    let member = (0usize..6, any::<bool>()).prop_map(|(p, ent)| {
        if ent {
            MemberRef::Enterprise(format!("e{}", p % 2))
        } else {
            MemberRef::Person(format!("p{p}"))
        }
    });
    prop_oneof![
        4 => (member.clone(), 0usize..8, 0usize..11, 0u16..80, proptest::option::weighted(0.3, 1u16..40),
              any::<bool>(), proptest::option::weighted(0.2, 0usize..8))
            .prop_map(|(member, o, role, s, len, founding, source)| Command::Join {
                membership: Membership {
                    member,
                    org: format!("o{o}"),
                    role: pick(Role::ALL, role),
                    start: day(s),
                    end: len.map(|l| day(s + l)),
                    founding,
                    source: source.map(|n| pick(&TEXTS, n).to_string()),
                },
            }),
        1 => (member.clone(), 0usize..8, 0u16..120).prop_map(|(member, o, k)| Command::Leave {
            member, org: format!("o{o}"), date: day(k),
        }),
        1 => (member, 0usize..8, 0usize..11, 0u16..120).prop_map(|(member, o, role, k)| Command::ChangeRole {
            member, org: format!("o{o}"), role: pick(Role::ALL, role), date: day(k),
        }),
        1 => (0usize..8, 0u16..150).prop_map(|(o, k)| Command::DissolveOrganization {
            id: format!("o{o}"), date: day(k),
        }),
    ]
}

fn arb_registry() -> impl Strategy<Value = Registry> {
    let orgs: Vec<_> = (0..8).map(arb_org).collect();
    let persons: Vec<_> = (0..6).map(arb_person).collect();
    (
        orgs,
        persons,
        proptest::collection::vec(arb_change(), 0..60),
    )
        .prop_map(|(orgs, persons, changes)| {
            let mut reg = Registry::new();
            let enterprises = [("e0", "91110000600037341L"), ("e1", "12100000400009880K")]
                .into_iter()
                .map(|(id, code)| Command::AddEnterprise {
                    enterprise: Enterprise {
                        id: id.into(),
                        name: format!("{id} 公司"),
                        credit_code: code.into(),
                    },
                });
            for c in orgs
                .into_iter()
                .chain(persons)
                .chain(enterprises)
                .chain(changes)
            {
                // Commands the rules reject are simply not part of the registry.
                let _ = reg.apply(&meta(), c);
            }
            reg
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn export_then_import_reproduces_random_registries(reg in arb_registry()) {
        let files = export_rosters(&reg, &unmasked()).expect("export");
        let mut again = Registry::new();
        import_rosters(&mut again, &meta(), &files.as_rosters(), &opts())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&files.orgs))))?;
        prop_assert_eq!(records(&again), records(&reg));
        let json = export_popolo(&reg, &unmasked());
        let mut again = Registry::new();
        import_popolo(&mut again, &meta(), json.as_bytes(), &opts())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(records(&again), records(&reg));
        // GB18030 carries every character too.
        let gb = export_rosters(&reg, &ExportOptions { encoding: TextEncoding::Gb18030, ..unmasked() })
            .expect("gb18030 export");
        let mut again = Registry::new();
        import_rosters(&mut again, &meta(), &gb.as_rosters(), &opts())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(records(&again), records(&reg));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Whatever the bytes, an import returns (no panic), and a rejected one changes nothing.
    #[test]
    fn arbitrary_bytes_never_panic(
        table in 0usize..4,
        junk in proptest::collection::vec(any::<u8>(), 0..300),
        csvish in "[a-z_,\n\"0-9\\-]{0,200}",
        header in any::<bool>(),
        encoding in 0usize..4,
    ) {
        let before = base();
        let mut reg = before.clone();
        let headers = [ORG_HEADER, "id,name,credit_code\n", PERSON_HEADER, MEMBERSHIP_HEADER];
        let mut text = if header { headers[table].as_bytes().to_vec() } else { Vec::new() };
        text.extend_from_slice(csvish.as_bytes());
        text.extend_from_slice(&junk);
        let options = ImportOptions {
            encoding: [TextEncoding::Auto, TextEncoding::Utf8, TextEncoding::Gbk, TextEncoding::Gb18030][encoding],
            ..opts()
        };
        let file = Some(RosterFile::csv(&text));
        let mut rosters = Rosters::default();
        match table {
            0 => rosters.orgs = file,
            1 => rosters.enterprises = file,
            2 => rosters.persons = file,
            _ => rosters.memberships = file,
        }
        if import_rosters(&mut reg, &meta(), &rosters, &options).is_err() {
            prop_assert_eq!(reg.to_json(), before.to_json());
        }
        let _ = check_rosters(&reg, &meta(), &rosters, &options);
        let mut fresh = Registry::new();
        let _ = import_popolo(&mut fresh, &meta(), &text, &options);
        #[cfg(feature = "xlsx")]
        {
            let mut corrupted = XLSX.to_vec();
            for (i, b) in junk.iter().enumerate() {
                let at = (usize::from(*b) * 31 + i * 97) % corrupted.len();
                corrupted[at] ^= b | 1;
            }
            let rosters = Rosters { persons: Some(RosterFile::xlsx(&corrupted, None)), ..Rosters::default() };
            let mut reg = before.clone();
            if import_rosters(&mut reg, &meta(), &rosters, &options).is_err() {
                prop_assert_eq!(reg.to_json(), before.to_json());
            }
        }
    }
}

#[test]
fn a_join_refused_by_the_registry_rule_book_names_its_row() {
    // Under the standard book p4 (mass, no title, new_media) may not join a zhilianhui.
    let mut before = base();
    before
        .apply(
            &meta(),
            Command::SetRuleBook {
                book: Some(tongxin::rules::RuleBook::standard()),
            },
        )
        .unwrap();
    let ms = format!("{MEMBERSHIP_HEADER}p3,ns,member,2019-01-01,\np4,ns,member,2024-01-01,\n");
    let rosters = Rosters {
        orgs: None,
        enterprises: None,
        persons: None,
        memberships: Some(RosterFile::csv(ms.as_bytes())),
    };
    let mut reg = before.clone();
    let err = import_rosters(&mut reg, &meta(), &rosters, &opts()).unwrap_err();
    assert_eq!(
        at(&err),
        (
            "memberships.csv",
            Some(3),
            Some("person_id"),
            "rule_violation"
        )
    );
    assert_eq!(err.number(), 1401);
    assert_eq!(err.value.as_deref(), Some("p4"));
    assert_eq!(
        err.kind.rule().map(Error::code),
        Some(ErrorCode::RuleViolation)
    );
    assert!(
        err.to_string().contains("rule `zhilianhui.eligibility`"),
        "{err}"
    );
    assert_eq!(reg.to_json(), before.to_json(), "registry changed by {err}");
    // Report mode names the same row (and changes nothing either).
    let report = import_rosters_report(&mut reg, &meta(), &rosters, &opts()).unwrap_err();
    assert_eq!(report.errors, vec![err]);
    // Without the refused row the import goes through.
    let ok = format!("{MEMBERSHIP_HEADER}p3,ns,member,2019-01-01,\n");
    let mut reg = before.clone();
    let rosters = Rosters {
        memberships: Some(RosterFile::csv(ok.as_bytes())),
        ..rosters
    };
    import_rosters(&mut reg, &meta(), &rosters, &opts()).unwrap();
    assert_eq!(reg.membership_count(), before.membership_count() + 1);
}

/// Progress of an import: each stage starts at 0, counts up, and ends at its total — every row
/// read (all tables), then every command applied — with reports every 16,384 between; the import
/// itself is the same as without progress, and a rejected one reports its reading.
#[test]
fn import_progress_counts_rows_then_commands() {
    let n = 20_000;
    let orgs = "id,parent_id,level,kind,division_code,founded,dissolved,name\n\
                sz,,municipal,zhilianhui,4403,2008-06-01,,深圳市知联会\n";
    let mut persons = String::from("id,name,party,title,stratum,birth_year\n");
    let mut memberships = String::from("person_id,org_id,role,start,end\n");
    for i in 0..n {
        persons.push_str(&format!("p{i},人{i},non_party,senior,none,1970\n"));
        memberships.push_str(&format!("p{i},sz,member,2020-01-01,\n"));
    }
    let rosters = Rosters::csv(orgs.as_bytes(), persons.as_bytes(), memberships.as_bytes());
    let mut seen = Vec::new();
    let mut reg = Registry::new();
    let summary =
        import_rosters_with_progress(&mut reg, &meta(), &rosters, &opts(), &mut |p| seen.push(p))
            .expect("imports");
    let mut plain = Registry::new();
    assert_eq!(
        import_rosters(&mut plain, &meta(), &rosters, &opts()).unwrap(),
        summary
    );
    assert_eq!(plain.to_json(), reg.to_json());
    let rows = 1 + 2 * n as u64;
    for (stage, total) in [(ImportStage::Reading, rows), (ImportStage::Applying, rows)] {
        let reports: Vec<_> = seen.iter().filter(|p| p.stage == stage).collect();
        assert_eq!(
            reports.first().map(|p| p.done),
            Some(0),
            "{stage:?} starts at 0"
        );
        let last = reports.last().unwrap();
        assert_eq!(
            (last.done, last.total),
            (total, total),
            "{stage:?} ends at its total"
        );
        assert!(reports
            .windows(2)
            .all(|w| w[0].done <= w[1].done && w[1].done <= w[1].total));
        // A start, one report per 16,384, an end.
        assert_eq!(reports.len() as u64, 2 + total / 16_384, "{stage:?}");
    }
    let first_applying = seen
        .iter()
        .position(|p| p.stage == ImportStage::Applying)
        .unwrap();
    assert!(seen[..first_applying]
        .iter()
        .all(|p| p.stage == ImportStage::Reading));

    // A rejected import (a duplicate person at the end) reports its reading and changes nothing.
    persons.push_str("p0,重复,non_party,senior,none,1970\n");
    let bad = Rosters::csv(orgs.as_bytes(), persons.as_bytes(), memberships.as_bytes());
    let mut seen = Vec::new();
    let mut empty = Registry::new();
    assert!(
        import_rosters_with_progress(&mut empty, &meta(), &bad, &opts(), &mut |p| {
            seen.push(p)
        })
        .is_err()
    );
    assert!(empty.is_empty());
    assert!(seen
        .iter()
        .any(|p| p.stage == ImportStage::Reading && p.done > 0));
}
