#!/usr/bin/env bash
# Tests the C ABI (libtongxin) end to end, as a C, C++, CMake, pkg-config and Python user sees it.
#
#   scripts/test-c.sh
#
# 1. builds libtongxin (release) and runs the binding's Rust tests;
# 2. checks bindings-c/include/tongxin.h is what cbindgen (pinned) generates now, and that it
#    compiles as C11 -pedantic and as C++;
# 3. builds and runs examples/c/quickstart with its Makefile;
# 4. installs into a temporary prefix and builds quickstart from there with CMake (shared and
#    static) and with pkg-config;
# 5. runs the C test suite under valgrind (zero errors, zero leaks of any kind) and under
#    ASan+UBSan;
# 6. runs the Python ctypes smoke test and checks it prints what quickstart prints.
#
# Needs Rust, gcc/g++, make, valgrind and python3; installs cbindgen (cargo install) and any
# missing Debian packages (cmake, pkg-config, valgrind, g++) with apt-get when it can.
set -euo pipefail

CBINDGEN_VERSION=0.29.4
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tongxin-c.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
LIB_DIR="$TARGET_DIR/release"
INCLUDE_DIR="$ROOT/bindings-c/include"
WARN=(-Wall -Wextra -Wpedantic -Werror)
STEPS=0
START=$SECONDS

step() { printf '\n=== %s\n' "$*"; }
passed() { STEPS=$((STEPS + 1)); printf -- '--- ok: %s\n' "$*"; }

# ---------------------------------------------------------------- tools
APT_UPDATED=0
apt_install() {
    # Installs Debian packages; returns non-zero when apt-get is not usable here.
    command -v apt-get >/dev/null 2>&1 || return 1
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || return 1
        sudo=(sudo -n)
    fi
    if [ "$APT_UPDATED" -eq 0 ]; then
        "${sudo[@]}" apt-get update -qq >/dev/null
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
}
need() { # need COMMAND PACKAGE: installs PACKAGE when COMMAND is missing, or fails.
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "installing $2 (for $1)"
    apt_install "$2" && command -v "$1" >/dev/null 2>&1 && return 0
    echo "error: $1 is required (Debian package $2) and could not be installed" >&2
    exit 1
}
step "tools"
need cargo cargo
need gcc gcc
need g++ g++
need make make
need valgrind valgrind
need python3 python3
need pkg-config pkg-config
HAVE_CMAKE=1
if ! command -v cmake >/dev/null 2>&1; then
    echo "installing cmake"
    if ! apt_install cmake || ! command -v cmake >/dev/null 2>&1; then
        HAVE_CMAKE=0
        echo "NOTE: cmake is missing and apt-get is unavailable: the CMake builds are SKIPPED"
    fi
fi
if [ "$(cbindgen --version 2>/dev/null || true)" != "cbindgen $CBINDGEN_VERSION" ]; then
    echo "installing cbindgen $CBINDGEN_VERSION"
    cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --quiet
fi
CBINDGEN="$(command -v cbindgen || echo "$HOME/.cargo/bin/cbindgen")"
passed "tools ($(gcc -dumpversion), $("$CBINDGEN" --version))"

# ---------------------------------------------------------------- library
step "build libtongxin (release) and run the binding's Rust tests"
cargo build -p tongxin-c --release
test -f "$LIB_DIR/libtongxin.so" && test -f "$LIB_DIR/libtongxin.a"
cargo test -p tongxin-c --release 2>&1 | tee "$WORK/cargo-test.log" | grep -E '^test result|FAILED|panicked' || true
grep -q '^test result: ok' "$WORK/cargo-test.log" || { cat "$WORK/cargo-test.log"; exit 1; }
passed "libtongxin.so, libtongxin.a, Rust tests"

# ---------------------------------------------------------------- header
step "header is up to date and compiles as C11 and C++"
"$CBINDGEN" --quiet --config bindings-c/cbindgen.toml --crate tongxin-c \
    --output "$WORK/tongxin.h" bindings-c
if ! diff -u bindings-c/include/tongxin.h "$WORK/tongxin.h"; then
    echo "error: bindings-c/include/tongxin.h is stale; regenerate it with: make -C bindings-c header" >&2
    exit 1
fi
printf '#include <tongxin.h>\nint main(void) { return (int)TX_STATUS_OK + TX_VERSION_MAJOR * 0; }\n' > "$WORK/header.c"
cp "$WORK/header.c" "$WORK/header.cpp"
gcc -std=c11 -pedantic "${WARN[@]}" -I"$INCLUDE_DIR" -c "$WORK/header.c" -o "$WORK/header-c.o"
g++ -std=c++11 -pedantic "${WARN[@]}" -I"$INCLUDE_DIR" -c "$WORK/header.cpp" -o "$WORK/header-cpp.o"
passed "header"

# ---------------------------------------------------------------- example (Makefile)
step "examples/c with its Makefile"
make -s -C examples/c clean
make -s -C examples/c TONGXIN_LIB="$LIB_DIR"
examples/c/quickstart | tee "$WORK/quickstart.out"
make -s -C examples/c clean
passed "quickstart (Makefile)"

