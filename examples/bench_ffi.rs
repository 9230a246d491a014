//! C ABI overhead (issue 6): the same questions asked through libtongxin's exported `tx_`
//! functions, called as a C host calls them, and through the core directly.
//!
//! ```text
//! cargo build --release -p tongxin-c            # target/release/libtongxin.so
//! cargo run --release -p tongxin-examples --bin bench-ffi [-- --lib PATH --rounds N
//!     --orgs N --persons N --memberships N]
//! ```
//!
//! The library is loaded with `dlopen` and every function reached through `dlsym`, the way
//! ctypes, JNA or P/Invoke reach it (a C program linked against it calls through the PLT, the
//! same indirect call); string arguments are prepared as `CString`s before timing. Measured:
//!
//! - (a) a trivial call, `tx_registry_organization_count`, on the seed dataset;
//! - (b) `tx_registry_check_eligibility` against `rules::check` with a compiled standard book,
//!   on the seed dataset, for every (person, organization) pair of a fixed sample;
//! - (c) `tx_registry_rollup_totals` against `stats::rollup`, on an M-scale registry generated
//!   by `rostergen` (default 10,000 organizations, 1,000,000 persons, 2,000,000 memberships)
//!   and imported on both sides from the same CSV.
//!
//! C and Rust rounds alternate; each figure is the median and the best of the rounds. The
//! answers are compared (the run exits 1 if any differs).

mod rostergen;

use chrono::NaiveDate;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;
use tongxin::interchange::{import_rosters, ImportOptions, Rosters};
use tongxin::prelude::*;
use tongxin::rules::{self, CompiledBook};
use tongxin::stats;

#[link(name = "dl")]
extern "C" {
    fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlerror() -> *const c_char;
}

const RTLD_NOW: c_int = 2;
/// `TX_STATUS_OK`.
const OK: i32 = 0;

type Reg = *mut c_void;
type NewFn = unsafe extern "C" fn() -> Reg;
type FreeFn = unsafe extern "C" fn(Reg);
type StringFreeFn = unsafe extern "C" fn(*mut c_char);
type ErrorFn = unsafe extern "C" fn(*mut c_char, usize, *mut usize) -> i32;
type ApplyBatchFn =
    unsafe extern "C" fn(Reg, *const c_char, *const c_char, *mut usize, *mut usize) -> i32;
type ImportFn = unsafe extern "C" fn(
    Reg,
    *const c_char,
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    usize,
    *const c_char,
    *mut *mut c_char,
    *mut *mut c_char,
) -> i32;
type CountFn = unsafe extern "C" fn(Reg, *mut usize) -> i32;
type CheckFn = unsafe extern "C" fn(
    Reg,
    *const c_char,
    *const c_char,
    *const c_char,
    *mut bool,
    *mut *mut c_char,
    *mut *mut c_char,
) -> i32;
type TotalsFn = unsafe extern "C" fn(Reg, *const c_char, *mut u64, usize, *mut usize) -> i32;
type IdAtFn = unsafe extern "C" fn(Reg, usize, *mut *mut c_char) -> i32;

/// The exported functions used here, resolved once.
struct Lib {
    new: NewFn,
    free: FreeFn,
    string_free: StringFreeFn,
    last_error: ErrorFn,
    apply_batch: ApplyBatchFn,
    import: ImportFn,
    count: CountFn,
    check: CheckFn,
    totals: TotalsFn,
    id_at: IdAtFn,
}

/// A symbol's address as the function pointer type `F`.
///
/// # Safety
/// `p` must be the address of a function whose C signature is `F`'s.
unsafe fn as_fn<F: Copy>(p: *mut c_void) -> F {
    assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<*mut c_void>());
    // SAFETY: `F` is a function pointer type of pointer size (checked), `p` such a function.
    unsafe { std::mem::transmute_copy::<*mut c_void, F>(&p) }
}

fn fail(what: impl std::fmt::Display) -> ! {
    eprintln!("bench-ffi: {what}");
    std::process::exit(1)
}

