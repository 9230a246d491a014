//! The `tongxin` binary on small fixtures whose answers are worked out by hand.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn tongxin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tongxin"))
        .args(args)
        .output()
        .expect("run tongxin")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn small() -> String {
    fixture("small").display().to_string()
}

#[test]
fn validate_accepts_good_rosters() {
    let out = tongxin(&["validate", &small()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "ok: 5 organizations, 0 enterprises, 5 persons, 6 memberships\n"
    );
}

#[test]
fn validate_reports_every_problem_with_file_and_line() {
    let out = tongxin(&["validate", &fixture("bad").display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("orgs.csv, line 3, column `level`, value `distrct`"),
        "{err}"
    );
    assert!(
        err.contains("persons.csv, line 3, column `party`, value `communist`"),
        "{err}"
    );
    assert!(err.contains("memberships.csv, line 3"), "{err}");
    assert!(
        err.lines().last().unwrap_or("").contains("problem(s)"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn import_bounds_can_be_raised_or_lowered() {
    // The small fixture: 5 organizations, 5 persons, 6 memberships; a few hundred bytes a file.
    let out = tongxin(&["validate", &small(), "--max-rows", "4"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("max_rows = 4"), "{err}");
    let out = tongxin(&["--max-file-bytes", "100", "validate", &small()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("over the limit max_file_bytes = 100"), "{err}");
    let out = tongxin(&[
        "validate",
        &small(),
        "--max-rows",
        "6",
        "--max-file-bytes",
        "100000",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = tongxin(&["validate", &small(), "--max-rows", "many"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rollup_by_party_as_csv() {
    let out = tongxin(&[
        "stats",
        "rollup",
        &small(),
        "--as-of",
        "2024-06-01",
        "--by",
        "party",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // sz: p1 (futian), p2 (street branch and nanshan, once), p4 (sz); p3 left nanshan in 2023;
    // the old association was dissolved in 2015.
    assert_eq!(
        text(&out.stdout),
        "org_id,total,cpc,non_party,min_ge,min_meng,min_jian,min_jin,nong_gong,zhi_gong,jiu_san,tai_meng,mass,enterprises\n\
         sz,3,0,2,0,1,0,0,0,0,0,0,0,0\n\
         futian,2,0,1,0,1,0,0,0,0,0,0,0,0\n\
         ft-street,1,0,0,0,1,0,0,0,0,0,0,0,0\n\
         nanshan,1,0,0,0,1,0,0,0,0,0,0,0,0\n"
    );
}

#[test]
fn rollup_as_json_and_suppressed() {
    let out = tongxin(&[
        "stats",
        "rollup",
        &small(),
        "--as-of",
        "2024-06-01",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["rows"][0]["org_id"], "sz");
    assert_eq!(v["rows"][0]["total"], 3);
    let out = tongxin(&[
        "stats",
        "rollup",
        &small(),
        "--as-of",
        "2024-06-01",
        "--by",
        "sex",
        "--suppress",
        "2",
    ]);
    let csv = text(&out.stdout);
    // futian: 1 male, 1 female, both below 2: hidden; its total would give nothing away once
    // both are hidden, but the row sum and the branch give equations, so more cells go.
    assert!(
        csv.lines().nth(2).unwrap_or("").starts_with("futian,"),
        "{csv}"
    );
    assert!(csv.lines().nth(2).unwrap_or("").contains('*'), "{csv}");
    assert!(!csv.contains("p1") && !csv.contains("张三"));
}

#[test]
fn coverage_of_districts() {
    let out = tongxin(&[
        "stats",
        "coverage",
        &small(),
        "--as-of",
        "2024-06-01",
        "--kind",
        "zhilianhui",
        "--level",
        "district",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "division_code,name,covered,organizations");
    assert_eq!(lines.len(), 10, "{csv}");
    assert!(lines.contains(&"440304,福田区,true,futian;ft-street"));
    assert!(lines.contains(&"440305,南山区,true,nanshan"));
    assert!(
        lines.contains(&"440306,宝安区,false,"),
        "dissolved in 2015: {csv}"
    );
    assert!(text(&out.stderr).contains("covered 2 of 9"));
    // Subdistrict coverage needs the street table.
    let out = tongxin(&[
        "stats",
        "coverage",
        &small(),
        "--as-of",
        "2024-06-01",
        "--kind",
        "zhilianhui",
        "--level",
        "subdistrict",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--divisions"));
}

#[test]
fn yearly_series() {
    let out = tongxin(&[
        "stats",
        "series",
        &small(),
        "--from",
        "2012-01-01",
        "--to",
        "2014-12-31",
        "--every",
        "year",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let sz: Vec<&str> = csv.lines().filter(|l| l.contains(",sz,")).collect();
    // p4 was in the old association from 2011-06 to 2014-01 and joins sz only in 2015.
    assert_eq!(
        sz,
        [
            "2012-12-31,sz,1,0",
            "2013-12-31,sz,1,0",
            "2014-12-31,sz,0,0"
        ],
        "{csv}"
    );
}

#[test]
fn usage_errors_exit_2_and_timings_go_to_stderr() {
    assert_eq!(
        tongxin(&["stats", "rollup", "/nonexistent", "--as-of", "2024-01-01"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        tongxin(&["stats", "rollup", &small(), "--as-of", "2024-13-01"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        tongxin(&[
            "stats",
            "rollup",
            &small(),
            "--as-of",
            "2024-01-01",
            "--by",
            "colour"
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        tongxin(&[
            "stats",
            "coverage",
            &small(),
            "--as-of",
            "2024-01-01",
            "--kind",
            "club",
            "--level",
            "district"
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(tongxin(&["frobnicate"]).status.code(), Some(2));
    let out = tongxin(&[
        "--timings",
        "stats",
        "rollup",
        &small(),
        "--as-of",
        "2024-06-01",
    ]);
    let err = text(&out.stderr);
    assert!(err.contains("load: ") && err.contains("query: "), "{err}");
    // Data errors in a stats command exit 1 with the first problem.
    let out = tongxin(&[
        "stats",
        "rollup",
        &fixture("bad").display().to_string(),
        "--as-of",
        "2024-01-01",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("orgs.csv, line 3"));
}

#[test]
fn export_round_trips_through_validate() {
    let out_dir = std::env::temp_dir().join(format!("tongxin-cli-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let to = out_dir.display().to_string();
    let out = tongxin(&["export", &small(), "--to", &to]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for f in [
        "orgs.csv",
        "persons.csv",
        "memberships.csv",
        "enterprises.csv",
    ] {
        assert!(out_dir.join(f).exists(), "{f}");
    }
    // The export imports again into the same numbers.
    let again = tongxin(&[
        "stats",
        "rollup",
        &to,
        "--as-of",
        "2024-06-01",
        "--by",
        "party",
    ]);
    let first = tongxin(&[
        "stats",
        "rollup",
        &small(),
        "--as-of",
        "2024-06-01",
        "--by",
        "party",
    ]);
    assert_eq!(text(&again.stdout), text(&first.stdout));
    let out = tongxin(&["export", &small(), "--to", &to, "--format", "popolo"]);
    assert_eq!(out.status.code(), Some(0));
    let popolo: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("popolo.json")).expect("popolo"))
            .expect("json");
    assert_eq!(popolo["organizations"].as_array().map(Vec::len), Some(5));
    let out = tongxin(&["export", &small(), "--to", &to, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let snap = std::fs::read_to_string(out_dir.join("snapshot.json")).expect("snapshot");
    assert!(snap.contains("\"schema_version\": 2"));
    assert!(snap.contains("\"head\": \""));
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[test]
fn rules_check_explains_and_sets_the_exit_code() {
    // p5 is a CPC member without a title: not eligible for a zhilianhui, and told why.
    let out = tongxin(&[
        "rules",
        "check",
        &small(),
        "--person",
        "p5",
        "--org",
        "futian",
        "--as-of",
        "2024-06-01",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text_out = text(&out.stdout);
    assert!(
        text_out.contains("不符合") && text_out.contains("党派 = 中共党员"),
        "{text_out}"
    );
    assert!(
        text_out.contains("party is cpc, required not cpc"),
        "{text_out}"
    );
    // p3 (九三学社, associate senior) is.
    let out = tongxin(&[
        "rules",
        "check",
        &small(),
        "--person",
        "p3",
        "--org",
        "futian",
        "--as-of",
        "2024-06-01",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("is eligible"));
    // Unknown organization: a usage error.
    let out = tongxin(&[
        "rules",
        "check",
        &small(),
        "--person",
        "p3",
        "--org",
        "nowhere",
        "--as-of",
        "2024-06-01",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// Writes the standard rule book plus `rule` among the zhilianhui defaults to a fresh temporary
/// directory; returns the directory and the book's path.
fn standard_book_with(name: &str, rule: serde_json::Value) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("tongxin-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let book = dir.join("book.json");
    let mut standard: serde_json::Value =
        serde_json::from_str(&tongxin::rules::RuleBook::standard().to_json()).expect("book");
    standard["defaults"]["zhilianhui"]
        .as_array_mut()
        .expect("rules")
        .push(rule);
    std::fs::write(&book, standard.to_string()).expect("write");
    (dir, book)
}

#[test]
fn rules_audit_and_candidates() {
    // Every member of the fixture is a non-CPC intellectual: no violation.
    let out = tongxin(&["rules", "audit", &small(), "--as-of", "2024-06-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("0 violation(s) in 4 organization(s), 4 membership(s) checked")
    );
    // Candidates for nanshan: eligible persons not already members (p2 is one; p5 is CPC),
    // best title first.
    let out = tongxin(&[
        "--timings",
        "rules",
        "candidates",
        &small(),
        "--org",
        "nanshan",
        "--as-of",
        "2024-06-01",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert!(err.contains("load: ") && err.contains("query: "), "{err}");
    let ids: Vec<String> = text(&out.stdout)
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap_or("").to_string())
        .collect();
    assert_eq!(ids, ["p1", "p3", "p4"]);
    // A rule book that also rejects members over 60 finds p4 (born 1962) in sz.
    let (dir, book) = standard_book_with(
        "rules",
        serde_json::json!({
            "id": "age.limit", "severity": "reject", "message_zh": "年龄不超过60岁", "message_en": "at most 60 years old",
            "body": { "type": "eligibility", "when": "age <= 60" }
        }),
    );
    let out = tongxin(&[
        "rules",
        "audit",
        &small(),
        "--as-of",
        "2024-06-01",
        "--rules",
        &book.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let lines = text(&out.stdout);
    assert!(
        lines
            .lines()
            .any(|l| l.starts_with("sz\tage.limit\treject\tperson:p4")),
        "{lines}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn validate_under_a_rule_book_reports_refused_joins() {
    // The standard book plus "at most 50 on joining": p4 (born 1962) joined sz at 53.
    let (dir, book) = standard_book_with(
        "validate",
        serde_json::json!({
            "id": "age.join", "severity": "reject", "message_zh": "入会时不超过50岁", "message_en": "at most 50 years old on joining",
            "body": { "type": "eligibility", "when": "age <= 50" }
        }),
    );
    let book = book.display().to_string();
    let out = tongxin(&["validate", &small(), "--rules", &book]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("memberships.csv, line 6, column `person_id`, value `p4`"),
        "{err}"
    );
    assert!(err.contains("rule `age.join`"), "{err}");
    assert!(err.contains("1 problem(s)"), "{err}");
    // The standard book alone accepts the fixture.
    std::fs::write(&book, tongxin::rules::RuleBook::standard().to_json()).expect("write");
    let out = tongxin(&["validate", &small(), "--rules", &book]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // A book that does not compile is reported with its file.
    std::fs::write(&book, r#"{"common":[{"id":"x","severity":"warn","message_zh":"x","message_en":"x","body":{"type":"eligibility","when":"height > 3"}}]}"#).expect("write");
    let out = tongxin(&["validate", &small(), "--rules", &book]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("book.json"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
