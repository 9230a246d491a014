#!/usr/bin/env bash
# End-to-end test of the browser dashboard (examples/web) in headless Chromium.
# Needs the web package built first (./scripts/build-wasm.sh → bindings-wasm/pkg/web); this
# script does not build it. Installs Debian's chromium (and a CJK font for readable screenshots)
# when missing, installs playwright-core from tests/web/package-lock.json, builds the web-expect
# binary (the Rust answers) and runs tests/web/e2e.mjs. Screenshots: test-output/web/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
say() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null 2>&1 || {
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
  }
}

PKG=${TONGXIN_WASM_PKG:-$ROOT/bindings-wasm/pkg/web}
if [ ! -f "$PKG/tongxin.js" ] || [ ! -f "$PKG/tongxin_bg.wasm" ]; then
  echo "test-web: $PKG is missing; run ./scripts/build-wasm.sh first" >&2
  exit 1
fi

say "chromium"
if [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; then
  apt_install fonts-wqy-microhei || echo "no CJK font installed: screenshots will show boxes"
fi
/usr/bin/chromium --version 2>/dev/null || true

say "npm (tests/web)"
if [ -f tests/web/package-lock.json ]; then
  (cd tests/web && npm ci --no-audit --no-fund --loglevel=error)
else
  (cd tests/web && npm install --no-audit --no-fund --loglevel=error)
fi

say "web-expect (the Rust answers)"
cargo build --release --locked -q -p tongxin-examples --bin web-expect
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps 2>/dev/null \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')

say "e2e"
WEB_EXPECT_BIN="${TARGET_DIR:-$ROOT/target}/release/web-expect" TONGXIN_WASM_PKG="$PKG" \
  node tests/web/e2e.mjs
