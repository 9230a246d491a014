#!/usr/bin/env bash
# Builds the npm package of tongxin into bindings-wasm/pkg/:
#   pkg/node/  CommonJS for Node (synchronous load: `require("tongxin")`)
#   pkg/web/   an ES module for browsers and bundlers (`await init()` once, then synchronous)
#   pkg/package.json (types, exports, files, sideEffects), README.md
#
# The wasm32 standard library comes from rustup where the target is installed
# (`rustup target add wasm32-unknown-unknown`). Where it is not (no download possible), Debian's
# Rust with its library sources builds `std` for the target: packages
# rustc-web, cargo-web and rust-web-src, `-Z build-std`, linked by rustup's rust-lld. That
# route also builds with `-C panic=immediate-abort`: a panic traps without formatting its
# message first (on wasm32-unknown-unknown nothing would show it), which leaves out the
# formatting machinery, 17 KB of the gzipped module. Either way a panic traps the instance.
# The wasm-bindgen CLI is installed at the exact version Cargo.lock holds; wasm-opt (binaryen,
# pinned through npm in bindings-wasm/tools) shrinks the module.
#
# Browsers download the module and Node servers run it, so the two get different builds by
# default (TONGXIN_WASM_OPT=split): web/ is optimized for size (opt-level z, then wasm-opt -Oz),
# node/ for speed (opt-level 3: the rollup runs within
# 2x of native Rust there, 5x with the size build; BENCHMARKS.md). TONGXIN_WASM_OPT=size or
# speed builds both the one way.
set -euo pipefail
cd "$(dirname "$0")/.."
OPT=${TONGXIN_WASM_OPT:-split}
case "$OPT" in
  split) WEB=z NODE=3 ;;
  size) WEB=z NODE=z ;;
  speed) WEB=3 NODE=3 ;;
  *) echo "TONGXIN_WASM_OPT must be split, size or speed, not $OPT" >&2; exit 2 ;;