# ---------------------------------------------------------------- install, CMake, pkg-config
step "install into a temporary prefix"
PREFIX="$WORK/prefix"
make -s -C bindings-c install PREFIX="$PREFIX" TARGET_DIR="$TARGET_DIR"
find "$PREFIX" -type f | sort
passed "install"

if [ "$HAVE_CMAKE" -eq 1 ]; then
    step "examples/c with CMake (find_package(tongxin), shared and static)"
    for kind in shared static; do
        flag=OFF
        [ "$kind" = static ] && flag=ON
        cmake -S examples/c -B "$WORK/cmake-$kind" -DCMAKE_PREFIX_PATH="$PREFIX" \
            -DQUICKSTART_STATIC=$flag -DCMAKE_BUILD_TYPE=Release >/dev/null
        cmake --build "$WORK/cmake-$kind" >/dev/null
        "$WORK/cmake-$kind/quickstart" > "$WORK/cmake-$kind.out"
        diff -u "$WORK/quickstart.out" "$WORK/cmake-$kind.out"
    done
    ldd "$WORK/cmake-static/quickstart" > "$WORK/ldd-static.txt"
    if grep -q libtongxin "$WORK/ldd-static.txt"; then
        echo "error: the static build links libtongxin.so" >&2
        exit 1
    fi
    passed "quickstart (CMake shared + static)"
else
    echo "NOTE: CMake build skipped (cmake unavailable)"
fi

step "quickstart with pkg-config (shared and static)"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
test "$(pkg-config --modversion tongxin)" = "$(sed -n 's/^#define TX_VERSION_MAJOR //p; s/^#define TX_VERSION_MINOR //p; s/^#define TX_VERSION_PATCH //p' "$INCLUDE_DIR/tongxin.h" | paste -sd.)"
# shellcheck disable=SC2046
gcc -std=c11 "${WARN[@]}" examples/c/quickstart.c -o "$WORK/qs-pc" \
    $(pkg-config --cflags --libs tongxin) -Wl,-rpath,"$(pkg-config --variable=libdir tongxin)"
"$WORK/qs-pc" > "$WORK/qs-pc.out"
diff -u "$WORK/quickstart.out" "$WORK/qs-pc.out"
# shellcheck disable=SC2046
gcc -std=c11 "${WARN[@]}" examples/c/quickstart.c -o "$WORK/qs-pc-static" \
    $(pkg-config --cflags tongxin) "$(pkg-config --variable=libdir tongxin)/libtongxin.a" \
    $(pkg-config --static --libs-only-l tongxin | sed 's/-ltongxin//')
"$WORK/qs-pc-static" > "$WORK/qs-pc-static.out"
diff -u "$WORK/quickstart.out" "$WORK/qs-pc-static.out"
passed "quickstart (pkg-config shared + static)"

# ---------------------------------------------------------------- C tests
step "C tests under valgrind"
gcc -std=c11 -g -O1 "${WARN[@]}" -I"$INCLUDE_DIR" tests/c/test_tongxin.c -o "$WORK/test_tongxin" \
    -L"$LIB_DIR" -Wl,-rpath,"$LIB_DIR" -ltongxin -pthread
valgrind --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
    --error-exitcode=1 --log-file="$WORK/valgrind.log" "$WORK/test_tongxin" | tee "$WORK/c-tests.out"
grep -E 'ERROR SUMMARY|All heap blocks|in use at exit' "$WORK/valgrind.log" | sed 's/^==[0-9]*== /valgrind: /'
grep -q 'ERROR SUMMARY: 0 errors' "$WORK/valgrind.log"
tail -n 1 "$WORK/c-tests.out" | grep -Eq '^[0-9]+ passed, 0 failed$'
passed "C tests (valgrind: 0 errors, 0 leaks)"

step "C tests under ASan + UBSan"
gcc -std=c11 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
    "${WARN[@]}" -I"$INCLUDE_DIR" tests/c/test_tongxin.c -o "$WORK/test_tongxin_asan" \
    -L"$LIB_DIR" -Wl,-rpath,"$LIB_DIR" -ltongxin -pthread
nm "$WORK/test_tongxin_asan" > "$WORK/asan-symbols.txt"
grep -q __asan_init "$WORK/asan-symbols.txt" || { echo "error: ASan not linked" >&2; exit 1; }
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$WORK/test_tongxin_asan" | tail -n 1 | grep -E '^[0-9]+ passed, 0 failed$'
passed "C tests (ASan + UBSan)"

# ---------------------------------------------------------------- Python
step "Python ctypes smoke test"
python3 tests/c/smoke.py "$LIB_DIR/libtongxin.so" | tee "$WORK/smoke.out"
# The same scenario prints the same answers through C and through Python.
same() { grep -E '^(subtree of|members of|rollup by party|rollup total|rejected:|snapshot:)' "$1"; }
diff -u <(same "$WORK/quickstart.out") <(same "$WORK/smoke.out")
passed "Python smoke test (same answers as quickstart.c)"

printf '\nC ABI checks took %ss\n' "$((SECONDS - START))"
echo "test-c: $STEPS passed, 0 failed"
