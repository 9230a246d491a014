//! The C entry points that take strings, called with arbitrary NUL-terminated bytes (invalid
//! UTF-8 included) on a handle loaded from the small registry's snapshot.
//!
//! Input: parts separated by 0xFF; each part, cut at its first NUL and NUL-terminated, is one
//! argument: [0] identifier text, [1] query / statistic / rule question JSON, [2] command JSON
//! (also tried as a batch and as a snapshot), [3] meta JSON, [4..8] roster bytes (orgs, persons,
//! memberships, enterprises), [8] roster options JSON, [9] rule book JSON, [10] person id,
//! [11] organization id, [12] date.
//!
//! Every call returns a status of the documented set (`tx_status_name` knows it; never
//! `TX_STATUS_PANIC` or `TX_STATUS_UNKNOWN_ERROR`); a failure leaves a non-empty message for
//! `tx_last_error_message`; an out-string is written on `TX_STATUS_OK` (non-NULL) and left NULL
//! otherwise (the import report only on `TX_STATUS_IMPORT`); every string handed out is freed
//! with `tx_string_free`; a mutating call that fails leaves `tx_registry_to_json` unchanged.
//! The scoped calls (`tx_registry_*_as*`) run on a second handle that has operators, as the
//! operator part [10] names and as each of its own operators.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::ffi::{c_char, CStr};
use std::ptr;
use tongxin_c::*;
use tongxin_fuzz::{scoped_registry, small_snapshot, split, OPERATORS};

/// A part as a NUL-terminated argument: its bytes up to the first NUL.
fn arg(part: Option<&&[u8]>) -> Vec<u8> {
    let bytes = part.copied().unwrap_or_default();
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    let mut v = bytes[..end].to_vec();
    v.push(0);
    v
}

fn p(v: &[u8]) -> *const c_char {
    v.as_ptr().cast()
}

/// Checks a status: documented, not a contained panic, and with a message on failure.
fn status(s: tx_status, what: &str) -> tx_status {
    // SAFETY: tx_status_name returns a static NUL-terminated string.
    let name = unsafe { CStr::from_ptr(tx_status_name(s as i32)) }
        .to_str()
        .expect("status names are ASCII");
    assert!(
        name != "unknown_error" && name != "panic",
        "{what} returned {name} ({})",
        s as i32
    );
    if s != tx_status::Ok {
        let mut len = 0usize;
        // SAFETY: asking for the size only: NULL buffer with length 0, valid out_len.
        let st = unsafe { tx_last_error_message(ptr::null_mut(), 0, &mut len) };
        assert!(
            st == tx_status::BufferTooSmall || st == tx_status::Ok,
            "tx_last_error_message gave {st:?}"
        );
        assert!(len > 1, "{what} failed with {name} but left no message");
    }
    s
}

/// Checks an out-string against its status and frees it.
fn take(s: tx_status, out: *mut c_char, what: &str) -> Option<String> {
    if s == tx_status::Ok {
        assert!(!out.is_null(), "{what}: OK without its out-string");
    } else {
        assert!(out.is_null(), "{what}: out-string written on {s:?}");
    }
    if out.is_null() {
        return None;
    }
    // SAFETY: the library wrote a NUL-terminated string it owns until freed.
    let text = unsafe { CStr::from_ptr(out) }
        .to_str()
        .unwrap_or_else(|_| panic!("{what}: out-string is not UTF-8"))
        .to_string();
    // SAFETY: a string handed out by the library, freed once.
    unsafe { tx_string_free(out) };
    Some(text)
}

fn snapshot(reg: *const tx_registry) -> String {
    let mut out = ptr::null_mut();
    // SAFETY: a live handle and a valid out pointer.
    let s = status(unsafe { tx_registry_to_json(reg, &mut out) }, "to_json");
    take(s, out, "to_json").expect("a live handle writes its snapshot")
}

const META: &[u8] = b"{\"at\":\"2024-06-01T09:00:00\",\"actor\":\"fuzz\"}\0";