esac
ROOT=$PWD
PKG=bindings-wasm/pkg
PROFILE=wasm-release
say() { printf '\n== %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# compile LEVEL: builds tongxin-wasm at opt-level LEVEL (own target directory per level) and
# prints the module's path on the last line.
compile() {
  local level=$1 target_dir
  target_dir=$ROOT/target/wasm$([ "$level" = 3 ] && echo -speed || true)
  say "compile tongxin-wasm for wasm32-unknown-unknown, opt-level $level" >&2
  # The size build takes sha2's compact SHA-256 (rounds in a loop, not unrolled: 2 KB of the
  # gzipped module; the journal's hash chain is slower, which a browser's registry does not
  # feel).
  local cfg=""
  [ "$level" = z ] && cfg='--cfg sha2_backend_soft="compact"'
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "route: rustup's wasm32 target" >&2
    CARGO_PROFILE_WASM_RELEASE_OPT_LEVEL=$level CARGO_TARGET_DIR=$target_dir RUSTFLAGS="$cfg" \
      cargo build --locked --profile $PROFILE --target wasm32-unknown-unknown -p tongxin-wasm >&2
  else
    echo "route: Debian's rustc-web with its std sources (-Z build-std)" >&2
    if [ ! -x /usr/bin/rustc ] || [ ! -x /usr/bin/cargo ] || [ ! -d /usr/lib/rustlib/src/rust/library ]; then
      as_root apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq rustc-web cargo-web rust-web-src >/dev/null
    fi
    local lld
    lld="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
    [ -x "$lld" ] || { echo "rust-lld not found at $lld" >&2; exit 1; }
    # The size build also takes the standard library's own size-over-speed variants
    # (`optimize_for_size`: smaller sorts and formatting, 15 KB of the gzipped module), and
    # leaves out the file and line of each panic site, which an aborting panic never shows
    # (`-Z location-detail=none`, 0.4 KB).
    local std_features=()
    if [ "$level" = z ]; then
      std_features=(-Z build-std-features=optimize_for_size)
      cfg="$cfg -Z location-detail=none"
    fi
    CARGO_PROFILE_WASM_RELEASE_OPT_LEVEL=$level CARGO_TARGET_DIR=$target_dir \
      RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
      RUSTFLAGS="-C linker=$lld -Z unstable-options -C panic=immediate-abort $cfg" \
      /usr/bin/cargo build --locked --profile $PROFILE --target wasm32-unknown-unknown \
      -Z build-std=std,panic_abort "${std_features[@]}" -p tongxin-wasm >&2
  fi
  echo "$target_dir/wasm32-unknown-unknown/$PROFILE/tongxin_wasm.wasm"
}
WEB_WASM=$(compile $WEB | tail -1)
if [ "$NODE" = "$WEB" ]; then NODE_WASM=$WEB_WASM; else NODE_WASM=$(compile $NODE | tail -1); fi

say "wasm-bindgen"
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  echo "installing wasm-bindgen-cli $WB_VERSION (one time)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi
rm -rf "$PKG"
mkdir -p "$PKG"
wasm-bindgen --target nodejs --out-dir "$PKG/node" --out-name tongxin "$NODE_WASM"
wasm-bindgen --target web --out-dir "$PKG/web" --out-name tongxin "$WEB_WASM"

say "wasm-opt"
# binaryen from npm (pinned in bindings-wasm/tools/package.json): Debian's wasm-opt (108) is
# too old for the reference types wasm-bindgen emits and breaks the module.
(cd bindings-wasm/tools && npm ci --no-audit --no-fund --silent)
WASM_OPT=bindings-wasm/tools/node_modules/.bin/wasm-opt
# Each module is optimized the way it was compiled: the size build (opt-level z) with -Oz,
# running the passes until they stop gaining (`--converge`: 2 KB smaller, 16 s more; -Oz is
# 3.5 KB smaller than -O3 here), the speed build with -O3.
for dir in node web; do
  f="$PKG/$dir/tongxin_bg.wasm"
  level=$([ "$dir" = web ] && echo "$WEB" || echo "$NODE")
  passes=(-O3)
  [ "$level" = z ] && passes=(-Oz --converge)
  "$WASM_OPT" "${passes[@]}" --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$f" -o "$f.opt"
  mv "$f.opt" "$f"
done

say "package"
VERSION=$(awk -F'"' '/^\[workspace.package\]/{w=1} w && /^version/ {print $2; exit}' Cargo.toml)
sed "s/@VERSION@/$VERSION/" bindings-wasm/npm/package.json > "$PKG/package.json"
cp bindings-wasm/npm/README.md "$PKG/README.md"
for dir in web node; do
  echo "$dir/tongxin_bg.wasm: $(stat -c %s "$PKG/$dir/tongxin_bg.wasm") bytes raw," \
    "$(gzip -9 -c "$PKG/$dir/tongxin_bg.wasm" | wc -c) bytes gzipped (-9)"
done
GZ=$(gzip -9 -c "$PKG/web/tongxin_bg.wasm" | wc -c)
# Issue 7 asks for at most 400 KB (409,600 bytes) gzipped for the module browsers download.
# The build-std route (this machine's and CI's) meets it, and this gate keeps it so. The rustup
# route cannot take `panic=immediate-abort` nor std's `optimize_for_size` (about 32 KB
# together), so it gets room for them.
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  DEFAULT_BUDGET=$((448 * 1024))
else
  DEFAULT_BUDGET=$((400 * 1024))
fi
BUDGET=${TONGXIN_WASM_GZ_BUDGET:-$DEFAULT_BUDGET}
if [ "$WEB" = z ] && [ "$GZ" -gt "$BUDGET" ]; then
  echo "FAIL: the gzipped module ($GZ bytes) exceeds the budget of $BUDGET bytes" >&2
  exit 1
fi
echo "package ready in $PKG"
