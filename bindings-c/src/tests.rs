//! Rust-side tests that call the exported functions directly, as C would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};
use tongxin::ErrorCode;

const AT: &str = "2024-05-07T09:00:00";

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// The calling thread's last error message.
fn last_error() -> String {
    let mut buf = vec![0 as c_char; 4096];
    let mut n = 0usize;
    let st = unsafe { tx_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) };
    assert_eq!(st, tx_status::Ok);
    let s = unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(s.len(), n);
    s
}

/// Takes an owned string from the library and frees it.
fn take(p: *mut c_char) -> String {
    assert!(!p.is_null());
    let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string();
    unsafe { tx_string_free(p) };
    s
}

fn status_name(s: tx_status) -> &'static str {
    unsafe { CStr::from_ptr(tx_status_name(s as i32)) }
        .to_str()
        .unwrap()
}

#[allow(clippy::too_many_arguments)]
fn add_org(
    reg: *mut tx_registry,
    id: &str,
    name: &str,
    level: &str,
    code: &str,
    founded: &str,
    parent: Option<&str>,
    relation: &str,
) -> tx_status {
    let parent = parent.map(c);
    unsafe {
        tx_registry_add_organization(
            reg,
            c(AT).as_ptr(),
            c("clerk").as_ptr(),
            c(id).as_ptr(),
            c(name).as_ptr(),
            c("zhilianhui").as_ptr(),
            c(level).as_ptr(),
            c(code).as_ptr(),
            c(founded).as_ptr(),
            parent.as_ref().map_or(null(), |p| p.as_ptr()),
            c(relation).as_ptr(),
        )
    }
}

fn add_person(reg: *mut tx_registry, id: &str, name: &str, party: &str, title: &str) -> tx_status {
    unsafe {
        tx_registry_add_person(
            reg,
            c(AT).as_ptr(),
            c("clerk").as_ptr(),
            c(id).as_ptr(),
            c(name).as_ptr(),
            c(party).as_ptr(),
            c(title).as_ptr(),
            c("none").as_ptr(),
        )
    }
}

fn join(reg: *mut tx_registry, person: &str, org: &str, role: &str, start: &str) -> tx_status {
    unsafe {
        tx_registry_join(
            reg,
            c(AT).as_ptr(),
            c("clerk").as_ptr(),
            c(person).as_ptr(),
            c(org).as_ptr(),
            c(role).as_ptr(),
            c(start).as_ptr(),
        )
    }
}

fn count(reg: *const tx_registry, org: &str, date: &str, scope: &str) -> (tx_status, usize) {
    let mut n = usize::MAX;
    let st = unsafe {
        tx_registry_member_count(
            reg,
            c(org).as_ptr(),
            c(date).as_ptr(),
            c(scope).as_ptr(),
            &mut n,
        )
    };
    (st, n)
}

fn query(reg: *const tx_registry, q: &str) -> Result<String, (tx_status, String)> {
    let mut out: *mut c_char = null_mut();
    let st = unsafe { tx_registry_query_json(reg, c(q).as_ptr(), &mut out) };
    if st == tx_status::Ok {
        Ok(take(out))
    } else {
        assert!(out.is_null(), "out written on failure");
        Err((st, last_error()))
    }
}

/// The quickstart scenario (examples/c/quickstart.c and tests/c/smoke.py build the same).
fn scenario() -> *mut tx_registry {
    let reg = tx_registry_new();
    assert!(!reg.is_null());
    let ok = tx_status::Ok;
    assert_eq!(
        add_org(
            reg,
            "sz-zlh",
            "深圳市知联会",
            "municipal",
            "4403",
            "2010-01-01",
            None,
            "guidance"
        ),
        ok
    );
    assert_eq!(
        add_org(
            reg,
            "ft-zlh",
            "福田区知联会",
            "district",
            "440304",
            "2015-01-01",
            Some("sz-zlh"),
            "guidance"
        ),
        ok
    );
    assert_eq!(
        add_org(
            reg,
            "ft-street",
            "福田区知联会福田街道分会",
            "subdistrict",
            "440304004",
            "2024-05-07",
            Some("ft-zlh"),
            "part_of"
        ),
        ok
    );
    assert_eq!(add_person(reg, "p1", "张伟", "non_party", "senior"), ok);
    assert_eq!(
        add_person(reg, "p2", "李娜", "min_meng", "intermediate"),
        ok
    );
    assert_eq!(
        add_person(reg, "p3", "王芳", "jiu_san", "associate_senior"),
        ok
    );
    assert_eq!(
        add_person(reg, "p4", "陈刚", "non_party", "intermediate"),
        ok
    );
    assert_eq!(join(reg, "p1", "sz-zlh", "president", "2020-01-01"), ok);
    assert_eq!(join(reg, "p1", "ft-zlh", "member", "2020-01-01"), ok);
    assert_eq!(
        join(reg, "p2", "ft-zlh", "vice_president", "2021-03-01"),
        ok
    );
    assert_eq!(join(reg, "p2", "ft-street", "council", "2024-05-07"), ok);
    assert_eq!(join(reg, "p3", "ft-street", "member", "2024-05-07"), ok);
    assert_eq!(join(reg, "p4", "ft-street", "member", "2024-05-07"), ok);
    reg
}

#[test]
fn every_core_code_maps_to_a_status_with_its_number_and_name() {
    for &code in ErrorCode::ALL {
        let st = tx_status::from_core(code);
        assert_eq!(st as i64, i64::from(code.number()), "{code:?}");
        assert_eq!(st.name(), code.as_str(), "{code:?}");
        assert_eq!(status_name(st), code.as_str());
    }
    // Every status of 100 and up is some core code.
    for &st in tx_status::ALL.iter().filter(|s| **s as i32 >= 100) {
        assert!(
            ErrorCode::ALL
                .iter()
                .any(|c| i64::from(c.number()) == st as i64),
            "{st:?} has no core code"
        );
    }
    // Unknown numbers map to the catch-all.
    for n in [-1, 9, 97, 100, 103, 777, 999, i32::MAX, i32::MIN] {
        assert_eq!(tx_status::from_number(i64::from(n)), None, "{n}");
        let name = unsafe { CStr::from_ptr(tx_status_name(n)) };
        assert_eq!(name.to_str().unwrap(), "unknown_error");
    }
    assert_eq!(status_name(tx_status::Ok), "ok");
    assert_eq!(status_name(tx_status::NullArgument), "null_argument");
    assert_eq!(
        status_name(tx_status::InvalidIdentifier),
        "invalid_identifier"
    );
    assert_eq!(tx_status::InvalidIdentifier as i32, 5);
}

#[test]
fn statuses_are_unique_and_sorted() {
    let numbers: Vec<i32> = tx_status::ALL.iter().map(|s| *s as i32).collect();
    let mut sorted = numbers.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(numbers, sorted);
    let names: std::collections::HashSet<_> = tx_status::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(names.len(), tx_status::ALL.len());
}

#[test]
fn version_macros_and_tx_version_equal_the_cargo_version() {
    assert_eq!(
        TX_VERSION_MAJOR.to_string(),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        TX_VERSION_MINOR.to_string(),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        TX_VERSION_PATCH.to_string(),
        env!("CARGO_PKG_VERSION_PATCH")
    );
    let v = unsafe { CStr::from_ptr(tx_version()) }.to_str().unwrap();
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    // The committed header carries the same numbers.
    let header = include_str!("../include/tongxin.h");
    for (name, value) in [
        ("TX_VERSION_MAJOR", TX_VERSION_MAJOR),
        ("TX_VERSION_MINOR", TX_VERSION_MINOR),
        ("TX_VERSION_PATCH", TX_VERSION_PATCH),
    ] {
        assert!(
            header.contains(&format!("#define {name} {value}\n")),
            "{name}"
        );
    }
}

/// The source files that define exports (everything but the macros and these tests).
fn export_sources() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".rs") && name != "tests.rs" && name != "macros.rs" {
            out.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    out
}

#[test]
fn every_export_runs_inside_exactly_one_panic_boundary() {
    let mut exports = 0;
    let mut boundaries = 0;
    let header = include_str!("../include/tongxin.h");
    for (file, text) in export_sources() {
        exports += text.matches("#[unsafe(no_mangle)]").count();
        exports += text.matches("#[no_mangle]").count();
        boundaries += text.matches("ffi_boundary!(").count();
        // Each export's body (up to the next export) holds exactly one boundary.
        for chunk in text.split("#[unsafe(no_mangle)]").skip(1) {
            assert_eq!(
                chunk.matches("ffi_boundary!(").count(),
                1,
                "{file}: {chunk:.80}"
            );
            let name = chunk
                .split("fn ")
                .nth(1)
                .and_then(|s| s.split('(').next())
                .unwrap();
            assert!(name.starts_with("tx_"), "{name} lacks the tx_ prefix");
            assert!(
                header.contains(&format!("{name}(")),
                "{name} missing from the header"
            );
        }
    }
    assert_eq!(exports, boundaries);
    assert_eq!(exports, 46, "update this count when adding an export");
}

#[test]
fn a_panic_is_contained_and_reported() {
    extern "C" fn boom_status() -> tx_status {
        ffi_boundary!(status {
            panic!("boom at the boundary");
        })
    }
    extern "C" fn boom_value() -> *mut tx_registry {
        ffi_boundary!(value null_mut(), {
            panic!("boom in a constructor");
        })
    }
    extern "C" fn boom_string_payload() -> tx_status {
        ffi_boundary!(status {
            std::panic::panic_any(String::from("owned payload"));
        })
    }
    assert_eq!(boom_status(), tx_status::Panic);
    let msg = last_error();
    assert!(
        msg.contains("boom at the boundary") && msg.contains("bug"),
        "{msg}"
    );
    assert!(boom_value().is_null());
    assert!(last_error().contains("boom in a constructor"));
    assert_eq!(boom_string_payload(), tx_status::Panic);
    assert!(last_error().contains("owned payload"));
    // The library still works afterwards on this thread.
    let reg = scenario();
    unsafe { tx_registry_free(reg) };
}

#[test]
fn null_arguments_are_reported_by_name() {
    let reg = scenario();
    let s = c("x");
    let p = s.as_ptr();
    let mut out_s: *mut c_char = null_mut();
    let mut out_n = 0usize;
    let mut out_b = false;
    let mut out_r: *mut tx_registry = null_mut();
    let mut out_i = 0usize;
    let chk = |st: tx_status, param: &str| {
        assert_eq!(st, tx_status::NullArgument, "{param}");
        assert_eq!(last_error(), format!("argument `{param}` is NULL"));
    };
    unsafe {
        chk(tx_registry_from_json(null(), &mut out_r), "json");
        chk(tx_registry_from_json(p, null_mut()), "out");
        chk(tx_registry_to_json(null(), &mut out_s), "reg");
        chk(tx_registry_to_json(reg, null_mut()), "out");
        chk(tx_registry_apply_json(null_mut(), p, p, &mut out_s), "reg");
        chk(
            tx_registry_apply_json(reg, null(), p, &mut out_s),
            "meta_json",
        );
        chk(
            tx_registry_apply_json(reg, p, null(), &mut out_s),
            "command_json",
        );
        chk(
            tx_registry_apply_json(reg, p, p, null_mut()),
            "out_event_json",
        );
        chk(
            tx_registry_apply_batch_json(null_mut(), p, p, &mut out_n, &mut out_i),
            "reg",
        );
        chk(
            tx_registry_apply_batch_json(reg, null(), p, &mut out_n, &mut out_i),
            "meta_json",
        );
        chk(
            tx_registry_apply_batch_json(reg, p, null(), &mut out_n, &mut out_i),
            "commands_json",
        );
        chk(
            tx_registry_apply_batch_json(reg, p, p, null_mut(), &mut out_i),
            "out_applied",
        );
        chk(
            tx_registry_apply_batch_json(reg, p, p, &mut out_n, null_mut()),
            "out_failed_index",
        );
        chk(
            tx_registry_add_organization(null_mut(), p, p, p, p, p, p, p, p, p, p),
            "reg",
        );
        chk(
            tx_registry_add_organization(reg, null(), p, p, p, p, p, p, p, p, p),
            "at",
        );
        chk(
            tx_registry_add_organization(reg, p, null(), p, p, p, p, p, p, p, p),
            "actor",
        );
        chk(
            tx_registry_add_organization(reg, p, p, null(), p, p, p, p, p, p, p),
            "id",
        );
        chk(
            tx_registry_add_organization(reg, p, p, p, null(), p, p, p, p, p, p),
            "name",
        );
        chk(
            tx_registry_add_organization(reg, p, p, p, p, null(), p, p, p, p, p),
            "kind",
        );
        chk(
            tx_registry_add_organization(reg, p, p, p, p, p, null(), p, p, p, p),
            "level",
        );
        chk(
            tx_registry_add_organization(reg, p, p, p, p, p, p, null(), p, p, p),
            "division_code",
        );
        chk(
            tx_registry_add_organization(reg, p, p, p, p, p, p, p, null(), p, p),
            "founded",
        );
        chk(
            tx_registry_add_organization(reg, p, p, p, p, p, p, p, p, p, null()),
            "relation",
        );
        chk(
            tx_registry_add_person(null_mut(), p, p, p, p, p, p, p),
            "reg",
        );
        chk(tx_registry_add_person(reg, null(), p, p, p, p, p, p), "at");
        chk(
            tx_registry_add_person(reg, p, null(), p, p, p, p, p),
            "actor",
        );
        chk(tx_registry_add_person(reg, p, p, null(), p, p, p, p), "id");
        chk(
            tx_registry_add_person(reg, p, p, p, p, null(), p, p),
            "party",
        );
        chk(
            tx_registry_add_person(reg, p, p, p, p, p, null(), p),
            "title",
        );
        chk(
            tx_registry_add_person(reg, p, p, p, p, p, p, null()),
            "stratum",
        );
        chk(tx_registry_join(null_mut(), p, p, p, p, p, p), "reg");
        chk(tx_registry_join(reg, null(), p, p, p, p, p), "at");
        chk(tx_registry_join(reg, p, null(), p, p, p, p), "actor");
        chk(tx_registry_join(reg, p, p, null(), p, p, p), "person_id");
        chk(tx_registry_join(reg, p, p, p, null(), p, p), "org_id");
        chk(tx_registry_join(reg, p, p, p, p, null(), p), "role");
        chk(tx_registry_join(reg, p, p, p, p, p, null()), "start_date");
        chk(tx_registry_leave(null_mut(), p, p, p, p, p), "reg");
        chk(tx_registry_leave(reg, null(), p, p, p, p), "at");
        chk(tx_registry_leave(reg, p, null(), p, p, p), "actor");
        chk(tx_registry_leave(reg, p, p, null(), p, p), "person_id");
        chk(tx_registry_leave(reg, p, p, p, null(), p), "org_id");
        chk(tx_registry_leave(reg, p, p, p, p, null()), "date");
        chk(
            tx_registry_is_member_in_subtree(null(), p, p, p, &mut out_b),
            "reg",
        );
        chk(
            tx_registry_is_member_in_subtree(reg, null(), p, p, &mut out_b),
            "person_id",
        );
        chk(
            tx_registry_is_member_in_subtree(reg, p, null(), p, &mut out_b),
            "org_id",
        );
        chk(
            tx_registry_is_member_in_subtree(reg, p, p, null(), &mut out_b),
            "date",
        );
        chk(
            tx_registry_is_member_in_subtree(reg, p, p, p, null_mut()),
            "out",
        );
        chk(tx_registry_member_count(null(), p, p, p, &mut out_n), "reg");
        chk(
            tx_registry_member_count(reg, null(), p, p, &mut out_n),
            "org_id",
        );
        chk(
            tx_registry_member_count(reg, p, null(), p, &mut out_n),
            "date",
        );
        chk(
            tx_registry_member_count(reg, p, p, null(), &mut out_n),
            "scope",
        );
        chk(tx_registry_member_count(reg, p, p, p, null_mut()), "out");
        chk(tx_registry_organization_count(null(), &mut out_n), "reg");
        chk(tx_registry_organization_count(reg, null_mut()), "out");
        chk(tx_registry_query_json(null(), p, &mut out_s), "reg");
        chk(
            tx_registry_query_json(reg, null(), &mut out_s),
            "query_json",
        );
        chk(tx_registry_query_json(reg, p, null_mut()), "out_json");
        assert_eq!(
            tx_last_error_message(null_mut(), 0, null_mut()),
            tx_status::NullArgument
        );
        assert_eq!(
            tx_last_error_message(null_mut(), 8, &mut out_n),
            tx_status::NullArgument
        );
        // Nothing was written, nothing changed.
        assert!(out_s.is_null() && out_r.is_null() && !out_b && out_n == 0 && out_i == 0);
        let mut n = 0;
        assert_eq!(tx_registry_organization_count(reg, &mut n), tx_status::Ok);
        assert_eq!(n, 3);
        tx_registry_free(null_mut());
        tx_string_free(null_mut());
        tx_registry_free(reg);
    }
}

