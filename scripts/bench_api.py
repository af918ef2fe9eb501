#!/usr/bin/env python3
"""What scripts/bench does through keel's JSON API (standard library only).

    bench_api.py satisfaction BASE TOKEN DATA_DIR [--connections 8]
        POST /api/v1/accounts/{id}/satisfaction for every row of satisfaction.csv. keel cannot
        import satisfaction answers yet, so they go through the API; account ids are found
        by paging GET /api/v1/accounts (names are unique in the generated data).
    bench_api.py targets BASE TOKENS_JSON DATA_DIR
        POST /api/v1/targets for every row of targets.csv with the setter's token: the
        director sets the managers', each manager their reps' (top-down, as keel requires).
    bench_api.py compare BASE TOKEN DUCKDB_JSON
        keel's organisation totals for the period next to DuckDB's, as a correctness check.
"""

import argparse
import csv
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse


class Client:
    def __init__(self, base, token):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.token = token
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def call(self, method, path, body=None):
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(3):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                text = r.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
        if r.status >= 300:
            raise SystemExit(f"{method} {path}: {r.status} {text[:300]!r}")
        return json.loads(text) if text else None

    def pages(self, path):
        after = None
        while True:
            sep = "&" if "?" in path else "?"
            page = self.call("GET", path + sep + "limit=500" + (f"&after={urllib.parse.quote(after)}" if after else ""))
            yield from page["items"]
            after = page.get("next")
            if not after:
                return


def satisfaction(a):
    with open(os.path.join(a.data, "accounts.csv"), encoding="utf-8") as f:
        name_of = {r["external_id"]: r["name"] for r in csv.DictReader(f)}
    c = Client(a.base, a.token)
    id_of = {acc["name"]: acc["id"] for acc in c.pages("/api/v1/accounts")}
    with open(os.path.join(a.data, "satisfaction.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    jobs = []
    for r in rows:
        body = {"kind": r["kind"], "score": int(r["score"]), "at": r["at"]}
        if r["comment"]:
            body["comment"] = r["comment"]
        jobs.append((f"/api/v1/accounts/{id_of[name_of[r['account.id']]]}/satisfaction", body))
    lock = threading.Lock()
    done = [0]

    def worker(part):
        cl = Client(a.base, a.token)
        for path, body in part:
            cl.call("POST", path, body)
        with lock:
            done[0] += len(part)

    t = time.perf_counter()
    n = a.connections
    threads = [threading.Thread(target=worker, args=(jobs[i::n],)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if done[0] != len(jobs):
        raise SystemExit("some satisfaction answers were not recorded")
    secs = time.perf_counter() - t
    print(f"{len(jobs)}\t{secs:.2f}")


def targets(a):
    with open(a.tokens) as f:
        tokens = json.load(f)
    any_token = next(iter(tokens.values()))
    c = Client(a.base, any_token)
    id_of = {p["email"]: p["id"] for p in c.pages("/api/v1/people")}
    clients = {}
    n = 0
    with open(os.path.join(a.data, "targets.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            setter = r["setter.email"]
            cl = clients.setdefault(setter, Client(a.base, tokens[setter]))
            cl.call("POST", "/api/v1/targets", {
                "person_id": id_of[r["person.email"]], "period": r["period"],
                "metric": r["metric"], "value": int(r["value"])})
            n += 1
    print(n)


def compare(a):
    with open(a.duck) as f:
        duck = json.load(f)
    c = Client(a.base, a.token)
    q = f"scope=org&from={duck['from']}&to={duck['to']}"
    ok = True
    for metric, key in (("won_revenue", "won_revenue_minor"), ("win_rate", "win_rate_permille"),
                        ("calls", "calls")):
        r = c.call("GET", f"/api/v1/metrics/{metric}?{q}")
        keel = r.get("value")
        ref = duck["org"][key]
        same = keel == ref
        ok &= same
        print(f"  {metric:<12} keel {keel}  duckdb {ref}  {'same' if same else 'DIFFERENT'}")
    sys.exit(0 if ok else 1)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("satisfaction")
    s.add_argument("base")
    s.add_argument("token")
    s.add_argument("data")
    s.add_argument("--connections", type=int, default=8)
    t = sub.add_parser("targets")
    t.add_argument("base")
    t.add_argument("tokens")
    t.add_argument("data")
    c = sub.add_parser("compare")
    c.add_argument("base")
    c.add_argument("token")
    c.add_argument("duck")
    a = ap.parse_args()
    {"satisfaction": satisfaction, "targets": targets, "compare": compare}[a.cmd](a)


if __name__ == "__main__":
    main()
