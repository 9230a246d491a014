#!/usr/bin/env python3
"""ctypes smoke test: loads libtongxin.so and runs the quickstart scenario (examples/c/quickstart.c),
asserting the same numbers (member counts, the rollup by party), plus the identifier checks and a
roster CSV import and export.
Standard library only, no compiler needed.

Usage: python3 tests/c/smoke.py [path/to/libtongxin.so]
(default: $TONGXIN_LIB, else target/release/libtongxin.so under the repository root)
"""
import ctypes
import json
import os
import sys
from ctypes import POINTER, Structure, byref, c_bool, c_char_p, c_int32, c_size_t, c_uint8, c_void_p

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OK = 0
NOT_FOUND = 102
BUFFER_TOO_SMALL = 4
LEVEL_ORDER = 302
INVALID_IDENTIFIER = 5
IMPORT = 6
UNSUPPORTED_SCHEMA_VERSION = 901

checks = 0


class TxBytes(Structure):
    """`tx_bytes`: an owned buffer, released with tx_bytes_free(data, len)."""
    _fields_ = [("data", POINTER(c_uint8)), ("len", c_size_t)]


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        raise AssertionError(what)


def load(path):
    lib = ctypes.CDLL(path)
    s = c_char_p

    def fn(name, restype, *argtypes):
        f = getattr(lib, name)
        f.restype = restype
        f.argtypes = list(argtypes)
        return f

    fn("tx_version", c_char_p)
    fn("tx_status_name", c_char_p, c_int32)
    fn("tx_last_error_message", c_int32, ctypes.c_char_p, c_size_t, POINTER(c_size_t))
    fn("tx_string_free", None, c_void_p)
    fn("tx_registry_new", c_void_p)
    fn("tx_registry_free", None, c_void_p)
    fn("tx_registry_from_json", c_int32, s, POINTER(c_void_p))
    fn("tx_registry_to_json", c_int32, c_void_p, POINTER(c_void_p))
    fn("tx_registry_apply_json", c_int32, c_void_p, s, s, POINTER(c_void_p))
    fn("tx_registry_apply_batch_json", c_int32, c_void_p, s, s, POINTER(c_size_t), POINTER(c_size_t))
    fn("tx_registry_add_organization", c_int32, c_void_p, s, s, s, s, s, s, s, s, s, s)
    fn("tx_registry_add_person", c_int32, c_void_p, s, s, s, s, s, s, s)
    fn("tx_registry_join", c_int32, c_void_p, s, s, s, s, s, s)
    fn("tx_registry_leave", c_int32, c_void_p, s, s, s, s, s)
    fn("tx_registry_is_member_in_subtree", c_int32, c_void_p, s, s, s, POINTER(c_bool))
    fn("tx_registry_member_count", c_int32, c_void_p, s, s, s, POINTER(c_size_t))
    fn("tx_registry_organization_count", c_int32, c_void_p, POINTER(c_size_t))
    fn("tx_registry_query_json", c_int32, c_void_p, s, POINTER(c_void_p))
    fn("tx_registry_stats_json", c_int32, c_void_p, s, POINTER(c_void_p))
    fn("tx_registry_stats_csv", c_int32, c_void_p, s, POINTER(c_void_p))
    fn("tx_registry_rollup_total", c_int32, c_void_p, s, s, POINTER(c_size_t))
    fn("tx_registry_rules_json", c_int32, c_void_p, s, POINTER(c_void_p))
    fn("tx_registry_check_eligibility", c_int32, c_void_p, s, s, s, POINTER(c_bool),
       POINTER(c_void_p), POINTER(c_void_p))
    fn("tx_registry_rollup_totals", c_int32, c_void_p, s, POINTER(ctypes.c_uint64), c_size_t,
       POINTER(c_size_t))
    fn("tx_registry_organization_id_at", c_int32, c_void_p, c_size_t, POINTER(c_void_p))
    fn("tx_resident_id_check", c_int32, s, POINTER(c_void_p))
    fn("tx_credit_code_check", c_int32, s, POINTER(c_void_p))
    fn("tx_division_code_check", c_int32, s, POINTER(c_void_p))
    buf = (c_char_p, c_size_t)
    fn("tx_registry_import_rosters", c_int32, c_void_p, s, *buf, *buf, *buf, *buf, s,
       POINTER(c_void_p), POINTER(c_void_p))
    fn("tx_registry_check_rosters", c_int32, c_void_p, s, *buf, *buf, *buf, *buf, s,
       POINTER(c_void_p))
    bytes_out = POINTER(TxBytes)
    fn("tx_registry_export_rosters", c_int32, c_void_p, s, bytes_out, bytes_out, bytes_out, bytes_out)
    fn("tx_bytes_free", None, POINTER(c_uint8), c_size_t)
    return lib


