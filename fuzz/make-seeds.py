#!/usr/bin/env python3
"""Writes the committed seed corpus fuzz/seeds/<target>/ from the repository's own fixtures:
cli/tests/fixtures/*, core/tests/fixtures/*, examples/data/seeds.jsonl and the rule texts of
core/src/rules/mod.rs. Snapshots are written by the C library (target/debug/libtongxin.so,
`cargo build -p tongxin-c` first) through ctypes, so no extra Rust build is needed.

Run from anywhere: python3 fuzz/make-seeds.py   (rewrites fuzz/seeds/ entirely)

Input layouts (see each target's doc comment): parts are separated by the byte 0xFF."""
import ctypes
import json
import os
import re
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
SEP = b"\xff"
META = b'{"at":"2024-06-01T09:00:00","actor":"fuzz"}'


def read(*path):
    with open(os.path.join(ROOT, *path), "rb") as f:
        return f.read()


def put(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def sorted_keys(line):
    """A JSON text again with every object's keys sorted."""
    return json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False).encode()


def rosters(*dir_):
    files = ["orgs.csv", "persons.csv", "memberships.csv", "enterprises.csv"]
    out = []
    for f in files:
        p = os.path.join(ROOT, *dir_, f)
        if os.path.exists(p):
            out.append(read(*dir_, f))
        else:
            break
    return out


# --- C library, for snapshots ------------------------------------------------------------------
lib = ctypes.CDLL(os.path.join(ROOT, "target", "debug", "libtongxin.so"))
lib.tx_registry_new.restype = ctypes.c_void_p
lib.tx_registry_free.argtypes = [ctypes.c_void_p]
lib.tx_registry_apply_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                       ctypes.POINTER(ctypes.c_void_p)]
lib.tx_registry_to_json.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
lib.tx_string_free.argtypes = [ctypes.c_void_p]


def apply(reg, line):
    out = ctypes.c_void_p()
    st = lib.tx_registry_apply_json(reg, META, line, ctypes.byref(out))
    if st == 0:
        lib.tx_string_free(out)
    return st == 0


def to_json(reg):
    out = ctypes.c_void_p()
    assert lib.tx_registry_to_json(reg, ctypes.byref(out)) == 0
    text = ctypes.string_at(out.value)
    lib.tx_string_free(out)
    return text


