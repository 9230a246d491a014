#!/usr/bin/env python3
"""tongxin against SQLite and DuckDB on the same rosters, in one run.

For a roster directory (orgs.csv, persons.csv, memberships.csv; see DESIGN §Interchange) and a day:

1. rollup by party: distinct persons active anywhere in each organization's subtree, per party;
2. coverage: active zhilianhui per subdistrict (street.csv) inside the roots' divisions;
3. 10,000 checks "is person P an active member anywhere under organization X".

Each SQL engine loads the same CSV files (with indexes) and answers with two formulations: the
naive one (join every membership to all ancestors of its organization, count distinct) and the
best known one (DESIGN §Statistics: +1 on each organization where a person is active, -1 on the
lowest common ancestor of each consecutive pair in pre-order, subtree counts as differences of
running totals). The script checks that all engines give identical answers and prints times and
ratios. tongxin's side runs in `bench-compare` (examples/bench_compare.rs).

    python3 bench/compare_sql.py --dir DIR --as-of 2024-06-30 --streets ../shared/data/divisions/street.csv
"""

import argparse
import csv
import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

PARTIES = ["cpc", "non_party", "min_ge", "min_meng", "min_jian", "min_jin", "nong_gong",
           "zhi_gong", "jiu_san", "tai_meng", "mass"]


def best_of(runs, fn):
    best, result = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


# --- SQL shared by both engines -------------------------------------------------------------
# `:day` is bound as an ISO date string; empty strings mean "open" in the CSV files.

ACTIVE = """
CREATE TABLE active_orgs AS
  SELECT o.id, NULLIF(o.parent_id, '') AS parent_id, o.division_code, o.kind, o.seq
  FROM orgs o
  WHERE o.founded <= '{day}' AND (o.dissolved IS NULL OR o.dissolved = '' OR '{day}' < o.dissolved);
"""

# Pre-order numbering: the path of zero-padded file positions sorts in pre-order (children in
# file order, as tongxin numbers them). `hi` is the last position of the subtree.
TREE = """
CREATE TABLE tree AS
WITH RECURSIVE walk(id, path, depth) AS (
  SELECT id, printf('%08d', seq), 0 FROM active_orgs WHERE parent_id IS NULL
  UNION ALL
  SELECT c.id, w.path || printf('%08d', c.seq), w.depth + 1
  FROM active_orgs c JOIN walk w ON c.parent_id = w.id
)
SELECT id, path, depth, CAST(row_number() OVER (ORDER BY path) AS INTEGER) AS pre FROM walk;
CREATE TABLE closure AS
WITH RECURSIVE up(node, anc) AS (
  SELECT id, id FROM active_orgs
  UNION ALL
  SELECT u.node, a.parent_id FROM up u JOIN active_orgs a ON a.id = u.anc WHERE a.parent_id IS NOT NULL
)
SELECT n.pre AS node_pre, n.id AS node, a.pre AS anc_pre, a.id AS anc
FROM up JOIN tree n ON n.id = up.node JOIN tree a ON a.id = up.anc;
CREATE TABLE ranges AS SELECT anc AS id, anc_pre AS lo, MAX(node_pre) AS hi FROM closure GROUP BY anc, anc_pre;
CREATE INDEX closure_node ON closure(node_pre, anc_pre);
CREATE INDEX tree_id ON tree(id);
CREATE INDEX ranges_id ON ranges(id);
CREATE TABLE active_m AS
  SELECT DISTINCT m.person_id, t.pre, p.party
  FROM memberships m JOIN tree t ON t.id = m.org_id JOIN persons p ON p.id = m.person_id
  WHERE m.start <= '{day}' AND (m."end" IS NULL OR m."end" = '' OR '{day}' < m."end");
"""

NAIVE = """
SELECT c.anc, a.party, COUNT(DISTINCT a.person_id)
FROM active_m a JOIN closure c ON c.node_pre = a.pre
GROUP BY c.anc, a.party
"""

