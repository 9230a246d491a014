//! Roster CSV import: arbitrary bytes as the four roster files.
//!
//! Input: one options byte, then orgs / persons / memberships / enterprises separated by 0xFF
//! (a missing part is a file not given). Into an empty registry and into the small seeded one:
//! - `import_rosters`, `import_rosters_report`, `check_rosters` and `api::import_rosters` never
//!   panic; on `Err` the registry's `to_json()` is exactly what it was (all or nothing);
//! - the three agree: the strict import succeeds iff the report import does iff the check
//!   reports no problem, and both imports then leave the same registry with the same summary;
//!   a failing report lists at least one problem;
//! - `roster_commands` applied with `apply_batch` gives the same registry as the import;
//! - whatever an import leaves loads back from its own snapshot unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tongxin::api::{self, ApiCode, RosterBytes, RosterImportOptions};
use tongxin::interchange::{
    self, ImportOptions, RosterFile, Rosters, TextEncoding, UnknownColumns,
};
use tongxin::Registry;
use tongxin_fuzz::{check_import_contract, meta, small_registry, split};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let parts = split(rest);
    let file = |i: usize| parts.get(i).map(|d| RosterFile::csv(d));
    let rosters = Rosters {
        orgs: file(0),
        persons: file(1),
        memberships: file(2),
        enterprises: file(3),
    };
    let options = ImportOptions {
        encoding: match flags & 3 {
            0 => TextEncoding::Auto,
            1 => TextEncoding::Utf8,
            2 => TextEncoding::Gbk,
            _ => TextEncoding::Gb18030,
        },
        unknown_columns: if flags & 4 == 0 {
            UnknownColumns::Reject
        } else {
            UnknownColumns::Ignore
        },
        drop_masked_resident_ids: flags & 8 != 0,
        // New options (e.g. limits) keep their defaults.
        ..ImportOptions::default()
    };
    let base = if flags & 16 == 0 {
        Registry::new()
    } else {
        small_registry()
    };
    let before = base.to_json();
    let meta = meta();
    let (strict_result, strict) = check_import_contract(&base, &rosters, &options);

    // The commands the import would apply, applied as one batch.
    if let Ok(commands) = interchange::roster_commands(&base, &rosters, &options) {
        let mut batch = base.clone();
        match batch.apply_batch(&meta, commands) {
            Ok(_) => {
                assert!(
                    strict_result.is_ok(),
                    "roster_commands apply but the import fails: {strict_result:?}"
                );
                assert_eq!(
                    batch.to_json(),
                    strict.to_json(),
                    "roster_commands and import_rosters differ"
                );
            }
            Err(_) => {
                assert_eq!(
                    batch.to_json(),
                    before,
                    "apply_batch failed but changed the registry"
                );
                assert!(
                    strict_result.is_err(),
                    "roster_commands fail to apply but the import succeeds"
                );
            }
        }
    } else {
        assert!(
            strict_result.is_err(),
            "roster_commands fails but the import succeeds"
        );
    }

    // The request layer the C and WASM fronts use.
    let files = RosterBytes {
        orgs: parts.first().copied(),
        persons: parts.get(1).copied(),
        memberships: parts.get(2).copied(),
        enterprises: parts.get(3).copied(),
    };
    let api_options = RosterImportOptions {
        report: flags & 32 != 0,
        drop_masked_resident_ids: options.drop_masked_resident_ids,
        ..RosterImportOptions::default()
    };
    let mut via_api = base.clone();
    match api::import_rosters(&mut via_api, &meta, files, &api_options) {
        Ok(_) => {}
        Err(e) => {
            assert_eq!(
                via_api.to_json(),
                before,
                "api::import_rosters failed but changed the registry"
            );
            assert!(
                matches!(
                    e.code,
                    ApiCode::Import | ApiCode::InvalidArgument | ApiCode::Core(_)
                ),
                "unexpected code {:?}",
                e.code
            );
        }
    }
    if let Ok(text) = api::check_rosters(&base, &meta, files, &api_options) {
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "check report is not JSON"
        );
    }
});