def main():
    shutil.rmtree(SEEDS, ignore_errors=True)

    # --- import_csv: options byte, then orgs/persons/memberships/enterprises ----------------
    core = rosters("core", "tests", "fixtures", "rosters")
    small = rosters("cli", "tests", "fixtures", "small")
    bad = rosters("cli", "tests", "fixtures", "bad")
    gbk = read("core", "tests", "fixtures", "persons_gbk.csv")
    put("import_csv", "core-rosters", b"\x00" + SEP.join(core))
    put("import_csv", "core-rosters-into-small", b"\x10" + SEP.join(core))
    put("import_csv", "cli-small", b"\x00" + SEP.join(small))
    put("import_csv", "cli-small-report-api", b"\x20" + SEP.join(small))
    put("import_csv", "cli-bad", b"\x00" + SEP.join(bad))
    put("import_csv", "persons-gbk", b"\x02" + SEP + gbk)
    put("import_csv", "persons-gbk-auto-into-small", b"\x10" + SEP + gbk)
    put("import_csv", "memberships-only-into-small",
        b"\x10" + SEP + SEP + b"person_id,org_id,role,start,end\np3,ft,member,2024-01-01,\n")

    # --- import_xlsx: selector byte (table, sheet), then the workbook ------------------------
    book = read("core", "tests", "fixtures", "rosters.xlsx")
    for table in range(4):
        put("import_xlsx", f"rosters-table{table}-named", bytes([table | 4]) + book)
    put("import_xlsx", "rosters-first-sheet", b"\x00" + book)

    # --- commands and snapshots from examples/data/seeds.jsonl -------------------------------
    caps = {"add_organization": 8, "add_person": 12, "add_enterprise": 4}
    done = {}
    applied = []
    reg = lib.tx_registry_new()
    with open(os.path.join(ROOT, "examples", "data", "seeds.jsonl"), "rb") as f:
        for line in f:
            line = line.strip()
            kind = json.loads(line)["type"]
            if done.get(kind, 0) >= caps.get(kind, 3):
                continue
            if apply(reg, line):
                done[kind] = done.get(kind, 0) + 1
                applied.append(line)
    put("snapshot", "seeds-jsonl", to_json(reg))
    lib.tx_registry_free(reg)
    empty = lib.tx_registry_new()
    put("snapshot", "empty", to_json(empty))
    lib.tx_registry_free(empty)
    with open(os.path.join(ROOT, "examples", "data", "seeds.jsonl"), "rb") as f:
        firsts = {}
        for line in f:
            firsts.setdefault(json.loads(line)["type"], line.strip())
    for kind, line in sorted(firsts.items()):
        put("commands", kind, line)
    put("commands", "seeds-jsonl-lines", b"\n".join(applied))
    put("commands", "seeds-jsonl-batch", b"[" + b",".join(applied[:12]) + b"]")
    # The same with every object's keys sorted: most tags then come after other keys, which
    # takes the reader's other path (the object written again tag first).
    put("commands", "seeds-jsonl-sorted-keys", b"\n".join(sorted_keys(line) for line in applied))
    # Against the fixture registry (core/tests/fixtures/rosters), which the target seeds.
    fixture_cmds = [
        b'{"type":"join","membership":{"member":{"person":"p3"},"org":"ft","role":"member","start":"2024-01-01","founding":false}}',
        b'{"type":"leave","member":{"person":"p2"},"org":"ft","date":"2024-03-01"}',
        b'{"type":"change_role","member":{"person":"p4"},"org":"dashi","role":"council","date":"2024-02-01"}',
        b'{"type":"dissolve_organization","id":"ft-street","date":"2024-05-30"}',
        b'{"type":"start_term","org":"ft","term":{"number":1,"start":"2015-01-01","statutory_years":5,"posts":[{"person":"p1","role":"president"}]}}',
        b'{"type":"record_activity","activity":{"id":"a1","org":"ft","date":"2023-10-15","kind":"public_service","title":"t","participants_offline":1,"participants_online":0,"persons_served":1,"delegations":0}}',
        b'{"type":"add_organization","org":{"id":"ft-2","name":"x","kind":"zhilianhui","level":"subdistrict","division_code":"440304005","founded":"2020-01-01"},"parent":"ft","relation":"part_of"}',
    ]
    put("commands", "fixture-lines", b"\n".join(fixture_cmds))
    put("commands", "fixture-batch", b"[" + b",".join(fixture_cmds) + b"]")
    for i, c in enumerate(fixture_cmds):
        put("commands", f"fixture-{i}", c)

    # The fixture rosters imported (the registry the targets seed), as a snapshot.
    reg = lib.tx_registry_new()
    bufs = []
    for data in core:
        bufs += [data, len(data)]
    summary, report = ctypes.c_void_p(), ctypes.c_void_p()
    lib.tx_registry_import_rosters.argtypes = (
        [ctypes.c_void_p, ctypes.c_char_p] + [ctypes.c_char_p, ctypes.c_size_t] * 4
        + [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p)])
    st = lib.tx_registry_import_rosters(reg, META, *bufs, None, ctypes.byref(summary),
                                        ctypes.byref(report))
    assert st == 0, st
    lib.tx_string_free(summary)
    for line in fixture_cmds:
        apply(reg, line)
    put("snapshot", "fixture-rosters", to_json(reg))
    lib.tx_registry_free(reg)

    # --- rules: mode byte (0 eligibility text, 2 composition text, 1 book JSON), then text ----
    src = read("core", "src", "rules", "mod.rs").decode()
    texts = sorted(set(re.findall(r'Severity::\w+,\s*"([^"]+)"', src)))
    texts += [
        'party != cpc and (title >= intermediate or profession in ["医生", "律师"])',
        "member_of(kind == party_branch) or count_memberships(role == president) < 2",
        "ratio(title >= intermediate) >= 0.6 and count(party == cpc) <= 10",
        "has(education) and not returned_overseas",
        "age >= 18 and age < 60",
    ]
    for i, t in enumerate(texts):
        mode = b"\x02" if ("ratio(" in t or "count(" in t) else b"\x00"
        put("rules", f"text-{i:02}", mode + t.encode())
    rules = [{"id": f"r{i}", "severity": "reject" if i % 2 else "warn", "message_zh": "条件",
              "message_en": "condition",
              "body": {"type": "composition" if ("ratio(" in t or "count(" in t) else "eligibility",
                       "when": t}}
             for i, t in enumerate(texts)]
    book_json = {
        "common": rules[:2],
        "defaults": {"zhilianhui": rules[2:5], "chamber": rules[5:7]},
        "overrides": {"ft": {"rules": rules[7:8], "remove": ["r0"], "inherit": "subtree"}},
    }
    put("rules", "book", b"\x01" + json.dumps(book_json, ensure_ascii=False).encode())
    terms_book = {"common": [
        {"id": "t", "severity": "warn", "message_zh": "z", "message_en": "e",
         "body": {"type": "president_term_limit", "max_consecutive": 2}},
        {"id": "s", "severity": "warn", "message_zh": "z", "message_en": "e",
         "body": {"type": "council_seats", "max": 3, "role": "council"}},
        {"id": "o", "severity": "reject", "message_zh": "z", "message_en": "e",
         "body": {"type": "overdue_term"}},
        {"id": "a", "severity": "reject", "message_zh": "z", "message_en": "e",
         "body": {"type": "eligibility", "when": {"op": "and", "args": [
             {"op": "cmp", "attr": "party", "cmp": "!=", "value": {"name": "cpc"}},
             {"op": "in", "attr": "profession", "values": [{"str": "律师"}, {"str": "医生"}]}]}}},
    ]}
    put("rules", "book-terms", b"\x01" + json.dumps(terms_book).encode())
    # Keys sorted: each AST node's "op" after its operands, at every depth.
    put("rules", "book-terms-sorted-keys", b"\x01" + json.dumps(terms_book, sort_keys=True).encode())

    # Commands under a rule book (joins then run its eligibility rules).
    set_book = (b'{"type":"set_rule_book","book":' + json.dumps(book_json, ensure_ascii=False).encode()
                + b"}")
    put("commands", "set_rule_book", set_book)
    put("commands", "set_rule_book-then-join", b"\n".join([set_book, fixture_cmds[0]]))
    put("commands", "set_rule_book-batch", b"[" + b",".join([set_book, fixture_cmds[0]]) + b"]")

    # --- c_strings: 13 parts --------------------------------------------------------------
    def c_seed(ident, query, command, options=b"", book=b"", person=b"p1", org=b"ft"):
        parts = [ident, query, command, META, *(core + [b""] * 4)[:4], options, book, person,
                 org, b"2024-06-01"]
        return SEP.join(parts)
    book_text = json.dumps(book_json, ensure_ascii=False).encode()
    put("c_strings", "counts", c_seed(b"11010519491231002X", b'{"type":"counts"}', fixture_cmds[0],
                                      book=book_text))
    put("c_strings", "subtree", c_seed(b"91110000600037341L",
                                       b'{"type":"subtree","org":"sz","date":"2024-06-01"}',
                                       fixture_cmds[1], options=b'{"report":true}'))
    put("c_strings", "rollup", c_seed(b"440304",
                                      b'{"stat":"rollup","as_of":"2024-05-31","by":"party"}',
                                      b"[" + b",".join(fixture_cmds) + b"]"))
    put("c_strings", "rules-check", c_seed(
        b"440304004", b'{"question":"check","member":{"person":"p1"},"org":"ft","as_of":"2024-06-01"}',
        fixture_cmds[4], person=b"p3", org=b"dashi"))
    put("c_strings", "rules-audit", c_seed(
        b"x", b'{"question":"audit","as_of":"2024-06-01"}', fixture_cmds[2]))
    put("c_strings", "rules-candidates", c_seed(
        b"", b'{"question":"candidates","org":"ft","as_of":"2024-06-01","limit":2}',
        fixture_cmds[6], options=b'{"encoding":"gbk","unknown_columns":"ignore"}'))
    for name, path in sorted(
            (n, os.path.join(SEEDS, t, n)) for t in ("snapshot",) for n in os.listdir(os.path.join(SEEDS, t))):
        with open(path, "rb") as f:
            put("c_strings", f"snapshot-{name}", c_seed(b"", b'{"type":"counts"}', f.read()))


if __name__ == "__main__":
    main()
