#!/usr/bin/env bash
# Short bounded runs of every cargo-fuzz target (issue 8, "Fuzzing and adversarial input").
#
#   ./scripts/test-fuzz.sh                      # every target, 10 s each, two at a time
#   FUZZ_SECONDS=60 ./scripts/test-fuzz.sh      # longer
#   FUZZ_TARGETS="rules snapshot" ./scripts/test-fuzz.sh
#
# Installs cargo-fuzz if missing, builds every target once with the nightly toolchain
# (`cargo +nightly fuzz build`: AddressSanitizer, debug assertions and overflow checks on), then
# runs each from a temporary copy of its committed seeds (fuzz/seeds/<target>/) for FUZZ_SECONDS.
# A crash (panic, failed assertion, sanitizer report), a timeout (an input slower than
# FUZZ_TIMEOUT seconds) or an out-of-memory (past FUZZ_RSS_MB) fails the script, which prints
# the reproducer's path and how to replay it. The build is cached in fuzz/target/; the temporary
# corpora are deleted on success (kept, with the logs, on failure).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SECONDS_EACH="${FUZZ_SECONDS:-10}"
TIMEOUT="${FUZZ_TIMEOUT:-10}"
RSS_MB="${FUZZ_RSS_MB:-2048}"
PARALLEL="${FUZZ_PARALLEL:-2}"
ALL_TARGETS="import_csv import_xlsx snapshot rules commands c_strings"
TARGETS="${FUZZ_TARGETS:-$ALL_TARGETS}"

started=$(date +%s)

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "test-fuzz: the nightly toolchain is needed: rustup toolchain install nightly" >&2
    exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

echo "== building fuzz targets ($(cargo +nightly fuzz --version))"
cargo +nightly fuzz build
built=$(date +%s)
# The runs call the binaries just built (not `cargo fuzz run`, which would rebuild first should
# a source change meanwhile): what runs is what was built, and no run waits on a build.
host="$(rustc +nightly -vV | sed -n 's/^host: //p')"
bin_dir="$ROOT/fuzz/target/$host/release"

work="$(mktemp -d "${TMPDIR:-/tmp}/tongxin-fuzz.XXXXXX")"
echo "== running each target ${SECONDS_EACH}s (timeout ${TIMEOUT}s, rss ${RSS_MB}MB, ${PARALLEL} at a time) in $work"

run_one() {
    local t="$1"
    local corpus="$work/corpus/$t" artifacts="$work/artifacts/$t" log="$work/$t.log"
    mkdir -p "$corpus" "$artifacts"
    cp fuzz/seeds/"$t"/* "$corpus"/
    if "$bin_dir/$t" "$corpus" \
        -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" \
        -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
        echo "ok     $t: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)"
    else
        echo "FAILED $t (log: $log)"
        grep -E "panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer|SUMMARY" "$log" | head -5 | sed 's/^/    /'
        local a
        for a in "$artifacts"/*; do
            [ -e "$a" ] || continue
            echo "    reproducer: $a"
            echo "    replay:     cargo +nightly fuzz run $t $a"
        done
        return 1
    fi
}

failed=0
pids=()
names=()
for t in $TARGETS; do
    if [ ! -d "fuzz/seeds/$t" ]; then
        echo "test-fuzz: no target $t (targets: $ALL_TARGETS)" >&2
        exit 1
    fi
    run_one "$t" &
    pids+=("$!")
    names+=("$t")
    if [ "${#pids[@]}" -ge "$PARALLEL" ]; then
        wait "${pids[0]}" || failed=1
        pids=("${pids[@]:1}")
        names=("${names[@]:1}")
    fi
done
for p in "${pids[@]}"; do
    wait "$p" || failed=1
done

finished=$(date +%s)
echo "== build $((built - started))s, runs $((finished - built))s, total $((finished - started))s"
if [ "$failed" -ne 0 ]; then
    echo "test-fuzz: FAILED (logs, corpora and reproducers kept in $work)" >&2
    exit 1
fi
rm -rf "$work"
echo "test-fuzz: ok"