#[test]
fn invalid_utf8_is_reported_with_its_offset() {
    let reg = scenario();
    let bad = CString::new(vec![b'p', 0xff, 0xfe]).unwrap();
    let mut n = 0usize;
    let st = unsafe {
        tx_registry_member_count(
            reg,
            bad.as_ptr(),
            c("2024-06-01").as_ptr(),
            c("direct").as_ptr(),
            &mut n,
        )
    };
    assert_eq!(st, tx_status::InvalidUtf8);
    assert_eq!(
        last_error(),
        "argument `org_id` is not valid UTF-8 (invalid byte at offset 1)"
    );
    assert_eq!(
        add_person(reg, "p9", "x", "non_party", "senior"),
        tx_status::Ok
    );
    let st = unsafe {
        tx_registry_add_person(
            reg,
            c(AT).as_ptr(),
            c("clerk").as_ptr(),
            c("p10").as_ptr(),
            bad.as_ptr(),
            c("mass").as_ptr(),
            c("none").as_ptr(),
            c("none").as_ptr(),
        )
    };
    assert_eq!(st, tx_status::InvalidUtf8);
    assert!(last_error().contains("`name`"));
    unsafe { tx_registry_free(reg) };
}

#[test]
fn bad_arguments_name_the_argument_and_value() {
    let reg = scenario();
    assert_eq!(
        add_org(
            reg,
            "x",
            "x",
            "city",
            "4403",
            "2020-01-01",
            None,
            "guidance"
        ),
        tx_status::InvalidArgument
    );
    let msg = last_error();
    assert!(
        msg.starts_with("argument `level`: unknown level `city`") && msg.contains("municipal"),
        "{msg}"
    );
    assert_eq!(
        add_org(
            reg,
            "x",
            "x",
            "municipal",
            "4403",
            "2020-02-30",
            None,
            "guidance"
        ),
        tx_status::InvalidArgument
    );
    assert!(last_error().contains("`2020-02-30` is not a date"));
    assert_eq!(
        join(reg, "p1", "ft-street", "boss", "2024-06-01"),
        tx_status::InvalidArgument
    );
    assert!(last_error().contains("unknown role `boss`"));
    let (st, n) = count(reg, "ft-zlh", "2024-06-01", "everything");
    assert_eq!((st, n), (tx_status::InvalidArgument, usize::MAX));
    assert!(last_error().starts_with("argument `scope`"));
    unsafe { tx_registry_free(reg) };
}

#[test]
fn scenario_counts_and_subtree_membership() {
    let reg = scenario();
    let day = "2024-06-01";
    assert_eq!(count(reg, "sz-zlh", day, "direct"), (tx_status::Ok, 1));
    assert_eq!(
        count(reg, "sz-zlh", day, "with_branches"),
        (tx_status::Ok, 1)
    );
    assert_eq!(count(reg, "sz-zlh", day, "subtree"), (tx_status::Ok, 4));
    assert_eq!(count(reg, "ft-zlh", day, "direct"), (tx_status::Ok, 2));
    assert_eq!(
        count(reg, "ft-zlh", day, "with_branches"),
        (tx_status::Ok, 4)
    );
    assert_eq!(count(reg, "ft-zlh", day, "subtree"), (tx_status::Ok, 4));
    assert_eq!(
        count(reg, "ft-street", "2024-05-06", "direct"),
        (tx_status::Ok, 0)
    );
    assert_eq!(count(reg, "nowhere", day, "direct").0, tx_status::NotFound);
    assert_eq!(last_error(), "organization `nowhere` not found");

    let inner = unsafe { &(*reg).inner };
    for org in ["sz-zlh", "ft-zlh", "ft-street"] {
        for date in [
            "2019-12-31",
            "2020-01-01",
            "2024-05-06",
            "2024-05-07",
            "2030-01-01",
        ] {
            let day = date.parse().unwrap();
            let members = inner
                .members(org, day, tongxin::MemberScope::Subtree)
                .unwrap();
            for p in ["p1", "p2", "p3", "p4"] {
                let mut b = false;
                let st = unsafe {
                    tx_registry_is_member_in_subtree(
                        reg,
                        c(p).as_ptr(),
                        c(org).as_ptr(),
                        c(date).as_ptr(),
                        &mut b,
                    )
                };
                assert_eq!(st, tx_status::Ok);
                let expected = members.contains(&tongxin::MemberRef::Person(p.into()));
                assert_eq!(b, expected, "{p} in {org} on {date}");
            }
        }
    }
    let mut b = false;
    let st = unsafe {
        tx_registry_is_member_in_subtree(
            reg,
            c("nobody").as_ptr(),
            c("sz-zlh").as_ptr(),
            c(day).as_ptr(),
            &mut b,
        )
    };
    assert_eq!(st, tx_status::NotFound);
    assert_eq!(last_error(), "person `nobody` not found");
    unsafe { tx_registry_free(reg) };
}

#[test]
fn rule_rejections_carry_core_codes_and_leave_the_registry_unchanged() {
    let reg = scenario();
    let before = unsafe { &(*reg).inner }.to_json();
    // A part-of branch above its parent.
    assert_eq!(
        add_org(
            reg,
            "bad",
            "bad",
            "municipal",
            "4403",
            "2024-06-01",
            Some("ft-zlh"),
            "part_of"
        ),
        tx_status::LevelOrder
    );
    assert!(last_error().contains("`bad` (municipal)"));
    assert_eq!(
        join(reg, "p2", "sz-zlh", "president", "2024-06-01"),
        tx_status::PresidentConflict
    );
    assert_eq!(
        join(reg, "p3", "ft-street", "member", "2024-06-01"),
        tx_status::OverlappingMembership
    );
    assert_eq!(
        add_person(reg, "p1", "again", "mass", "none"),
        tx_status::DuplicateId
    );
    assert_eq!(
        join(reg, "ghost", "ft-zlh", "member", "2024-06-01"),
        tx_status::NotFound
    );
    let leave = |p: &str| unsafe {
        tx_registry_leave(
            reg,
            c(AT).as_ptr(),
            c("clerk").as_ptr(),
            c(p).as_ptr(),
            c("ft-street").as_ptr(),
            c("2024-07-01").as_ptr(),
        )
    };
    assert_eq!(unsafe { &(*reg).inner }.to_json(), before);
    assert_eq!(leave("p4"), tx_status::Ok);
    assert_eq!(last_error(), "", "a success clears the message");
    assert_eq!(leave("p4"), tx_status::NoActiveMembership);
    assert_eq!(
        count(reg, "ft-street", "2024-07-01", "direct"),
        (tx_status::Ok, 2)
    );
    unsafe { tx_registry_free(reg) };
}