fuzz_target!(|data: &[u8]| {
    let parts = split(data);
    let a: Vec<Vec<u8>> = (0..13).map(|i| arg(parts.get(i))).collect();

    // Identifier checks: no handle.
    type IdCheck = unsafe extern "C" fn(*const c_char, *mut *mut c_char) -> tx_status;
    for (f, what) in [
        (tx_resident_id_check as IdCheck, "tx_resident_id_check"),
        (tx_credit_code_check, "tx_credit_code_check"),
        (tx_division_code_check, "tx_division_code_check"),
    ] {
        let mut out = ptr::null_mut();
        // SAFETY: a NUL-terminated argument and a valid out pointer.
        let s = status(unsafe { f(p(&a[0]), &mut out) }, what);
        take(s, out, what);
    }

    // A handle from the small registry's snapshot.
    let snap = format!("{}\0", small_snapshot());
    let mut reg: *mut tx_registry = ptr::null_mut();
    // SAFETY: NUL-terminated JSON, valid out pointer.
    let s = status(
        unsafe { tx_registry_from_json(p(snap.as_bytes()), &mut reg) },
        "from_json",
    );
    assert_eq!(s, tx_status::Ok, "the small snapshot loads");

    // Read-only questions.
    type Ask =
        unsafe extern "C" fn(*const tx_registry, *const c_char, *mut *mut c_char) -> tx_status;
    for (f, what) in [
        (tx_registry_query_json as Ask, "tx_registry_query_json"),
        (tx_registry_stats_json, "tx_registry_stats_json"),
        (tx_registry_stats_csv, "tx_registry_stats_csv"),
        (tx_registry_rules_json, "tx_registry_rules_json"),
    ] {
        let mut out = ptr::null_mut();
        // SAFETY: a live handle, a NUL-terminated argument, a valid out pointer.
        let s = status(unsafe { f(reg, p(&a[1]), &mut out) }, what);
        take(s, out, what);
    }

    // One command, with the fixed meta and with the fuzzed one.
    for meta in [META, &a[3][..]] {
        let before = snapshot(reg);
        let mut out = ptr::null_mut();
        // SAFETY: as above.
        let s = status(
            unsafe { tx_registry_apply_json(reg, p(meta), p(&a[2]), &mut out) },
            "tx_registry_apply_json",
        );
        take(s, out, "tx_registry_apply_json");
        if s != tx_status::Ok {
            assert_eq!(snapshot(reg), before, "a failed apply changed the registry");
        }
    }

    // A batch.
    {
        let before = snapshot(reg);
        let (mut applied, mut failed) = (usize::MAX, usize::MAX);
        // SAFETY: as above.
        let s = status(
            unsafe {
                tx_registry_apply_batch_json(reg, p(META), p(&a[2]), &mut applied, &mut failed)
            },
            "tx_registry_apply_batch_json",
        );
        if s == tx_status::Ok {
            assert_ne!(applied, usize::MAX, "batch OK without a count");
        } else {
            assert_eq!(applied, usize::MAX, "batch count written on failure");
            assert_eq!(snapshot(reg), before, "a failed batch changed the registry");
        }
    }

    // The command text as a snapshot.
    {
        let mut other: *mut tx_registry = ptr::null_mut();
        // SAFETY: as above.
        let s = status(
            unsafe { tx_registry_from_json(p(&a[2]), &mut other) },
            "tx_registry_from_json",
        );
        if s == tx_status::Ok {
            assert!(!other.is_null());
            // SAFETY: a handle from tx_registry_from_json, freed once.
            unsafe { tx_registry_free(other) };
        } else {
            assert!(other.is_null(), "a handle written on failure");
        }
    }

    // Roster import: the buffers are the parts themselves (not NUL-cut), the options a string.
    {
        let before = snapshot(reg);
        let buf = |i: usize| parts.get(i).copied();
        let (ptr_of, len_of) = (
            |b: Option<&[u8]>| b.map_or(ptr::null(), <[u8]>::as_ptr),
            |b: Option<&[u8]>| b.map_or(0, <[u8]>::len),
        );
        let (o, pe, m, e) = (buf(4), buf(5), buf(6), buf(7));
        let options = if parts.len() > 8 {
            p(&a[8])
        } else {
            ptr::null()
        };
        let (mut summary, mut report) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: each buffer valid for its length (or NULL with 0); options NULL or NUL-terminated.
        let s = status(
            unsafe {
                tx_registry_import_rosters(
                    reg,
                    p(META),
                    ptr_of(o),
                    len_of(o),
                    ptr_of(pe),
                    len_of(pe),
                    ptr_of(m),
                    len_of(m),
                    ptr_of(e),
                    len_of(e),
                    options,
                    &mut summary,
                    &mut report,
                )
            },
            "tx_registry_import_rosters",
        );
        take(s, summary, "import summary");
        if s == tx_status::Import {
            assert!(!report.is_null(), "TX_STATUS_IMPORT without the report");
            take(tx_status::Ok, report, "import report");
        } else {
            assert!(report.is_null(), "import report written on {s:?}");
        }
        if s != tx_status::Ok {
            assert_eq!(
                snapshot(reg),
                before,
                "a failed import changed the registry"
            );
        }
    }

    // A rule book for the typed eligibility check, then the check.
    {
        // SAFETY: a live handle and a NUL-terminated argument.
        status(
            unsafe { tx_registry_set_rule_book_json(reg, p(&a[9])) },
            "tx_registry_set_rule_book_json",
        );
        let mut ok = false;
        let (mut zh, mut en) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: as above.
        let s = status(
            unsafe {
                tx_registry_check_eligibility(
                    reg,
                    p(&a[10]),
                    p(&a[11]),
                    p(&a[12]),
                    &mut ok,
                    &mut zh,
                    &mut en,
                )
            },
            "tx_registry_check_eligibility",
        );
        take(s, zh, "eligibility zh");
        take(s, en, "eligibility en");
    }

    // SAFETY: the handle from tx_registry_from_json, freed once.
    unsafe { tx_registry_free(reg) };

    // The scoped calls, on a handle with operators, as the operator part [10] names (also each
    // of the registry's own operators): the question [1], the command [2] with the meta [3].
    let snap = format!("{}\0", scoped_registry().to_json());
    let mut reg: *mut tx_registry = ptr::null_mut();
    // SAFETY: NUL-terminated JSON, valid out pointer.
    let s = status(
        unsafe { tx_registry_from_json(p(snap.as_bytes()), &mut reg) },
        "from_json",
    );
    assert_eq!(s, tx_status::Ok, "the scoped snapshot loads");
    type AskAs = unsafe extern "C" fn(
        *const tx_registry,
        *const c_char,
        *const c_char,
        *mut *mut c_char,
    ) -> tx_status;
    let named: Vec<Vec<u8>> = OPERATORS
        .iter()
        .map(|o| format!("{o}\0").into_bytes())
        .collect();
    for op in std::iter::once(&a[10]).chain(&named) {
        for (f, what) in [
            (
                tx_registry_query_as_json as AskAs,
                "tx_registry_query_as_json",
            ),
            (tx_registry_stats_as_json, "tx_registry_stats_as_json"),
            (tx_registry_stats_as_csv, "tx_registry_stats_as_csv"),
            (tx_registry_rules_as_json, "tx_registry_rules_as_json"),
        ] {
            let mut out = ptr::null_mut();
            // SAFETY: a live handle, NUL-terminated arguments, a valid out pointer.
            let s = status(unsafe { f(reg, p(op), p(&a[1]), &mut out) }, what);
            take(s, out, what);
        }
    }
    {
        let before = snapshot(reg);
        let mut out = ptr::null_mut();
        // SAFETY: as above.
        let s = status(
            unsafe { tx_registry_apply_as_json(reg, p(&a[3]), p(&a[2]), &mut out) },
            "tx_registry_apply_as_json",
        );
        take(s, out, "tx_registry_apply_as_json");
        if s != tx_status::Ok {
            assert_eq!(
                snapshot(reg),
                before,
                "a refused scoped apply changed the registry"
            );
        }
    }
    // SAFETY: the handle from tx_registry_from_json, freed once.
    unsafe { tx_registry_free(reg) };
});