# +1 where active; -1 at the deepest common ancestor (largest ancestor position, since
# ancestors come before descendants in pre-order) of consecutive positions of a person; then
# prefix sums per party over the positions, and subtree = prefix(hi) - prefix(lo - 1).
BEST = """
WITH seq AS (
  SELECT person_id, party, pre, LAG(pre) OVER (PARTITION BY person_id ORDER BY pre) AS prev
  FROM active_m
),
lca AS (
  SELECT s.party, MAX(a1.anc_pre) AS pre
  FROM seq s
  JOIN closure a1 ON a1.node_pre = s.prev
  JOIN closure a2 ON a2.node_pre = s.pre AND a2.anc_pre = a1.anc_pre
  WHERE s.prev IS NOT NULL
  GROUP BY s.person_id, s.pre, s.party
),
w AS (
  SELECT pre, party, SUM(d) AS d FROM (
    SELECT pre, party, 1 AS d FROM seq
    UNION ALL
    SELECT pre, party, -1 AS d FROM lca
  ) GROUP BY pre, party
),
parties AS (SELECT DISTINCT party FROM active_m),
grid AS (
  SELECT t.pre, p.party, COALESCE(w.d, 0) AS d
  FROM tree t CROSS JOIN parties p LEFT JOIN w ON w.pre = t.pre AND w.party = p.party
),
prefix AS (
  SELECT pre, party, SUM(d) OVER (PARTITION BY party ORDER BY pre) AS run FROM grid
)
SELECT r.id, hi.party, hi.run - COALESCE(lo.run, 0)
FROM ranges r
JOIN prefix hi ON hi.pre = r.hi
LEFT JOIN prefix lo ON lo.pre = r.lo - 1 AND lo.party = hi.party
"""

COVERAGE = """
SELECT s.code, COUNT(o.id)
FROM streets s LEFT JOIN active_orgs o
  ON o.kind = 'zhilianhui' AND substr(o.division_code, 1, 9) = s.code
WHERE s.parent_code IN (SELECT code FROM counties)
  -- A township code ending in 000 is its county's padded form (金门县's placeholder 350527000):
  -- organizations given it belong to the county, and tongxin does not list such rows.
  AND s.code NOT LIKE '%000'
GROUP BY s.code
"""