#[test]
fn apply_json_and_batch() {
    let reg = scenario();
    let meta = c(r#"{"at":"2024-06-01T10:00:00","actor":"clerk"}"#);
    let mut ev: *mut c_char = null_mut();
    let cmd = c(
        r#"{"type":"change_role","member":{"person":"p3"},"org":"ft-street","role":"council","date":"2024-06-01"}"#,
    );
    let st = unsafe { tx_registry_apply_json(reg, meta.as_ptr(), cmd.as_ptr(), &mut ev) };
    assert_eq!(st, tx_status::Ok, "{}", last_error());
    let event: serde_json::Value = serde_json::from_str(&take(ev)).unwrap();
    assert_eq!(event["seq"], 14);
    assert_eq!(event["command"]["type"], "change_role");

    let mut ev: *mut c_char = null_mut();
    for (m, cmd, status) in [
        (meta.as_ptr(), c("{not json"), tx_status::InvalidJson),
        (
            meta.as_ptr(),
            c(r#"{"type":"fly"}"#),
            tx_status::InvalidJson,
        ),
        (
            c("{}").into_raw().cast_const(),
            c(r#"{"type":"fly"}"#),
            tx_status::InvalidJson,
        ),
    ] {
        let st = unsafe { tx_registry_apply_json(reg, m, cmd.as_ptr(), &mut ev) };
        assert_eq!(st, status);
        assert!(ev.is_null());
        if m != meta.as_ptr() {
            drop(unsafe { CString::from_raw(m.cast_mut()) });
        }
    }

    let mut applied = 0usize;
    let mut failed = usize::MAX;
    let batch = c(r#"[
        {"type":"add_person","person":{"id":"p5","party":"mass","title":"none","stratum":"new_media"}},
        {"type":"join","membership":{"member":{"person":"p5"},"org":"ft-zlh","role":"member","start":"2024-06-01"}},
        {"type":"join","membership":{"member":{"person":"p5"},"org":"ft-zlh","role":"member","start":"2024-06-02"}}
    ]"#);
    let before = unsafe { &(*reg).inner }.to_json();
    let st = unsafe {
        tx_registry_apply_batch_json(
            reg,
            meta.as_ptr(),
            batch.as_ptr(),
            &mut applied,
            &mut failed,
        )
    };
    assert_eq!(st, tx_status::OverlappingMembership);
    assert_eq!((applied, failed), (0, 2));
    assert!(last_error().starts_with("command [2] (join): "));
    assert_eq!(unsafe { &(*reg).inner }.to_json(), before, "atomic");

    let malformed = c(
        r#"[{"type":"add_person","person":{"id":"p5","party":"mass","title":"none","stratum":"new_media"}}, {"type":"join"}]"#,
    );
    failed = usize::MAX;
    let st = unsafe {
        tx_registry_apply_batch_json(
            reg,
            meta.as_ptr(),
            malformed.as_ptr(),
            &mut applied,
            &mut failed,
        )
    };
    assert_eq!((st, failed), (tx_status::InvalidJson, 1));
    assert!(last_error().starts_with("argument `commands_json`: [1].membership: "));

    let good = c(r#"[
        {"type":"add_person","person":{"id":"p5","party":"mass","title":"none","stratum":"new_media"}},
        {"type":"join","membership":{"member":{"person":"p5"},"org":"ft-zlh","role":"member","start":"2024-06-01"}}
    ]"#);
    failed = usize::MAX;
    let st = unsafe {
        tx_registry_apply_batch_json(reg, meta.as_ptr(), good.as_ptr(), &mut applied, &mut failed)
    };
    assert_eq!((st, applied, failed), (tx_status::Ok, 2, usize::MAX));
    assert_eq!(
        count(reg, "ft-zlh", "2024-06-01", "direct"),
        (tx_status::Ok, 3)
    );
    unsafe { tx_registry_free(reg) };
}

#[test]
fn queries_answer_like_the_core() {
    let reg = scenario();
    let inner = unsafe { &(*reg).inner };
    let day = "2024-06-01".parse().unwrap();
    assert_eq!(
        query(
            reg,
            r#"{"type":"subtree","org":"sz-zlh","date":"2024-06-01"}"#
        )
        .unwrap(),
        r#"["sz-zlh","ft-zlh","ft-street"]"#
    );
    assert_eq!(
        query(
            reg,
            r#"{"type":"subtree","org":"sz-zlh","date":"2024-05-06"}"#
        )
        .unwrap(),
        r#"["sz-zlh","ft-zlh"]"#
    );
    assert_eq!(
        query(
            reg,
            r#"{"type":"children","org":"sz-zlh","date":"2024-06-01"}"#
        )
        .unwrap(),
        r#"["ft-zlh"]"#
    );
    assert_eq!(
        query(
            reg,
            r#"{"type":"ancestors","org":"ft-street","date":"2024-06-01"}"#
        )
        .unwrap(),
        r#"["ft-zlh","sz-zlh"]"#
    );
    assert_eq!(
        query(reg, r#"{"type":"roots","date":"2024-06-01"}"#).unwrap(),
        r#"["sz-zlh"]"#
    );
    assert_eq!(
        query(
            reg,
            r#"{"type":"members","org":"ft-zlh","date":"2024-06-01","scope":"with_branches"}"#
        )
        .unwrap(),
        r#"[{"person":"p1"},{"person":"p2"},{"person":"p3"},{"person":"p4"}]"#
    );
    assert_eq!(
        query(reg, r#"{"type":"organization","id":"ft-zlh"}"#).unwrap(),
        to(inner.organization("ft-zlh").unwrap())
    );
    assert_eq!(
        query(reg, r#"{"type":"person","id":"p2"}"#).unwrap(),
        to(inner.person("p2").unwrap())
    );
    assert_eq!(
        query(
            reg,
            r#"{"type":"active_memberships","org":"ft-street","date":"2024-06-01"}"#
        )
        .unwrap(),
        to(&inner
            .active_memberships("ft-street", day, tongxin::MemberScope::Direct)
            .unwrap())
    );
    assert_eq!(
        query(reg, r#"{"type":"memberships_of","member":{"person":"p1"}}"#).unwrap(),
        to(&inner
            .memberships_of(&tongxin::MemberRef::Person("p1".into()))
            .unwrap())
    );
    assert_eq!(
        query(reg, r#"{"type":"parent_history","org":"ft-street"}"#).unwrap(),
        to(&inner.parent_history("ft-street").unwrap())
    );
    assert_eq!(
        query(reg, r#"{"type":"search_organizations","prefix":"福田"}"#).unwrap(),
        to(&inner.search_organizations("福田"))
    );
    assert_eq!(
        query(reg, r#"{"type":"search_persons","prefix":"王"}"#).unwrap(),
        to(&inner.search_persons("王"))
    );
    assert_eq!(
        query(reg, r#"{"type":"counts"}"#).unwrap(),
        r#"{"organizations":3,"persons":4,"enterprises":0,"memberships":6}"#
    );
    for q in [
        "terms",
        "designations_of",
        "activities_of",
        "advice_of",
        "affiliations_of",
    ] {
        assert_eq!(
            query(reg, &format!(r#"{{"type":"{q}","org":"ft-zlh"}}"#)).unwrap(),
            "[]",
            "{q}"
        );
        let err = query(reg, &format!(r#"{{"type":"{q}","org":"nope"}}"#)).unwrap_err();
        assert_eq!(err.0, tx_status::NotFound, "{q}");
    }
    let (chained, head) = inner.chained_journal();
    assert_eq!(query(reg, r#"{"type":"journal"}"#).unwrap(), to(&chained));
    assert_eq!(
        query(reg, r#"{"type":"journal","after":12}"#).unwrap(),
        to(&chained[12..])
    );
    assert_eq!(
        query(reg, r#"{"type":"journal_head"}"#).unwrap(),
        format!(r#"{{"head":"{head}","events":{}}}"#, chained.len())
    );
    let (st, msg) = query(reg, r#"{"type":"organization","id":"nope"}"#).unwrap_err();
    assert_eq!(
        (st, msg.as_str()),
        (tx_status::NotFound, "organization `nope` not found")
    );
    assert_eq!(
        query(reg, r#"{"type":"enterprise","id":"e1"}"#)
            .unwrap_err()
            .0,
        tx_status::NotFound
    );
    let (st, msg) = query(reg, r#"{"type":"teleport"}"#).unwrap_err();
    assert_eq!(st, tx_status::InvalidJson);
    assert!(
        msg.starts_with("argument `query_json`: ") && msg.contains("teleport"),
        "{msg}"
    );
    assert_eq!(
        query(reg, r#"{"type":"roots","date":"2024-06-01","extra":1}"#)
            .unwrap_err()
            .0,
        tx_status::InvalidJson
    );
    assert_eq!(
        query(reg, r#"{"type":"roots"}"#).unwrap_err().0,
        tx_status::InvalidJson
    );
    unsafe { tx_registry_free(reg) };
}

/// Serializes anything serde can, for comparing with the binding's answers.
fn to<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

#[test]
fn snapshots_round_trip_byte_identical_to_rust() {
    let reg = scenario();
    let mut out: *mut c_char = null_mut();
    assert_eq!(unsafe { tx_registry_to_json(reg, &mut out) }, tx_status::Ok);
    let text = take(out);

    // The same scenario through the Rust API gives the same bytes.
    use tongxin::*;
    let meta = Meta {
        at: AT.parse().unwrap(),
        actor: "clerk".into(),
    };
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let mut rust = Registry::new();
    let org = |id: &str, name: &str, level, code: &str, founded: &str| Organization {
        id: id.into(),
        name: name.into(),
        name_en: None,
        kind: OrgKind::Zhilianhui,
        level,
        division_code: code.into(),
        carrier: None,
        category: None,
        founded: d(founded),
        dissolved: None,
        facilities: None,
        tags: vec![],
    };
    let add = |r: &mut Registry, o, parent: Option<&str>, relation| {
        r.apply(
            &meta,
            Command::AddOrganization {
                org: o,
                parent: parent.map(Into::into),
                relation,
            },
        )
        .unwrap();
    };
    add(
        &mut rust,
        org(
            "sz-zlh",
            "深圳市知联会",
            Level::Municipal,
            "4403",
            "2010-01-01",
        ),
        None,
        Relation::Guidance,
    );
    add(
        &mut rust,
        org(
            "ft-zlh",
            "福田区知联会",
            Level::District,
            "440304",
            "2015-01-01",
        ),
        Some("sz-zlh"),
        Relation::Guidance,
    );
    add(
        &mut rust,
        org(
            "ft-street",
            "福田区知联会福田街道分会",
            Level::Subdistrict,
            "440304004",
            "2024-05-07",
        ),
        Some("ft-zlh"),
        Relation::PartOf,
    );
    for (id, name, party, title) in [
        ("p1", "张伟", Party::NonParty, Title::Senior),
        ("p2", "李娜", Party::MinMeng, Title::Intermediate),
        ("p3", "王芳", Party::JiuSan, Title::AssociateSenior),
        ("p4", "陈刚", Party::NonParty, Title::Intermediate),
    ] {
        let person = Person {
            id: id.into(),
            name: Some(name.into()),
            sex: None,
            birth: None,
            ethnicity: None,
            party,
            title,
            stratum: Stratum::None,
            education: None,
            returned_overseas: false,
            employer: None,
            profession: None,
            resident_id: None,
            political_posts: vec![],
        };
        rust.apply(&meta, Command::AddPerson { person }).unwrap();
    }
    for (p, o, role, start) in [
        ("p1", "sz-zlh", Role::President, "2020-01-01"),
        ("p1", "ft-zlh", Role::Member, "2020-01-01"),
        ("p2", "ft-zlh", Role::VicePresident, "2021-03-01"),
        ("p2", "ft-street", Role::Council, "2024-05-07"),
        ("p3", "ft-street", Role::Member, "2024-05-07"),
        ("p4", "ft-street", Role::Member, "2024-05-07"),
    ] {
        let membership = Membership {
            member: MemberRef::Person(p.into()),
            org: o.into(),
            role,
            start: d(start),
            end: None,
            founding: false,
            source: None,
        };
        rust.apply(&meta, Command::Join { membership }).unwrap();
    }
    assert_eq!(text, rust.to_json());

    // Loading and writing again gives the same bytes.
    let mut loaded: *mut tx_registry = null_mut();
    assert_eq!(
        unsafe { tx_registry_from_json(c(&text).as_ptr(), &mut loaded) },
        tx_status::Ok
    );
    let mut again: *mut c_char = null_mut();
    assert_eq!(
        unsafe { tx_registry_to_json(loaded, &mut again) },
        tx_status::Ok
    );
    assert_eq!(take(again), text);

    // A future schema version, a tampered snapshot, and garbage are refused.
    let mut none: *mut tx_registry = null_mut();
    let future = text.replacen("\"schema_version\": 2", "\"schema_version\": 99", 1);
    assert_ne!(future, text);
    assert_eq!(
        unsafe { tx_registry_from_json(c(&future).as_ptr(), &mut none) },
        tx_status::UnsupportedSchemaVersion
    );
    let tampered = text.replacen("深圳市知联会", "深圳市知联会（改）", 1);
    assert_eq!(
        unsafe { tx_registry_from_json(c(&tampered).as_ptr(), &mut none) },
        tx_status::SnapshotMismatch
    );
    assert_eq!(
        unsafe { tx_registry_from_json(c("[1,2").as_ptr(), &mut none) },
        tx_status::InvalidJson
    );
    assert!(none.is_null());
    unsafe {
        tx_registry_free(loaded);
        tx_registry_free(reg);
    }
}

#[test]
fn last_error_buffer_semantics() {
    let reg = scenario();
    assert_eq!(
        count(reg, "nowhere", "2024-06-01", "direct").0,
        tx_status::NotFound
    );
    let full = "organization `nowhere` not found";
    let mut n = 0usize;
    // Size query.
    assert_eq!(
        unsafe { tx_last_error_message(null_mut(), 0, &mut n) },
        tx_status::BufferTooSmall
    );
    assert_eq!(n, full.len() + 1);
    // Too small: a NUL-terminated prefix.
    let mut small = [1 as c_char; 8];
    assert_eq!(
        unsafe { tx_last_error_message(small.as_mut_ptr(), small.len(), &mut n) },
        tx_status::BufferTooSmall
    );
    assert_eq!(
        unsafe { CStr::from_ptr(small.as_ptr()) }.to_str().unwrap(),
        &full[..7]
    );
    // Exactly enough.
    let mut exact = vec![1 as c_char; full.len() + 1];
    assert_eq!(
        unsafe { tx_last_error_message(exact.as_mut_ptr(), exact.len(), &mut n) },
        tx_status::Ok
    );
    assert_eq!(n, full.len());
    // Reading does not clear it.
    assert_eq!(last_error(), full);
    // A cut never splits a UTF-8 character.
    assert_eq!(
        count(reg, "组织", "2024-06-01", "direct").0,
        tx_status::NotFound
    );
    let mut buf = [1 as c_char; 17]; // "organization `组" needs 17 bytes + NUL
    assert_eq!(
        unsafe { tx_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) },
        tx_status::BufferTooSmall
    );
    assert_eq!(
        unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap(),
        "organization `"
    );
    unsafe { tx_registry_free(reg) };
}

#[test]
fn last_error_is_per_thread_and_handles_move_between_threads() {
    struct Handle(*mut tx_registry);
    // SAFETY (test): the handle is used by one thread at a time.
    unsafe impl Send for Handle {}
    let h = Handle(scenario());
    assert_eq!(
        count(h.0, "nowhere", "2024-06-01", "direct").0,
        tx_status::NotFound
    );
    let h = std::thread::spawn(move || {
        let h = h;
        assert_eq!(last_error(), "", "another thread's message is not visible");
        assert_eq!(
            count(h.0, "ft-zlh", "2024-06-01", "subtree"),
            (tx_status::Ok, 4)
        );
        assert_eq!(
            add_person(h.0, "p1", "x", "mass", "none"),
            tx_status::DuplicateId
        );
        h
    })
    .join()
    .unwrap();
    assert_eq!(last_error(), "organization `nowhere` not found");
    unsafe { tx_registry_free(h.0) };
}

// ---------------------------------------------------------------- statistics

/// Runs `f` (a function of the `tx_registry_stats_json` shape) and takes its answer, checking
/// that nothing is written on failure.
fn take_answer(
    f: unsafe extern "C" fn(*const tx_registry, *const c_char, *mut *mut c_char) -> tx_status,
    reg: *const tx_registry,
    q: &str,
) -> Result<String, (tx_status, String)> {
    let mut out: *mut c_char = null_mut();
    let st = unsafe { f(reg, c(q).as_ptr(), &mut out) };
    if st == tx_status::Ok {
        Ok(take(out))
    } else {
        assert!(out.is_null(), "out written on failure");
        Err((st, last_error()))
    }
}

fn stats_json(reg: *const tx_registry, q: &str) -> Result<String, (tx_status, String)> {
    take_answer(tx_registry_stats_json, reg, q)
}

fn stats_csv(reg: *const tx_registry, q: &str) -> Result<String, (tx_status, String)> {
    take_answer(tx_registry_stats_csv, reg, q)
}

fn rollup_total(reg: *const tx_registry, org: &str, date: &str) -> (tx_status, usize) {
    let mut n = usize::MAX;
    let st = unsafe { tx_registry_rollup_total(reg, c(org).as_ptr(), c(date).as_ptr(), &mut n) };
    (st, n)
}

/// Commands (as the core's command JSON) that give the scenario something to count: a person
/// with a political post and a birth date, an enterprise, activities, a designation, advice,
/// and a leave.
const RICH_COMMANDS: &str = r#"[
    {"type":"add_person","person":{"id":"p5","name":"赵敏","sex":"female","birth":"1990-03",
     "ethnicity":"回族","party":"cpc","title":"senior","stratum":"freelancer",
     "political_posts":[{"body":"npc","level":"district","from":"2021-01"}]}},
    {"type":"join","membership":{"member":{"person":"p5"},"org":"ft-street","role":"member",
     "start":"2024-05-07"}},
    {"type":"add_enterprise","enterprise":{"id":"e1","name":"深圳某科技有限公司",
     "credit_code":"91110000600037341L"}},
    {"type":"join","membership":{"member":{"enterprise":"e1"},"org":"ft-zlh",
     "role":"member_unit","start":"2024-01-01"}},
    {"type":"record_activity","activity":{"id":"a1","org":"ft-street","date":"2024-05-20",
     "kind":"reception","participants_offline":30,"delegations":2}},
    {"type":"record_activity","activity":{"id":"a2","org":"ft-zlh","date":"2024-06",
     "kind":"training","participants_online":50}},
    {"type":"record_designation","designation":{"id":"d1","org":"ft-zlh","title":"advanced_unit",
     "name":"先进单位","level":"municipal","issuer":"市委统战部","conferred":"2023-03"}},
    {"type":"record_advice","advice":{"id":"adv1","org":"ft-street","authors":["p3"],
     "date":"2024-05-30","kind":"proposal","title":"关于园区统战工作的提案"}},
    {"type":"leave","member":{"person":"p4"},"org":"ft-street","date":"2024-06-15"}
]"#;

/// The scenario with [`RICH_COMMANDS`] applied.
fn rich_scenario() -> *mut tx_registry {
    let reg = scenario();
    let meta = c(r#"{"at":"2024-06-20T10:00:00","actor":"clerk"}"#);
    let (mut applied, mut failed) = (0usize, usize::MAX);
    let st = unsafe {
        tx_registry_apply_batch_json(
            reg,
            meta.as_ptr(),
            c(RICH_COMMANDS).as_ptr(),
            &mut applied,
            &mut failed,
        )
    };
    assert_eq!(st, tx_status::Ok, "[{failed}] {}", last_error());
    assert_eq!(applied, 9);
    reg
}

/// A street table for coverage at the township level (the bundled table stops at counties).
const STREETS_CSV: &str = "code,name,parent_code\n440304001,南园街道,440304\n\
                           440304004,福田街道,440304\n440304008,沙头街道,440304\n";

#[test]
fn stats_json_equals_the_core_results_serialized() {
    use tongxin::ids::{DivisionCode, DivisionLevel, DivisionTable};
    use tongxin::stats::{self, Dimension, Every, OrgDimension, Period};
    let reg = rich_scenario();
    let inner = unsafe { &(*reg).inner };
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let year = Period::new(d("2024-01-01"), d("2024-12-31"));
    let mut streets = DivisionTable::bundled().unwrap();
    streets.load_level_csv(STREETS_CSV).unwrap();
    let bundled = DivisionTable::bundled().unwrap();
    let streets_json = serde_json::to_string(STREETS_CSV).unwrap();
    let cases: Vec<(String, String)> = vec![
        (
            r#"{"stat":"rollup","as_of":"2024-06-01","by":"party"}"#.into(),
            to(&stats::rollup(inner, d("2024-06-01"), Some(Dimension::Party))),
        ),
        (
            r#"{"stat":"rollup","as_of":"2024-06-01"}"#.into(),
            to(&stats::rollup(inner, d("2024-06-01"), None)),
        ),
        (
            r#"{"stat":"rollup","as_of":"2024-06-20","by":"age"}"#.into(),
            to(&stats::rollup(inner, d("2024-06-20"), Some(Dimension::Age))),
        ),
        (
            r#"{"stat":"rollup","as_of":"2024-06-01","by":"role"}"#.into(),
            to(&stats::rollup(inner, d("2024-06-01"), Some(Dimension::Role))),
        ),
        (
            r#"{"stat":"org_rollup","as_of":"2024-06-01","by":"level"}"#.into(),
            to(&stats::org_rollup(inner, d("2024-06-01"), OrgDimension::Level)),
        ),
        (
            r#"{"stat":"coverage","kind":"zhilianhui","within":"440300","level":"county",
                "as_of":"2024-06-01"}"#
                .into(),
            to(&stats::coverage(
                inner,
                &bundled,
                tongxin::OrgKind::Zhilianhui,
                &DivisionCode::parse("4403").unwrap(),
                DivisionLevel::County,
                None,
                d("2024-06-01"),
            )
            .unwrap()),
        ),
        (
            format!(
                r#"{{"stat":"coverage","kind":"zhilianhui","within":"440304","level":"township",
                    "org_level":"subdistrict","as_of":"2024-06-01","streets_csv":{streets_json}}}"#
            ),
            to(&stats::coverage(
                inner,
                &streets,
                tongxin::OrgKind::Zhilianhui,
                &DivisionCode::parse("440304").unwrap(),
                DivisionLevel::Township,
                Some(tongxin::Level::Subdistrict),
                d("2024-06-01"),
            )
            .unwrap()),
        ),
        (
            r#"{"stat":"series","from":"2024-01-01","to":"2024-07-31","every":"month","by":"title"}"#
                .into(),
            to(&stats::rollup_series(
                inner,
                &stats::period_ends(d("2024-01-01"), d("2024-07-31"), Every::Month),
                Some(Dimension::Title),
            )),
        ),
        (
            r#"{"stat":"growth","root":"sz-zlh","periods":[{"from":"2024-01-01","to":"2024-05-31"},
                {"from":"2024-06-01","to":"2024-06-30"}]}"#
                .into(),
            to(&stats::growth(
                inner,
                "sz-zlh",
                &[
                    Period::new(d("2024-01-01"), d("2024-05-31")),
                    Period::new(d("2024-06-01"), d("2024-06-30")),
                ],
            )
            .unwrap()),
        ),
        (
            r#"{"stat":"activity_totals","root":"sz-zlh","from":"2024-01-01","to":"2024-12-31"}"#
                .into(),
            to(&stats::activity_totals(inner, "sz-zlh", year, None).unwrap()),
        ),
        (
            r#"{"stat":"activity_totals","root":"ft-zlh","from":"2024-01-01","to":"2024-12-31",
                "kind":"reception"}"#
                .into(),
            to(&stats::activity_totals(
                inner,
                "ft-zlh",
                year,
                Some(tongxin::ActivityKind::Reception),
            )
            .unwrap()),
        ),
        (
            r#"{"stat":"activities_in","root":"sz-zlh","from":"2024-01-01","to":"2024-12-31"}"#
                .into(),
            to(&stats::activities_in(inner, "sz-zlh", year, None).unwrap()),
        ),
        (
            r#"{"stat":"advice_in","root":"sz-zlh","from":"2024-01-01","to":"2024-12-31",
                "kinds":["proposal"]}"#
                .into(),
            to(&stats::advice_in(inner, "sz-zlh", year, &[tongxin::AdviceKind::Proposal]).unwrap()),
        ),
        (
            r#"{"stat":"designations_in_force","root":"sz-zlh","as_of":"2024-06-01"}"#.into(),
            to(&stats::designations_in_force(inner, "sz-zlh", d("2024-06-01")).unwrap()),
        ),
        (
            r#"{"stat":"designations_by_level_year","root":"sz-zlh"}"#.into(),
            to(&stats::designations_by_level_year(inner, "sz-zlh").unwrap()),
        ),
        (
            r#"{"stat":"political_arrangements","root":"sz-zlh","as_of":"2024-06-01"}"#.into(),
            to(&stats::political_arrangements(inner, "sz-zlh", d("2024-06-01")).unwrap()),
        ),
        (
            r#"{"stat":"suppressed_rollup","as_of":"2024-06-01","by":"party","k":2}"#.into(),
            to(&stats::suppress(
                inner,
                &stats::rollup(inner, d("2024-06-01"), Some(Dimension::Party)),
                2,
            )),
        ),
    ];
    for (q, expected) in &cases {
        assert_eq!(&stats_json(reg, q).unwrap(), expected, "{q}");
    }
    // The scenario really has something to count.
    let totals: serde_json::Value = serde_json::from_str(&cases[9].1).unwrap();
    assert_eq!(totals["events"], 2);
    assert_eq!(totals["participants_offline"], 30);
    let arrangements: serde_json::Value = serde_json::from_str(&cases[15].1).unwrap();
    assert_eq!(arrangements["npc"], 1);
    let coverage: serde_json::Value = serde_json::from_str(&cases[6].1).unwrap();
    assert_eq!(coverage["rows"].as_array().unwrap().len(), 3);
    assert_eq!(coverage["rows"][1]["organizations"][0], "ft-street");
    let advice: serde_json::Value = serde_json::from_str(&cases[12].1).unwrap();
    assert_eq!(advice[0]["id"], "adv1");
    let in_force: serde_json::Value = serde_json::from_str(&cases[13].1).unwrap();
    assert_eq!(in_force[0][0]["id"], "d1");
    assert_eq!(in_force[0][1], "certainly");
    let growth: serde_json::Value = serde_json::from_str(&cases[8].1).unwrap();
    assert_eq!(growth[1]["leaves"], 1);
    let by_party: serde_json::Value = serde_json::from_str(&cases[0].1).unwrap();
    assert_eq!(by_party["rows"][0]["org_id"], "sz-zlh");
    assert_eq!(by_party["rows"][0]["total"], 5);
    assert_eq!(by_party["rows"][0]["enterprises"], 1);
    unsafe { tx_registry_free(reg) };
}

#[test]
fn stats_csv_is_the_core_table() {
    use tongxin::stats::{self, Dimension, OrgDimension, Period, Table};
    let reg = rich_scenario();
    let inner = unsafe { &(*reg).inner };
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let by_party = stats::rollup(inner, d("2024-06-01"), Some(Dimension::Party));
    let csv = stats_csv(
        reg,
        r#"{"stat":"rollup","as_of":"2024-06-01","by":"party"}"#,
    )
    .unwrap();
    assert_eq!(csv, Table::from(&by_party).to_csv());
    assert!(
        csv.starts_with("org_id,total,cpc,non_party,") && csv.contains("\nsz-zlh,5,1,2,"),
        "{csv}"
    );
    assert_eq!(
        stats_csv(
            reg,
            r#"{"stat":"org_rollup","as_of":"2024-06-01","by":"kind"}"#
        )
        .unwrap(),
        Table::from(&stats::org_rollup(
            inner,
            d("2024-06-01"),
            OrgDimension::Kind
        ))
        .to_csv()
    );
    let published = stats::suppress(inner, &by_party, 3);
    let csv = stats_csv(
        reg,
        r#"{"stat":"suppressed_rollup","as_of":"2024-06-01","by":"party","k":3}"#,
    )
    .unwrap();
    assert_eq!(csv, Table::from(&published).to_csv());
    assert!(csv.contains('*'), "{csv}");
    let periods = [Period::new(d("2024-01-01"), d("2024-12-31"))];
    assert_eq!(
        stats_csv(
            reg,
            r#"{"stat":"growth","root":"ft-zlh","periods":[{"from":"2024-01-01","to":"2024-12-31"}]}"#
        )
        .unwrap(),
        Table::from(stats::growth(inner, "ft-zlh", &periods).unwrap().as_slice()).to_csv()
    );
    let csv = stats_csv(
        reg,
        r#"{"stat":"coverage","kind":"zhilianhui","within":"4403","level":"county","as_of":"2024-06-01"}"#,
    )
    .unwrap();
    assert!(
        csv.starts_with("division_code,name,covered,organizations\n")
            && csv.contains("440304,福田区,true,ft-zlh;ft-street\n"),
        "{csv}"
    );
    // Statistics without a table in the core are refused before computing.
    for q in [
        r#"{"stat":"series","from":"2024-01-01","to":"2024-03-31","every":"month"}"#,
        r#"{"stat":"activity_totals","root":"sz-zlh","from":"2024-01-01","to":"2024-12-31"}"#,
        r#"{"stat":"activities_in","root":"nowhere","from":"2024-01-01","to":"2024-12-31"}"#,
        r#"{"stat":"advice_in","root":"sz-zlh","from":"2024-01-01","to":"2024-12-31"}"#,
        r#"{"stat":"designations_in_force","root":"sz-zlh","as_of":"2024-06-01"}"#,
        r#"{"stat":"designations_by_level_year","root":"sz-zlh"}"#,
        r#"{"stat":"political_arrangements","root":"sz-zlh","as_of":"2024-06-01"}"#,
    ] {
        let (st, msg) = stats_csv(reg, q).unwrap_err();
        assert_eq!(st, tx_status::InvalidArgument, "{q}");
        assert!(
            msg.starts_with("stat `") && msg.contains("has no CSV form"),
            "{msg}"
        );
    }
    unsafe { tx_registry_free(reg) };
}

#[test]
fn stats_reject_bad_queries() {
    let reg = rich_scenario();
    for f in [stats_json, stats_csv] {
        // Not JSON, an unknown stat, no tag, a missing field, an unknown field, bad values.
        for q in [
            "{not json",
            "[]",
            r#"{"stat":"teleport","as_of":"2024-06-01"}"#,
            r#"{"as_of":"2024-06-01"}"#,
            r#"{"stat":"rollup"}"#,
            r#"{"stat":"rollup","as_of":"2024-06-01","colour":"red"}"#,
            r#"{"stat":"rollup","as_of":"2024-13-01"}"#,
            r#"{"stat":"rollup","as_of":"2024-06-01","by":"colour"}"#,
            r#"{"stat":"org_rollup","as_of":"2024-06-01"}"#,
            r#"{"stat":"org_rollup","as_of":"2024-06-01","by":"party"}"#,
            r#"{"stat":"suppressed_rollup","as_of":"2024-06-01","k":-1}"#,
            r#"{"stat":"coverage","kind":"club","within":"4403","level":"county","as_of":"2024-06-01"}"#,
            r#"{"stat":"coverage","kind":"zhilianhui","within":"4403","level":"district","as_of":"2024-06-01"}"#,
            r#"{"stat":"growth","root":"sz-zlh","periods":[{"from":"2024-01-01"}]}"#,
            r#"{"stat":"series","from":"2024-01-01","to":"2024-03-31","every":"week"}"#,
        ] {
            let (st, msg) = f(reg, q).unwrap_err();
            assert_eq!(st, tx_status::InvalidJson, "{q}: {msg}");
            assert!(msg.starts_with("argument `query_json`: "), "{msg}");
        }
        let (_, msg) = f(reg, r#"{"stat":"teleport"}"#).unwrap_err();
        assert!(msg.contains("teleport") && msg.contains("rollup"), "{msg}");
        // Unknown roots are the core's not_found.
        let (st, msg) = f(reg, r#"{"stat":"growth","root":"nowhere","periods":[]}"#).unwrap_err();
        assert_eq!(
            (st, msg.as_str()),
            (tx_status::NotFound, "organization `nowhere` not found")
        );
        // Division problems are the core's division error.
        for (q, part) in [
            (
                r#"{"stat":"coverage","kind":"zhilianhui","within":"44030x","level":"county","as_of":"2024-06-01"}"#,
                "field `within`: division: character 6 `x`",
            ),
            (
                r#"{"stat":"coverage","kind":"zhilianhui","within":"4403","level":"township","as_of":"2024-06-01"}"#,
                "level township is not loaded",
            ),
            (
                r#"{"stat":"coverage","kind":"zhilianhui","within":"4403","level":"township","as_of":"2024-06-01","streets_csv":"code,name,parent_code\n440399001,某街道,440399\n"}"#,
                "field `streets_csv`: division: division table line 2",
            ),
            (
                r#"{"stat":"coverage","kind":"zhilianhui","within":"4403","level":"village","as_of":"2024-06-01","villages_csv":"no header"}"#,
                "field `villages_csv`",
            ),
        ] {
            let (st, msg) = f(reg, q).unwrap_err();
            assert_eq!(st, tx_status::Division, "{q}: {msg}");
            assert!(msg.contains(part), "{msg}");
        }
    }
    // NULL and invalid UTF-8.
    let q = c(r#"{"stat":"rollup","as_of":"2024-06-01"}"#);
    let bad = CString::new(vec![b'{', 0xff]).unwrap();
    let mut out: *mut c_char = null_mut();
    for f in [tx_registry_stats_json, tx_registry_stats_csv] {
        unsafe {
            assert_eq!(f(null(), q.as_ptr(), &mut out), tx_status::NullArgument);
            assert_eq!(last_error(), "argument `reg` is NULL");
            assert_eq!(f(reg, null(), &mut out), tx_status::NullArgument);
            assert_eq!(last_error(), "argument `query_json` is NULL");
            assert_eq!(f(reg, q.as_ptr(), null_mut()), tx_status::NullArgument);
            assert!(last_error().starts_with("argument `out_"));
            assert_eq!(f(reg, bad.as_ptr(), &mut out), tx_status::InvalidUtf8);
            assert!(last_error().contains("`query_json` is not valid UTF-8"));
        }
    }
    assert!(out.is_null());
    unsafe { tx_registry_free(reg) };
}

#[test]
fn rollup_total_is_the_core_rollup_row() {
    use tongxin::stats;
    let reg = rich_scenario();
    let inner = unsafe { &(*reg).inner };
    for date in [
        "2019-12-31",
        "2020-01-01",
        "2024-05-06",
        "2024-06-01",
        "2024-06-15",
    ] {
        let day = date.parse().unwrap();
        let rollup = stats::rollup(inner, day, None);
        for org in ["sz-zlh", "ft-zlh", "ft-street"] {
            let expected = rollup.row(org).map_or(0, |r| r.total) as usize;
            assert_eq!(
                rollup_total(reg, org, date),
                (tx_status::Ok, expected),
                "{org} {date}"
            );
            // Persons only: the subtree's distinct members less its enterprises.
            let members = inner
                .members(org, day, tongxin::MemberScope::Subtree)
                .unwrap();
            let persons = members
                .iter()
                .filter(|m| matches!(m, tongxin::MemberRef::Person(_)))
                .count();
            assert_eq!(expected, persons, "{org} {date}");
        }
    }
    assert_eq!(
        rollup_total(reg, "sz-zlh", "2024-06-01"),
        (tx_status::Ok, 5)
    );
    assert_eq!(
        rollup_total(reg, "sz-zlh", "2024-06-15"),
        (tx_status::Ok, 4)
    );
    assert_eq!(
        rollup_total(reg, "ft-street", "2024-05-06"),
        (tx_status::Ok, 0)
    );
    assert_eq!(
        rollup_total(reg, "sz-zlh", "2009-12-31"),
        (tx_status::Ok, 0)
    );
    assert_eq!(
        rollup_total(reg, "nowhere", "2024-06-01"),
        (tx_status::NotFound, usize::MAX)
    );
    assert_eq!(last_error(), "organization `nowhere` not found");
    assert_eq!(
        rollup_total(reg, "sz-zlh", "2024-02-30"),
        (tx_status::InvalidArgument, usize::MAX)
    );
    assert!(last_error().starts_with("argument `date`: `2024-02-30` is not a date"));
    let (p, mut n) = (c("x"), 7usize);
    unsafe {
        let chk = |st: tx_status, param: &str| {
            assert_eq!(st, tx_status::NullArgument);
            assert_eq!(last_error(), format!("argument `{param}` is NULL"));
        };
        chk(
            tx_registry_rollup_total(null(), p.as_ptr(), p.as_ptr(), &mut n),
            "reg",
        );
        chk(
            tx_registry_rollup_total(reg, null(), p.as_ptr(), &mut n),
            "org_id",
        );
        chk(
            tx_registry_rollup_total(reg, p.as_ptr(), null(), &mut n),
            "date",
        );
        chk(
            tx_registry_rollup_total(reg, p.as_ptr(), p.as_ptr(), null_mut()),
            "out",
        );
        let bad = CString::new(vec![b'o', 0xff]).unwrap();
        assert_eq!(
            tx_registry_rollup_total(reg, bad.as_ptr(), p.as_ptr(), &mut n),
            tx_status::InvalidUtf8
        );
    }
    assert_eq!(n, 7);
    unsafe { tx_registry_free(reg) };
}

// ---------------------------------------------------------------- identifiers

type Check = unsafe extern "C" fn(*const c_char, *mut *mut c_char) -> tx_status;

fn check_id(f: Check, text: &str) -> Result<String, (tx_status, String)> {
    let mut out: *mut c_char = null_mut();
    let st = unsafe { f(c(text).as_ptr(), &mut out) };
    if st == tx_status::Ok {
        Ok(take(out))
    } else {
        assert!(out.is_null(), "out written on failure");
        Err((st, last_error()))
    }
}

#[test]
fn resident_id_check_gives_the_core_reading() {
    use tongxin::ids::ResidentId;
    assert_eq!(
        check_id(tx_resident_id_check, "11010519491231002x").unwrap(),
        r#"{"number":"11010519491231002X","birth_date":"1949-12-31","sex":"female","masked":"110105********002X"}"#
    );
    let ok = check_id(tx_resident_id_check, "360426199101010071").unwrap();
    let id = ResidentId::parse("360426199101010071").unwrap();
    let v: serde_json::Value = serde_json::from_str(&ok).unwrap();
    assert_eq!(v["number"], id.as_str());
    assert_eq!(v["birth_date"], id.birth_date().to_string());
    assert_eq!(v["sex"], "male");
    assert_eq!(v["masked"], id.masked());
    // A legacy 15-digit number is converted.
    let legacy = check_id(tx_resident_id_check, "110105491231002").unwrap();
    assert!(
        legacy.starts_with(r#"{"number":"11010519491231002X""#),
        "{legacy}"
    );
    for bad in [
        "",
        "36042619910101007",
        "36042619910101007A",
        "3604261991010100711",
        "990426199101010071",
        "360426199102300071",
        "360426199101010072",
        "三60426199101010071",
    ] {
        let e = ResidentId::parse(bad).unwrap_err();
        let (st, msg) = check_id(tx_resident_id_check, bad).unwrap_err();
        assert_eq!(st, tx_status::InvalidIdentifier, "{bad}");
        assert_eq!(msg, format!("argument `text`: {e} ({})", e.code()));
    }
    let (_, msg) = check_id(tx_resident_id_check, "360426199101010072").unwrap_err();
    assert!(msg.ends_with("expected `1` (resident_id_check)"), "{msg}");
}

#[test]
fn credit_code_check_gives_the_core_reading() {
    use tongxin::ids::CreditCode;
    assert_eq!(
        check_id(tx_credit_code_check, "91110000600037341l").unwrap(),
        r#"{"code":"91110000600037341L","authority":"9","authority_name":"市场监管(工商)","category":"91","category_name":"企业","division_code":"110000","organization_code":"600037341"}"#
    );
    let v: serde_json::Value =
        serde_json::from_str(&check_id(tx_credit_code_check, "12100000400009880K").unwrap())
            .unwrap();
    assert_eq!(v["category_name"], "事业单位");
    for bad in [
        "",
        "91110000600037341",
        "91110000600037341I",
        "X1110000600037341L",
        "911100006000373410",
        "91110000600037342L",
    ] {
        let e = CreditCode::parse(bad).unwrap_err();
        let (st, msg) = check_id(tx_credit_code_check, bad).unwrap_err();
        assert_eq!(st, tx_status::InvalidIdentifier, "{bad}");
        assert_eq!(msg, format!("argument `text`: {e} ({})", e.code()));
    }
}

#[test]
fn division_code_check_gives_the_core_reading() {
    use tongxin::ids::DivisionCode;
    for (text, expected) in [
        (
            "440300",
            r#"{"code":"4403","level":"city","padded6":"440300","name":"深圳市"}"#,
        ),
        (
            "440304",
            r#"{"code":"440304","level":"county","padded6":"440304","name":"福田区"}"#,
        ),
        (
            "44",
            r#"{"code":"44","level":"province","padded6":"440000","name":"广东省"}"#,
        ),
        (
            "440304004000",
            r#"{"code":"440304004","level":"township","padded6":null,"name":null}"#,
        ),
        (
            "440304004001",
            r#"{"code":"440304004001","level":"village","padded6":null,"name":null}"#,
        ),
        (
            "00",
            r#"{"code":"00","level":"national","padded6":"000000","name":null}"#,
        ),
        (
            "449999",
            r#"{"code":"449999","level":"county","padded6":"449999","name":null}"#,
        ),
    ] {
        assert_eq!(
            check_id(tx_division_code_check, text).unwrap(),
            expected,
            "{text}"
        );
    }
    for bad in ["", "4", "44030", "44030x", "4403000", "４４"] {
        let e = DivisionCode::parse(bad).unwrap_err();
        let (st, msg) = check_id(tx_division_code_check, bad).unwrap_err();
        assert_eq!(st, tx_status::InvalidIdentifier, "{bad}");
        assert_eq!(msg, format!("argument `text`: {e} ({})", e.code()));
    }
}

#[test]
fn identifier_checks_refuse_null_and_invalid_utf8() {
    let bad = CString::new(vec![b'4', 0xff]).unwrap();
    let p = c("440300");
    let mut out: *mut c_char = null_mut();
    for (f, out_name) in [
        (tx_resident_id_check as Check, "out_normalized_json"),
        (tx_credit_code_check, "out_json"),
        (tx_division_code_check, "out_json"),
    ] {
        unsafe {
            assert_eq!(f(null(), &mut out), tx_status::NullArgument);
            assert_eq!(last_error(), "argument `text` is NULL");
            assert_eq!(f(p.as_ptr(), null_mut()), tx_status::NullArgument);
            assert_eq!(last_error(), format!("argument `{out_name}` is NULL"));
            assert_eq!(f(bad.as_ptr(), &mut out), tx_status::InvalidUtf8);
            assert_eq!(
                last_error(),
                "argument `text` is not valid UTF-8 (invalid byte at offset 1)"
            );
        }
    }
    assert!(out.is_null());
}

// ---------------------------------------------------------------- interchange

use tongxin::interchange as ic;

const IMPORT_META: &str = r#"{"at":"2024-06-01T09:00:00","actor":"import"}"#;

/// Roster files in the core's tables: a child listed before its parents, an enterprise member.
const ORGS_CSV: &str = "id,parent_id,level,kind,division_code,founded,dissolved,name,relation\n\
    ft-street,ft,subdistrict,zhilianhui,440304004,2024-05-07,,福田街道分会,part_of\n\
    sz,,municipal,zhilianhui,4403,2008-06-01,,深圳市知联会,\n\
    ft,sz,district,zhilianhui,440304,2015-01-01,,福田区知联会,\n";
const PERSONS_CSV: &str = "id,name,sex,party,title,stratum,birth_year,resident_id\n\
    p1,李明,male,min_meng,senior,none,1949,11010519491231002X\n\
    p2,王芳,female,jiu_san,associate_senior,none,1991,\n";
const MEMBERSHIPS_CSV: &str = "person_id,org_id,role,start,end,member_type\n\
    p1,ft,president,2015-01-01,,\n\
    p2,ft-street,member,2024-05-07,,\n\
    e1,ft,member_unit,2020-01-01,,enterprise\n";
const ENTERPRISES_CSV: &str = "id,name,credit_code\ne1,示例科技有限公司,91110000600037341L\n";

/// The four roster buffers in the argument order (orgs, persons, memberships, enterprises).
type Files<'a> = [Option<&'a [u8]>; 4];

fn fixture_files() -> Files<'static> {
    [
        Some(ORGS_CSV.as_bytes()),
        Some(PERSONS_CSV.as_bytes()),
        Some(MEMBERSHIPS_CSV.as_bytes()),
        Some(ENTERPRISES_CSV.as_bytes()),
    ]
}

fn buf(b: Option<&[u8]>) -> (*const u8, usize) {
    b.map_or((null(), 0), |b| (b.as_ptr(), b.len()))
}

/// A failed import: status, message, and the report when one was written.
type ImportFailure = (tx_status, String, Option<String>);

/// Imports through the C ABI, asking for the report.
fn import_c(
    reg: *mut tx_registry,
    files: Files,
    options: Option<&str>,
) -> Result<String, ImportFailure> {
    let [o, p, m, e] = files.map(buf);
    let options = options.map(c);
    let mut out: *mut c_char = null_mut();
    let mut report: *mut c_char = null_mut();
    let st = unsafe {
        tx_registry_import_rosters(
            reg,
            c(IMPORT_META).as_ptr(),
            o.0,
            o.1,
            p.0,
            p.1,
            m.0,
            m.1,
            e.0,
            e.1,
            options.as_ref().map_or(null(), |s| s.as_ptr()),
            &mut out,
            &mut report,
        )
    };
    if st == tx_status::Ok {
        assert!(report.is_null(), "report written on success");
        Ok(take(out))
    } else {
        assert!(out.is_null(), "summary written on failure");
        let msg = last_error();
        let report = (!report.is_null()).then(|| take(report));
        assert_eq!(report.is_some(), st == tx_status::Import, "{st:?}");
        Err((st, msg, report))
    }
}

fn check_c(reg: *const tx_registry, files: Files, options: Option<&str>) -> String {
    let [o, p, m, e] = files.map(buf);
    let options = options.map(c);
    let mut out: *mut c_char = null_mut();
    let st = unsafe {
        tx_registry_check_rosters(
            reg,
            c(IMPORT_META).as_ptr(),
            o.0,
            o.1,
            p.0,
            p.1,
            m.0,
            m.1,
            e.0,
            e.1,
            options.as_ref().map_or(null(), |s| s.as_ptr()),
            &mut out,
        )
    };
    assert_eq!(st, tx_status::Ok, "{}", last_error());
    take(out)
}

/// Takes a `tx_bytes` from the library and frees it.
fn take_bytes(b: tx_bytes) -> Vec<u8> {
    let v = if b.len == 0 {
        assert!(b.data.is_null());
        Vec::new()
    } else {
        unsafe { std::slice::from_raw_parts(b.data, b.len) }.to_vec()
    };
    unsafe { tx_bytes_free(b.data, b.len) };
    v
}

/// Exports through the C ABI: (orgs, persons, memberships, enterprises).
fn export_c(
    reg: *const tx_registry,
    options: Option<&str>,
) -> Result<[Vec<u8>; 4], (tx_status, String)> {
    let options = options.map(c);
    let empty = tx_bytes {
        data: null_mut(),
        len: 0,
    };
    let mut outs = [empty; 4];
    let [o, p, m, e] = &mut outs;
    let st = unsafe {
        tx_registry_export_rosters(
            reg,
            options.as_ref().map_or(null(), |s| s.as_ptr()),
            o,
            p,
            m,
            e,
        )
    };
    if st == tx_status::Ok {
        Ok(outs.map(take_bytes))
    } else {
        assert!(outs.iter().all(|b| *b == empty), "out written on failure");
        Err((st, last_error()))
    }
}

fn core_meta() -> tongxin::Meta {
    serde_json::from_str(IMPORT_META).unwrap()
}

fn core_rosters<'a>(files: &Files<'a>) -> ic::Rosters<'a> {
    let [o, p, m, e] = *files;
    ic::Rosters {
        orgs: o.map(ic::RosterFile::csv),
        persons: p.map(ic::RosterFile::csv),
        memberships: m.map(ic::RosterFile::csv),
        enterprises: e.map(ic::RosterFile::csv),
    }
}

fn snapshot_c(reg: *const tx_registry) -> String {
    let mut out: *mut c_char = null_mut();
    assert_eq!(unsafe { tx_registry_to_json(reg, &mut out) }, tx_status::Ok);
    take(out)
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap()
}

#[test]
fn import_rosters_adds_what_the_core_adds() {
    assert_eq!(tx_status::Import as i32, 6);
    assert_eq!(tx_status::Export as i32, 7);
    assert_eq!(status_name(tx_status::Import), "import");
    assert_eq!(status_name(tx_status::Export), "export");

    let reg = tx_registry_new();
    let summary = import_c(reg, fixture_files(), None).unwrap();
    assert_eq!(
        summary,
        r#"{"organizations":3,"enterprises":1,"persons":2,"memberships":3}"#
    );
    // The same registry, byte for byte, as the core's own import.
    let mut core = tongxin::Registry::new();
    let s = ic::import_rosters(
        &mut core,
        &core_meta(),
        &core_rosters(&fixture_files()),
        &ic::ImportOptions::default(),
    )
    .unwrap();
    assert_eq!((s.organizations, s.memberships), (3, 3));
    assert_eq!(snapshot_c(reg), core.to_json());
    assert_eq!(
        query(reg, r#"{"type":"subtree","org":"sz","date":"2024-06-01"}"#).unwrap(),
        r#"["sz","ft","ft-street"]"#
    );
    // Report mode succeeds the same way; files may be left out (NULL, 0).
    let reg2 = tx_registry_new();
    let s2 = import_c(
        reg2,
        [Some(ORGS_CSV.as_bytes()), None, None, None],
        Some(r#"{"report":true,"encoding":"utf8"}"#),
    )
    .unwrap();
    assert_eq!(
        s2,
        r#"{"organizations":3,"enterprises":0,"persons":0,"memberships":0}"#
    );
    // The out_report_json may be NULL.
    let mut out: *mut c_char = null_mut();
    let st = unsafe {
        tx_registry_import_rosters(
            reg2,
            c(IMPORT_META).as_ptr(),
            null(),
            0,
            PERSONS_CSV.as_ptr(),
            PERSONS_CSV.len(),
            null(),
            0,
            null(),
            0,
            null(),
            &mut out,
            null_mut(),
        )
    };
    assert_eq!(st, tx_status::Ok, "{}", last_error());
    assert_eq!(
        take(out),
        r#"{"organizations":0,"enterprises":0,"persons":2,"memberships":0}"#
    );
    unsafe {
        tx_registry_free(reg);
        tx_registry_free(reg2);
    }
}

#[test]
fn import_rosters_refuses_bad_arguments() {
    let reg = tx_registry_new();
    let meta = c(IMPORT_META);
    let orgs = ORGS_CSV.as_bytes();
    let mut out: *mut c_char = null_mut();
    let mut report: *mut c_char = null_mut();
    let call = |reg: *mut tx_registry,
                meta: *const c_char,
                orgs: *const u8,
                orgs_len: usize,
                options: *const c_char,
                out: *mut *mut c_char,
                report: *mut *mut c_char| unsafe {
        tx_registry_import_rosters(
            reg,
            meta,
            orgs,
            orgs_len,
            null(),
            0,
            null(),
            0,
            null(),
            0,
            options,
            out,
            report,
        )
    };
    let o = orgs.as_ptr();
    let n = orgs.len();
    assert_eq!(
        call(
            null_mut(),
            meta.as_ptr(),
            o,
            n,
            null(),
            &mut out,
            &mut report
        ),
        tx_status::NullArgument
    );
    assert_eq!(last_error(), "argument `reg` is NULL");
    assert_eq!(
        call(reg, null(), o, n, null(), &mut out, &mut report),
        tx_status::NullArgument
    );
    assert_eq!(last_error(), "argument `meta_json` is NULL");
    assert_eq!(
        call(reg, meta.as_ptr(), o, n, null(), null_mut(), &mut report),
        tx_status::NullArgument
    );
    assert_eq!(last_error(), "argument `out_summary_json` is NULL");
    // NULL data with a length.
    assert_eq!(
        call(reg, meta.as_ptr(), null(), 5, null(), &mut out, &mut report),
        tx_status::NullArgument
    );
    assert_eq!(last_error(), "argument `orgs` is NULL but `orgs_len` is 5");
    let st = unsafe {
        tx_registry_import_rosters(
            reg,
            meta.as_ptr(),
            null(),
            0,
            null(),
            0,
            null(),
            0,
            null(),
            3,
            null(),
            &mut out,
            &mut report,
        )
    };
    assert_eq!(st, tx_status::NullArgument);
    assert_eq!(
        last_error(),
        "argument `enterprises` is NULL but `enterprises_len` is 3"
    );
    // Options: bad UTF-8, not JSON, an unknown field, an unknown value, a sheet with CSV.
    let bad = CString::new(vec![b'{', 0xff]).unwrap();
    assert_eq!(
        call(
            reg,
            meta.as_ptr(),
            o,
            n,
            bad.as_ptr(),
            &mut out,
            &mut report
        ),
        tx_status::InvalidUtf8
    );
    assert_eq!(
        last_error(),
        "argument `options_json` is not valid UTF-8 (invalid byte at offset 1)"
    );
    for (options, status, has) in [
        (
            "{not json",
            tx_status::InvalidJson,
            "argument `options_json`",
        ),
        (r#"{"repot":true}"#, tx_status::InvalidJson, "repot"),
        (r#"{"encoding":"latin1"}"#, tx_status::InvalidJson, "latin1"),
        (r#"{"format":"ods"}"#, tx_status::InvalidJson, "ods"),
        (
            r#"{"sheet":"orgs"}"#,
            tx_status::InvalidArgument,
            "apply only with \"format\":\"xlsx\"",
        ),
    ] {
        let opt = c(options);
        assert_eq!(
            call(
                reg,
                meta.as_ptr(),
                o,
                n,
                opt.as_ptr(),
                &mut out,
                &mut report
            ),
            status,
            "{options}"
        );
        let msg = last_error();
        assert!(msg.contains(has), "{options}: {msg}");
    }
    let bad_meta = c(r#"{"at":"yesterday"}"#);
    assert_eq!(
        call(reg, bad_meta.as_ptr(), o, n, null(), &mut out, &mut report),
        tx_status::InvalidJson
    );
    assert!(last_error().starts_with("argument `meta_json`"));
    assert!(out.is_null() && report.is_null(), "out written on failure");
    let mut n_orgs = 9usize;
    assert_eq!(
        unsafe { tx_registry_organization_count(reg, &mut n_orgs) },
        tx_status::Ok
    );
    assert_eq!(n_orgs, 0);
    unsafe { tx_registry_free(reg) };
}

#[test]
fn import_errors_name_file_line_and_leave_the_registry_unchanged() {
    let reg = scenario();
    let before = snapshot_c(reg);
    // A bad date on line 3.
    let orgs = "id,parent_id,level,kind,division_code,founded,dissolved\n\
                sz,,municipal,zhilianhui,4403,2010-01-01,\n\
                ft,sz,district,zhilianhui,440304,2010-13-01,\n";
    let (st, msg, report) =
        import_c(reg, [Some(orgs.as_bytes()), None, None, None], None).unwrap_err();
    assert_eq!(st, tx_status::Import);
    assert_eq!(
        msg,
        "orgs.csv, line 3, column `founded`, value `2010-13-01`: \
         is not a date YYYY-MM-DD (or YYYY/M/D)"
    );
    let report = json(&report.unwrap());
    assert_eq!(
        report,
        serde_json::json!({"errors":[{"file":"orgs.csv","line":3,"column":"founded",
            "value":"2010-13-01","code":"invalid_value","number":1202,"message":msg,
            "rule":null}],"rows_ok":0,"rows_skipped":0})
    );
    assert_eq!(snapshot_c(reg), before);

    // A rule the registry enforces: a municipal organization cannot be part of a district one.
    let orgs = "id,parent_id,level,kind,division_code,founded,dissolved,relation\n\
                ok,sz-zlh,district,zhilianhui,440305,2024-06-01,,\n\
                bad,ft-zlh,municipal,zhilianhui,4403,2024-06-01,,part_of\n";
    let (st, msg, report) =
        import_c(reg, [Some(orgs.as_bytes()), None, None, None], None).unwrap_err();
    assert_eq!(st, tx_status::Import);
    assert!(msg.starts_with("orgs.csv, line 3"), "{msg}");
    let report = json(&report.unwrap());
    let e = &report["errors"][0];
    assert_eq!(e["code"], "rule_violation");
    assert_eq!(e["number"], 1401);
    assert_eq!(
        e["rule"],
        serde_json::json!({"code":"level_order","number":302})
    );
    assert_eq!(
        snapshot_c(reg),
        before,
        "all or nothing: `ok` was not added"
    );

    // The error equals the core's.
    let mut core = tongxin::Registry::new();
    let core_err = ic::import_rosters(
        &mut core,
        &core_meta(),
        &core_rosters(&[Some(b"id,parent_id\n"), None, None, None]),
        &ic::ImportOptions::default(),
    )
    .unwrap_err();
    let (_, msg, _) = import_c(reg, [Some(b"id,parent_id\n"), None, None, None], None).unwrap_err();
    assert_eq!(msg, core_err.to_string());
    // A non-NULL empty buffer is an empty file, not an absent one.
    let (_, msg, report) = import_c(reg, [Some(b""), None, None, None], None).unwrap_err();
    assert!(msg.contains("the file is empty"), "{msg}");
    assert_eq!(json(&report.unwrap())["errors"][0]["code"], "empty_file");
    assert_eq!(snapshot_c(reg), before);
    unsafe { tx_registry_free(reg) };
}

/// Files with three independent problems and one dependent row.
const BAD_ORGS: &str = "id,parent_id,level,kind,division_code,founded,dissolved\n\
    sz,,municipal,zhilianhui,4403,2010-01-01,\n\
    ft,sz,district,zhilianhui,440304,2010-13-01,\n";
const BAD_PERSONS: &str = "id,party,title,stratum,birth_year\n\
    p1,min_meng,senior,none,1975\n\
    p2,teapot,senior,none,1980\n";
const BAD_MEMBERSHIPS: &str = "person_id,org_id,role,start,end\n\
    p1,sz,president,2020-01-01,\n\
    p2,sz,member,2020-01-01,\n\
    p9,sz,member,2020-01-01,\n";

#[test]
fn report_mode_lists_every_problem() {
    let reg = scenario();
    let before = snapshot_c(reg);
    let files: Files = [
        Some(BAD_ORGS.as_bytes()),
        Some(BAD_PERSONS.as_bytes()),
        Some(BAD_MEMBERSHIPS.as_bytes()),
        None,
    ];
    let (st, msg, report) = import_c(reg, files, Some(r#"{"report":true}"#)).unwrap_err();
    assert_eq!(st, tx_status::Import);
    let report = json(&report.unwrap());
    let errors = report["errors"].as_array().unwrap();
    assert!(errors.len() >= 3, "{report}");
    let at: Vec<(String, u64)> = errors
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(at.contains(&("orgs.csv".into(), 3)), "{at:?}");
    assert!(at.contains(&("persons.csv".into(), 3)), "{at:?}");
    assert!(at.contains(&("memberships.csv".into(), 4)), "{at:?}");
    assert!(
        msg.starts_with(errors[0]["message"].as_str().unwrap()),
        "{msg}"
    );
    assert!(
        msg.ends_with(&format!(
            "(and {} more problem(s); see the report)",
            errors.len() - 1
        )),
        "{msg}"
    );
    // The same report as the core's, and as the dry run.
    let mut core = reg_clone(reg);
    let core_report = ic::import_rosters_report(
        &mut core,
        &core_meta(),
        &core_rosters(&files),
        &ic::ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(errors.len(), core_report.errors.len());
    assert_eq!(report["rows_ok"], core_report.rows_ok);
    assert_eq!(report["rows_skipped"], core_report.rows_skipped);
    for (e, c) in errors.iter().zip(&core_report.errors) {
        assert_eq!(e["message"], c.to_string());
        assert_eq!(e["number"], c.number());
    }
    assert_eq!(json(&check_c(reg, files, None)), report);
    assert_eq!(snapshot_c(reg), before);
    unsafe { tx_registry_free(reg) };
}

fn reg_clone(reg: *const tx_registry) -> tongxin::Registry {
    unsafe { &*reg }.inner.clone()
}

#[test]
fn check_rosters_is_a_dry_run() {
    let reg = tx_registry_new();
    let report = check_c(reg, fixture_files(), None);
    assert_eq!(report, r#"{"errors":[],"rows_ok":9,"rows_skipped":0}"#);
    assert_eq!(snapshot_c(reg), tongxin::Registry::new().to_json());
    // Arguments are checked as for the import.
    let mut out: *mut c_char = null_mut();
    let st = unsafe {
        tx_registry_check_rosters(
            null(),
            c(IMPORT_META).as_ptr(),
            null(),
            0,
            null(),
            0,
            null(),
            0,
            null(),
            0,
            null(),
            &mut out,
        )
    };
    assert_eq!(st, tx_status::NullArgument);
    assert_eq!(last_error(), "argument `reg` is NULL");
    let st = unsafe {
        tx_registry_check_rosters(
            reg,
            c(IMPORT_META).as_ptr(),
            null(),
            0,
            null(),
            1,
            null(),
            0,
            null(),
            0,
            c("[]").as_ptr(),
            &mut out,
        )
    };
    assert_eq!(st, tx_status::NullArgument);
    assert_eq!(
        last_error(),
        "argument `persons` is NULL but `persons_len` is 1"
    );
    let st = unsafe {
        tx_registry_check_rosters(
            reg,
            c(IMPORT_META).as_ptr(),
            null(),
            0,
            null(),
            0,
            null(),
            0,
            null(),
            0,
            c("[]").as_ptr(),
            &mut out,
        )
    };
    assert_eq!(st, tx_status::InvalidJson);
    assert!(out.is_null());
    unsafe { tx_registry_free(reg) };
}

/// The scenario, with an enterprise member and a person with a resident ID.
fn export_scenario() -> *mut tx_registry {
    let reg = scenario();
    let commands = r#"[
        {"type":"add_person","person":{"id":"p5","name":"赵敏","sex":"female","birth":"1949-12-31",
         "party":"cpc","title":"senior","stratum":"freelancer",
         "resident_id":"11010519491231002X"}},
        {"type":"add_enterprise","enterprise":{"id":"e1","name":"深圳某科技有限公司",
         "credit_code":"91110000600037341L"}},
        {"type":"join","membership":{"member":{"enterprise":"e1"},"org":"ft-zlh",
         "role":"member_unit","start":"2024-01-01"}}
    ]"#;
    let (mut applied, mut failed) = (0usize, usize::MAX);
    let st = unsafe {
        tx_registry_apply_batch_json(
            reg,
            c(IMPORT_META).as_ptr(),
            c(commands).as_ptr(),
            &mut applied,
            &mut failed,
        )
    };
    assert_eq!(st, tx_status::Ok, "[{failed}] {}", last_error());
    reg
}

fn core_export(reg: *const tx_registry, options: ic::ExportOptions) -> [Vec<u8>; 4] {
    let e = ic::export_rosters(&unsafe { &*reg }.inner, &options).unwrap();
    [e.orgs, e.persons, e.memberships, e.enterprises]
}

#[test]
fn export_equals_the_core_bytes_and_round_trips() {
    let reg = export_scenario();
    // Masked by default.
    let masked = export_c(reg, None).unwrap();
    assert_eq!(masked, core_export(reg, ic::ExportOptions::default()));
    let persons = String::from_utf8(masked[1].clone()).unwrap();
    assert!(persons.contains("110105********002X"), "{persons}");
    assert!(!persons.contains("11010519491231002X"));
    assert!(String::from_utf8(masked[0].clone())
        .unwrap()
        .starts_with("id,parent_id,level,kind,"));
    // Unmasked, with a BOM.
    let full = export_c(reg, Some(r#"{"unmask_resident_ids":true,"bom":true}"#)).unwrap();
    assert_eq!(
        full,
        core_export(
            reg,
            ic::ExportOptions {
                bom: true,
                unmask_resident_ids: true,
                ..Default::default()
            }
        )
    );
    assert!(full.iter().all(|f| f.starts_with(b"\xEF\xBB\xBF")));
    // Export -> import into an empty registry -> export: the same bytes.
    let plain = export_c(reg, Some(r#"{"unmask_resident_ids":true}"#)).unwrap();
    let copy = tx_registry_new();
    let [o, p, m, e] = &plain;
    let summary = import_c(
        copy,
        [
            Some(o.as_slice()),
            Some(p.as_slice()),
            Some(m.as_slice()),
            Some(e.as_slice()),
        ],
        None,
    )
    .unwrap();
    assert_eq!(
        summary,
        r#"{"organizations":3,"enterprises":1,"persons":5,"memberships":7}"#
    );
    assert_eq!(
        export_c(copy, Some(r#"{"unmask_resident_ids":true}"#)).unwrap(),
        plain
    );
    // Masked numbers import only when dropped.
    let again = tx_registry_new();
    let [o, p, m, e] = &masked;
    let files: Files = [Some(o), Some(p), Some(m), Some(e)];
    let (st, msg, _) = import_c(again, files, None).unwrap_err();
    assert_eq!(st, tx_status::Import);
    assert!(msg.contains("column `resident_id`"), "{msg}");
    import_c(again, files, Some(r#"{"drop_masked_resident_ids":true}"#)).unwrap();
    unsafe {
        tx_registry_free(reg);
        tx_registry_free(copy);
        tx_registry_free(again);
    }
}

#[test]
fn gbk_export_and_import_round_trip() {
    let reg = export_scenario();
    let gbk = export_c(
        reg,
        Some(r#"{"encoding":"gbk","unmask_resident_ids":true}"#),
    )
    .unwrap();
    assert_eq!(
        gbk,
        core_export(
            reg,
            ic::ExportOptions {
                encoding: ic::TextEncoding::Gbk,
                unmask_resident_ids: true,
                ..Default::default()
            }
        )
    );
    assert!(std::str::from_utf8(&gbk[0]).is_err(), "GBK, not UTF-8");
    let utf8 = export_c(reg, Some(r#"{"unmask_resident_ids":true}"#)).unwrap();
    let [o, p, m, e] = &gbk;
    let files: Files = [Some(o), Some(p), Some(m), Some(e)];
    for options in [r#"{"encoding":"gbk"}"#, r#"{"encoding":"gb18030"}"#, "{}"] {
        let copy = tx_registry_new();
        import_c(copy, files, Some(options)).unwrap();
        assert_eq!(
            export_c(copy, Some(r#"{"unmask_resident_ids":true}"#)).unwrap(),
            utf8,
            "{options}"
        );
        unsafe { tx_registry_free(copy) };
    }
    // Declared UTF-8, the GBK bytes are an encoding problem with its line.
    let copy = tx_registry_new();
    let (st, msg, report) = import_c(copy, files, Some(r#"{"encoding":"utf8"}"#)).unwrap_err();
    assert_eq!(st, tx_status::Import);
    assert!(msg.starts_with("orgs.csv, line 2"), "{msg}");
    assert!(msg.contains("are not valid UTF-8"), "{msg}");
    assert_eq!(json(&report.unwrap())["errors"][0]["number"], 1001);
    // A character GBK lacks cannot be exported in GBK.
    let (mut applied, mut failed) = (0usize, 0usize);
    let st = unsafe {
        tx_registry_apply_batch_json(
            reg,
            c(IMPORT_META).as_ptr(),
            c(
                r#"[{"type":"add_person","person":{"id":"p6","name":"😀","party":"cpc",
                "title":"none","stratum":"none"}}]"#,
            )
            .as_ptr(),
            &mut applied,
            &mut failed,
        )
    };
    assert_eq!(st, tx_status::Ok, "{}", last_error());
    let (st, msg) = export_c(reg, Some(r#"{"encoding":"gbk"}"#)).unwrap_err();
    assert_eq!(st, tx_status::Export);
    assert!(msg.starts_with("persons.csv"), "{msg}");
    assert!(export_c(reg, Some(r#"{"encoding":"gb18030"}"#)).is_ok());
    unsafe {
        tx_registry_free(reg);
        tx_registry_free(copy);
    }
}

#[test]
fn export_refuses_bad_arguments() {
    let reg = scenario();
    let mut b = [tx_bytes {
        data: null_mut(),
        len: 0,
    }; 4];
    let [o, p, m, e] = &mut b;
    let st = unsafe { tx_registry_export_rosters(reg, null(), o, p, null_mut(), e) };
    assert_eq!(st, tx_status::NullArgument);
    assert_eq!(last_error(), "argument `out_memberships` is NULL");
    let st = unsafe { tx_registry_export_rosters(null(), null(), o, p, m, e) };
    assert_eq!(st, tx_status::NullArgument);
    assert_eq!(last_error(), "argument `reg` is NULL");
    let bad = CString::new(vec![b'{', 0xfe]).unwrap();
    let st = unsafe { tx_registry_export_rosters(reg, bad.as_ptr(), o, p, m, e) };
    assert_eq!(st, tx_status::InvalidUtf8);
    for options in ["nope", r#"{"encoding":"ascii"}"#, r#"{"mask":false}"#] {
        assert_eq!(
            export_c(reg, Some(options)).unwrap_err().0,
            tx_status::InvalidJson,
            "{options}"
        );
    }
    assert!(b.iter().all(|x| x.data.is_null() && x.len == 0));
    // Freeing NULL is a no-op.
    unsafe { tx_bytes_free(null_mut(), 0) };
    unsafe { tx_registry_free(reg) };
}

const XLSX: &[u8] = include_bytes!("../../core/tests/fixtures/rosters.xlsx");

#[test]
fn xlsx_sheets_import_like_the_core() {
    let reg = tx_registry_new();
    let files: Files = [Some(XLSX); 4];
    let options = r#"{"format":"xlsx","sheets":{"persons":"persons",
        "memberships":"memberships","enterprises":"enterprises"}}"#;
    let summary = import_c(reg, files, Some(options)).unwrap();
    let mut core = tongxin::Registry::new();
    let s = ic::import_rosters(
        &mut core,
        &core_meta(),
        &ic::Rosters {
            orgs: Some(ic::RosterFile::xlsx(XLSX, None)),
            persons: Some(ic::RosterFile::xlsx(XLSX, Some("persons"))),
            memberships: Some(ic::RosterFile::xlsx(XLSX, Some("memberships"))),
            enterprises: Some(ic::RosterFile::xlsx(XLSX, Some("enterprises"))),
        },
        &ic::ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(
        json(&summary),
        serde_json::json!({"organizations":s.organizations,"enterprises":s.enterprises,
            "persons":s.persons,"memberships":s.memberships})
    );
    assert_eq!(snapshot_c(reg), core.to_json());
    // A missing sheet and bytes that are no workbook.
    let empty = tx_registry_new();
    let (st, msg, report) = import_c(
        empty,
        [Some(XLSX), None, None, None],
        Some(r#"{"format":"xlsx","sheet":"nope"}"#),
    )
    .unwrap_err();
    assert_eq!(st, tx_status::Import);
    assert!(msg.contains("no such sheet"), "{msg}");
    assert_eq!(
        json(&report.unwrap())["errors"][0]["code"],
        "sheet_not_found"
    );
    let (_, _, report) = import_c(
        empty,
        [Some(b"not a workbook"), None, None, None],
        Some(r#"{"format":"xlsx"}"#),
    )
    .unwrap_err();
    assert_eq!(json(&report.unwrap())["errors"][0]["number"], 1005);
    unsafe {
        tx_registry_free(reg);
        tx_registry_free(empty);
    }
}

fn export_popolo_c(
    reg: *const tx_registry,
    options: Option<&str>,
) -> Result<String, (tx_status, String)> {
    let options = options.map(c);
    let mut out: *mut c_char = null_mut();
    let st = unsafe {
        tx_registry_export_popolo(
            reg,
            options.as_ref().map_or(null(), |s| s.as_ptr()),
            &mut out,
        )
    };
    if st == tx_status::Ok {
        Ok(take(out))
    } else {
        assert!(out.is_null());
        Err((st, last_error()))
    }
}

fn import_popolo_c(
    reg: *mut tx_registry,
    doc: Option<&[u8]>,
    options: Option<&str>,
) -> Result<String, (tx_status, String)> {
    let (p, n) = buf(doc);
    let options = options.map(c);
    let mut out: *mut c_char = null_mut();
    let st = unsafe {
        tx_registry_import_popolo(
            reg,
            c(IMPORT_META).as_ptr(),
            p,
            n,
            options.as_ref().map_or(null(), |s| s.as_ptr()),
            &mut out,
        )
    };
    if st == tx_status::Ok {
        Ok(take(out))
    } else {
        assert!(out.is_null());
        Err((st, last_error()))
    }
}

#[test]
fn popolo_export_and_import() {
    let reg = export_scenario();
    let doc = export_popolo_c(reg, None).unwrap();
    assert_eq!(
        doc,
        ic::export_popolo(&unsafe { &*reg }.inner, &ic::ExportOptions::default())
    );
    assert!(doc.contains("110105********002X"));
    let full = export_popolo_c(reg, Some(r#"{"unmask_resident_ids":true}"#)).unwrap();
    assert!(full.contains("11010519491231002X"));
    let copy = tx_registry_new();
    let summary = import_popolo_c(copy, Some(full.as_bytes()), None).unwrap();
    assert_eq!(
        summary,
        r#"{"organizations":3,"enterprises":1,"persons":5,"memberships":7}"#
    );
    assert_eq!(
        export_popolo_c(copy, Some(r#"{"unmask_resident_ids":true}"#)).unwrap(),
        full
    );
    // Failures: a bad document leaves the registry unchanged.
    let before = snapshot_c(copy);
    let bad = full.replacen("\"party\": \"cpc\"", "\"party\": \"teapot\"", 1);
    assert_ne!(bad, full);
    let empty = tx_registry_new();
    let (st, msg) = import_popolo_c(empty, Some(bad.as_bytes()), None).unwrap_err();
    assert_eq!(st, tx_status::Import);
    assert!(msg.starts_with("popolo.json"), "{msg}");
    assert!(msg.contains("tongxin.party"), "{msg}");
    assert_eq!(snapshot_c(empty), tongxin::Registry::new().to_json());
    let (st, msg) = import_popolo_c(copy, Some(full.as_bytes()), None).unwrap_err();
    assert_eq!(st, tx_status::Import, "{msg}");
    assert_eq!(snapshot_c(copy), before);
    let (st, msg) = import_popolo_c(empty, Some(b"{\n  \"persons\": ["), None).unwrap_err();
    assert_eq!(st, tx_status::Import);
    assert!(msg.starts_with("popolo.json, line 2"), "{msg}");
    // Arguments.
    assert_eq!(
        import_popolo_c(empty, None, None).unwrap_err(),
        (
            tx_status::NullArgument,
            "argument `json` is NULL".to_string()
        )
    );
    let mut out: *mut c_char = null_mut();
    let st = unsafe {
        tx_registry_import_popolo(empty, c(IMPORT_META).as_ptr(), null(), 7, null(), &mut out)
    };
    assert_eq!(st, tx_status::NullArgument);
    assert_eq!(last_error(), "argument `json` is NULL but `json_len` is 7");
    for options in ["[", r#"{"unknown_columns":"ignore"}"#] {
        assert_eq!(
            import_popolo_c(empty, Some(b"{}"), Some(options))
                .unwrap_err()
                .0,
            tx_status::InvalidJson
        );
    }
    assert_eq!(
        export_popolo_c(reg, Some(r#"{"bom":true}"#)).unwrap_err().0,
        tx_status::InvalidJson
    );
    assert_eq!(
        export_popolo_c(null(), None).unwrap_err(),
        (
            tx_status::NullArgument,
            "argument `reg` is NULL".to_string()
        )
    );
    let bad = CString::new(vec![0xc3]).unwrap();
    let st = unsafe { tx_registry_export_popolo(reg, bad.as_ptr(), &mut out) };
    assert_eq!(st, tx_status::InvalidUtf8);
    assert_eq!(
        import_popolo_c(empty, Some(b"{}"), None).unwrap(),
        r#"{"organizations":0,"enterprises":0,"persons":0,"memberships":0}"#
    );
    unsafe {
        tx_registry_free(reg);
        tx_registry_free(copy);
        tx_registry_free(empty);
    }
}

fn rules_json(reg: *const tx_registry, q: &str) -> Result<String, (tx_status, String)> {
    take_answer(tx_registry_rules_json, reg, q)
}

#[test]
fn rules_json_equals_the_core_results_serialized() {
    use tongxin::rules::{self, CandidateOrder, CompiledBook, OrderKey};
    use tongxin::MemberRef;
    assert_eq!(tx_status::Rule as i32, 8);
    assert_eq!(status_name(tx_status::Rule), "rule");
    let reg = rich_scenario();
    let inner = unsafe { &(*reg).inner };
    let day = "2024-06-01".parse::<chrono::NaiveDate>().unwrap();
    let book = CompiledBook::standard();

    // Eligible: p1 is non-party with a senior title.
    let q =
        r#"{"question":"check","member":{"person":"p1"},"org":"ft-street","as_of":"2024-06-01"}"#;
    let answer = rules_json(reg, q).unwrap();
    let core = rules::check(
        inner,
        &book,
        &MemberRef::Person("p1".into()),
        "ft-street",
        day,
    )
    .unwrap();
    assert!(core.eligible);
    assert_eq!(answer, to(&core));

    // Not eligible: p5 is a CPC member; the explanation names the failing clause.
    let q = r#"{"question":"check","member":{"person":"p5"},"org":"ft-zlh","as_of":"2024-06-01"}"#;
    let answer = rules_json(reg, q).unwrap();
    let core = rules::check(inner, &book, &MemberRef::Person("p5".into()), "ft-zlh", day).unwrap();
    assert!(!core.eligible);
    assert_eq!(answer, to(&core));
    let v = json(&answer);
    assert_eq!(v["eligible"], false);
    assert!(
        v["explanation_zh"]
            .as_str()
            .unwrap()
            .contains("党派 = 中共党员，要求 ≠ 中共党员 ✗"),
        "{answer}"
    );

    // Audit, whole registry and one subtree.
    let answer = rules_json(reg, r#"{"question":"audit","as_of":"2024-06-01"}"#).unwrap();
    assert_eq!(answer, to(&rules::audit(inner, &book, None, day).unwrap()));
    let q = r#"{"question":"audit","as_of":"2024-06-01","root":"ft-zlh"}"#;
    let answer = rules_json(reg, q).unwrap();
    assert_eq!(
        answer,
        to(&rules::audit(inner, &book, Some("ft-zlh"), day).unwrap())
    );

    // Candidates, default order and with keys and a limit.
    let q = r#"{"question":"candidates","org":"sz-zlh","as_of":"2024-06-01"}"#;
    let answer = rules_json(reg, q).unwrap();
    let core = rules::candidates(inner, &book, "sz-zlh", day, &CandidateOrder::default()).unwrap();
    assert_eq!(answer, to(&core));
    let q =
        r#"{"question":"candidates","org":"sz-zlh","as_of":"2024-06-01","limit":1,"keys":["id"]}"#;
    let answer = rules_json(reg, q).unwrap();
    let order = CandidateOrder {
        keys: vec![OrderKey::Id],
        limit: Some(1),
    };
    let core = rules::candidates(inner, &book, "sz-zlh", day, &order).unwrap();
    assert!(core.len() <= 1);
    assert_eq!(answer, to(&core));

    // A custom book: nobody may join.
    let q = r#"{"question":"check","member":{"person":"p1"},"org":"ft-street","as_of":"2024-06-01",
        "book":{"common":[{"id":"none","severity":"reject","message_zh":"无","message_en":"none",
        "body":{"type":"eligibility","when":"party == cpc"}}]}}"#;
    let v = json(&rules_json(reg, q).unwrap());
    assert_eq!(v["eligible"], false);
    unsafe { tx_registry_free(reg) };
}

#[test]
fn rules_json_rejects_bad_questions() {
    let reg = scenario();
    let bad_json = [
        "not json",
        r#"{"question":"why"}"#,
        r#"{"question":"audit"}"#,
        r#"{"question":"audit","as_of":"2024-06-01","extra":1}"#,
        r#"{"question":"audit","as_of":"2024-06-01","book":5}"#,
        r#"{"question":"audit","as_of":"2024-06-01","book":{"common":[{"id":"x"}]}}"#,
    ];
    for q in bad_json {
        let (st, msg) = rules_json(reg, q).unwrap_err();
        assert_eq!(st, tx_status::InvalidJson, "{q}: {msg}");
        assert!(msg.contains("query_json"), "{msg}");
    }
    // Rule text that parses but does not compile.
    let q = r#"{"question":"audit","as_of":"2024-06-01","book":{"common":[{"id":"x",
        "severity":"reject","message_zh":"x","message_en":"x",
        "body":{"type":"eligibility","when":"no_such_attribute >= 3"}}]}}"#;
    let (st, msg) = rules_json(reg, q).unwrap_err();
    assert_eq!(st, tx_status::Rule, "{msg}");
    assert!(
        msg.contains("no_such_attribute") && msg.contains("(rule_"),
        "{msg}"
    );
    // Unknown organization.
    let q = r#"{"question":"candidates","org":"nowhere","as_of":"2024-06-01"}"#;
    let (st, msg) = rules_json(reg, q).unwrap_err();
    assert_eq!(st, tx_status::Rule, "{msg}");
    assert!(msg.contains("nowhere"), "{msg}");

    // NULL arguments.
    let q = c(r#"{"question":"audit","as_of":"2024-06-01"}"#);
    let mut out: *mut c_char = null_mut();
    let st = unsafe { tx_registry_rules_json(null(), q.as_ptr(), &mut out) };
    assert_eq!(st, tx_status::NullArgument);
    assert!(last_error().contains("`reg`"));
    let st = unsafe { tx_registry_rules_json(reg, null(), &mut out) };
    assert_eq!(st, tx_status::NullArgument);
    assert!(last_error().contains("`query_json`"));
    let st = unsafe { tx_registry_rules_json(reg, q.as_ptr(), null_mut()) };
    assert_eq!(st, tx_status::NullArgument);
    assert!(last_error().contains("`out_json`"));
    assert!(out.is_null());
    unsafe { tx_registry_free(reg) };
}

// ---------------------------------------------------------------------------------------------
// typed hot paths: eligibility check, rule book, rollup totals

/// The typed eligibility check: `(eligible, explanation_zh, explanation_en)`, or the status and
/// message; asserts out-parameters stay untouched on failure.
fn eligibility(
    reg: *const tx_registry,
    person: &str,
    org: &str,
    date: &str,
) -> Result<(bool, String, String), (tx_status, String)> {
    let (p, o, d) = (c(person), c(org), c(date));
    let mut eligible = false;
    let (mut zh, mut en): (*mut c_char, *mut c_char) = (null_mut(), null_mut());
    let st = unsafe {
        tx_registry_check_eligibility(
            reg,
            p.as_ptr(),
            o.as_ptr(),
            d.as_ptr(),
            &mut eligible,
            &mut zh,
            &mut en,
        )
    };
    if st != tx_status::Ok {
        assert!(
            zh.is_null() && en.is_null() && !eligible,
            "outs written on failure"
        );
        return Err((st, last_error()));
    }
    // Without explanations the answer is the same.
    let mut bare = !eligible;
    let st = unsafe {
        tx_registry_check_eligibility(
            reg,
            p.as_ptr(),
            o.as_ptr(),
            d.as_ptr(),
            &mut bare,
            null_mut(),
            null_mut(),
        )
    };
    assert_eq!(st, tx_status::Ok);
    assert_eq!(bare, eligible);
    Ok((eligible, take(zh), take(en)))
}

const PERSONS: [&str; 5] = ["p1", "p2", "p3", "p4", "p5"];
const ORGS: [&str; 3] = ["sz-zlh", "ft-zlh", "ft-street"];
const DAYS: [&str; 4] = ["2015-06-01", "2024-05-06", "2024-06-01", "2024-06-20"];

#[test]
fn check_eligibility_equals_the_json_entry_point() {
    let reg = rich_scenario();
    let (mut yes, mut no) = (0, 0);
    for person in PERSONS {
        for org in ORGS {
            for day in DAYS {
                let q = format!(
                    r#"{{"question":"check","member":{{"person":"{person}"}},"org":"{org}","as_of":"{day}"}}"#
                );
                let v = json(&rules_json(reg, &q).unwrap());
                let (eligible, zh, en) = eligibility(reg, person, org, day).unwrap();
                assert_eq!(v["eligible"], eligible, "{q}");
                assert_eq!(v["explanation_zh"], zh.as_str(), "{q}");
                assert_eq!(v["explanation_en"], en.as_str(), "{q}");
                if eligible {
                    yes += 1;
                } else {
                    no += 1;
                }
            }
        }
    }
    // Both answers occur (p5 is a CPC member).
    assert!(yes > 0 && no > 0, "{yes} eligible, {no} not");
    let (eligible, zh, en) = eligibility(reg, "p5", "ft-zlh", "2024-06-01").unwrap();
    assert!(!eligible);
    assert!(zh.contains("党派 = 中共党员，要求 ≠ 中共党员 ✗"), "{zh}");
    assert!(
        en.starts_with("person `p5` is not eligible for `ft-zlh`"),
        "{en}"
    );
    unsafe { tx_registry_free(reg) };
}

#[test]
fn check_eligibility_compiles_the_book_once_per_handle() {
    let reg = scenario();
    let cached =
        |reg: *mut tx_registry| unsafe { (*reg).standard_book.get().map(|b| b as *const _) };
    assert!(cached(reg).is_none(), "not compiled before first use");
    assert!(eligibility(reg, "p1", "sz-zlh", "2024-06-01").unwrap().0);
    let first = cached(reg).unwrap();
    assert!(eligibility(reg, "p2", "ft-zlh", "2024-06-01").is_ok());
    assert_eq!(
        cached(reg).unwrap(),
        first,
        "the same compiled book is reused"
    );
    assert_eq!(
        unsafe { &*first },
        &tongxin::rules::CompiledBook::standard()
    );
    // A reloaded handle starts with its own (lazy) cache.
    let text = c(&snapshot_c(reg));
    let mut copy: *mut tx_registry = null_mut();
    assert_eq!(
        unsafe { tx_registry_from_json(text.as_ptr(), &mut copy) },
        tx_status::Ok
    );
    assert!(cached(copy).is_none());
    assert!(eligibility(copy, "p1", "sz-zlh", "2024-06-01").unwrap().0);
    unsafe {
        tx_registry_free(reg);
        tx_registry_free(copy);
    }
}

#[test]
fn check_eligibility_failures() {
    let reg = rich_scenario();
    let (st, msg) = eligibility(reg, "nobody", "ft-zlh", "2024-06-01").unwrap_err();
    assert_eq!(
        (st, msg.as_str()),
        (tx_status::NotFound, "person `nobody` not found")
    );
    let (st, msg) = eligibility(reg, "p1", "nowhere", "2024-06-01").unwrap_err();
    assert_eq!(
        (st, msg.as_str()),
        (tx_status::NotFound, "organization `nowhere` not found")
    );
    let (st, msg) = eligibility(reg, "p1", "ft-zlh", "2024-06-31").unwrap_err();
    assert_eq!(st, tx_status::InvalidArgument);
    assert!(msg.starts_with("argument `date`: `2024-06-31`"), "{msg}");
    let (st, _) = eligibility(reg, "p1", "ft-zlh", "").unwrap_err();
    assert_eq!(st, tx_status::InvalidArgument);

    let (p, o, d) = (c("p1"), c("ft-zlh"), c("2024-06-01"));
    let bad = CString::new(vec![b'p', 0xff, 0xfe]).unwrap();
    let mut eligible = false;
    let mut zh: *mut c_char = null_mut();
    let call = |reg: *const tx_registry,
                p: *const c_char,
                o: *const c_char,
                d: *const c_char,
                out: *mut bool,
                zh: *mut *mut c_char| unsafe {
        let st = tx_registry_check_eligibility(reg, p, o, d, out, zh, null_mut());
        (st, last_error())
    };
    let null_cases = [
        (
            call(
                null(),
                p.as_ptr(),
                o.as_ptr(),
                d.as_ptr(),
                &mut eligible,
                &mut zh,
            ),
            "reg",
        ),
        (
            call(reg, null(), o.as_ptr(), d.as_ptr(), &mut eligible, &mut zh),
            "person_id",
        ),
        (
            call(reg, p.as_ptr(), null(), d.as_ptr(), &mut eligible, &mut zh),
            "org_id",
        ),
        (
            call(reg, p.as_ptr(), o.as_ptr(), null(), &mut eligible, &mut zh),
            "date",
        ),
        (
            call(reg, p.as_ptr(), o.as_ptr(), d.as_ptr(), null_mut(), &mut zh),
            "out_eligible",
        ),
    ];
    for ((st, msg), param) in null_cases {
        assert_eq!(st, tx_status::NullArgument);
        assert_eq!(msg, format!("argument `{param}` is NULL"));
    }
    let utf8_cases = [
        (
            call(
                reg,
                bad.as_ptr(),
                o.as_ptr(),
                d.as_ptr(),
                &mut eligible,
                &mut zh,
            ),
            "person_id",
        ),
        (
            call(
                reg,
                p.as_ptr(),
                bad.as_ptr(),
                d.as_ptr(),
                &mut eligible,
                &mut zh,
            ),
            "org_id",
        ),
        (
            call(
                reg,
                p.as_ptr(),
                o.as_ptr(),
                bad.as_ptr(),
                &mut eligible,
                &mut zh,
            ),
            "date",
        ),
    ];
    for ((st, msg), param) in utf8_cases {
        assert_eq!(st, tx_status::InvalidUtf8);
        assert!(
            msg.starts_with(&format!("argument `{param}` is not valid UTF-8")),
            "{msg}"
        );
    }
    assert!(!eligible && zh.is_null(), "outs untouched on failure");
    unsafe { tx_registry_free(reg) };
}

/// A book whose only eligibility rule is "must be a CPC member" (so p1 is refused).
const CPC_ONLY_BOOK: &str = r#"{"common":[{"id":"cpc_only","severity":"reject",
    "message_zh":"须为中共党员","message_en":"must be a CPC member",
    "body":{"type":"eligibility","when":"party == cpc"}}]}"#;

fn set_book(reg: *mut tx_registry, book: Option<&str>) -> Result<(), (tx_status, String)> {
    let text = book.map(c);
    let st = unsafe {
        tx_registry_set_rule_book_json(reg, text.as_ref().map_or(null(), |t| t.as_ptr()))
    };
    if st == tx_status::Ok {
        Ok(())
    } else {
        Err((st, last_error()))
    }
}

#[test]
fn set_rule_book_json_changes_the_typed_check_only() {
    let reg = rich_scenario();
    let check_json = |person: &str, book: Option<&str>| {
        let book = book.map_or(String::new(), |b| format!(r#","book":{b}"#));
        let q = format!(
            r#"{{"question":"check","member":{{"person":"{person}"}},"org":"ft-street","as_of":"2024-06-01"{book}}}"#
        );
        json(&rules_json(reg, &q).unwrap())["eligible"]
            .as_bool()
            .unwrap()
    };
    assert!(eligibility(reg, "p1", "ft-street", "2024-06-01").unwrap().0);
    set_book(reg, Some(CPC_ONLY_BOOK)).unwrap();
    for person in PERSONS {
        let (eligible, _, en) = eligibility(reg, person, "ft-street", "2024-06-01").unwrap();
        assert_eq!(
            eligible,
            check_json(person, Some(CPC_ONLY_BOOK)),
            "{person}"
        );
        assert_eq!(eligible, person == "p5", "{person}: {en}");
    }
    // The JSON entry point without a book still uses the standard one.
    assert!(check_json("p1", None));

    // A refused book leaves the installed one in place.
    let (st, msg) = set_book(reg, Some("{not json")).unwrap_err();
    assert_eq!(st, tx_status::InvalidJson);
    assert!(msg.contains("book_json"), "{msg}");
    let (st, _) = set_book(reg, Some(r#"{"common":[{"id":"x"}]}"#)).unwrap_err();
    assert_eq!(st, tx_status::InvalidJson);
    let broken = CPC_ONLY_BOOK.replace("party == cpc", "no_such_attribute >= 3");
    let (st, msg) = set_book(reg, Some(&broken)).unwrap_err();
    assert_eq!(st, tx_status::Rule, "{msg}");
    assert!(
        msg.starts_with("argument `book_json`: ") && msg.contains("no_such_attribute"),
        "{msg}"
    );
    assert!(!eligibility(reg, "p1", "ft-street", "2024-06-01").unwrap().0);

    // NULL goes back to the standard book.
    set_book(reg, None).unwrap();
    assert!(eligibility(reg, "p1", "ft-street", "2024-06-01").unwrap().0);

    let bad = CString::new(vec![b'{', 0xff]).unwrap();
    let st = unsafe { tx_registry_set_rule_book_json(reg, bad.as_ptr()) };
    assert_eq!(st, tx_status::InvalidUtf8);
    let st = unsafe { tx_registry_set_rule_book_json(null_mut(), null()) };
    assert_eq!(st, tx_status::NullArgument);
    assert_eq!(last_error(), "argument `reg` is NULL");
    unsafe { tx_registry_free(reg) };
}

/// The typed bulk rollup into a buffer of `len` elements (pre-filled with a sentinel).
fn rollup_totals(reg: *const tx_registry, date: &str, len: usize) -> (tx_status, Vec<u64>, usize) {
    let mut out = vec![u64::MAX; len];
    let mut written = usize::MAX;
    let st = unsafe {
        tx_registry_rollup_totals(reg, c(date).as_ptr(), out.as_mut_ptr(), len, &mut written)
    };
    (st, out, written)
}

fn org_id_at(reg: *const tx_registry, i: usize) -> Result<String, (tx_status, String)> {
    let mut out: *mut c_char = null_mut();
    let st = unsafe { tx_registry_organization_id_at(reg, i, &mut out) };
    match st {
        tx_status::Ok => Ok(take(out)),
        _ if out.is_null() => Err((st, last_error())),
        _ => panic!("out written on failure"),
    }
}

#[test]
fn rollup_totals_agree_with_rollup_total_per_organization() {
    let reg = rich_scenario();
    let mut n = 0usize;
    assert_eq!(
        unsafe { tx_registry_organization_count(reg, &mut n) },
        tx_status::Ok
    );
    let ids: Vec<String> = (0..n).map(|i| org_id_at(reg, i).unwrap()).collect();
    assert_eq!(ids, ORGS, "the order organizations were added");
    for day in DAYS
        .iter()
        .chain(&["2010-01-01", "2009-12-31", "2030-01-01"])
    {
        let (st, totals, written) = rollup_totals(reg, day, n + 2);
        assert_eq!(st, tx_status::Ok, "{}", last_error());
        assert_eq!(written, n);
        assert_eq!(
            &totals[n..],
            &[u64::MAX, u64::MAX],
            "nothing past the organizations"
        );
        for (id, &total) in ids.iter().zip(&totals) {
            let (st, one) = rollup_total(reg, id, day);
            assert_eq!(st, tx_status::Ok);
            assert_eq!(total, one as u64, "{id} on {day}");
        }
        // And the core's rollup, row by row.
        let core = tongxin::stats::rollup(unsafe { &(*reg).inner }, day.parse().unwrap(), None);
        for row in &core.rows {
            let i = ids.iter().position(|id| *id == row.org_id).unwrap();
            assert_eq!(totals[i], row.total);
        }
    }
    let (_, totals, _) = rollup_totals(reg, "2024-06-01", n);
    assert_eq!(totals, [5, 5, 4]);
    let (_, totals, _) = rollup_totals(reg, "2024-05-06", n);
    assert_eq!(totals, [2, 2, 0], "ft-street not founded yet");

    // An empty registry: nothing to write, even into no buffer.
    let empty = tx_registry_new();
    let mut written = usize::MAX;
    let st = unsafe {
        tx_registry_rollup_totals(empty, c("2024-06-01").as_ptr(), null_mut(), 0, &mut written)
    };
    assert_eq!((st, written), (tx_status::Ok, 0));
    unsafe {
        tx_registry_free(reg);
        tx_registry_free(empty);
    }
}

#[test]
fn rollup_totals_failures() {
    let reg = rich_scenario();
    // Too short: the length needed, the buffer untouched.
    for len in [0, 1, 2] {
        let (st, out, written) = rollup_totals(reg, "2024-06-01", len);
        assert_eq!(st, tx_status::BufferTooSmall);
        assert_eq!(written, 3);
        assert!(out.iter().all(|&x| x == u64::MAX));
        assert_eq!(
            last_error(),
            format!("argument `out_len`: {len} is too small, the registry has 3 organizations")
        );
    }
    // Asking for the length with no buffer.
    let date = c("2024-06-01");
    let mut written = 0usize;
    let st = unsafe { tx_registry_rollup_totals(reg, date.as_ptr(), null_mut(), 0, &mut written) };
    assert_eq!((st, written), (tx_status::BufferTooSmall, 3));

    let (st, out, written) = rollup_totals(reg, "2024-13-01", 3);
    assert_eq!(st, tx_status::InvalidArgument);
    assert!(last_error().starts_with("argument `date`"));
    assert!(written == usize::MAX && out.iter().all(|&x| x == u64::MAX));

    let mut buf = [7u64; 3];
    let mut written = 42usize;
    let bad = CString::new(vec![b'2', 0xff]).unwrap();
    unsafe {
        let st =
            tx_registry_rollup_totals(null(), date.as_ptr(), buf.as_mut_ptr(), 3, &mut written);
        assert_eq!(
            (st, last_error().as_str()),
            (tx_status::NullArgument, "argument `reg` is NULL")
        );
        let st = tx_registry_rollup_totals(reg, null(), buf.as_mut_ptr(), 3, &mut written);
        assert_eq!(
            (st, last_error().as_str()),
            (tx_status::NullArgument, "argument `date` is NULL")
        );
        let st = tx_registry_rollup_totals(reg, date.as_ptr(), null_mut(), 3, &mut written);
        assert_eq!(st, tx_status::NullArgument);
        assert_eq!(last_error(), "argument `out` is NULL but `out_len` is 3");
        let st = tx_registry_rollup_totals(reg, date.as_ptr(), buf.as_mut_ptr(), 3, null_mut());
        assert_eq!(
            (st, last_error().as_str()),
            (tx_status::NullArgument, "argument `out_written` is NULL")
        );
        let st = tx_registry_rollup_totals(reg, bad.as_ptr(), buf.as_mut_ptr(), 3, &mut written);
        assert_eq!(st, tx_status::InvalidUtf8);
    }
    assert_eq!((buf, written), ([7; 3], 42), "outs untouched on failure");
    unsafe { tx_registry_free(reg) };
}

#[test]
fn organization_id_at_failures() {
    let reg = scenario();
    assert_eq!(org_id_at(reg, 2).unwrap(), "ft-street");
    let (st, msg) = org_id_at(reg, 3).unwrap_err();
    assert_eq!(st, tx_status::InvalidArgument);
    assert_eq!(
        msg,
        "argument `index`: 3 is out of range, the registry has 3 organizations"
    );
    assert_eq!(
        org_id_at(reg, usize::MAX).unwrap_err().0,
        tx_status::InvalidArgument
    );
    let (st, msg) = org_id_at(null(), 0).unwrap_err();
    assert_eq!(
        (st, msg.as_str()),
        (tx_status::NullArgument, "argument `reg` is NULL")
    );
    let st = unsafe { tx_registry_organization_id_at(reg, 0, null_mut()) };
    assert_eq!(st, tx_status::NullArgument);
    assert_eq!(last_error(), "argument `out_id` is NULL");
    unsafe { tx_registry_free(reg) };
}

#[test]
fn typed_check_and_rules_json_follow_the_registry_book_unless_the_handle_has_one() {
    let reg = scenario();
    let standard = eligibility(reg, "p1", "sz-zlh", "2024-06-01").unwrap().0;
    assert!(standard, "p1 is eligible under the standard book");
    // The registry's own book (journaled command) refuses everyone.
    let apply = |cmd: &str| {
        let (meta, cmd) = (c(r#"{"at":"2024-06-01T09:00:00","actor":"t"}"#), c(cmd));
        let mut ev: *mut c_char = null_mut();
        let st = unsafe { tx_registry_apply_json(reg, meta.as_ptr(), cmd.as_ptr(), &mut ev) };
        assert_eq!(st, tx_status::Ok, "{}", last_error());
        take(ev);
    };
    let nobody = r#"{"common":[{"id":"nobody","severity":"reject","message_zh":"不可","message_en":"no","body":{"type":"eligibility","when":"age < 0"}}]}"#;
    apply(&format!(r#"{{"type":"set_rule_book","book":{nobody}}}"#));
    assert!(!eligibility(reg, "p1", "sz-zlh", "2024-06-01").unwrap().0);
    let q =
        c(r#"{"question":"check","member":{"person":"p1"},"org":"sz-zlh","as_of":"2024-06-01"}"#);
    let mut out: *mut c_char = null_mut();
    assert_eq!(
        unsafe { tx_registry_rules_json(reg, q.as_ptr(), &mut out) },
        tx_status::Ok
    );
    assert!(take(out).contains(r#""eligible":false"#));
    // A handle book wins over the registry's; removing it falls back to the registry's.
    let std_book =
        c(&serde_json::to_string(tongxin::rules::CompiledBook::standard().book()).unwrap());
    assert_eq!(
        unsafe { tx_registry_set_rule_book_json(reg, std_book.as_ptr()) },
        tx_status::Ok
    );
    assert!(eligibility(reg, "p1", "sz-zlh", "2024-06-01").unwrap().0);
    assert_eq!(
        unsafe { tx_registry_set_rule_book_json(reg, null()) },
        tx_status::Ok
    );
    assert!(!eligibility(reg, "p1", "sz-zlh", "2024-06-01").unwrap().0);
    // Without the registry's book, the standard one again.
    apply(r#"{"type":"set_rule_book","book":null}"#);
    assert_eq!(
        eligibility(reg, "p1", "sz-zlh", "2024-06-01").unwrap().0,
        standard
    );
    unsafe { tx_registry_free(reg) };
}

fn verify_c(
    journal: &str,
    expected: Option<&str>,
) -> Result<String, (tx_status, String, Option<u64>)> {
    let expected = expected.map(c);
    let mut head: *mut c_char = null_mut();
    let mut bad = u64::MAX;
    let st = unsafe {
        tx_verify_journal_json(
            c(journal).as_ptr(),
            expected.as_ref().map_or(null(), |e| e.as_ptr()),
            &mut head,
            &mut bad,
        )
    };
    if st == tx_status::Ok {
        assert_eq!(bad, u64::MAX, "out_bad_seq written on success");
        Ok(take(head))
    } else {
        assert!(head.is_null());
        Err((st, last_error(), (bad != u64::MAX).then_some(bad)))
    }
}

#[test]
fn journal_head_and_verification() {
    let reg = scenario();
    let inner = unsafe { &(*reg).inner };
    let mut head: *mut c_char = null_mut();
    assert_eq!(
        unsafe { tx_registry_journal_head(reg, &mut head) },
        tx_status::Ok
    );
    let head = take(head);
    assert_eq!(head, inner.journal_head());
    assert_eq!(head.len(), 64);
    let journal = query(reg, r#"{"type":"journal"}"#).unwrap();
    assert_eq!(verify_c(&journal, Some(&head)), Ok(head.clone()));
    assert_eq!(verify_c(&journal, None), Ok(head.clone()));
    assert_eq!(
        verify_c("[]", None),
        Ok(tongxin::journal::GENESIS.to_string())
    );

    // An event edited: the status, the seq, and a message naming both.
    let mut events: serde_json::Value = serde_json::from_str(&journal).unwrap();
    events[2]["actor"] = "someone else".into();
    let (st, msg, seq) = verify_c(&events.to_string(), Some(&head)).unwrap_err();
    assert_eq!((st, seq), (tx_status::JournalTampered, Some(3)));
    assert_eq!(st as u32, ErrorCode::JournalTampered.number());
    assert_eq!(status_name(st), "journal_tampered");
    assert!(
        msg.starts_with("journal tampered at event 3 (altered)"),
        "{msg}"
    );
    // An event removed; the last one removed (head mismatch).
    let mut events: serde_json::Value = serde_json::from_str(&journal).unwrap();
    events.as_array_mut().unwrap().remove(4);
    let (st, msg, seq) = verify_c(&events.to_string(), Some(&head)).unwrap_err();
    assert_eq!((st, seq), (tx_status::JournalTampered, Some(5)), "{msg}");
    assert!(msg.contains("(removed)"), "{msg}");
    let mut events: serde_json::Value = serde_json::from_str(&journal).unwrap();
    let n = events.as_array().unwrap().len() as u64;
    events.as_array_mut().unwrap().pop();
    let (_, msg, seq) = verify_c(&events.to_string(), Some(&head)).unwrap_err();
    assert_eq!(seq, Some(n - 1));
    assert!(msg.contains("(head_mismatch)"), "{msg}");
    assert!(verify_c(&events.to_string(), None).is_ok());

    // Bad arguments.
    let (st, msg, seq) = verify_c("{\"seq\":1}", None).unwrap_err();
    assert_eq!((st, seq), (tx_status::InvalidJson, None));
    assert!(msg.starts_with("argument `journal_json`"), "{msg}");
    let (st, msg, _) = verify_c(r#"[{"seq":1}]"#, None).unwrap_err();
    assert_eq!(st, tx_status::InvalidJson);
    assert!(msg.contains("[0]"), "{msg}");
    let (st, msg, _) = verify_c(&journal, Some("abc")).unwrap_err();
    assert_eq!(st, tx_status::InvalidArgument);
    assert!(msg.contains("expected_head"), "{msg}");
    let mut out: *mut c_char = null_mut();
    unsafe {
        assert_eq!(
            tx_registry_journal_head(null(), &mut out),
            tx_status::NullArgument
        );
        assert_eq!(last_error(), "argument `reg` is NULL");
        assert_eq!(
            tx_registry_journal_head(reg, null_mut()),
            tx_status::NullArgument
        );
        assert_eq!(last_error(), "argument `out_head` is NULL");
        assert_eq!(
            tx_verify_journal_json(null(), null(), &mut out, null_mut()),
            tx_status::NullArgument
        );
        assert_eq!(last_error(), "argument `journal_json` is NULL");
        assert_eq!(
            tx_verify_journal_json(c("[]").as_ptr(), null(), null_mut(), null_mut()),
            tx_status::NullArgument
        );
        assert_eq!(last_error(), "argument `out_head` is NULL");
        let bad = [0xffu8 as c_char, 0];
        assert_eq!(
            tx_verify_journal_json(bad.as_ptr(), null(), &mut out, null_mut()),
            tx_status::InvalidUtf8
        );
    }
    assert!(out.is_null());

    // A tampered snapshot is refused with the same status.
    let mut snap: *mut c_char = null_mut();
    assert_eq!(
        unsafe { tx_registry_to_json(reg, &mut snap) },
        tx_status::Ok
    );
    let text = take(snap);
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["journal"][1]["at"] = "2030-01-01T00:00:00".into();
    let mut none: *mut tx_registry = null_mut();
    assert_eq!(
        unsafe { tx_registry_from_json(c(&doc.to_string()).as_ptr(), &mut none) },
        tx_status::JournalTampered
    );
    assert!(last_error().contains("event 2 (altered)"));
    assert!(none.is_null());
    unsafe { tx_registry_free(reg) };
}
