//! Limits on hostile input (SECURITY.md, "Limits on hostile input"): for each, input just under
//! the limit passes and input just over it fails with the limit's code and a message naming
//! the limit, the value seen and where — roster files (CSV, `.xlsx`, Popolo), JSON requests
//! and command batches, rule texts, JSON ASTs and rule books.

use chrono::NaiveDate;
use tongxin::api::{self, ApiCode, RosterBytes, RosterImportOptions};
use tongxin::interchange::*;
use tongxin::prelude::*;
use tongxin::rules::{
    compile, compile_text, parse, Context, Expr, Rule, RuleBody, RuleBook, Severity,
    MAX_BOOK_JSON_LEN, MAX_CLAUSES, MAX_NESTING, MAX_RULES, MAX_TEXT_LEN,
};

fn meta() -> Meta {
    Meta {
        at: NaiveDate::from_ymd_opt(2024, 6, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("time"),
        actor: "limits".into(),
    }
}

const PERSONS_HEADER: &str = "id,party,title,stratum,birth_year";

/// A persons file of `n` data rows.
fn persons(n: usize) -> String {
    let mut s = format!("{PERSONS_HEADER}\n");
    for i in 0..n {
        s.push_str(&format!("p{i},min_meng,senior,none,1975\n"));
    }
    s
}

fn with(limits: Limits) -> ImportOptions {
    ImportOptions {
        limits,
        ..ImportOptions::default()
    }
}

fn import_persons(text: &[u8], options: &ImportOptions) -> Result<ImportSummary, InterchangeError> {
    let mut reg = Registry::new();
    let rosters = Rosters {
        persons: Some(RosterFile::csv(text)),
        ..Rosters::default()
    };
    let result = import_rosters(&mut reg, &meta(), &rosters, options);
    if result.is_err() {
        assert!(reg.is_empty(), "a refused import changed the registry");
    }
    result
}

fn assert_limit(err: &InterchangeError, file: &str, line: Option<u64>, message: &str) {
    assert_eq!(
        (err.code(), err.number()),
        ("limit_exceeded", 1009),
        "{err}"
    );
    assert_eq!((err.file.as_str(), err.line), (file, line), "{err}");
    assert_eq!(err.to_string(), message);
}

#[test]
fn default_limits_are_documented_values() {
    let l = Limits::default();
    assert_eq!(l.max_file_bytes, 512 * 1024 * 1024);
    assert_eq!(l.max_unpacked_bytes, 2 * 1024 * 1024 * 1024);
    assert_eq!(l.max_rows, 10_000_000);
    assert_eq!(l.max_columns, 256);
    assert_eq!(l.max_field_bytes, 65_536);
    assert_eq!(ImportOptions::default().limits, l);
    assert_eq!(Limit::FieldBytes.name(), "max_field_bytes");
    assert_eq!(InterchangeErrorKind::CODES[8], ("limit_exceeded", 1009));
}

#[test]
fn csv_file_size() {
    let text = persons(2);
    let size = text.len() as u64;
    let at = |max| {
        with(Limits {
            max_file_bytes: max,
            ..Limits::default()
        })
    };
    assert_eq!(
        import_persons(text.as_bytes(), &at(size)).unwrap().persons,
        2
    );
    let err = import_persons(text.as_bytes(), &at(size - 1)).unwrap_err();
    assert_limit(
        &err,
        "persons.csv",
        None,
        &format!(
            "persons.csv: the file has {size} bytes, over the limit max_file_bytes = {}",
            size - 1
        ),
    );
    // Checked before decoding: bytes that are not even text are refused for their size.
    let junk = vec![0xFFu8; 100];
    let err = import_persons(&junk, &at(99)).unwrap_err();
    assert_eq!(err.code(), "limit_exceeded");
}

#[test]
fn csv_rows() {
    let at = |max| {
        with(Limits {
            max_rows: max,
            ..Limits::default()
        })
    };
    assert_eq!(
        import_persons(persons(5).as_bytes(), &at(5))
            .unwrap()
            .persons,
        5
    );
    let err = import_persons(persons(6).as_bytes(), &at(5)).unwrap_err();
    // Header = line 1, so data row 6 is line 7.
    assert_limit(
        &err,
        "persons.csv",
        Some(7),
        "persons.csv, line 7: data row 6, over the limit max_rows = 5",
    );
    // Report mode stops the table at the limit too, with one problem.
    let mut reg = Registry::new();
    let text = persons(50);
    let rosters = Rosters {
        persons: Some(RosterFile::csv(text.as_bytes())),
        ..Rosters::default()
    };
    let report = import_rosters_report(&mut reg, &meta(), &rosters, &at(5)).unwrap_err();
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, Some(7));
    assert!(reg.is_empty());
}

