#!/usr/bin/env bash
# Every test of tongxin: Rust (fmt, clippy, unit, integration, property, doc), the seed dataset,
# the demo, and the C front. Installs what it needs first. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo --version

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "rust tests"
cargo test --workspace

step "docs"
# rustdoc warnings are errors; cargo's own warnings (e.g. output collisions) fail the step too.
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps 2>&1 | tee /tmp/tongxin-doc.log
if grep -q '^warning' /tmp/tongxin-doc.log; then
  echo "cargo doc printed warnings" >&2
  exit 1
fi

step "seed dataset is what its generator writes"
python3 examples/data/generate_seeds.py --check

step "seed-facts demo"
cargo run --release -q -p tongxin-examples --bin seed-demo -- --quiet

for front in scripts/test-c.sh scripts/build-wasm.sh scripts/test-wasm.sh scripts/test-web.sh scripts/test-fuzz.sh; do
  step "$front"
  bash "$front"
done

printf '\nall tests passed\n'
