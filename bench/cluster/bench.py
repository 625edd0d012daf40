#!/usr/bin/env python3
"""The scale-out benchmark's measuring half (bench/cluster/run.sh starts the instances and both balancers).

For each scenario and repetition, interleaved: wrk through HAProxy "one" (first instance only) and through HAProxy
"two" (both instances), with the same connections and duration. Reports requests/s, p50/p99, the ratio two/one, and
for the "two" runs how the requests (each instance's http_server_requests count at /actuator/prometheus) and the
CPU time (/proc/<pid>/stat) split between the instances."""
import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(os.path.dirname(HERE), "lua")
USER = "bench-cluster-user"


def log(message):
    print(message, file=sys.stderr, flush=True)


def request(url, method="GET", body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers={"X-User-Id": USER, **(headers or {})})
    with urllib.request.urlopen(req, timeout=120) as answer:
        return answer.read()


def wrk(url, script, connections, seconds, env):
    e = dict(os.environ)
    e.update(env)
    e["BENCH_LUA_DIR"] = LUA
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "60s",
           "-s", os.path.join(LUA, script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=seconds + 120)
    line = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if not line:
        raise RuntimeError(f"wrk printed no result: {out.stdout}\n{out.stderr}")
    return json.loads(line[-1])


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def served(node):
    """Requests the instance has answered so far (Micrometer's counts; /actuator needs the administrator)."""
    admin = base64.b64encode(b"bench-admin:bench-admin-password-7q").decode()
    text = request(node + "/actuator/prometheus", headers={"Authorization": "Basic " + admin}).decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("http_server_requests_seconds_count"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--one", required=True)
    p.add_argument("--two", required=True)
    p.add_argument("--nodes", required=True)
    p.add_argument("--pids", required=True)
    p.add_argument("--duration", type=int, default=10)
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    nodes = a.nodes.split(",")
    pids = [int(open(os.path.join(a.pids, f"node-{k + 1}.pid")).read().strip()) for k in range(len(nodes))]

    mib = os.urandom(1024 * 1024)
    ids = {}
    for label, body in (("1 MiB", mib), ("4 KiB", mib[:4096])):
        answer = json.loads(request(a.two + f"/api/files/upload?name=bench-{len(body)}.bin", "PUT", body,
                                    {"Content-Type": "application/octet-stream"}))
        ids[label] = answer["data"]["fileId"]
    body_file = os.path.join(HERE, "work", "body-64k.bin")
    with open(body_file, "wb") as f:
        f.write(mib[:65536])
    h = {"BENCH_HEADERS": f"X-User-Id: {USER}"}
    scenarios = [
        ("metadata get c=32", "get.lua", f"/api/files/{ids['4 KiB']}", 32, h),
        ("download 1 MiB c=16", "get.lua", f"/api/files/{ids['1 MiB']}/download", 16, h),
        ("upload 64 KiB c=16", "upload.lua", "/api/files/upload?name=bench-up.bin", 16,
         {**h, "BENCH_BODY_FILE": body_file, "BENCH_METHOD": "PUT"}),
    ]
    results = []
    for name, script, path, c, env in scenarios:
        log(f"warming up: {name}")
        wrk(a.two + path, script, c, 5, env)
        wrk(a.one + path, script, c, 3, env)
        for rep in range(a.reps):
            for mode, base in (("one", a.one), ("two", a.two)) if rep % 2 == 0 else (("two", a.two), ("one", a.one)):
                time.sleep(2)
                before_cpu = [cpu_seconds(pid) for pid in pids]
                before_served = [served(node) for node in nodes]
                r = wrk(base + path, script, c, a.duration, env)
                after_cpu = [cpu_seconds(pid) for pid in pids]
                after_served = [served(node) for node in nodes]
                rps = r["requests"] / (r["duration_us"] / 1e6)
                row = dict(scenario=name, mode=mode, rep=rep, rps=rps, p50_ms=r["p50_us"] / 1000,
                           p99_ms=r["p99_us"] / 1000, errors=r["status_errors"] + r["connect_errors"]
                           + r["read_errors"] + r["timeouts"],
                           cpu=[round(x - y, 2) for x, y in zip(after_cpu, before_cpu)],
                           served=[int(x - y) for x, y in zip(after_served, before_served)])
                log(json.dumps(row))
                results.append(row)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    with open(os.path.join(a.out, f"{stamp}.json"), "w") as f:
        json.dump(dict(cpus=os.cpu_count(), duration=a.duration, reps=a.reps, rows=results), f, indent=1)
    lines = [f"# Scale-out benchmark {stamp}", "",
             f"{os.cpu_count()} CPUs; both instances, PostgreSQL, Elasticsearch, HAProxy and wrk on this machine; "
             f"wrk {a.duration} s per run, {a.reps} interleaved repetitions, medians.", "",
             "| scenario | one instance req/s | two instances req/s | two/one | p99 one / two (ms) "
             "| requests node1:node2 (two) | CPU s node1:node2 (two) | errors |",
             "|---|---:|---:|---:|---:|---|---|---:|"]
    for name, *_ in scenarios:
        one = [r for r in results if r["scenario"] == name and r["mode"] == "one"]
        two = [r for r in results if r["scenario"] == name and r["mode"] == "two"]
        m1 = statistics.median(r["rps"] for r in one)
        m2 = statistics.median(r["rps"] for r in two)
        split = [sum(r["served"][k] for r in two) for k in range(2)]
        cpu = [round(sum(r["cpu"][k] for r in two), 1) for k in range(2)]
        lines.append(f"| {name} | {m1:.0f} | {m2:.0f} | {m2 / m1:.2f} | "
                     f"{statistics.median(r['p99_ms'] for r in one):.1f} / "
                     f"{statistics.median(r['p99_ms'] for r in two):.1f} | {split[0]}:{split[1]} | "
                     f"{cpu[0]}:{cpu[1]} | {sum(r['errors'] for r in one + two)} |")
    report = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, f"{stamp}.md"), "w") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