def load_rows(path):
    """The rows of a CSV file as dicts, streamed (the national scale does not fit in memory as
    lists of dicts)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        yield from csv.DictReader(f)


def sqlite_engine(dirpath, day, streets, counties, queries, runs, streets_path, forms):
    db = sqlite3.connect(":memory:")
    t = time.perf_counter()
    db.execute("CREATE TABLE orgs(seq INTEGER, id TEXT PRIMARY KEY, parent_id TEXT, level TEXT, kind TEXT, division_code TEXT, founded TEXT, dissolved TEXT)")
    db.executemany("INSERT INTO orgs VALUES (?,?,?,?,?,?,?,?)",
                   ((i, r["id"], r["parent_id"], r["level"], r["kind"], r["division_code"], r["founded"], r["dissolved"])
                    for i, r in enumerate(load_rows(dirpath / "orgs.csv"))))
    db.execute("CREATE TABLE persons(id TEXT PRIMARY KEY, party TEXT)")
    db.executemany("INSERT INTO persons VALUES (?,?)", ((r["id"], r["party"]) for r in load_rows(dirpath / "persons.csv")))
    db.execute('CREATE TABLE memberships(person_id TEXT, org_id TEXT, start TEXT, "end" TEXT)')
    db.executemany("INSERT INTO memberships VALUES (?,?,?,?)",
                   ((r["person_id"], r["org_id"], r["start"], r["end"]) for r in load_rows(dirpath / "memberships.csv")))
    db.execute("CREATE INDEX m_person ON memberships(person_id)")
    db.execute("CREATE INDEX m_org ON memberships(org_id)")
    db.execute("CREATE INDEX o_parent ON orgs(parent_id)")
    db.execute("CREATE TABLE streets(code TEXT PRIMARY KEY, parent_code TEXT)")
    db.executemany("INSERT INTO streets VALUES (?,?)", streets)
    db.execute("CREATE TABLE counties(code TEXT PRIMARY KEY)")
    db.executemany("INSERT INTO counties VALUES (?)", [(c,) for c in counties])
    db.commit()
    load = time.perf_counter() - t
    return run_sql("sqlite", db, day, queries, runs, load, sqlite=True, forms=forms)


def duckdb_engine(dirpath, day, streets, counties, queries, runs, streets_path, forms):
    import duckdb
    db = duckdb.connect()
    t = time.perf_counter()
    db.execute(f"CREATE TABLE orgs AS SELECT CAST(row_number() OVER () - 1 AS INTEGER) AS seq, id, parent_id, level, kind, division_code, founded, dissolved FROM read_csv('{dirpath / 'orgs.csv'}', all_varchar=true)")
    db.execute(f"CREATE TABLE persons AS SELECT id, party FROM read_csv('{dirpath / 'persons.csv'}', all_varchar=true)")
    db.execute(f"CREATE TABLE memberships AS SELECT person_id, org_id, start, \"end\" FROM read_csv('{dirpath / 'memberships.csv'}', all_varchar=true)")
    db.execute(f"CREATE TABLE streets AS SELECT code, parent_code FROM read_csv('{streets_path}', all_varchar=true)")
    db.execute("CREATE TABLE counties(code VARCHAR)")
    db.executemany("INSERT INTO counties VALUES (?)", [(c,) for c in counties])
    load = time.perf_counter() - t
    return run_sql("duckdb", db, day, queries, runs, load, sqlite=False, forms=forms)


def run_sql(name, db, day, queries, runs, load, sqlite, forms):
    def script(sql):
        for stmt in sql.format(day=day).split(";"):
            if stmt.strip():
                db.execute(stmt)

    def prepare():
        for t in ["active_m", "ranges", "closure", "tree", "active_orgs"]:
            db.execute(f"DROP TABLE IF EXISTS {t}")
        script(ACTIVE)
        script(TREE)

    def rollup(query):
        def go():
            prepare()
            out = {}
            for org, party, n in db.execute(query).fetchall():
                if n:
                    out.setdefault(org, {})[party] = n
            return out
        return go

    naive_s, naive = best_of(runs, rollup(NAIVE)) if "naive" in forms else (None, None)
    best_s, best = best_of(runs, rollup(BEST)) if "best" in forms else (None, None)
    prepare()
    cov_s, cov = best_of(runs, lambda: dict(db.execute(COVERAGE).fetchall()))
    # Membership checks, one prepared query each (SQLite); one batch join (DuckDB, whose
    # per-statement overhead would otherwise dominate).
    check_sql = """
        SELECT EXISTS(SELECT 1 FROM memberships m JOIN tree t ON t.id = m.org_id JOIN ranges r ON r.id = ?
                      WHERE m.person_id = ? AND t.pre BETWEEN r.lo AND r.hi
                        AND m.start <= ? AND (m."end" IS NULL OR m."end" = '' OR ? < m."end"))"""
    t = time.perf_counter()
    if sqlite:
        answers = [bool(db.execute(check_sql, (o, p, day, day)).fetchone()[0]) for p, o in queries]
    else:
        db.execute("DROP TABLE IF EXISTS q")
        db.execute("CREATE TABLE q(i INTEGER, person_id VARCHAR, org_id VARCHAR)")
        db.executemany("INSERT INTO q VALUES (?,?,?)", [(i, p, o) for i, (p, o) in enumerate(queries)])
        t = time.perf_counter()
        hits = {i for (i,) in db.execute(f"""
            SELECT DISTINCT q.i FROM q JOIN ranges r ON r.id = q.org_id
            JOIN memberships m ON m.person_id = q.person_id JOIN tree t ON t.id = m.org_id
            WHERE t.pre BETWEEN r.lo AND r.hi AND m.start <= '{day}' AND (m."end" IS NULL OR m."end" = '' OR '{day}' < m."end")
        """).fetchall()}
        answers = [i in hits for i in range(len(queries))]
    checks_s = time.perf_counter() - t
    return {"engine": name, "load_s": load, "naive_s": naive_s, "best_s": best_s, "coverage_s": cov_s,
            "checks_s": checks_s, "naive": naive, "best": best, "coverage": cov, "answers": answers}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True, type=Path)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--streets", required=True, type=Path)
    ap.add_argument("--bench-compare", default="target/release/bench-compare")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--checks", type=int, default=10000)
    ap.add_argument("--engines", default="sqlite,duckdb")
    ap.add_argument("--forms", default="naive,best",
                    help="SQL formulations to run (the best one spills tens of GB in DuckDB at the national scale)")
    args = ap.parse_args()

    rng = random.Random(7)
    persons = [r["id"] for r in load_rows(args.dir / "persons.csv")]
    orgs = list(load_rows(args.dir / "orgs.csv"))
    queries = [(rng.choice(persons), rng.choice(orgs)["id"]) for _ in range(args.checks)]
    qfile = args.dir / "queries.txt"
    qfile.write_text("".join(f"{p},{o}\n" for p, o in queries))
    roots = [o["division_code"] for o in orgs if not o["parent_id"]]
    counties = sorted({c for c in (r["code"] for r in load_rows(args.streets.parent / "county.csv"))
                       if any(c.startswith(root) for root in roots)})
    streets = [(r["code"], r["parent_code"]) for r in load_rows(args.streets)]

    tx = json.loads(subprocess.run([args.bench_compare, str(args.dir), "--as-of", args.as_of, "--queries", str(qfile),
                                    "--streets", str(args.streets), "--runs", str(args.runs)],
                                   check=True, capture_output=True, text=True).stdout)
    tx_rollup = {org: {p: n for p, n in zip(tx["columns"], counts) if n} for org, (_total, counts) in tx["rollup"].items()}
    tx_rollup = {org: v for org, v in tx_rollup.items() if v}
    tx_cov = {k: v for k, v in tx["coverage"].items()}

    results = []
    for engine in args.engines.split(","):
        fn = sqlite_engine if engine == "sqlite" else duckdb_engine
        forms = args.forms.split(",")
        r = fn(args.dir, args.as_of, streets, counties, queries, args.runs, args.streets, forms)
        for form in forms:
            if r[form] != tx_rollup:
                diff = [o for o in set(r[form]) | set(tx_rollup) if r[form].get(o) != tx_rollup.get(o)][:5]
                sys.exit(f"{engine} {form} rollup differs from tongxin, e.g. {diff}: "
                         f"{[(o, r[form].get(o), tx_rollup.get(o)) for o in diff[:2]]}")
        if {k: v for k, v in r["coverage"].items()} != tx_cov:
            sys.exit(f"{engine} coverage differs from tongxin")
        if r["answers"] != tx["answers"]:
            sys.exit(f"{engine} membership checks differ from tongxin")
        results.append(r)

    n = len(tx["answers"])
    print(f"identical answers: rollup by party ({len(tx_rollup)} organizations), coverage ({len(tx_cov)} subdistricts), {n} membership checks")
    print(f"{'engine':<22}{'load s':>9}{'rollup ms':>12}{'coverage ms':>13}{'check µs':>10}")
    print(f"{'tongxin':<22}{tx['load_s']:>9.2f}{tx['rollup_s']*1e3:>12.1f}{tx['coverage_s']*1e3:>13.1f}{tx['checks_s']/n*1e6:>10.3f}")
    for r in results:
        for form in args.forms.split(","):
            print(f"{r['engine'] + ' (' + form + ')':<22}{r['load_s']:>9.2f}{r[form + '_s']*1e3:>12.1f}{r['coverage_s']*1e3:>13.1f}{r['checks_s']/n*1e6:>10.3f}")
    if tx.get("rss_bytes") and tx.get("memberships"):
        print(f"tongxin memory after load: {tx['rss_bytes']/2**20:,.0f} MiB resident "
              f"({tx['rss_bytes']/tx['memberships']:,.0f} bytes per membership), "
              f"peak {tx['peak_bytes']/2**20:,.0f} MiB with the CSV bytes")
    if tx.get("rollup_peak_bytes") is not None and tx.get("memberships"):
        print(f"tongxin rollup by party, memory above the loaded registry: "
              f"{tx['rollup_peak_bytes']/2**20:,.1f} MiB "
              f"({tx['rollup_peak_bytes']/tx['memberships']:,.1f} bytes per membership)")
    for r in results:
        ratios = ", ".join(f"{r[form + '_s']/tx['rollup_s']:.0f}x its {form} formulation" for form in args.forms.split(","))
        print(f"tongxin rollup vs {r['engine']}: {ratios}; membership checks {r['checks_s']/tx['checks_s']:.0f}x")


if __name__ == "__main__":
    main()
