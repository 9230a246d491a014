//! `bench-text`: how fast roster files are decoded from and encoded to GBK / GB18030 by the
//! library's own codec, beside encoding_rs (which the library used before, and from which its
//! tables are derived) on the same bytes.
//!
//! ```sh
//! cargo run --release -p tongxin-examples --bin bench-text -- [--persons 1000000] [--runs 5]
//! ```
//!
//! The text is the generated `orgs.csv` and `persons.csv` (Chinese names, employers and
//! professions between ASCII fields), as `gen-rosters` writes them. Each figure is the best of `--runs` runs, in MB of
//! GBK bytes per second.

mod rostergen;
mod timing;

use std::time::Duration;
use timing::best_of;
use tongxin::interchange::{decode, encode, TextEncoding};

fn main() {
    let mut persons = 1_000_000;
    let mut runs = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value: u64 = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            eprintln!("usage: bench-text [--persons N] [--runs N]");
            std::process::exit(2)
        });
        match flag.as_str() {
            "--persons" => persons = value as usize,
            "--runs" => runs = value as usize,
            _ => {
                eprintln!("unknown flag {flag}");
                std::process::exit(2)
            }
        }
    }
    let files = rostergen::generate(&rostergen::Spec {
        orgs: 100,
        persons,
        memberships: 0,
        seed: 1,
    });
    // The three files one after the other (memberships.csv is empty here: it has no Chinese).
    let text = files.orgs + &files.persons + &files.memberships;
    let gbk = encoding_rs::GBK.encode(&text).0.into_owned();
    let mb = gbk.len() as f64 / 1e6;
    let chinese = text.chars().filter(|c| !c.is_ascii()).count();
    println!(
        "orgs.csv + persons.csv: {persons} persons, {:.1} MB as GBK, {chinese} Chinese characters",
        mb
    );

    let (t_ours, ours) = best_of(runs, || decode("persons.csv", &gbk, TextEncoding::Gbk));
    let ours = ours.expect("the GBK bytes decode");
    let (t_rs, theirs) = best_of(runs, || encoding_rs_decode(&gbk));
    assert_eq!(ours, theirs, "both decoders read the same text");
    report("decode", mb, t_ours, t_rs);

    let (t_ours, ours) = best_of(runs, || {
        encode("persons.csv", text.clone(), TextEncoding::Gbk, false)
    });
    let ours = ours.expect("the text is GBK");
    let (t_rs, theirs) = best_of(runs, || encoding_rs::GBK.encode(&text).0.into_owned());
    assert_eq!(ours, theirs, "both encoders write the same bytes");
    report("encode", mb, t_ours, t_rs);
}

/// One line of figures: `mb` megabytes in `ours` and in `theirs`.
fn report(what: &str, mb: f64, ours: Duration, theirs: Duration) {
    let (ours, theirs) = (ours.as_secs_f64(), theirs.as_secs_f64());
    println!(
        "{what}: tongxin {:.0} MB/s ({:.1} ms), encoding_rs {:.0} MB/s ({:.1} ms)",
        mb / ours,
        ours * 1e3,
        mb / theirs,
        theirs * 1e3
    );
}

/// encoding_rs's GBK decoding (GB18030's decoder), strict, as text.
fn encoding_rs_decode(bytes: &[u8]) -> String {
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(bytes)
        .expect("the GBK bytes decode")
        .into_owned()
}
