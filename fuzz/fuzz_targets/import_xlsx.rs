//! Excel roster import: arbitrary bytes as an `.xlsx` workbook.
//!
//! Input: one selector byte (bits 0-1: which table the workbook is; 2-3: which sheet; 4: into
//! the empty or the small seeded registry), then the
//! workbook's bytes. `import_rosters` and `import_rosters_report` return `Ok` or a typed error
//! naming the file (never a panic, never an allocation past libFuzzer's RSS limit), leave the
//! registry unchanged on `Err`, agree with each other and with `check_rosters`; an import that
//! succeeds leaves a registry whose snapshot loads back unchanged.
//!
//! The core reads workbooks inside `catch_unwind` (calamine panics on some malformed sheets,
//! e.g. a column reference past `u32`: core/tests/fuzz_regressions.rs). libfuzzer-sys installs
//! a panic hook that aborts on *every* panic, contained or not; this target puts the default
//! hook back, so a panic the core contains is not a crash, while one that escapes it still
//! reaches libfuzzer-sys's own `catch_unwind` and aborts the run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tongxin::interchange::{ImportOptions, RosterFile, Rosters};
use tongxin::Registry;
use tongxin_fuzz::{check_import_contract, small_registry};

const TABLES: [&str; 4] = ["orgs", "persons", "memberships", "enterprises"];

static DEFAULT_HOOK: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    let Some((&flags, book)) = data.split_first() else {
        return;
    };
    // Bit 2: the table's own sheet (the fixture workbook names its sheets by table); bit 3: a
    // sheet that does not exist; neither: the first sheet.
    let sheet = match (flags >> 2) & 3 {
        0 => None,
        1 => Some(TABLES[usize::from(flags & 3)]),
        _ => Some("no such sheet"),
    };
    let file = RosterFile::xlsx(book, sheet);
    let mut rosters = Rosters::default();
    match flags & 3 {
        0 => rosters.orgs = Some(file),
        1 => rosters.persons = Some(file),
        2 => rosters.memberships = Some(file),
        _ => rosters.enterprises = Some(file),
    }
    let base = if flags & 16 == 0 {
        Registry::new()
    } else {
        small_registry()
    };
    // The contract is all there is to check: the result itself is not needed.
    let _ = check_import_contract(&base, &rosters, &ImportOptions::default());
});