class Tongxin:
    """A thin Python wrapper: raises on a non-OK status with its name and message."""

    def __init__(self, lib):
        self.lib = lib

    def message(self):
        buf = ctypes.create_string_buffer(4096)
        n = c_size_t()
        st = self.lib.tx_last_error_message(buf, len(buf), byref(n))
        check(st == OK, "tx_last_error_message")
        return buf.value.decode("utf-8")

    def call(self, name, *args):
        st = getattr(self.lib, name)(*args)
        if st != OK:
            raise TongxinError(st, self.lib.tx_status_name(st).decode(), self.message())

    def take_string(self, name, *args):
        out = c_void_p()
        self.call(name, *args, byref(out))
        try:
            return ctypes.string_at(out.value).decode("utf-8")
        finally:
            self.lib.tx_string_free(out)


class TongxinError(Exception):
    def __init__(self, status, name, message):
        super().__init__(f"{name} ({status}): {message}")
        self.status, self.name, self.message = status, name, message


def b(s):
    return None if s is None else s.encode("utf-8")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "TONGXIN_LIB", os.path.join(ROOT, "target", "release", "libtongxin.so"))
    lib = load(path)
    tx = Tongxin(lib)
    at, actor, day = b("2024-05-07T09:00:00"), b("clerk"), b("2024-06-01")
    version = lib.tx_version().decode()
    check(version.count(".") == 2, "version")

    reg = lib.tx_registry_new()
    check(reg, "tx_registry_new")
    try:
        for oid, name, level, code, founded, parent, rel in [
            ("sz-zlh", "深圳市知联会", "municipal", "4403", "2010-01-01", None, "guidance"),
            ("ft-zlh", "福田区知联会", "district", "440304", "2015-01-01", "sz-zlh", "guidance"),
            ("ft-street", "福田区知联会福田街道分会", "subdistrict", "440304004", "2024-05-07",
             "ft-zlh", "part_of"),
        ]:
            tx.call("tx_registry_add_organization", reg, at, actor, b(oid), b(name), b"zhilianhui",
                    b(level), b(code), b(founded), b(parent), b(rel))
        for pid, name, party, title in [
            ("p1", "张伟", "non_party", "senior"),
            ("p2", "李娜", "min_meng", "intermediate"),
            ("p3", "王芳", "jiu_san", "associate_senior"),
            ("p4", "陈刚", "non_party", "intermediate"),
        ]:
            tx.call("tx_registry_add_person", reg, at, actor, b(pid), b(name), b(party), b(title),
                    b"none")
        for pid, org, role, start in [
            ("p1", "sz-zlh", "president", "2020-01-01"),
            ("p1", "ft-zlh", "member", "2020-01-01"),
            ("p2", "ft-zlh", "vice_president", "2021-03-01"),
            ("p2", "ft-street", "council", "2024-05-07"),
            ("p3", "ft-street", "member", "2024-05-07"),
            ("p4", "ft-street", "member", "2024-05-07"),
        ]:
            tx.call("tx_registry_join", reg, at, actor, b(pid), b(org), b(role), b(start))

        subtree = tx.take_string("tx_registry_query_json", reg,
                                 b(json.dumps({"type": "subtree", "org": "sz-zlh", "date": "2024-06-01"})))
        check(json.loads(subtree) == ["sz-zlh", "ft-zlh", "ft-street"], subtree)
        print(f"subtree of sz-zlh on 2024-06-01: {subtree}")

        def count(org, scope):
            n = c_size_t()
            tx.call("tx_registry_member_count", reg, b(org), day, b(scope), byref(n))
            return n.value

        expected = {"sz-zlh": (1, 1, 4), "ft-zlh": (2, 4, 4)}
        for org, want in expected.items():
            got = tuple(count(org, s) for s in ("direct", "with_branches", "subtree"))
            check(got == want, f"{org}: {got} != {want}")
            print(f"members of {org} on 2024-06-01: direct={got[0]} with_branches={got[1]} subtree={got[2]}")

        inside = c_bool()
        tx.call("tx_registry_is_member_in_subtree", reg, b"p3", b"sz-zlh", day, byref(inside))
        check(inside.value is True, "p3 in sz-zlh subtree")

        # A rollup by party: the core's JSON and CSV forms agree, and the typed total with them.
        query = b(json.dumps({"stat": "rollup", "as_of": "2024-06-01", "by": "party"}))
        rollup = json.loads(tx.take_string("tx_registry_stats_json", reg, query))
        csv = tx.take_string("tx_registry_stats_csv", reg, query)
        lines = csv.splitlines()
        check(lines[0] == ",".join(["org_id", "total"] + rollup["columns"] + ["enterprises"]), lines[0])
        for line, row in zip(lines[1:], rollup["rows"]):
            cells = [row["org_id"], row["total"]] + row["counts"] + [row["enterprises"]]
            check(line == ",".join(str(x) for x in cells), line)
        check([r["total"] for r in rollup["rows"]] == [4, 4, 3], str(rollup["rows"]))
        non_party = rollup["columns"].index("non_party")
        check(rollup["rows"][0]["counts"][non_party] == 2, "two non-party persons under sz-zlh")
        for line in lines:
            print(f"rollup by party on 2024-06-01: {line}")
        total = c_size_t()
        tx.call("tx_registry_rollup_total", reg, b"sz-zlh", day, byref(total))
        check(total.value == rollup["rows"][0]["total"] == count("sz-zlh", "subtree"), "rollup total")
        print(f"rollup total of sz-zlh on 2024-06-01: {total.value} distinct persons")
        # Every organization's total in one call, in the order tx_registry_organization_id_at names.
        needed = c_size_t()
        st = lib.tx_registry_rollup_totals(reg, day, None, 0, byref(needed))
        check(st == BUFFER_TOO_SMALL and needed.value == 3, "rollup totals: length needed")
        totals = (ctypes.c_uint64 * needed.value)()
        tx.call("tx_registry_rollup_totals", reg, day, totals, len(totals), byref(needed))
        ids = [tx.take_string("tx_registry_organization_id_at", reg, i) for i in range(needed.value)]
        check(dict(zip(ids, totals)) == {r["org_id"]: r["total"] for r in rollup["rows"]},
              f"rollup totals {list(totals)}")
        print(f"bulk rollup (all organizations) on 2024-06-01: {dict(zip(ids, totals))}")

        # Typed eligibility check with its explanation, the same answer as the JSON entry point.
        for pid, org in [("p4", "ft-zlh"), ("p1", "ft-street"), ("p3", "sz-zlh")]:
            eligible, en = c_bool(), c_void_p()
            tx.call("tx_registry_check_eligibility", reg, b(pid), b(org), day, byref(eligible),
                    None, byref(en))
            try:
                explanation = ctypes.string_at(en.value).decode("utf-8")
            finally:
                lib.tx_string_free(en)
            answer = json.loads(tx.take_string("tx_registry_rules_json", reg, b(json.dumps(
                {"question": "check", "member": {"person": pid}, "org": org, "as_of": "2024-06-01"}))))
            check(eligible.value == answer["eligible"], f"eligibility of {pid} for {org}")
            check(explanation == answer["explanation_en"], explanation)
            print(f"eligibility: {explanation.splitlines()[0]}")
        try:
            tx.call("tx_registry_check_eligibility", reg, b"nobody", b"ft-zlh", day,
                    byref(c_bool()), None, None)
            check(False, "expected not_found")
        except TongxinError as e:
            check(e.status == NOT_FOUND and e.message == "person `nobody` not found", str(e))
        try:
            tx.take_string("tx_registry_stats_json", reg, b'{"stat":"teleport"}')
            check(False, "expected invalid_json")
        except TongxinError as e:
            check(e.name == "invalid_json" and "teleport" in e.message, str(e))

        # Identifier checks: the core's reading, or invalid_identifier with the core's message.
        rid = json.loads(tx.take_string("tx_resident_id_check", b"11010519491231002x"))
        check(rid == {"number": "11010519491231002X", "birth_date": "1949-12-31",
                      "sex": "female", "masked": "110105********002X"}, str(rid))
        try:
            tx.take_string("tx_resident_id_check", b"360426199101010072")
            check(False, "expected invalid_identifier")
        except TongxinError as e:
            check(e.status == INVALID_IDENTIFIER and e.name == "invalid_identifier", str(e))
            check(e.message.endswith("expected `1` (resident_id_check)"), e.message)
        code = json.loads(tx.take_string("tx_credit_code_check", b"91110000600037341L"))
        check(code["category_name"] == "企业", str(code))
        division = json.loads(tx.take_string("tx_division_code_check", b"440300"))
        check(division == {"code": "4403", "level": "city", "padded6": "440300", "name": "深圳市"},
              str(division))
        print(f"identifiers: resident ID masked {rid['masked']}, division 440300 is {division['name']}")

        # A rejected command, with its stable name and message.
        try:
            tx.call("tx_registry_add_organization", reg, at, actor, b"bad", b"bad", b"zhilianhui",
                    b"municipal", b"4403", b"2024-06-01", b"ft-zlh", b"part_of")
            check(False, "expected a rejection")
        except TongxinError as e:
            check(e.status == LEVEL_ORDER and e.name == "level_order", str(e))
            check("`bad` (municipal)" in e.message, e.message)
            print(f"rejected: {e}")

        # Failure paths: unknown id, null argument, invalid UTF-8.
        try:
            count("nowhere", "direct")
            check(False, "expected not_found")
        except TongxinError as e:
            check(e.status == NOT_FOUND and e.message == "organization `nowhere` not found", str(e))
        n = c_size_t()
        check(lib.tx_registry_member_count(reg, None, day, b"direct", byref(n)) == 1, "null")
        check(tx.message() == "argument `org_id` is NULL", tx.message())
        check(lib.tx_registry_member_count(reg, b"\xff", day, b"direct", byref(n)) == 2, "utf8")

        # Roster CSV: import small files into a new registry, then export them again.
        orgs_csv = ("id,parent_id,level,kind,division_code,founded,dissolved,name\n"
                    "ns-street,ns,subdistrict,zhilianhui,440305001,2024-05-07,,南头街道分会\n"
                    "ns,,district,zhilianhui,440305,2014-03-01,,南山区知联会\n").encode()
        persons_csv = "id,name,party,title,stratum,birth_year\nq1,周洁,jiu_san,senior,none,1980\n".encode()
        memberships_csv = "person_id,org_id,role,start,end\nq1,ns-street,president,2024-05-07,\n".encode()
        meta = b(json.dumps({"at": "2024-06-01T09:00:00", "actor": "clerk"}))
        imported = lib.tx_registry_new()
        try:
            out = c_void_p()
            # No enterprises file (NULL, 0), default options, no report wanted (NULL).
            tx.call("tx_registry_import_rosters", imported, meta, orgs_csv, len(orgs_csv),
                    persons_csv, len(persons_csv), memberships_csv, len(memberships_csv), None, 0,
                    None, byref(out), None)
            try:
                summary = json.loads(ctypes.string_at(out.value).decode())
            finally:
                lib.tx_string_free(out)
            check(summary == {"organizations": 2, "enterprises": 0, "persons": 1, "memberships": 1},
                  str(summary))
            n = c_size_t()
            tx.call("tx_registry_member_count", imported, b"ns", day, b"subtree", byref(n))
            check(n.value == 1, "imported member")
            print(f"roster import: {summary}")
            # A bad row: import status, file/line in the message, a report, nothing added.
            bad = orgs_csv.replace(b"2014-03-01", b"2014-13-01")
            out, report = c_void_p(), c_void_p()
            st = lib.tx_registry_import_rosters(imported, meta, bad, len(bad), None, 0, None, 0,
                                                None, 0, b'{"report":true}', byref(out), byref(report))
            check(st == IMPORT and out.value is None and report.value, "import failure")
            try:
                rep = json.loads(ctypes.string_at(report.value).decode())
            finally:
                lib.tx_string_free(report)
            check(rep["errors"][0]["line"] == 3 and rep["errors"][0]["code"] == "invalid_value", str(rep))
            check(tx.message().startswith("orgs.csv, line 3, column `founded`"), tx.message())
            files = [TxBytes() for _ in range(4)]
            tx.call("tx_registry_export_rosters", imported, b'{"encoding":"gbk"}', *[byref(f) for f in files])
            try:
                data = [ctypes.string_at(f.data, f.len) for f in files]
            finally:
                for f in files:
                    lib.tx_bytes_free(f.data, f.len)
            orgs_out = data[0].decode("gbk").splitlines()
            check(orgs_out[0].startswith("id,parent_id,level,kind,division_code,founded,dissolved,name"),
                  orgs_out[0])
            check(any("南山区知联会" in line for line in orgs_out), str(orgs_out))
            check(data[3].decode() == "id,name,credit_code\n", str(data[3]))
            print(f"roster export: {len(orgs_out) - 1} organizations, "
                  f"{len(data[1].decode('gbk').splitlines()) - 1} person(s) in GBK")
        finally:
            lib.tx_registry_free(imported)

        # Snapshot round trip.
        text = tx.take_string("tx_registry_to_json", reg)
        loaded = c_void_p()
        tx.call("tx_registry_from_json", b(text), byref(loaded))
        try:
            again = tx.take_string("tx_registry_to_json", loaded)
            check(again == text, "snapshot round trip is byte-identical")
            orgs = c_size_t()
            tx.call("tx_registry_organization_count", loaded, byref(orgs))
            check(orgs.value == 3, "3 organizations")
            print(f"snapshot: {len(text.encode())} bytes, reloaded with {orgs.value} organizations, identical: yes")
        finally:
            lib.tx_registry_free(loaded)
        check('"schema_version": 2' in text, "snapshot schema_version 2")
        future = text.replace('"schema_version": 2', '"schema_version": 3', 1)
        none = c_void_p()
        check(lib.tx_registry_from_json(b(future), byref(none)) == UNSUPPORTED_SCHEMA_VERSION,
              "future schema version")
        check(none.value is None, "out untouched on failure")
    finally:
        lib.tx_registry_free(reg)
    print(f"libtongxin {version} via ctypes: {checks} checks")
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
