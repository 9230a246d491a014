#!/usr/bin/env bash
# Builds the npm package of tongxin into bindings-wasm/pkg/:
#   pkg/node/  CommonJS for Node (synchronous load: `require("tongxin")`)
#   pkg/web/   an ES module for browsers and bundlers (`await init()` once, then synchronous)
#   pkg/package.json (types, exports, files, sideEffects), README.md
#
# The wasm32 standard library comes from rustup where the target is installed
# (`rustup target add wasm32-unknown-unknown`). Where it is not (no download possible), Debian's
# Rust with its library sources builds `std` for the target: packages
# rustc-web, cargo-web and rust-web-src, `-Z build-std`, linked by rustup's rust-lld.
# The wasm-bindgen CLI is installed at the exact version Cargo.lock holds; wasm-opt (binaryen,
# pinned through npm in bindings-wasm/tools) shrinks the module.
#
# TONGXIN_WASM_OPT=size (default) optimizes for size (opt-level z, then wasm-opt -O3, which
# speeds the module up without growing it); TONGXIN_WASM_OPT=speed builds with opt-level 3 for
# Node servers that care more for speed than bytes (BENCHMARKS.md compares the two).
set -euo pipefail
cd "$(dirname "$0")/.."
OPT=${TONGXIN_WASM_OPT:-size}
case "$OPT" in
  size) LEVEL=z ;;
  speed) LEVEL=3 ;;
  *) echo "TONGXIN_WASM_OPT must be size or speed, not $OPT" >&2; exit 2 ;;
esac
export CARGO_PROFILE_WASM_RELEASE_OPT_LEVEL=$LEVEL
ROOT=$PWD
PKG=bindings-wasm/pkg
TARGET_DIR=$ROOT/target/wasm$([ "$OPT" = speed ] && echo -speed || true)
PROFILE=wasm-release
say() { printf '\n== %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

say "compile tongxin-wasm for wasm32-unknown-unknown"
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "route: rustup's wasm32 target"
  CARGO_TARGET_DIR=$TARGET_DIR cargo build --locked --profile $PROFILE \
    --target wasm32-unknown-unknown -p tongxin-wasm
else
  echo "route: Debian's rustc-web with its std sources (-Z build-std)"
  if [ ! -x /usr/bin/rustc ] || [ ! -x /usr/bin/cargo ] || [ ! -d /usr/lib/rustlib/src/rust/library ]; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq rustc-web cargo-web rust-web-src >/dev/null
  fi
  LLD="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
  [ -x "$LLD" ] || { echo "rust-lld not found at $LLD" >&2; exit 1; }
  CARGO_TARGET_DIR=$TARGET_DIR RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    RUSTFLAGS="-C linker=$LLD" \
    /usr/bin/cargo build --locked --profile $PROFILE --target wasm32-unknown-unknown \
    -Z build-std=std,panic_abort -p tongxin-wasm
fi
WASM=$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/tongxin_wasm.wasm

say "wasm-bindgen"
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  echo "installing wasm-bindgen-cli $WB_VERSION (one time)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi
rm -rf "$PKG"
mkdir -p "$PKG"
wasm-bindgen --target nodejs --out-dir "$PKG/node" --out-name tongxin "$WASM"
wasm-bindgen --target web --out-dir "$PKG/web" --out-name tongxin "$WASM"

say "wasm-opt"
# binaryen from npm (pinned in bindings-wasm/tools/package.json): Debian's wasm-opt (108) is
# too old for the reference types wasm-bindgen emits and breaks the module.
(cd bindings-wasm/tools && npm ci --no-audit --no-fund --silent)
WASM_OPT=bindings-wasm/tools/node_modules/.bin/wasm-opt
for dir in node web; do
  f="$PKG/$dir/tongxin_bg.wasm"
  "$WASM_OPT" -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue "$f" -o "$f.opt"
  mv "$f.opt" "$f"
done

say "package"
VERSION=$(awk -F'"' '/^\[workspace.package\]/{w=1} w && /^version/ {print $2; exit}' Cargo.toml)
sed "s/@VERSION@/$VERSION/" bindings-wasm/npm/package.json > "$PKG/package.json"
cp bindings-wasm/npm/README.md "$PKG/README.md"
RAW=$(stat -c %s "$PKG/web/tongxin_bg.wasm")
GZ=$(gzip -9 -c "$PKG/web/tongxin_bg.wasm" | wc -c)
echo "tongxin_bg.wasm: $RAW bytes raw, $GZ bytes gzipped (-9)"
# Issue 7 asks for at most 400 KB gzipped; the module is above that today (BENCHMARKS.md says
# where the bytes go). This gate keeps it from growing further unnoticed.
BUDGET=${TONGXIN_WASM_GZ_BUDGET:-$((680 * 1024))}
if [ "$OPT" = size ] && [ "$GZ" -gt "$BUDGET" ]; then
  echo "FAIL: the gzipped module ($GZ bytes) exceeds the budget of $BUDGET bytes" >&2
  exit 1
fi
echo "package ready in $PKG"
