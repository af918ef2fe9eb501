#!/usr/bin/env python3
"""The reference side of scripts/bench: the dashboard's aggregates computed by DuckDB straight
from the generated CSV files (loaded into in-memory tables, no rollups, no indexes).

    target/bench/venv/bin/python scripts/bench_duckdb.py DATA_DIR [--runs 7] [--json OUT]

Prints one line per query (median of warm runs, in ms) and writes everything as JSON,
including a few organisation totals for scripts/bench to compare with keel's answers.
The definitions follow keel's metric catalog (keel-domain/src/metrics.rs): money is credited
to the deal's owner on its close day, win rate = won / (won + lost) closed in the period,
activities count on their day (a task without a time on its due date), CSAT average and NPS
from the answers of the period.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import time

import duckdb


def quarter_bounds(d):
    m = 3 * ((d.month - 1) // 3) + 1
    start = dt.date(d.year, m, 1)
    end = dt.date(d.year + (m == 10), 1 if m == 10 else m + 3, 1) - dt.timedelta(days=1)
    return start, end


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--json")
    a = ap.parse_args()
    with open(os.path.join(a.data, "manifest.json")) as f:
        man = json.load(f)
    today = dt.date.fromisoformat(man["today"])
    qs, qe = quarter_bounds(today)
    y = today.year
    con = duckdb.connect()
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]

    def csv(name, types):
        path = os.path.join(a.data, name)
        return f"read_csv('{path}', header = true, columns = {types})"

    t0 = time.perf_counter()
    con.execute("CREATE TABLE people AS SELECT * FROM " + csv("people.csv", {
        "name": "VARCHAR", "email": "VARCHAR", "title": "VARCHAR", "role": "VARCHAR",
        "manager_email": "VARCHAR"}))
    con.execute("CREATE TABLE accounts AS SELECT * FROM " + csv("accounts.csv", {
        "external_id": "VARCHAR", "name": "VARCHAR", "industry": "VARCHAR", "size": "INTEGER",
        "region": "VARCHAR", "owner": "VARCHAR"}))
    con.execute("CREATE TABLE deals AS SELECT * FROM " + csv("deals-*.csv", {
        "external_id": "VARCHAR", "name": "VARCHAR", "amount": "DECIMAL(18,2)",
        "currency": "VARCHAR", "stage": "VARCHAR", "close_date": "DATE", "created": "DATE",
        "owner": "VARCHAR", "account": "VARCHAR"}))
    con.execute("CREATE TABLE activities AS SELECT * FROM " + csv("activities-*.csv", {
        "external_id": "VARCHAR", "kind": "VARCHAR", "subject": "VARCHAR", "at": "TIMESTAMP",
        "due": "DATE", "done": "BOOLEAN", "related": "VARCHAR", "owner": "VARCHAR"}))
    con.execute("CREATE TABLE satisfaction AS SELECT * FROM " + csv("satisfaction.csv", {
        "kind": "VARCHAR", "score": "INTEGER", "comment": "VARCHAR", "account": "VARCHAR",
        "owner": "VARCHAR", "at": "TIMESTAMPTZ"}))
    con.execute("CREATE TABLE targets AS SELECT * FROM " + csv("targets.csv", {
        "setter": "VARCHAR", "person": "VARCHAR", "period": "VARCHAR", "metric": "VARCHAR",
        "value": "BIGINT"}))
    con.execute(
        "CREATE TABLE stages AS SELECT * FROM (VALUES ('Qualification', 10), ('Needs Analysis', 20), "
        "('Value Proposition', 40), ('Identify Decision Makers', 60), ('Proposal/Price Quote', 75), "
        "('Negotiation/Review', 90)) AS s(stage, probability)")
    load_s = time.perf_counter() - t0

    p = {"qs": qs, "qe": qe, "ys": dt.date(y - 1, 1, 1), "ye": dt.date(y, 12, 31)}
    won_q = "d.stage = 'Closed Won' AND d.close_date BETWEEN $qs AND $qe"
    queries = {
        "won_vs_target": f"""
            SELECT r.email, t.value / 100 AS target, COALESCE(w.won, 0) AS won,
                   COALESCE(w.won, 0) * 100.0 / NULLIF(t.value / 100, 0) AS pct
            FROM people r
            LEFT JOIN targets t ON t.person = r.email AND t.metric = 'won_revenue'
            LEFT JOIN (SELECT d.owner, SUM(d.amount) AS won FROM deals d WHERE {won_q}
                       GROUP BY d.owner) w ON w.owner = r.email
            WHERE r.role = 'member' ORDER BY r.email""",
        "win_rate": """
            SELECT owner, COUNT(*) FILTER (WHERE stage = 'Closed Won') AS won,
                   COUNT(*) AS closed,
                   COUNT(*) FILTER (WHERE stage = 'Closed Won') * 1000 // COUNT(*) AS permille
            FROM deals WHERE stage IN ('Closed Won', 'Closed Lost')
              AND close_date BETWEEN $qs AND $qe
            GROUP BY owner ORDER BY owner""",
        "activities": """
            SELECT owner, kind, COUNT(*) AS n FROM activities
            WHERE COALESCE(CAST("at" AS DATE), due) BETWEEN $qs AND $qe
            GROUP BY owner, kind ORDER BY owner, kind""",
        "pipeline": """
            SELECT d.stage, COUNT(*) AS deals, SUM(d.amount) AS amount,
                   SUM(d.amount * s.probability / 100) AS weighted
            FROM deals d JOIN stages s ON s.stage = d.stage
            GROUP BY d.stage ORDER BY MIN(s.probability)""",
        "csat_nps": """
            SELECT AVG(score) FILTER (WHERE kind = 'csat') AS csat,
                   COUNT(*) FILTER (WHERE kind = 'csat') AS csat_n,
                   (COUNT(*) FILTER (WHERE kind = 'nps' AND score >= 9)
                    - COUNT(*) FILTER (WHERE kind = 'nps' AND score <= 6)) * 100
                     // NULLIF(COUNT(*) FILTER (WHERE kind = 'nps'), 0) AS nps,
                   COUNT(*) FILTER (WHERE kind = 'nps') AS nps_n
            FROM satisfaction WHERE CAST(timezone('UTC', "at") AS DATE) BETWEEN $qs AND $qe""",
        "won_by_month": """
            SELECT month(close_date) AS month,
                   SUM(amount) FILTER (WHERE year(close_date) = year($ye)) AS this_year,
                   SUM(amount) FILTER (WHERE year(close_date) = year($ys)) AS last_year
            FROM deals WHERE stage = 'Closed Won' AND close_date BETWEEN $ys AND $ye
            GROUP BY month ORDER BY month""",
    }

    def run(sql):
        return con.execute(sql, {k: v for k, v in p.items() if f"${k}" in sql}).fetchall()

    results = {}
    for name, sql in queries.items():
        run(sql)  # warm
        times = []
        for _ in range(a.runs):
            t = time.perf_counter()
            rows = run(sql)
            times.append((time.perf_counter() - t) * 1000)
        results[name] = {"median_ms": statistics.median(times), "min_ms": min(times),
                         "rows": len(rows)}
        print(f"  duckdb {name:<14} {statistics.median(times):8.2f} ms  ({len(rows)} rows)")
    # The equivalent of one dashboard request: every panel, one after the other.
    totals = []
    for _ in range(a.runs):
        t = time.perf_counter()
        for sql in queries.values():
            run(sql)
        totals.append((time.perf_counter() - t) * 1000)
    one_shot = statistics.median(totals)
    print(f"  duckdb one-shot (all six) {one_shot:8.2f} ms; sum of medians "
          f"{sum(r['median_ms'] for r in results.values()):.2f} ms; load {load_s:.2f} s; "
          f"{threads} threads")

    # Organisation totals for the cross-check with keel (minor units / permille rounded half
    # up as keel's ratio() does / counts).
    org = {
        "won_revenue_minor": int(run(f"SELECT COALESCE(SUM(amount), 0) * 100 FROM deals d WHERE {won_q}")[0][0]),
        "win_rate_permille": run(
            "SELECT (2 * COUNT(*) FILTER (WHERE stage = 'Closed Won') * 1000 + COUNT(*)) // NULLIF(2 * COUNT(*), 0) "
            "FROM deals WHERE stage IN ('Closed Won', 'Closed Lost') AND close_date BETWEEN $qs AND $qe")[0][0],
        "calls": run("SELECT COUNT(*) FROM activities WHERE kind = 'call' "
                     "AND CAST(\"at\" AS DATE) BETWEEN $qs AND $qe")[0][0],
    }
    out = {"period": man["period"], "from": qs.isoformat(), "to": qe.isoformat(),
           "load_s": load_s, "threads": threads, "queries": results, "one_shot_ms": one_shot,
           "org": org, "duckdb": duckdb.__version__}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