impl Lib {
    fn open(path: &str) -> Lib {
        let c_path = CString::new(path).unwrap_or_else(|_| fail("library path contains NUL"));
        // SAFETY: a NUL-terminated path; the handle is kept for the life of the process.
        let handle = unsafe { dlopen(c_path.as_ptr(), RTLD_NOW) };
        if handle.is_null() {
            // SAFETY: dlerror gives a NUL-terminated message after a failed dlopen.
            let why = unsafe { CStr::from_ptr(dlerror()) }.to_string_lossy();
            fail(format!(
                "cannot load {path}: {why} (build it with `cargo build --release -p tongxin-c`)"
            ));
        }
        let sym = |name: &str| -> *mut c_void {
            let c_name = CString::new(name).unwrap_or_default();
            // SAFETY: a live handle and a NUL-terminated name.
            let p = unsafe { dlsym(handle, c_name.as_ptr()) };
            if p.is_null() {
                fail(format!("{path} lacks {name}"));
            }
            p
        };
        // SAFETY: each symbol is the exported function of that name, whose C signature (see
        // include/tongxin.h) is the type of the field it goes to; `tx_status` is a C enum (int).
        unsafe {
            Lib {
                new: as_fn(sym("tx_registry_new")),
                free: as_fn(sym("tx_registry_free")),
                string_free: as_fn(sym("tx_string_free")),
                last_error: as_fn(sym("tx_last_error_message")),
                apply_batch: as_fn(sym("tx_registry_apply_batch_json")),
                import: as_fn(sym("tx_registry_import_rosters")),
                count: as_fn(sym("tx_registry_organization_count")),
                check: as_fn(sym("tx_registry_check_eligibility")),
                totals: as_fn(sym("tx_registry_rollup_totals")),
                id_at: as_fn(sym("tx_registry_organization_id_at")),
            }
        }
    }

    /// Fails the run with the library's message unless `status` is OK.
    fn ok(&self, status: i32, what: &str) {
        if status == OK {
            return;
        }
        let mut buf = vec![0 as c_char; 4096];
        let mut n = 0usize;
        // SAFETY: a buffer of its length and a valid out-pointer.
        unsafe { (self.last_error)(buf.as_mut_ptr(), buf.len(), &mut n) };
        // SAFETY: the library NUL-terminates what it writes.
        let msg = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy();
        fail(format!("{what}: status {status}: {msg}"));
    }

    /// Takes an owned string handed out by the library.
    fn take(&self, p: *mut c_char) -> String {
        // SAFETY: a string the library handed out, freed once, here.
        unsafe {
            let s = CStr::from_ptr(p).to_string_lossy().into_owned();
            (self.string_free)(p);
            s
        }
    }
}

/// The command metadata both sides get, from the JSON text the C side is given.
fn meta(json: &str) -> Meta {
    serde_json::from_str(json).unwrap_or_else(|e| fail(format!("meta: {e}")))
}

fn cstr(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|_| fail(format!("`{s}` contains NUL")))
}

struct Args {
    lib: String,
    rounds: usize,
    spec: rostergen::Spec,
}

fn parse_args() -> Args {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = Args {
        lib: root
            .join("../target/release/libtongxin.so")
            .to_string_lossy()
            .into_owned(),
        rounds: 31,
        spec: rostergen::Spec {
            orgs: 10_000,
            persons: 1_000_000,
            memberships: 2_000_000,
            seed: 1,
        },
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .unwrap_or_else(|| fail(format!("{flag} needs a value")));
        let number = || {
            value
                .parse::<usize>()
                .unwrap_or_else(|_| fail(format!("{flag} {value}")))
        };
        match flag.as_str() {
            "--lib" => args.lib = value.clone(),
            "--rounds" => args.rounds = number().max(1),
            "--orgs" => args.spec.orgs = number(),
            "--persons" => args.spec.persons = number(),
            "--memberships" => args.spec.memberships = number(),
            _ => fail(format!(
                "unknown flag {flag}; usage: bench-ffi [--lib PATH] [--rounds N] [--orgs N] [--persons N] [--memberships N]"
            )),
        }
    }
    args
}

/// Median and best of per-operation times (seconds).
struct Figure {
    median: f64,
    best: f64,
}

impl Figure {
    fn of(mut samples: Vec<f64>) -> Figure {
        samples.sort_by(f64::total_cmp);
        Figure {
            median: samples[samples.len() / 2],
            best: samples[0],
        }
    }
}

/// Runs `c` and `rust` alternately for `rounds` rounds of `ops` operations each; gives the
/// per-operation figures of each.
fn race(
    rounds: usize,
    ops: usize,
    mut c: impl FnMut(),
    mut rust: impl FnMut(),
) -> (Figure, Figure) {
    let (mut tc, mut tr) = (Vec::new(), Vec::new());
    c();
    rust();
    for _ in 0..rounds {
        let t = Instant::now();
        c();
        tc.push(t.elapsed().as_secs_f64() / ops as f64);
        let t = Instant::now();
        rust();
        tr.push(t.elapsed().as_secs_f64() / ops as f64);
    }
    (Figure::of(tc), Figure::of(tr))
}