#[test]
fn csv_field_bytes() {
    let max = Limits::MAX_FIELD_BYTES as usize;
    let row = |note: &str| format!("{PERSONS_HEADER},note\np1,min_meng,senior,none,1975,{note}\n");
    // Exactly 64 KiB passes (in a column the import ignores: the registry's own checks bound
    // the fields it keeps far lower).
    let ignore = ImportOptions {
        unknown_columns: UnknownColumns::Ignore,
        ..ImportOptions::default()
    };
    let ok = row(&"a".repeat(max));
    assert_eq!(import_persons(ok.as_bytes(), &ignore).unwrap().persons, 1);
    let long = row(&"a".repeat(max + 1));
    let err = import_persons(long.as_bytes(), &ignore).unwrap_err();
    assert_eq!(err.column.as_deref(), Some("note"));
    assert_eq!(err.value.as_deref(), Some("a".repeat(64).as_str()));
    assert_limit(
        &err,
        "persons.csv",
        Some(2),
        &format!(
            "persons.csv, line 2, column `note`, value `{}`: the cell has 65537 bytes, \
             over the limit max_field_bytes = 65536",
            "a".repeat(64)
        ),
    );
    // Multi-byte text counts in UTF-8 bytes: 21,846 Chinese characters are 65,538 bytes.
    let chinese = row(&"会".repeat(21_846));
    let err = import_persons(chinese.as_bytes(), &ignore).unwrap_err();
    assert_eq!(err.code(), "limit_exceeded");
    assert!(
        err.to_string().contains("the cell has 65538 bytes"),
        "{err}"
    );
    // An over-long header name is refused on line 1, naming the field by its position.
    let header = format!("{PERSONS_HEADER},{}\n", "x".repeat(max + 1));
    let err = import_persons(header.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert_eq!((err.line, err.column.as_deref()), (Some(1), Some("#6")));
    assert_eq!(err.code(), "limit_exceeded");
}

/// A persons file whose header has `n` columns (the required five and `x…` columns ignored).
fn wide(n: usize) -> String {
    let extra: Vec<String> = (5..n).map(|i| format!("x{i}")).collect();
    let blanks = ",".repeat(n - 5);
    format!(
        "{PERSONS_HEADER},{}\np1,min_meng,senior,none,1975{blanks}\n",
        extra.join(",")
    )
}

#[test]
fn csv_columns() {
    let ignore = ImportOptions {
        unknown_columns: UnknownColumns::Ignore,
        ..ImportOptions::default()
    };
    assert_eq!(
        import_persons(wide(256).as_bytes(), &ignore)
            .unwrap()
            .persons,
        1
    );
    let err = import_persons(wide(257).as_bytes(), &ignore).unwrap_err();
    assert_limit(
        &err,
        "persons.csv",
        Some(1),
        "persons.csv, line 1: 257 columns, over the limit max_columns = 256",
    );
    // A lower limit, through the options.
    let narrow = ImportOptions {
        limits: Limits {
            max_columns: 5,
            ..Limits::default()
        },
        ..ignore
    };
    assert_eq!(
        import_persons(persons(1).as_bytes(), &narrow)
            .unwrap()
            .persons,
        1
    );
    assert_eq!(
        import_persons(wide(6).as_bytes(), &narrow)
            .unwrap_err()
            .code(),
        "limit_exceeded"
    );
}

#[test]
fn unlimited_reads_everything() {
    assert_eq!(
        import_persons(persons(3).as_bytes(), &with(Limits::UNLIMITED))
            .unwrap()
            .persons,
        3
    );
}

#[test]
fn popolo_size_rows_and_depth() {
    let mut reg = Registry::new();
    let text = persons(3);
    let rosters = Rosters {
        persons: Some(RosterFile::csv(text.as_bytes())),
        ..Rosters::default()
    };
    import_rosters(&mut reg, &meta(), &rosters, &ImportOptions::default()).unwrap();
    let doc = export_popolo(&reg, &ExportOptions::default());
    let size = doc.len() as u64;
    let load = |limits: Limits| {
        let mut fresh = Registry::new();
        import_popolo(&mut fresh, &meta(), doc.as_bytes(), &with(limits))
    };
    assert_eq!(
        load(Limits {
            max_file_bytes: size,
            max_rows: 3,
            ..Limits::default()
        })
        .unwrap()
        .persons,
        3
    );
    let err = load(Limits {
        max_file_bytes: size - 1,
        ..Limits::default()
    })
    .unwrap_err();
    assert_limit(
        &err,
        "popolo.json",
        None,
        &format!(
            "popolo.json: the file has {size} bytes, over the limit max_file_bytes = {}",
            size - 1
        ),
    );
    let err = load(Limits {
        max_rows: 2,
        ..Limits::default()
    })
    .unwrap_err();
    assert_eq!(err.column.as_deref(), Some("persons[2]"));
    assert_eq!(
        err.to_string(),
        "popolo.json, column `persons[2]`: data row 3, over the limit max_rows = 2"
    );
    // 100,000 nested objects: a clean error, never a stack overflow. Where the document has
    // a typed field, the first `{` is refused; where it has none (a field Popolo ignores),
    // serde_json skips the value without recursing and the import goes on.
    let nest = |inner: &str| {
        format!(
            "{{\"persons\":[{{\"id\":{}{}{}}}]}}",
            "{\"a\":".repeat(100_000),
            inner,
            "}".repeat(100_000)
        )
    };
    let typed = nest("1");
    let mut fresh = Registry::new();
    let err = import_popolo(
        &mut fresh,
        &meta(),
        typed.as_bytes(),
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_json");
    assert_eq!(err.column.as_deref(), Some("persons[0].id"));
    let ignored = format!(
        "{{\"persons\":[{{\"id\":\"p1\",\"extra\":{}1{}}}]}}",
        "{\"a\":".repeat(100_000),
        "}".repeat(100_000)
    );
    let err = import_popolo(
        &mut fresh,
        &meta(),
        ignored.as_bytes(),
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "missing_value"); // the person has no party: read to the end
    assert!(fresh.is_empty());
}

#[test]
fn api_options_carry_limits() {
    let text = persons(3);
    let files = RosterBytes {
        persons: Some(text.as_bytes()),
        ..RosterBytes::default()
    };
    let options: RosterImportOptions =
        api::parse_options(Some(r#"{"limits":{"max_rows":2,"max_file_bytes":100000}}"#)).unwrap();
    assert_eq!(options.limits.core().max_rows, 2);
    assert_eq!(options.limits.core().max_columns, 256); // the default stays
    let mut reg = Registry::new();
    let err = api::import_rosters(&mut reg, &meta(), files, &options).unwrap_err();
    assert_eq!(err.code, ApiCode::Import);
    assert_eq!(
        err.message,
        "persons.csv, line 4: data row 3, over the limit max_rows = 2"
    );
    let report = err.report.unwrap();
    assert!(
        report.contains(r#""code":"limit_exceeded","number":1009"#),
        "{report}"
    );
    let options: RosterImportOptions =
        api::parse_options(Some(r#"{"limits":{"max_rows":3}}"#)).unwrap();
    api::import_rosters(&mut reg, &meta(), files, &options).unwrap();
    // An unknown limit is an invalid option, like any unknown field.
    let err = api::parse_options::<RosterImportOptions>(Some(r#"{"limits":{"max_rowz":3}}"#))
        .unwrap_err();
    assert_eq!(err.code.as_str(), "invalid_json");
    let err = api::parse_options::<api::PopoloImportOptions>(Some(
        r#"{"limits":{"max_file_bytes":"big"}}"#,
    ))
    .unwrap_err();
    assert_eq!(err.code.as_str(), "invalid_json");
}

#[test]
fn json_requests_and_batches() {
    // 100,000 nested arrays to the command batch parser: a command is an object, so the first
    // element is refused where it starts: a clean `invalid_json` error and no stack overflow.
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let (index, err) = api::parse_commands(&deep).unwrap_err();
    assert_eq!((index, err.code.as_str()), (Some(0), "invalid_json"));
    assert!(
        err.message.starts_with(
            "[0]: invalid JSON at line 1, column 1: invalid type: sequence, expected internally \
             tagged enum Command"
        ),
        "{}",
        err.message
    );
    // A command element nesting objects 100,000 deep is read until the recursion limit.
    let objects = "{\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000);
    let (index, err) = api::parse_commands(&format!("[{objects}]")).unwrap_err();
    assert_eq!((index, err.code.as_str()), (Some(0), "invalid_json"));
    assert!(
        err.message.contains("recursion limit exceeded"),
        "{}",
        err.message
    );
    let err = api::parse::<api::Query>(&objects).unwrap_err();
    assert_eq!(err.code.as_str(), "invalid_json");
    assert!(
        err.message.contains("recursion limit exceeded"),
        "{}",
        err.message
    );
    // The limit is on for any value (serde_json's `unbounded_depth` feature is not enabled).
    let err = api::parse::<serde_json::Value>(&deep).unwrap_err();
    assert!(
        err.message.contains("recursion limit exceeded"),
        "{}",
        err.message
    );
    // 127 levels of nesting are still read (then refused as not a command, not for depth).
    let ok_depth = "[".repeat(127) + &"]".repeat(127);
    let (_, err) = api::parse_commands(&ok_depth).unwrap_err();
    assert!(!err.message.contains("recursion limit"), "{}", err.message);
    assert_eq!(api::MAX_JSON_DEPTH, 128);

    // Size: the limit is exact, and checked before parsing.
    let batch = r#"[{"type":"add_person","person":{"id":"p1","party":"min_meng","title":"senior","stratum":"none","birth":"1975"}}]"#;
    assert_eq!(
        api::parse_commands_bounded(batch, batch.len())
            .unwrap()
            .len(),
        1
    );
    let (index, err) = api::parse_commands_bounded(batch, batch.len() - 1).unwrap_err();
    assert_eq!(index, None);
    assert_eq!(err.code.as_str(), "invalid_json");
    assert!(
        err.message.ends_with(&format!(
            "the JSON text has {} bytes, over the limit max_json_bytes = {}",
            batch.len(),
            batch.len() - 1
        )),
        "{}",
        err.message
    );
    let (_, err) = api::parse_commands_bounded(&"x".repeat(1000), 10).unwrap_err();
    assert!(err.message.contains("has 1000 bytes"), "{}", err.message);
    assert_eq!(api::MAX_JSON_BYTES, 256 * 1024 * 1024);
    let q = r#"{"type":"counts"}"#;
    assert!(api::parse_bounded::<api::Query>(q, q.len()).is_ok());
    assert!(api::parse_bounded::<api::Query>(q, q.len() - 1).is_err());
}

#[test]
fn seed_batch_fits_the_json_limit() {
    let seeds = include_str!("../../examples/data/seeds.jsonl");
    // The whole seed file as one JSON array is far below the limit.
    assert!(seeds.len() * 2 < api::MAX_JSON_BYTES);
}

/// Runs `f` on a thread with a small stack — 128 KiB in an optimized build, 2 MiB (the test
/// threads' default) in a debug build, whose frames are several times larger: a parser that
/// recursed once per `(` or `not` of a 16 KiB text, or per level of a 100,000-deep JSON text,
/// would overflow either.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let kib = if cfg!(debug_assertions) { 2048 } else { 128 };
    std::thread::Builder::new()
        .stack_size(kib * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn deep_rule_texts_are_clean_errors() {
    small_stack(|| {
        // As deep as the length limit allows: refused where the 25th level opens.
        let parens = "(".repeat(MAX_TEXT_LEN - 1) + "x";
        let err = parse(&parens).unwrap_err();
        assert_eq!(err.code(), "rule_too_deep");
        assert_eq!(err.position(), Some((1, 25)));
        let nots = "not ".repeat((MAX_TEXT_LEN - 1) / 4) + "x";
        let err = parse(&nots).unwrap_err();
        assert_eq!(err.code(), "rule_too_deep");
        assert_eq!(
            err.to_string(),
            "line 1, column 97: expression nests deeper than 24 levels; expected at most 24 \
             nested parentheses, `not`s and function calls"
        );
        let calls = "member_of(".repeat(1000) + "true" + &")".repeat(1000);
        assert_eq!(parse(&calls).unwrap_err().code(), "rule_too_deep");
        // 100,000 levels: too long before it is too deep.
        for text in [
            "(".repeat(100_000),
            "not ".repeat(100_000),
            format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000)),
        ] {
            let err = parse(&text).unwrap_err();
            assert_eq!(err.code(), "rule_too_long");
            assert_eq!(
                err.to_string(),
                format!(
                    "rule text is {} bytes long; expected at most 16384 bytes",
                    text.len()
                )
            );
        }
        // Just under: 24 levels of each kind compile.
        let ok = "not ".repeat(MAX_NESTING) + "returned_overseas";
        assert!(compile_text(&ok, Context::Member).is_ok());
        let ok = format!(
            "{}returned_overseas{}",
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        assert!(compile_text(&ok, Context::Member).is_ok());
    });
}

/// `{"op":"not","arg":` nested `n` times around a constant.
fn nested_not_json(n: usize) -> String {
    "{\"op\":\"not\",\"arg\":".repeat(n) + "{\"op\":\"const\",\"value\":true}" + &"}".repeat(n)
}

#[test]
fn deep_json_asts_are_clean_errors() {
    small_stack(|| {
        // 100,000 levels: serde_json's recursion limit, before anything is built.
        let err = Expr::from_json(&nested_not_json(100_000)).unwrap_err();
        assert_eq!(err.code(), "rule_invalid_json");
        assert!(
            err.to_string().contains("recursion limit exceeded"),
            "{err}"
        );
        let err = RuleBook::from_json(&format!(
            "{{\"common\":[{{\"id\":\"x\",\"severity\":\"reject\",\"message_zh\":\"x\",\
             \"message_en\":\"x\",\"body\":{{\"type\":\"eligibility\",\"when\":{}}}}}]}}",
            nested_not_json(100_000)
        ))
        .unwrap_err();
        assert_eq!(err.code(), "rule_invalid_json");
        assert!(
            err.to_string().contains("recursion limit exceeded"),
            "{err}"
        );
        // Within the JSON limit: 64 levels compile, 65 are too deep for the compiler.
        let ok = Expr::from_json(&nested_not_json(64)).unwrap();
        assert!(compile(&ok, Context::Member).is_ok());
        let deep = Expr::from_json(&nested_not_json(65)).unwrap();
        let err = compile(&deep, Context::Member).unwrap_err();
        assert_eq!(err.code(), "rule_too_deep");
        assert_eq!(
            err.to_string(),
            "expression nests deeper than 64 levels; expected at most 64 nested parentheses, \
             `not`s and function calls"
        );
    });
}

#[test]
fn clauses_per_rule() {
    let clauses = |n: usize| vec!["age > 1"; n].join(" or ");
    assert!(compile_text(&clauses(MAX_CLAUSES), Context::Member).is_ok());
    let text = clauses(MAX_CLAUSES + 1);
    let err = compile_text(&text, Context::Member).unwrap_err();
    assert_eq!(err.code(), "rule_too_many_clauses");
    // The 257th clause starts at column 1 + 256 * 11.
    assert_eq!(err.position(), Some((1, 2817)));
    assert_eq!(
        err.to_string(),
        "line 1, column 2817: condition has more than 256 clauses; expected at most 256 \
         comparisons, `in`s, `has`es and calls in one rule"
    );
    // Clauses inside calls count too.
    let inner = format!(
        "member_of({})",
        vec!["role == president"; MAX_CLAUSES].join(" or ")
    );
    assert_eq!(
        compile_text(&inner, Context::Member).unwrap_err().code(),
        "rule_too_many_clauses"
    );
    // In a book, the error names the rule.
    let rule = Rule::eligibility("many", Severity::Reject, &text, "多", "many").unwrap();
    let book = RuleBook {
        common: vec![rule],
        ..RuleBook::default()
    };
    let err = book.compile().unwrap_err();
    assert_eq!(err.code(), "rule_too_many_clauses");
    assert!(
        err.to_string()
            .starts_with("rule `many`: line 1, column 2817: "),
        "{err}"
    );
}

#[test]
fn rules_per_book() {
    let rule = |i: usize| Rule {
        id: format!("r{i}"),
        severity: Severity::Warn,
        message_zh: "换届".into(),
        message_en: "overdue".into(),
        body: RuleBody::OverdueTerm,
    };
    let book = |n: usize| RuleBook {
        common: (0..n).map(rule).collect(),
        ..RuleBook::default()
    };
    // Just under compiles (in linear time: duplicate ids are found with a set).
    assert!(book(MAX_RULES).compile().is_ok());
    let err = book(MAX_RULES + 1).compile().unwrap_err();
    assert_eq!(err.code(), "rule_too_many_rules");
    assert_eq!(
        err.to_string(),
        "rule book has 100001 rules; expected at most 100000 (common, defaults and overrides together)"
    );
    // Overrides count too.
    let mut over = book(MAX_RULES);
    over.overrides.insert(
        "org".into(),
        tongxin::rules::Override {
            rules: vec![rule(MAX_RULES)],
            ..Default::default()
        },
    );
    assert_eq!(over.compile().unwrap_err().code(), "rule_too_many_rules");
}

#[test]
fn rule_book_json_size() {
    let json = RuleBook::standard().to_json();
    assert!(RuleBook::from_json(&json).is_ok());
    let padded = format!("{json}{}", " ".repeat(MAX_BOOK_JSON_LEN - json.len()));
    assert!(RuleBook::from_json(&padded).is_ok());
    let over = format!("{padded} ");
    let err = RuleBook::from_json(&over).unwrap_err();
    assert_eq!(err.code(), "rule_book_too_long");
    assert_eq!(
        err.to_string(),
        format!(
            "rule book JSON is {} bytes long; expected at most 67108864 bytes",
            over.len()
        )
    );
}

#[cfg(feature = "xlsx")]
mod xlsx {
    use super::*;
    use std::io::Write;

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    /// The column letters of a 0-based index (A, …, Z, AA, …).
    fn letters(mut col: usize) -> String {
        let mut out = Vec::new();
        loop {
            out.push(b'A' + (col % 26) as u8);
            if col < 26 {
                break;
            }
            col = col / 26 - 1;
        }
        out.reverse();
        String::from_utf8(out).unwrap()
    }

    /// A workbook of one sheet `Sheet1`: `cells` are (0-based row, 0-based column, text), as
    /// inline strings; `padding` spaces are added inside the sheet XML (they compress to
    /// almost nothing).
    fn workbook(cells: &[(usize, usize, String)], padding: usize) -> Vec<u8> {
        let mut cells = cells.to_vec();
        cells.sort_by_key(|(r, c, _)| (*r, *c));
        let mut sheet = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet \
             xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
        );
        let mut row: Option<usize> = None;
        for (r, c, text) in &cells {
            if row != Some(*r) {
                if row.is_some() {
                    sheet.push_str("</row>");
                }
                sheet.push_str(&format!("<row r=\"{}\">", r + 1));
                row = Some(*r);
            }
            sheet.push_str(&format!(
                "<c r=\"{}{}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                letters(*c),
                r + 1,
                escape(text)
            ));
        }
        if row.is_some() {
            sheet.push_str("</row>");
        }
        sheet.push_str(&" ".repeat(padding));
        sheet.push_str("</sheetData></worksheet>");
        let parts = [
            (
                "[Content_Types].xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
                 <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
                 <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
                 <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
                 <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>".to_string(),
            ),
            (
                "_rels/.rels",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".to_string(),
            ),
            (
                "xl/workbook.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
                 xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>\
                 <sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".to_string(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>".to_string(),
            ),
            ("xl/worksheets/sheet1.xml", sheet),
        ];
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in parts {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// Cells of a persons sheet: the header on `first_row`, then `rows` data rows (each
    /// `extra` more columns of text), and extra header names `x…`.
    fn persons_sheet(first_row: usize, rows: usize, extra: usize) -> Vec<(usize, usize, String)> {
        let mut cells = Vec::new();
        let header: Vec<String> = PERSONS_HEADER
            .split(',')
            .map(str::to_string)
            .chain((0..extra).map(|i| format!("x{i}")))
            .collect();
        for (c, h) in header.iter().enumerate() {
            cells.push((first_row, c, h.clone()));
        }
        for r in 0..rows {
            let values = [
                format!("p{r}"),
                "min_meng".into(),
                "senior".into(),
                "none".into(),
                "1975".into(),
            ];
            for (c, v) in values.into_iter().enumerate() {
                cells.push((first_row + 1 + r, c, v));
            }
            for c in 0..extra {
                cells.push((first_row + 1 + r, 5 + c, "v".into()));
            }
        }
        cells
    }

    fn import(book: &[u8], options: &ImportOptions) -> Result<ImportSummary, InterchangeError> {
        let mut reg = Registry::new();
        let rosters = Rosters {
            persons: Some(RosterFile::xlsx(book, None).named("book.xlsx")),
            ..Rosters::default()
        };
        let result = import_rosters(&mut reg, &meta(), &rosters, options);
        if result.is_err() {
            assert!(reg.is_empty());
        }
        result
    }

    #[test]
    fn workbook_bytes() {
        let book = workbook(&persons_sheet(0, 2, 0), 0);
        let size = book.len() as u64;
        let at = |max| {
            with(Limits {
                max_file_bytes: max,
                ..Limits::default()
            })
        };
        assert_eq!(import(&book, &at(size)).unwrap().persons, 2);
        let err = import(&book, &at(size - 1)).unwrap_err();
        assert_limit(
            &err,
            "book.xlsx",
            None,
            &format!(
                "book.xlsx: the file has {size} bytes, over the limit max_file_bytes = {}",
                size - 1
            ),
        );
    }

    #[test]
    fn zip_bomb_is_refused_by_what_it_unpacks_to() {
        // 8 MiB of spaces in the sheet compress to a few KiB.
        let book = workbook(&persons_sheet(0, 1, 0), 8 << 20);
        assert!(book.len() < 64 * 1024, "{}", book.len());
        let max = 4u64 << 20;
        let options = with(Limits {
            max_unpacked_bytes: max,
            ..Limits::default()
        });
        let err = import(&book, &options).unwrap_err();
        assert_eq!(err.code(), "limit_exceeded");
        assert_eq!(err.line, None);
        assert_eq!(
            err.to_string(),
            format!(
                "book.xlsx: unpacks to at least {} bytes, over the limit max_unpacked_bytes = {max}",
                max + 1
            )
        );
        // Under the default limit it is read (the padding is only whitespace).
        assert_eq!(import(&book, &ImportOptions::default()).unwrap().persons, 1);
    }

    #[test]
    fn sheet_rows() {
        // Header on sheet row 3 (blank rows above it), three data rows on rows 4–6.
        let book = workbook(&persons_sheet(2, 3, 0), 0);
        let at = |max| {
            with(Limits {
                max_rows: max,
                ..Limits::default()
            })
        };
        assert_eq!(import(&book, &at(3)).unwrap().persons, 3);
        let err = import(&book, &at(2)).unwrap_err();
        assert_limit(
            &err,
            "book.xlsx",
            Some(6),
            "book.xlsx, line 6: data row 3, over the limit max_rows = 2",
        );
        // Rows far apart cost nothing: only rows with cells are read.
        let mut sparse = persons_sheet(0, 1, 0);
        for (c, v) in ["p9", "min_meng", "senior", "none", "1975"]
            .iter()
            .enumerate()
        {
            sparse.push((1_000_000, c, v.to_string()));
        }
        let book = workbook(&sparse, 0);
        assert_eq!(import(&book, &ImportOptions::default()).unwrap().persons, 2);
    }

    #[test]
    fn sheet_columns() {
        let ignore = |limits| ImportOptions {
            unknown_columns: UnknownColumns::Ignore,
            limits,
            ..ImportOptions::default()
        };
        let book = workbook(&persons_sheet(0, 1, 251), 0); // 256 columns
        assert_eq!(
            import(&book, &ignore(Limits::default())).unwrap().persons,
            1
        );
        let book = workbook(&persons_sheet(0, 1, 252), 0); // 257 columns
        let err = import(&book, &ignore(Limits::default())).unwrap_err();
        assert_limit(
            &err,
            "book.xlsx",
            Some(1),
            "book.xlsx, line 1: 257 columns, over the limit max_columns = 256",
        );
        // A cell far to the right (column XFD) is refused for the span it claims, not read
        // as 16,384 columns of every row.
        let mut far = persons_sheet(0, 2, 0);
        far.push((2, 16_383, "far".into()));
        let book = workbook(&far, 0);
        let err = import(&book, &ignore(Limits::default())).unwrap_err();
        assert_limit(
            &err,
            "book.xlsx",
            Some(3),
            "book.xlsx, line 3: 16384 columns, over the limit max_columns = 256",
        );
    }

    #[test]
    fn sheet_cell_bytes() {
        let ignore = ImportOptions {
            unknown_columns: UnknownColumns::Ignore,
            ..ImportOptions::default()
        };
        let mut cells = persons_sheet(0, 1, 0);
        cells.push((0, 5, "note".into()));
        cells.push((1, 5, "a".repeat(Limits::MAX_FIELD_BYTES as usize)));
        assert_eq!(import(&workbook(&cells, 0), &ignore).unwrap().persons, 1);
        cells.pop();
        cells.push((1, 5, "a".repeat(Limits::MAX_FIELD_BYTES as usize + 1)));
        let err = import(&workbook(&cells, 0), &ignore).unwrap_err();
        assert_eq!(err.column.as_deref(), Some("note"));
        assert_eq!(err.line, Some(2));
        assert_eq!(err.code(), "limit_exceeded");
        assert!(
            err.to_string()
                .ends_with(": the cell has 65537 bytes, over the limit max_field_bytes = 65536"),
            "{err}"
        );
    }
}
