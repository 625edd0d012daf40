#!/usr/bin/env python3
"""filestore benchmark: the service against nginx (and against itself for metadata), in the same run.

Started by bench/run, which installs nginx and wrk and builds the jar. Every scenario runs nginx, the service
(encryption at rest off) and the encrypted service (on; skipped with --no-encrypted) back to back, repeated
(interleaved) --reps times; the table shows min/median/max of throughput, the ratio of the service's median to
nginx's and of the encrypted service's to the service's, p50/p99 latency and CPU seconds per GiB moved of each server
process (from /proc). Results also go to bench/results/<timestamp>.json. Loopback only; every load run is bounded in
time.
"""
import argparse
import datetime
import json
import shlex
import re
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
LUA = os.path.join(HERE, "lua")
MIB = 1024 * 1024
GIB = 1024 * MIB
ENCRYPTED_TARGET = 0.7  # the encrypted service against the plaintext one (the encryption work's goal)
TICK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------ processes

def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
        except FileNotFoundError:
            pass
    return total / TICK


def children(pid):
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]
    except OSError:
        return []


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, seconds, headers=None):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=2) as r:
                if r.status < 500:
                    return
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return
            time.sleep(0.5)
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


class Nginx:
    def __init__(self, work, port):
        self.root = os.path.join(work, "nginx")
        self.port = port
        self.www = os.path.join(self.root, "www")
        self.conf = os.path.join(self.root, "nginx.conf")
        self.pid = None

    def start(self):
        for d in ("www/files", "www/up", "tmp", "logs"):
            os.makedirs(os.path.join(self.root, d), exist_ok=True)
        user = "www-data" if os.geteuid() == 0 else None
        if user:
            subprocess.run(["chown", "-R", user, self.root], check=True)
        with open(self.conf, "w") as f:
            f.write(f"""{'user ' + user + ';' if user else ''}
worker_processes auto;
pid {self.root}/nginx.pid;
error_log {self.root}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    keepalive_timeout 120s;
    types {{ }}
    default_type application/octet-stream;
    client_body_temp_path {self.root}/tmp;
    server {{
        listen 127.0.0.1:{self.port};
        root {self.www};
        location /up/ {{
            dav_methods PUT;
            create_full_put_path on;
            client_max_body_size 1g;
        }}
    }}
}}
""")
        subprocess.run(["nginx", "-c", self.conf, "-g", "daemon off;", "-t", "-q"], check=True)
        self.proc = subprocess.Popen(["nginx", "-c", self.conf, "-g", "daemon off;"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = self.proc.pid
        wait_http(f"http://127.0.0.1:{self.port}/", 20)

    def pids(self):
        return [self.pid] + children(self.pid)

    def stop(self):
        if self.pid:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def clean_uploads(self):
        shutil.rmtree(os.path.join(self.www, "up"), ignore_errors=True)
        os.makedirs(os.path.join(self.www, "up"), exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(os.path.join(self.www, "up"), "www-data")


class Service:
    """The service under test. Two run side by side on databases, index prefixes and data directories of their own:
    one with encryption at rest off (plaintext, the one compared with nginx) and one with it on (compared with the
    plaintext one); only the one being measured has load."""

    def __init__(self, work, port, args, encrypted=False):
        self.name = "service-encrypted" if encrypted else "service"
        self.data = os.path.join(work, self.name)
        self.port = port
        self.args = args
        self.encrypted = encrypted
        self.proc = None

    def start(self):
        shutil.rmtree(self.data, ignore_errors=True)
        os.makedirs(self.data)
        env = dict(os.environ)
        env.update({
            "SERVER_PORT": str(self.port),
            "FILESTORE_DATA_DIR": self.data,
            "FILESTORE_DB_URL": f"jdbc:postgresql://127.0.0.1:5432/{self.args.db}{'_enc' if self.encrypted else ''}",
            "FILESTORE_ELASTICSEARCH_INDEX_PREFIX": "filestore-bench" + ("-enc" if self.encrypted else ""),
            "FILESTORE_ENCRYPTION_ENABLED": "true" if self.encrypted else "false",
            "FILESTORE_BLOB_STORE_NODE_COUNT": "1",
            "FILESTORE_BLOB_STORE_REPLICATION_FACTOR": "1",
            "FILESTORE_BLOB_STORE_FSYNC": "true" if self.args.fsync else "false",
            "FILESTORE_UPLOADS_FSYNC": "true" if self.args.fsync else "false",
            "FILESTORE_MAX_UPLOAD_SIZE": "1GB",
            # the load generators name their user in X-User-Id, as a trusted gateway would
            "FILESTORE_SECURITY_TRUSTED_HEADER": "X-User-Id",
        })
        cmd = [self.args.java, f"-Xmx{self.args.heap}", "-XX:+ExitOnOutOfMemoryError"] + shlex.split(self.args.jvm_opts)
        if self.args.jfr and not self.encrypted:
            cmd.append(f"-XX:StartFlightRecording=filename={os.path.join(self.args.work, 'service.jfr')},"
                       "settings=profile")
        cmd += ["-jar", self.args.jar]
        self.log = open(os.path.join(self.args.work, f"{self.name}.log"), "w")
        self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        wait_http(f"http://127.0.0.1:{self.port}/health", 180)

    def pids(self):
        return [self.proc.pid]

    def stop(self):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# ------------------------------------------------------------------------------------------------ load

def wrk(url, script, connections, seconds, env, threads=2):
    e = dict(os.environ)
    e.update(env)
    e["BENCH_LUA_DIR"] = LUA
    cmd = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{seconds}s",
           "--timeout", "300s", "-s", os.path.join(LUA, script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=seconds + 360)
    line = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if not line:
        raise RuntimeError(f"wrk printed no result: {out.stdout}\n{out.stderr}")
    return json.loads(line[-1])


def settle(server, idle_cores=0.15, window=0.5, limit=90):
    """Waits until the server is idle (less than idle_cores of CPU over a window), at most limit seconds: a
    scenario must not measure what the previous one left running (a 1,000-connection run leaves uploads in flight
    and projections to catch up after wrk has stopped)."""
    deadline = time.time() + limit
    while time.time() < deadline:
        before = cpu_seconds(server.pids())
        time.sleep(window)
        if cpu_seconds(server.pids()) - before < idle_cores * window:
            return
    log(f"warning: the server did not become idle within {limit} s")


def measure(server, url, script, connections, seconds, env, body_bytes=None):
    settle(server)
    before = cpu_seconds(server.pids())
    result = wrk(url, script, connections, seconds, env)
    result["cpu_s"] = cpu_seconds(server.pids()) - before
    ok = result["requests"] - result["status_errors"]
    moved = ok * body_bytes if body_bytes is not None else result["bytes"]
    secs = result["duration_us"] / 1e6
    result["moved_bytes"] = moved
    result["mib_s"] = moved / MIB / secs
    result["req_s"] = ok / secs
    result["cpu_s_per_gib"] = result["cpu_s"] / (moved / GIB) if moved else None
    return result


# ------------------------------------------------------------------------------------------------ setup

def api(port, method, path, user, body=None, headers=None):
    h = {"X-User-Id": user}
    h.update(headers or {})
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method, headers=h)
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read() or b"null"), r.headers


def make_file(path, size):
    if os.path.exists(path) and os.path.getsize(path) == size:
        return
    with open(path, "wb") as f:
        remaining = size
        while remaining:
            n = min(remaining, 4 * MIB)
            f.write(os.urandom(n))
            remaining -= n


def upload_file(port, user, path, name):
    with open(path, "rb") as f:
        data, _ = api(port, "PUT", f"/api/files/upload?name={name}", user, f.read(),
                      {"Content-Type": "application/octet-stream"})
    return data["data"]["fileId"]


# ------------------------------------------------------------------------------------------------ scenarios

def scenarios(args, files, ids):
    s = []
    user_h = "X-User-Id: bench"
    for size, label, secs in ((MIB, "1 MiB", args.short), (100 * MIB, "100 MiB", args.long)):
        for c in (1, 16, 64):
            s.append(dict(name=f"download {label} c={c}", kind="download", c=c, secs=secs, script="get.lua",
                          nginx=(f"/files/{label.replace(' ', '')}.bin", {}),
                          service=(f"/api/files/{ids[size]}/download", {"BENCH_HEADERS": user_h}),
                          target={(100 * MIB, 16): 0.9, (MIB, 16): 0.8}.get((size, c))))
    rng = f"Range: bytes={50 * MIB}-{51 * MIB - 1}"
    for c in (1, 16):
        s.append(dict(name=f"range 1 MiB of 100 MiB c={c}", kind="download", c=c, secs=args.short,
                      script="get.lua", nginx=("/files/100MiB.bin", {"BENCH_HEADERS": rng}),
                      service=(f"/api/files/{ids[100 * MIB]}/download", {"BENCH_HEADERS": user_h + "|" + rng}),
                      target=0.8 if c == 16 else None))
    for size, label, conns, secs in ((MIB, "1 MiB", (1, 16, 64, 1000), args.short),
                                     (100 * MIB, "100 MiB", (1, 16), args.long)):
        for c in conns:
            target = {(100 * MIB, 16): 0.6, (MIB, 64): 0.5, (MIB, 1000): 0.5}.get((size, c))
            p99 = {(MIB, 64): 2.0, (MIB, 1000): 3.0}.get((size, c))
            s.append(dict(name=f"upload {label} c={c}", kind="upload", c=c, secs=args.huge if c >= 1000 else secs,
                          script="upload.lua",
                          body=files[size], body_bytes=size,
                          nginx=("/up/bench.bin", {"BENCH_METHOD": "PUT"}),
                          service=(f"/api/files/upload?name=bench.bin", {"BENCH_METHOD": "PUT",
                                                                        "BENCH_HEADERS": user_h}),
                          target=target, p99_target=p99))
    s.append(dict(name="multipart 1 MiB c=64 (nginx: PUT)", kind="upload", c=64, secs=args.short,
                  script="upload.lua", body=files[MIB], body_bytes=MIB,
                  nginx=("/up/bench.bin", {"BENCH_METHOD": "PUT"}),
                  service=("/api/files/upload", {"BENCH_METHOD": "POST", "BENCH_MULTIPART": "1",
                                                 "BENCH_HEADERS": user_h}),
                  target=0.5))
    return s


def metadata_scenarios(args, ids):
    s = []
    h = {"BENCH_HEADERS": "X-User-Id: bench"}
    for c in (1, 16, 32, 256):
        s.append(dict(name=f"metadata get c={c}", c=c, script="get.lua", path=f"/api/files/{ids[MIB]}", env=h,
                      p99_ms={16: 15, 256: 150}.get(c)))
    for c in (1, 32):
        s.append(dict(name=f"metadata list c={c}", c=c, script="get.lua", path="/api/files?limit=20", env=h))
        s.append(dict(name=f"metadata update c={c}", c=c, script="update.lua", path="/",
                      env={"BENCH_USER": "bench", "BENCH_IDS": ",".join(ids["meta"])},
                      req_s={32: 500}.get(c)))
    return s


# ------------------------------------------------------------------------------------------------ main

def target_text(s):
    if s.get("p99_ms"):
        return f"{s['p99_ms']} ms"
    return f">={s['req_s']}/s" if s.get("req_s") else ""


def spread(values):
    return dict(min=min(values), median=statistics.median(values), max=max(values))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--short", type=int, default=5, help="seconds per run of 1 MiB and metadata scenarios")
    p.add_argument("--long", type=int, default=12, help="seconds per run of 100 MiB scenarios")
    p.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per scenario (service only)")
    p.add_argument("--huge", type=int, default=20, help="seconds per run of the 1,000-connection scenario")
    p.add_argument("--only", default="", help="run only scenarios whose name matches this regular expression")
    p.add_argument("--fsync", action="store_true", help="let the service fsync (nginx never does)")
    p.add_argument("--no-encrypted", action="store_true",
                   help="skip the encrypted service (by default downloads and uploads run on a second service with "
                        "encryption at rest on, compared with the plaintext one)")
    p.add_argument("--encrypted-port", type=int, default=0, help="0: a free port")
    p.add_argument("--jfr", action="store_true", help="record the service with JFR into bench/work/service.jfr")
    p.add_argument("--heap", default="512m")
    p.add_argument("--jvm-opts", default="", help="more JVM options for both services (A/B of JVM settings)")
    p.add_argument("--db", default="filestore_bench")
    p.add_argument("--java", default=os.environ.get("BENCH_JAVA", "java"))
    p.add_argument("--jar", default=os.path.join(REPO, "api", "target", "filestore.jar"))
    p.add_argument("--work", default=os.path.join(HERE, "work"))
    p.add_argument("--nginx-port", type=int, default=0, help="0: a free port")
    p.add_argument("--service-port", type=int, default=0, help="0: a free port")
    args = p.parse_args()
    args.nginx_port = args.nginx_port or free_port()
    args.service_port = args.service_port or free_port()
    args.encrypted_port = args.encrypted_port or free_port()
    os.makedirs(args.work, exist_ok=True)

    nginx = Nginx(args.work, args.nginx_port)
    service = Service(args.work, args.service_port, args)
    encrypted = None if args.no_encrypted else Service(args.work, args.encrypted_port, args, encrypted=True)
    results = {"started": datetime.datetime.now().isoformat(timespec="seconds"),
               "commit": subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                                        text=True).stdout.strip(),
               "settings": {"reps": args.reps, "short_s": args.short, "long_s": args.long, "fsync": args.fsync,
                            "heap": args.heap, "cores": os.cpu_count()},
               "scenarios": [], "metadata": []}
    try:
        log("starting nginx and the service")
        nginx.start()
        service.start()
        if encrypted:
            encrypted.start()
        files = {MIB: os.path.join(args.work, "1MiB.bin"), 100 * MIB: os.path.join(args.work, "100MiB.bin")}
        for size, path in files.items():
            make_file(path, size)
            shutil.copy(path, os.path.join(nginx.www, "files", os.path.basename(path)))
        ids = {size: upload_file(args.service_port, "bench", path, os.path.basename(path))
               for size, path in files.items()}
        ids["meta"] = [api(args.service_port, "PUT", f"/api/files/upload?name=m{i}.txt", "bench", b"x" * 100,
                           {"Content-Type": "text/plain"})[0]["data"]["fileId"] for i in range(64)]
        for i in range(200):
            api(args.service_port, "PUT", f"/api/files/upload?name=list{i}.txt", "bench", b"y" * 10,
                {"Content-Type": "text/plain"})

        runs = [s for s in scenarios(args, files, ids) if re.search(args.only, s["name"])]
        if encrypted:
            enc_ids = dict(ids)
            enc_ids.update({size: upload_file(args.encrypted_port, "bench", path, os.path.basename(path))
                            for size, path in files.items()})
            enc_paths = {s["name"]: s["service"] for s in scenarios(args, files, enc_ids)}
            for s in runs:
                s["encrypted"] = enc_paths[s["name"]]
        meta = [s for s in metadata_scenarios(args, ids) if re.search(args.only, s["name"])]
        log("warming up the service's JIT")
        for s in runs:
            if s["c"] <= 64 and s.get("body_bytes", 0) <= MIB:
                for key, port in (("service", args.service_port), ("encrypted", args.encrypted_port)):
                    if key in s:
                        path, env = s[key]
                        env = dict(env, BENCH_BODY_FILE=s.get("body", ""))
                        wrk(f"http://127.0.0.1:{port}{path}", s["script"], min(s["c"], 16), args.warmup, env)
        for s in meta:
            wrk(f"http://127.0.0.1:{args.service_port}{s['path']}", s["script"], min(s["c"], 16), args.warmup,
                s["env"])
        raw = {s["name"]: {"nginx": [], "service": [], "encrypted": []} for s in runs}
        servers = [("nginx", nginx, args.nginx_port), ("service", service, args.service_port)]
        if encrypted:
            servers.append(("encrypted", encrypted, args.encrypted_port))
        raw_meta = {s["name"]: [] for s in meta}
        for rep in range(args.reps):
            for s in runs:
                for name, server, port in servers:
                    path, env = s[name]
                    env = dict(env)
                    if "body" in s:
                        env["BENCH_BODY_FILE"] = s["body"]
                    log(f"rep {rep + 1}/{args.reps}  {s['name']:<40} {name}")
                    r = measure(server, f"http://127.0.0.1:{port}{path}", s["script"], s["c"], s["secs"], env,
                                s.get("body_bytes"))
                    raw[s["name"]][name].append(r)
                    if s["kind"] == "upload" and name == "nginx":
                        nginx.clean_uploads()
            for s in meta:
                log(f"rep {rep + 1}/{args.reps}  {s['name']:<40} service")
                raw_meta[s["name"]].append(measure(service, f"http://127.0.0.1:{args.service_port}{s['path']}",
                                                   s["script"], s["c"], args.short, s["env"]))
    finally:
        service.stop()
        if encrypted:
            encrypted.stop()
        nginx.stop()

    print_and_save(args, results, runs, raw, meta, raw_meta)