fn report(label: &str, unit: f64, unit_name: &str, c: &Figure, rust: &Figure, target: &str) {
    println!(
        "{label:<44} C {:>9.1} {unit_name} (best {:>9.1})   Rust {:>9.1} {unit_name} (best {:>9.1})   C/Rust {:.3} (best {:.3})   target {target}",
        c.median * unit,
        c.best * unit,
        rust.median * unit,
        rust.best * unit,
        c.median / rust.median,
        c.best / rust.best,
    );
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// The seed dataset through the core and through the library (one atomic batch each).
fn seeds(lib: &Lib) -> (Registry, Reg) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/seeds.jsonl");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| fail(format!("{}: {e}", path.display())));
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let commands: Vec<Command> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| fail(format!("seeds: {e}"))))
        .collect();
    let meta_json = r#"{"at":"2025-01-01T00:00:00","actor":"seed-dataset"}"#;
    let mut reg = Registry::new();
    if let Err((i, e)) = reg.apply_batch(&meta(meta_json), commands) {
        fail(format!("seeds: command {i}: {e}"));
    }
    let meta_json = cstr(meta_json);
    let batch = cstr(&format!("[{}]", lines.join(",")));
    // SAFETY: the library's own constructor.
    let handle = unsafe { (lib.new)() };
    let (mut applied, mut failed) = (0usize, 0usize);
    // SAFETY: a live handle, NUL-terminated strings, valid out-pointers.
    let st = unsafe {
        (lib.apply_batch)(
            handle,
            meta_json.as_ptr(),
            batch.as_ptr(),
            &mut applied,
            &mut failed,
        )
    };
    lib.ok(st, &format!("seeds through C (command {failed})"));
    (reg, handle)
}

/// An M-scale registry from the same generated CSV, through the core and through the library.
fn m_scale(lib: &Lib, spec: &rostergen::Spec) -> (Registry, Reg) {
    let t = Instant::now();
    let files = rostergen::generate(spec);
    let meta_json = r#"{"at":"2024-06-01T09:00:00","actor":"bench"}"#;
    let rosters = Rosters::csv(
        files.orgs.as_bytes(),
        files.persons.as_bytes(),
        files.memberships.as_bytes(),
    );
    let mut reg = Registry::new();
    if let Err(e) = import_rosters(
        &mut reg,
        &meta(meta_json),
        &rosters,
        &ImportOptions::default(),
    ) {
        fail(format!("import: {e}"));
    }
    let meta_json = cstr(meta_json);
    // SAFETY: the library's own constructor.
    let handle = unsafe { (lib.new)() };
    let mut summary: *mut c_char = std::ptr::null_mut();
    let (o, p, m) = (&files.orgs, &files.persons, &files.memberships);
    // SAFETY: a live handle, buffers with their lengths, no enterprises (NULL, 0), default
    // options (NULL), no report wanted (NULL).
    let st = unsafe {
        (lib.import)(
            handle,
            meta_json.as_ptr(),
            o.as_ptr(),
            o.len(),
            p.as_ptr(),
            p.len(),
            m.as_ptr(),
            m.len(),
            std::ptr::null(),
            0,
            std::ptr::null(),
            &mut summary,
            std::ptr::null_mut(),
        )
    };
    lib.ok(st, "import through C");
    println!(
        "M-scale registry: {} organizations, {} persons, {} memberships, built on both sides in {:.1} s ({})",
        reg.organization_count(),
        reg.person_count(),
        reg.membership_count(),
        t.elapsed().as_secs_f64(),
        lib.take(summary)
    );
    (reg, handle)
}

