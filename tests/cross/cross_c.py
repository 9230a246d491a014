#!/usr/bin/env python3
"""The C side of the cross-front scenario (tests/cross/requests.json), through ctypes.

Loads the seed dataset with tx_registry_apply_batch_json, answers every request with
tx_registry_query_json / _stats_json / _stats_csv / _rules_json and compares each answer byte
for byte with the Rust answers (examples/cross_front.rs, whose output is given as a file):
successes must be the same bytes; failures the same status, and the C message must end with
the Rust message (the C front may name its argument first).

Usage: cross_c.py LIBTONGXIN_SO RUST_ANSWERS_JSONL
"""
import ctypes
import json
import pathlib
import sys
from ctypes import POINTER, byref, c_char_p, c_int32, c_size_t, c_void_p

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main(so, answers_path):
    lib = ctypes.CDLL(so)
    for name, res, args in [
        ("tx_registry_new", c_void_p, []),
        ("tx_registry_free", None, [c_void_p]),
        ("tx_string_free", None, [c_void_p]),
        ("tx_status_name", c_char_p, [c_int32]),
        ("tx_last_error_message", c_int32, [c_char_p, c_size_t, POINTER(c_size_t)]),
        ("tx_registry_apply_batch_json", c_int32,
         [c_void_p, c_char_p, c_char_p, POINTER(c_size_t), POINTER(c_size_t)]),
        ("tx_registry_apply_as_json", c_int32, [c_void_p, c_char_p, c_char_p, POINTER(c_void_p)]),
    ] + [(f"tx_registry_{k}", c_int32, [c_void_p, c_char_p, POINTER(c_void_p)])
         for k in ("query_json", "stats_json", "stats_csv", "rules_json")
    ] + [(f"tx_registry_{k}", c_int32, [c_void_p, c_char_p, c_char_p, POINTER(c_void_p)])
         for k in ("query_as_json", "stats_as_json", "stats_as_csv", "rules_as_json")]:
        f = getattr(lib, name)
        f.restype = res
        f.argtypes = args

    def message():
        buf = ctypes.create_string_buffer(1 << 16)
        n = c_size_t()
        lib.tx_last_error_message(buf, len(buf), byref(n))
        return buf.value.decode("utf-8")

    scenario = json.loads((ROOT / "tests/cross/requests.json").read_text("utf-8"))
    seeds = [l for l in (ROOT / "examples/data/seeds.jsonl").read_text("utf-8").splitlines() if l.strip()]
    reg = lib.tx_registry_new()
    applied, failed = c_size_t(), c_size_t()
    st = lib.tx_registry_apply_batch_json(
        reg, json.dumps(scenario["meta"]).encode(), ("[" + ",".join(seeds) + "]").encode(),
        byref(applied), byref(failed))
    assert st == 0, f"seed load failed: {st} {message()}"
    if "setup" in scenario:
        st = lib.tx_registry_apply_batch_json(
            reg, json.dumps(scenario["meta"]).encode(),
            json.dumps(scenario["setup"], ensure_ascii=False).encode("utf-8"),
            byref(applied), byref(failed))
        assert st == 0, f"setup failed: {st} {message()}"

    want = [json.loads(l) for l in pathlib.Path(answers_path).read_text("utf-8").splitlines() if l.strip()]
    assert len(want) == len(scenario["requests"]), "answer count differs from request count"
    fn = {"query": lib.tx_registry_query_json, "stats": lib.tx_registry_stats_json,
          "stats_csv": lib.tx_registry_stats_csv, "rules": lib.tx_registry_rules_json}
    # The scoped kinds take the operator first; `apply_as` a meta whose actor is the operator.
    scoped = {"query_as": lib.tx_registry_query_as_json, "stats_as": lib.tx_registry_stats_as_json,
              "stats_csv_as": lib.tx_registry_stats_as_csv, "rules_as": lib.tx_registry_rules_as_json}
    failures = 0
    for i, (r, w) in enumerate(zip(scenario["requests"], want)):
        out = c_void_p()
        body = json.dumps(r["body"], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        kind = r["kind"]
        if kind in scoped:
            st = scoped[kind](reg, r["operator"].encode("utf-8"), body, byref(out))
        elif kind == "apply_as":
            meta = json.dumps(dict(scenario["meta"], actor=r["operator"])).encode("utf-8")
            st = lib.tx_registry_apply_as_json(reg, meta, body, byref(out))
        else:
            st = fn[kind](reg, body, byref(out))
        label = f"request {i} {body[:80].decode('utf-8', 'replace')}"
        if st == 0:
            text = ctypes.string_at(out).decode("utf-8")
            lib.tx_string_free(out)
            ok = "ok" in w and w["ok"] == text
        else:
            msg = message()
            ok = "error" in w and w["error"]["status"] == st and msg.endswith(w["error"]["message"])
            text = f"status {st} {lib.tx_status_name(st).decode()}: {msg}"
        if not ok:
            failures += 1
            print(f"MISMATCH {label}\n  C:    {text[:300]}\n  Rust: {json.dumps(w, ensure_ascii=False)[:300]}")
    lib.tx_registry_free(reg)
    if failures:
        sys.exit(f"{failures} of {len(want)} answers differ between C and Rust")
    print(f"C and Rust agree on all {len(want)} answers")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
