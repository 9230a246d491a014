//! Helpers shared by the fuzz targets: the fixed operator stamp, a small seeded registry built
//! from the repository's own roster fixtures, and the splitting of one fuzz input into parts.

use chrono::NaiveDate;
use std::sync::OnceLock;
use tongxin::interchange::{self, ImportOptions, Rosters};
use tongxin::{Meta, Registry};

/// Separator between the parts of one input (orgs / persons / memberships / enterprises, or the
/// arguments of the C calls). 0xFF is invalid in UTF-8 and in GB18030, so no valid text loses it.
pub const SEP: u8 = 0xFF;

/// The stamp every command is applied with.
pub fn meta() -> Meta {
    Meta {
        at: NaiveDate::from_ymd_opt(2024, 6, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("a valid timestamp"),
        actor: "fuzz".into(),
    }
}

/// A day inside the fixtures' history.
pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 1).expect("a valid day")
}

/// The roster fixtures of `core/tests/fixtures/rosters` (organizations with a part-of branch and
/// a chamber, persons, enterprises, memberships).
pub const ORGS: &[u8] = include_bytes!("../../core/tests/fixtures/rosters/orgs.csv");
/// See [`ORGS`].
pub const PERSONS: &[u8] = include_bytes!("../../core/tests/fixtures/rosters/persons.csv");
/// See [`ORGS`].
pub const MEMBERSHIPS: &[u8] = include_bytes!("../../core/tests/fixtures/rosters/memberships.csv");
/// See [`ORGS`].
pub const ENTERPRISES: &[u8] = include_bytes!("../../core/tests/fixtures/rosters/enterprises.csv");

/// A small registry: the roster fixtures imported into an empty one (built once, cloned).
pub fn small_registry() -> Registry {
    static SMALL: OnceLock<Registry> = OnceLock::new();
    SMALL
        .get_or_init(|| {
            let mut reg = Registry::new();
            let rosters = Rosters::csv(ORGS, PERSONS, MEMBERSHIPS).with_enterprises(ENTERPRISES);
            interchange::import_rosters(&mut reg, &meta(), &rosters, &ImportOptions::default())
                .expect("the roster fixtures import");
            reg
        })
        .clone()
}

/// The operators of [`scoped_registry`]: an administrator of everything, an editor over `ft`
/// and a viewer over `ns`.
pub const OPERATORS: [&str; 3] = ["fz-admin", "fz-clerk", "fz-viewer"];

/// The small registry with the three [`OPERATORS`] set (built once, cloned).
pub fn scoped_registry() -> Registry {
    static SCOPED: OnceLock<Registry> = OnceLock::new();
    SCOPED
        .get_or_init(|| {
            let mut reg = small_registry();
            let set = |id: &str, grant: &str| {
                format!(
                    r#"{{"type":"set_operator","operator":{{"id":"{id}","name":"{id}","grants":[{grant}]}}}}"#
                )
            };
            let commands = format!(
                "[{},{},{}]",
                set(OPERATORS[0], r#"{"role":"administrator"}"#),
                set(OPERATORS[1], r#"{"role":"editor","org":"ft"}"#),
                set(OPERATORS[2], r#"{"role":"viewer","org":"ns"}"#)
            );
            tongxin::api::apply_batch(&mut reg, &meta(), &commands).expect("the operators are set");
            reg
        })
        .clone()
}

/// The small registry's snapshot JSON (built once).
pub fn small_snapshot() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| small_registry().to_json())
}

/// The parts of `data` between [`SEP`] bytes.
pub fn split(data: &[u8]) -> Vec<&[u8]> {
    data.split(|b| *b == SEP).collect()
}

/// Loads `text` as a snapshot and, when it loads, checks that writing and reading it again gives
/// the same text: the snapshot contract (`from_json(to_json(r))` is `r`).
pub fn assert_snapshot_round_trip(reg: &Registry) {
    let json = reg.to_json();
    let back = match Registry::from_json(&json) {
        Ok(r) => r,
        Err(e) => panic!("a registry's own snapshot does not load: {e}\n{json}"),
    };
    assert_eq!(back.to_json(), json, "snapshot round trip changed the text");
}

/// The contract of a roster import, checked on one input: `check_rosters`, `import_rosters` and
/// `import_rosters_report` never panic; a failing import leaves the registry's `to_json()` as it
/// was and names a file (strict) or lists a problem (report); the three agree (strict `Ok` iff
/// report `Ok` iff the check finds nothing), and both imports then give the same summary and the
/// same registry, whose snapshot loads back unchanged.
///
/// Returns the strict import's result and the registry it left.
pub fn check_import_contract(
    base: &Registry,
    rosters: &Rosters,
    options: &ImportOptions,
) -> (
    Result<interchange::ImportSummary, interchange::InterchangeError>,
    Registry,
) {
    let before = base.to_json();
    let meta = meta();
    let report = interchange::check_rosters(base, &meta, rosters, options);

    let mut strict = base.clone();
    let strict_result = interchange::import_rosters(&mut strict, &meta, rosters, options);
    match &strict_result {
        Ok(_) => assert_snapshot_round_trip(&strict),
        Err(e) => {
            assert_eq!(
                strict.to_json(),
                before,
                "import_rosters failed ({e}) but changed the registry"
            );
            assert!(!e.file.is_empty(), "an import error without a file: {e:?}");
            assert!(!e.to_string().is_empty());
        }
    }

    let mut reported = base.clone();
    let report_result = interchange::import_rosters_report(&mut reported, &meta, rosters, options);
    if let Err(r) = &report_result {
        assert_eq!(
            reported.to_json(),
            before,
            "import_rosters_report failed but changed the registry"
        );
        assert!(
            !r.errors.is_empty(),
            "a failed report import lists no problem"
        );
    }

    assert_eq!(
        strict_result.is_ok(),
        report_result.is_ok(),
        "import_rosters {strict_result:?} but import_rosters_report {report_result:?}"
    );
    assert_eq!(
        report.is_ok(),
        report_result.is_ok(),
        "check_rosters {report:?} but import_rosters_report {report_result:?}"
    );
    if let (Ok(a), Ok(b)) = (&strict_result, &report_result) {
        assert_eq!(a, b, "the two imports summarise differently");
        assert_eq!(
            strict.to_json(),
            reported.to_json(),
            "the two imports leave different registries"
        );
    }
    (strict_result, strict)
}