def print_and_save(args, results, runs, raw, meta, raw_meta):
    head = (f"{'scenario':<36} {'nginx MiB/s (min/med/max)':>27} {'service MiB/s (min/med/max)':>29} "
            f"{'ratio':>6} {'target':>7} {'p99 ms ng/svc':>15} {'CPU s/GiB ng/svc':>17} {'encrypted MiB/s':>16} "
            f"{'enc/plain':>9}  verdict")
    lines = [f"filestore benchmark {results['started']} commit {results['commit']}: {args.reps} interleaved "
             f"repetitions, service fsync={'on' if args.fsync else 'off'} (nginx never fsyncs), heap {args.heap}, "
             f"replication factor 1, {os.cpu_count()} cores shared with the load generator; service: encryption at "
             f"rest off (compared with nginx), encrypted: on (compared with the service, target 0.7x)", head,
             "-" * len(head)]
    for s in runs:
        ng, sv = raw[s["name"]]["nginx"], raw[s["name"]]["service"]
        n_mib, s_mib = spread([r["mib_s"] for r in ng]), spread([r["mib_s"] for r in sv])
        ratio = s_mib["median"] / n_mib["median"] if n_mib["median"] else 0
        n_p99 = statistics.median([r["p99_us"] for r in ng]) / 1000
        s_p99 = statistics.median([r["p99_us"] for r in sv]) / 1000
        n_cpu = statistics.median([r["cpu_s_per_gib"] or 0 for r in ng])
        s_cpu = statistics.median([r["cpu_s_per_gib"] or 0 for r in sv])
        en = raw[s["name"]]["encrypted"]
        e_mib = spread([r["mib_s"] for r in en]) if en else None
        enc_ratio = e_mib["median"] / s_mib["median"] if en and s_mib["median"] else None
        errors = sum(r["status_errors"] + r["timeouts"] for r in sv + en)
        verdict = []
        if s.get("target") is not None:
            verdict.append("met" if ratio >= s["target"] else "MISSED")
        if s.get("p99_target") is not None:
            verdict.append(f"p99 {'met' if s_p99 <= s['p99_target'] * n_p99 else 'MISSED'} (<= {s['p99_target']}x)")
        if enc_ratio is not None:
            verdict.append(f"encrypted {'met' if enc_ratio >= ENCRYPTED_TARGET else 'MISSED'}")
        if errors:
            verdict.append(f"{errors} non-2xx/timeouts")
        lines.append(f"{s['name']:<36} {fmt3(n_mib):>27} {fmt3(s_mib):>29} {ratio:>5.2f}x "
                     f"{(str(s['target']) + 'x') if s.get('target') else '':>7} {n_p99:>6.0f} /{s_p99:>6.0f} "
                     f"{n_cpu:>7.2f} /{s_cpu:>7.2f} {(fmt3(e_mib) if e_mib else '-'):>16} "
                     f"{(f'{enc_ratio:.2f}x' if enc_ratio is not None else '-'):>9}  {' '.join(verdict)}")
        results["scenarios"].append(dict(name=s["name"], concurrency=s["c"], target_ratio=s.get("target"),
                                         p99_target_ratio=s.get("p99_target"), ratio=ratio, nginx=ng, service=sv,
                                         nginx_mib_s=n_mib, service_mib_s=s_mib, nginx_p99_ms=n_p99,
                                         service_p99_ms=s_p99, nginx_cpu_s_per_gib=n_cpu,
                                         service_cpu_s_per_gib=s_cpu, encrypted=en, encrypted_mib_s=e_mib,
                                         encrypted_ratio=enc_ratio, verdict=" ".join(verdict)))
    if meta:
        mh = f"{'metadata (service only)':<36} {'req/s (min/med/max)':>27} {'p50 ms':>8} {'p99 ms':>8} {'target':>8}  verdict"
        lines += ["", mh, "-" * len(mh)]
        for s in meta:
            rs = raw_meta[s["name"]]
            rps = spread([r["req_s"] for r in rs])
            p50 = statistics.median([r["p50_us"] for r in rs]) / 1000
            p99 = statistics.median([r["p99_us"] for r in rs]) / 1000
            errors = sum(r["status_errors"] + r["timeouts"] for r in rs)
            verdict = ""
            if s.get("p99_ms"):
                verdict = "met" if p99 <= s["p99_ms"] else "MISSED"
            if s.get("req_s"):
                verdict = "met" if rps["median"] >= s["req_s"] else "MISSED"
            if errors:
                verdict += f" {errors} non-2xx/timeouts"
            lines.append(f"{s['name']:<36} {fmt3(rps):>27} {p50:>8.1f} {p99:>8.1f} "
                         f"{target_text(s):>8}  {verdict}")
            results["metadata"].append(dict(name=s["name"], concurrency=s["c"], runs=rs, req_s=rps, p50_ms=p50,
                                            p99_ms=p99, p99_target_ms=s.get("p99_ms"), req_s_target=s.get("req_s"), verdict=verdict.strip()))
    table = "\n".join(lines)
    print(table)
    out = os.path.join(HERE, "results")
    os.makedirs(out, exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "")
    with open(os.path.join(out, f"{stamp}.json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(out, f"{stamp}.txt"), "w") as f:
        f.write(table + "\n")
    log(f"results: {out}/{stamp}.json and .txt")


def fmt3(s):
    return f"{s['min']:.0f}/{s['median']:.0f}/{s['max']:.0f}"


if __name__ == "__main__":
    main()