fn main() {
    let args = parse_args();
    let lib = Lib::open(&args.lib);
    let rounds = args.rounds;
    println!(
        "bench-ffi: {} via dlopen; {rounds} rounds, C and Rust alternating; load average before: {}",
        args.lib,
        load_average()
    );
    let (reg, handle) = seeds(&lib);
    println!(
        "seed dataset: {} organizations, {} persons",
        reg.organization_count(),
        reg.person_count()
    );

    // (a) a trivial call.
    let calls = 1_000_000;
    let (c, rust) = race(
        rounds,
        calls,
        || {
            let mut n = 0usize;
            for _ in 0..calls {
                // SAFETY: a live handle and a valid out-pointer.
                let st = unsafe { (lib.count)(black_box(handle), &mut n) };
                black_box((st, n));
            }
        },
        || {
            for _ in 0..calls {
                black_box(black_box(&reg).organization_count());
            }
        },
    );
    report("(a) organization count", 1e9, "ns", &c, &rust, "C < 50 ns");

    // (b) eligibility: every pair of the first persons and organizations of the seeds.
    let day = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap_or_default();
    let c_day = cstr("2024-06-30");
    let persons: Vec<&str> = reg.persons().take(100).map(|p| p.id.as_str()).collect();
    let orgs: Vec<&str> = reg
        .organizations()
        .take(20)
        .map(|o| o.id.as_str())
        .collect();
    let pairs: Vec<(CString, CString, MemberRef, &str)> = persons
        .iter()
        .flat_map(|p| orgs.iter().map(move |o| (*p, *o)))
        .map(|(p, o)| (cstr(p), cstr(o), MemberRef::Person(p.to_string()), o))
        .collect();
    let book = CompiledBook::standard();
    let mut c_yes = 0usize;
    let mut rust_yes = 0usize;
    let (c, rust) = race(
        rounds,
        pairs.len(),
        || {
            c_yes = 0;
            for (p, o, _, _) in &pairs {
                let mut eligible = false;
                // SAFETY: a live handle, NUL-terminated strings, explanations not wanted.
                let st = unsafe {
                    (lib.check)(
                        handle,
                        p.as_ptr(),
                        o.as_ptr(),
                        c_day.as_ptr(),
                        &mut eligible,
                        std::ptr::null_mut(),
                        std::ptr::null_mut(),
                    )
                };
                lib.ok(st, "check");
                c_yes += usize::from(black_box(eligible));
            }
        },
        || {
            rust_yes = 0;
            for (_, _, member, org) in &pairs {
                let check = rules::check(&reg, &book, member, org, day)
                    .unwrap_or_else(|e| fail(format!("check: {e}")));
                rust_yes += usize::from(black_box(check).eligible);
            }
        },
    );
    if c_yes != rust_yes {
        fail(format!(
            "eligibility differs: {c_yes} eligible through C, {rust_yes} in Rust"
        ));
    }
    report(
        &format!("(b) eligibility check ({} pairs)", pairs.len()),
        1e6,
        "µs",
        &c,
        &rust,
        "C/Rust ≤ 1.5",
    );
    println!(
        "    {c_yes} of {} pairs eligible on both sides",
        pairs.len()
    );
    let (c_expl, _) = race(
        rounds,
        pairs.len(),
        || {
            for (p, o, _, _) in &pairs {
                let mut eligible = false;
                let (mut zh, mut en): (*mut c_char, *mut c_char) =
                    (std::ptr::null_mut(), std::ptr::null_mut());
                // SAFETY: as above, with both explanations asked for and freed.
                unsafe {
                    let st = (lib.check)(
                        handle,
                        p.as_ptr(),
                        o.as_ptr(),
                        c_day.as_ptr(),
                        &mut eligible,
                        &mut zh,
                        &mut en,
                    );
                    lib.ok(st, "check");
                    (lib.string_free)(black_box(zh));
                    (lib.string_free)(black_box(en));
                }
            }
        },
        || {},
    );
    report(
        "    with both explanations (and their frees)",
        1e6,
        "µs",
        &c_expl,
        &rust,
        "(for information)",
    );
    // SAFETY: the handle from `seeds`, freed once.
    unsafe { (lib.free)(handle) };
    drop(reg);

    // (c) bulk rollup at M scale.
    let (reg, handle) = m_scale(&lib, &args.spec);
    let n = reg.organization_count();
    let ids: Vec<String> = (0..n)
        .map(|i| {
            let mut p: *mut c_char = std::ptr::null_mut();
            // SAFETY: a live handle and a valid out-pointer.
            lib.ok(unsafe { (lib.id_at)(handle, i, &mut p) }, "id_at");
            lib.take(p)
        })
        .collect();
    let mut totals = vec![0u64; n];
    let mut rollup = stats::rollup(&reg, day, None);
    let rollup_rounds = rounds.min(15);
    let (c, rust) = race(
        rollup_rounds,
        1,
        || {
            let mut written = 0usize;
            // SAFETY: a live handle, a buffer of `n` totals, a valid out-pointer.
            let st = unsafe {
                (lib.totals)(handle, c_day.as_ptr(), totals.as_mut_ptr(), n, &mut written)
            };
            lib.ok(st, "rollup totals");
            black_box(&totals);
        },
        || rollup = black_box(stats::rollup(&reg, day, None)),
    );
    let index: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let same = rollup.rows.len() <= n
        && rollup
            .rows
            .iter()
            .all(|r| index.get(r.org_id.as_str()).map(|&i| totals[i]) == Some(r.total))
        && totals.iter().filter(|&&t| t > 0).count()
            == rollup.rows.iter().filter(|r| r.total > 0).count();
    if !same {
        fail("rollup totals differ between C and Rust");
    }
    report(
        &format!("(c) rollup, all {n} organizations"),
        1e3,
        "ms",
        &c,
        &rust,
        "C/Rust ≤ 1.1",
    );
    println!(
        "    root total {} on {day}, identical on both sides; {rollup_rounds} rounds",
        rollup.rows.first().map_or(0, |r| r.total)
    );
    // SAFETY: the handle from `m_scale`, freed once.
    unsafe { (lib.free)(handle) };
    println!("load average after: {}", load_average());
}
