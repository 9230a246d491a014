#!/usr/bin/env bash
# Tests of the WASM package in Node and the cross-front scenario. Needs the package built
# first (./scripts/build-wasm.sh → bindings-wasm/pkg). Runs:
#   1. the TypeScript check of a typed usage file against the generated declarations (tsc);
#   2. the Node tests (node --test tests/wasm): every method's success and error paths, garbage
#      input, atomicity, and the cross-front scenario against the Rust answers;
#   3. the C side of the cross-front scenario (tests/cross/cross_c.py through ctypes).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n== %s\n' "$*"; }

if [ ! -f bindings-wasm/pkg/node/tongxin.js ]; then
  echo "test-wasm: bindings-wasm/pkg is missing; run ./scripts/build-wasm.sh first" >&2
  exit 1
fi

say "tools (typescript)"
(cd bindings-wasm/tools && npm ci --no-audit --no-fund --silent)

say "tsc --noEmit on the typed usage file"
bindings-wasm/tools/node_modules/.bin/tsc -p tests/wasm/tsconfig.json

say "Rust answers of the cross-front scenario"
cargo build --locked --release -q -p tongxin-examples --bin cross-front -p tongxin-c
ANSWERS=$(mktemp)
trap 'rm -f "$ANSWERS"' EXIT
./target/release/cross-front > "$ANSWERS"

say "node --test tests/wasm"
TONGXIN_CROSS_FRONT_BIN=./target/release/cross-front node --test tests/wasm/

say "C answers of the cross-front scenario"
python3 tests/cross/cross_c.py target/release/libtongxin.so "$ANSWERS"
