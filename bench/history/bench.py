#!/usr/bin/env python3
"""Latency of time-travel answers against the same service's present-tense answers, in one run.

Usage: bench.py wait APP ADMIN                 wait until every projection has caught up
       bench.py latency APP FILES USERS ADMIN OUT.json [REPS]

Scenarios (each at concurrency 1 and 8, interleaved over REPS repetitions; medians of the repetitions' p50/p99):
  present-get     GET /api/files/{id} as the owner (baseline: the present metadata read)
  asof-get        GET /api/files/{id}?asOf=T as the owner
  asof-folder     GET /api/files?asOf=T&folder=/engineering/apollo&limit=100 as bench-u0 (about FILES/1000 files)
  asof-filtered   the same with tags=finance&sort=size:desc
  present-folder  GET /api/files?folder=/engineering/apollo&limit=100 (the present listing, from the search index)
  access          GET /api/files/{id}/access?at=T for shared files, as the administrator
"""
import hashlib
import http.client
import json
import random
import statistics
import sys
import threading
import time
import urllib.parse


def file_id(n):
    h = hashlib.md5(("bench-file-%d" % n).encode()).hexdigest()
    return "%s-%s-4%s-8%s-%s" % (h[0:8], h[8:12], h[13:16], h[17:20], h[20:32])


class Client:
    def __init__(self, app):
        u = urllib.parse.urlparse(app)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def get(self, path, user):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request("GET", path, headers={"X-User-Id": user})
                r = self.conn.getresponse()
                body = r.read()
                return r.status, body
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


def wait(app, admin):
    c = Client(app)
    deadline = time.time() + 6 * 3600
    last = 0
    while time.time() < deadline:
        status, body = c.get("/api/admin/projections", admin)
        if status == 200:
            data = json.loads(body).get("data", {})
            projections = data.get("projections", [])
            if projections and all(p.get("caughtUp") for p in projections):
                print("  every projection has caught up")
                return
            if time.time() - last > 30:
                last = time.time()
                print("  " + ", ".join("%s %s" % (p.get("name", p.get("processor", "?")),
                                                  p.get("position", p.get("caughtUp"))) for p in projections))
        time.sleep(2)
    sys.exit("the projections did not catch up")


def run(app, paths, concurrency, total):
    """Sends total requests (path, user) at the given concurrency; returns latencies in ms."""
    latencies, errors = [], []
    lock = threading.Lock()
    it = iter(paths)

    def worker():
        c = Client(app)
        while True:
            with lock:
                try:
                    path, user = next(it)
                except StopIteration:
                    return
            t0 = time.perf_counter()
            status, body = c.get(path, user)
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                if status != 200:
                    errors.append((status, path, body[:200]))
                latencies.append(ms)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print("  %d errors, first: %s" % (len(errors), errors[0]))
    return latencies


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def latency(app, files, users, admin, out, reps):
    files, users = int(files), int(users)
    at = urllib.parse.quote(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1)))
    rnd = random.Random(42)
    folder = urllib.parse.quote("/engineering/apollo")

    def owned(n):
        return n, "bench-u%d" % (n % users)

    def scenario(name, count):
        if name == "present-get":
            return [("/api/files/%s" % file_id(n), u) for n, u in (owned(rnd.randint(1, files)) for _ in range(count))]
        if name == "asof-get":
            return [("/api/files/%s?asOf=%s" % (file_id(n), at), u)
                    for n, u in (owned(rnd.randint(1, files)) for _ in range(count))]
        if name == "asof-folder":
            return [("/api/files?asOf=%s&folder=%s&limit=100&offset=%d" % (at, folder, rnd.choice([0, 100, 500])),
                     "bench-u0") for _ in range(count)]
        if name == "asof-filtered":
            return [("/api/files?asOf=%s&folder=%s&tags=finance&sort=size:desc&limit=100" % (at, folder), "bench-u0")
                    for _ in range(count)]
        if name == "present-folder":
            return [("/api/files?folder=%s&limit=100&offset=%d" % (folder, rnd.choice([0, 100, 500])), "bench-u0")
                    for _ in range(count)]
        if name == "access":
            return [("/api/files/%s/access?at=%s" % (file_id(10 * rnd.randint(1, files // 10)), at), admin)
                    for _ in range(count)]
        raise ValueError(name)

    names = ["present-get", "asof-get", "asof-folder", "asof-filtered", "present-folder", "access"]
    results = {}
    # warm-up
    for name in names:
        run(app, scenario(name, 50), 2, 50)
    for rep in range(reps):
        for concurrency, count in ((1, 200), (8, 800)):
            for name in (names if rep % 2 == 0 else list(reversed(names))):
                lat = run(app, scenario(name, count), concurrency, count)
                key = "%s c=%d" % (name, concurrency)
                results.setdefault(key, []).append({"p50": pct(lat, 50), "p99": pct(lat, 99), "n": len(lat)})
                print("  rep %d %-22s p50 %7.1f ms  p99 %7.1f ms" % (rep + 1, key, pct(lat, 50), pct(lat, 99)))
    summary = {}
    for key, runs in results.items():
        summary[key] = {"p50": statistics.median(r["p50"] for r in runs),
                        "p99": statistics.median(r["p99"] for r in runs), "reps": len(runs)}
    for c in (1, 8):
        base = summary["present-get c=%d" % c]["p99"]
        for name in names:
            s = summary["%s c=%d" % (name, c)]
            s["p99VsPresentGet"] = round(s["p99"] / base, 2) if base else None
    report = {"files": files, "users": users, "at": urllib.parse.unquote(at), "reps": reps,
              "loadavg": open("/proc/loadavg").read().split()[:3], "results": summary}
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    print()
    print("| scenario | p50 ms | p99 ms | p99 / present get |")
    print("|---|---|---|---|")
    for key in sorted(summary, key=lambda k: (k.split(" c=")[1], names.index(k.split(" c=")[0]))):
        s = summary[key]
        print("| %s | %.1f | %.1f | %s |" % (key, s["p50"], s["p99"], s["p99VsPresentGet"]))


if __name__ == "__main__":
    if sys.argv[1] == "wait":
        wait(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "latency":
        latency(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6],
                int(sys.argv[7]) if len(sys.argv) > 7 else 3)
    else:
        sys.exit(__doc__)
