#!/usr/bin/env python3
"""Replay, backup and restore benchmark of the filestore event store (run on purpose, never by the test suite).

It starts the packaged application against a scratch database, generates a store of N events directly with SQL
(realistic file histories: uploads, versions, rollbacks, metadata edits, deletes and restores, interleaved across
files), then measures, through the admin API:

  * the replay rate of each projection (POST /api/admin/projections/{name}/rebuild),
  * the time of a backup (POST /api/backup/start),
  * the time of a restore replacing the store (POST /api/backup/restore), by phase: validating the archive,
    loading the events, replaying every projection at once, verifying the blobs, digesting the views;

and, in the same run, baselines on the same data and machine: reading every event row with psql (the upper bound of
any replay), pg_dump and pg_restore of the event tables (PostgreSQL's own backup of them). Results are printed as a
table and written as JSON to bench/results/replay-<time>.json.

Standard library only; needs psql, pg_dump and pg_restore on the PATH and a built api/target/filestore.jar.
"""
import argparse
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RESULTS = os.path.join(ROOT, "bench", "results")
ADMIN = "bench-admin"
EVENTS_PER_FILE = 10


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the store (default 1,000,000)")
    parser.add_argument("--blobs", type=int, default=1000, help="distinct blobs referenced (default 1,000)")
    parser.add_argument("--db", default="filestore_backup_bench", help="scratch database (dropped and created)")
    parser.add_argument("--port", type=int, default=18490)
    parser.add_argument("--heap", default="256m", help="the application's -Xmx (default 256m, as in the tests)")
    parser.add_argument("--java", default=os.environ.get("FILESTORE_TEST_JAVA", "java"))
    parser.add_argument("--timeout", type=int, default=3600, help="longest wait for one operation, in seconds")
    args = parser.parse_args()
    files = max(1, args.events // EVENTS_PER_FILE)
    events = files * EVENTS_PER_FILE

    pg = Postgres()
    jar = os.path.join(ROOT, "api", "target", "filestore.jar")
    if not os.path.exists(jar):
        sys.exit(jar + " is missing: build it first (mvn -B -o package -DskipTests)")
    os.makedirs(RESULTS, exist_ok=True)
    data_dir = os.path.join(RESULTS, "replay-data")
    shutil.rmtree(data_dir, ignore_errors=True)
    dump = os.path.join(RESULTS, "replay-baseline.dump")
    app = App(args, jar, data_dir, pg)
    result = {"events": events, "files": files, "blobs": args.blobs, "heap": args.heap,
              "started": now_iso(), "machine": machine()}

    step("scratch database " + args.db)
    pg.admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % args.db)
    pg.admin("DROP DATABASE IF EXISTS %s_copy WITH (FORCE)" % args.db)
    pg.admin("CREATE DATABASE %s" % args.db)
    app.start()  # creates the schema (Flyway) and the processors' tokens
    app.await_caught_up(args.timeout)
    app.stop()

    step("blobs: %d distinct, 1 KiB each, on every node" % args.blobs)
    shas = write_blobs(data_dir, args.blobs)

    step("generating %d events (%d files x %d) with SQL" % (events, files, EVENTS_PER_FILE))
    started = time.monotonic()
    pg.run(args.db, generate_sql(files, shas))
    result["generate_s"] = round(time.monotonic() - started, 1)
    head = int(pg.query(args.db, "SELECT max(global_index) FROM domain_event_entry"))
    # the projections are marked as having processed everything, so the application starts idle
    pg.run(args.db, "UPDATE token_entry SET owner = NULL, token_type = "
                    "'org.axonframework.eventhandling.GapAwareTrackingToken', "
                    "token = convert_to('{\"index\":%d,\"gaps\":[]}', 'UTF8')" % head)
    pg.run(args.db, "VACUUM ANALYZE domain_event_entry")
    result["store_bytes"] = int(pg.query(args.db, "SELECT pg_total_relation_size('domain_event_entry')"))

    step("baseline: reading every event row once with psql")
    started = time.monotonic()
    pg.run(args.db, "\\copy (SELECT * FROM domain_event_entry ORDER BY global_index) TO '/dev/null'")
    result["baseline_read_s"] = round(time.monotonic() - started, 1)

    app.start()
    try:
        for projection in ("metadata", "audit"):
            step("rebuild of projection " + projection)
            rebuild = app.rebuild(projection, args.timeout)
            seconds = duration(rebuild["startedAt"], rebuild["endedAt"])
            result["rebuild_" + projection + "_s"] = round(seconds, 1)

        step("backup")
        backup = app.backup(args.timeout)
        result["backup_s"] = round(duration(backup["startedAt"], backup["endedAt"]), 1)
        result["backup_archive_bytes"] = backup["archiveBytes"]

        step("baseline: pg_dump of the event tables (custom format, compressed)")
        started = time.monotonic()
        pg.tool(["pg_dump", "-Fc", "-t", "domain_event_entry", "-t", "snapshot_event_entry", "-f", dump, args.db])
        result["baseline_pg_dump_s"] = round(time.monotonic() - started, 1)
        result["baseline_pg_dump_bytes"] = os.path.getsize(dump)

        step("restore (replacing the store): validate, load, replay every projection, verify blobs, digest")
        restore, phases = app.restore(backup["id"], args.timeout)
        result["restore_s"] = round(duration(restore["startedAt"], restore["endedAt"]), 1)
        for phase, seconds in phases.items():
            result["restore_" + phase.lower() + "_s"] = round(seconds, 1)
        result["restore_blobs"] = restore["blobs"]
    finally:
        app.stop()

    step("baseline: pg_restore of that dump into an empty database")
    pg.admin("CREATE DATABASE %s_copy" % args.db)
    started = time.monotonic()
    pg.tool(["pg_restore", "-d", args.db + "_copy", dump])
    result["baseline_pg_restore_s"] = round(time.monotonic() - started, 1)
    pg.admin("DROP DATABASE IF EXISTS %s_copy WITH (FORCE)" % args.db)
    os.remove(dump)

    rates(result)
    result["finished"] = now_iso()
    result["machine"]["load_1min_at_end"] = machine()["load_1min_at_start"]
    out = os.path.join(RESULTS, "replay-" + datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
                       + ".json")
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print_table(result)
    print("\nJSON: " + out)


def rates(r):
    n = r["events"]

    def per_second(key):
        return round(n / r[key]) if r.get(key) else None

    r["baseline_read_events_per_s"] = per_second("baseline_read_s")
    r["rebuild_metadata_events_per_s"] = per_second("rebuild_metadata_s")
    r["rebuild_audit_events_per_s"] = per_second("rebuild_audit_s")
    r["restore_loading_events_per_s"] = per_second("restore_loading_s")
    r["restore_replaying_events_per_s"] = per_second("restore_replaying_s")
    r["backup_events_per_s"] = per_second("backup_s")
    r["ratio_rebuild_metadata_to_raw_read"] = ratio(r.get("rebuild_metadata_s"), r.get("baseline_read_s"))
    r["ratio_backup_to_pg_dump"] = ratio(r.get("backup_s"), r.get("baseline_pg_dump_s"))
    r["ratio_restore_loading_to_pg_restore"] = ratio(r.get("restore_loading_s"), r.get("baseline_pg_restore_s"))


def ratio(a, b):
    return round(a / b, 2) if a and b else None


def print_table(r):
    n = r["events"]
    rows = [
        ("store: events / files / distinct blobs", "%d / %d / %d" % (n, r["files"], r["blobs"])),
        ("store size (event table with indexes)", mib(r["store_bytes"])),
        ("baseline: read every event row (psql)", "%.1f s, %s events/s" % (r["baseline_read_s"],
                                                                           fmt(r["baseline_read_events_per_s"]))),
        ("rebuild of projection metadata", "%.1f s, %s events/s (%.1fx the raw read)" % (
            r["rebuild_metadata_s"], fmt(r["rebuild_metadata_events_per_s"]),
            r["ratio_rebuild_metadata_to_raw_read"])),
        ("rebuild of projection audit", "%.1f s, %s events/s" % (r["rebuild_audit_s"],
                                                                 fmt(r["rebuild_audit_events_per_s"]))),
        ("backup", "%.1f s, archive %s" % (r["backup_s"], mib(r["backup_archive_bytes"]))),
        ("baseline: pg_dump -Fc of the event tables", "%.1f s, %s (backup takes %.1fx)" % (
            r["baseline_pg_dump_s"], mib(r["baseline_pg_dump_bytes"]), r["ratio_backup_to_pg_dump"])),
        ("restore, total", "%.1f s" % r["restore_s"]),
        ("  validating the archive", "%.1f s" % r.get("restore_validating_s", 0)),
        ("  loading the events (COPY)", "%.1f s, %s events/s" % (r.get("restore_loading_s", 0),
                                                                 fmt(r["restore_loading_events_per_s"]))),
        ("  replaying both projections at once", "%.1f s, %s events/s" % (r.get("restore_replaying_s", 0),
                                                                         fmt(r["restore_replaying_events_per_s"]))),
        ("  verifying blobs, digesting views", "%.1f s, %.1f s" % (r.get("restore_verifying_blobs_s", 0),
                                                                  r.get("restore_digesting_s", 0))),
        ("baseline: pg_restore of the dump", "%.1f s (loading takes %.1fx)" % (
            r["baseline_pg_restore_s"], r["ratio_restore_loading_to_pg_restore"])),
    ]
    width = max(len(k) for k, _ in rows)
    print("\n| %s | %s |" % ("measure".ljust(width), "result"))
    print("|%s|%s|" % ("-" * (width + 2), "-" * 40))
    for k, v in rows:
        print("| %s | %s |" % (k.ljust(width), v))


def fmt(n):
    return "{:,}".format(n) if n is not None else "-"


def mib(n):
    return "%.1f MiB" % (n / 1024 / 1024)


def generate_sql(files, shas):
    """Ten events per file, interleaved across files (global order by step, then file)."""
    blobs = "blob_ids.shas"
    b = len(shas)

    def blob(version_expr):
        return "jsonb_build_object('sha256', (%s)[((f * 7 + %s) %% %d) + 1])" % (blobs, version_expr, b)

    meta = ("jsonb_build_object('description', %s, 'tags', %s::jsonb, 'folder', %s, 'attributes', %s::jsonb)")
    m0 = meta % ("NULL", "'[]'", "'/'", "'{}'")
    m1 = meta % ("'first'", "'[\"a\"]'", "'/'", "'{}'")
    m3 = meta % ("'third'", "'[\"a\",\"b\"]'", "'/'", "'{\"k\":\"v\"}'")
    m9 = meta % ("'third'", "'[\"a\",\"b\"]'", "'/archive'", "'{\"k\":\"v\"}'")
    name = "jsonb_build_object('value', 'file-' || f || '.txt')"
    renamed = "jsonb_build_object('value', 'renamed-' || f || '.txt')"
    fid = "jsonb_build_object('value', id)"
    by = "jsonb_build_object('value', owner)"
    mt = "jsonb_build_object('value', 'text/plain')"
    api = "io.filestore.command.api."
    cases = [
        ("FileUploadedEvent", "jsonb_build_object('fileId', %s, 'name', %s, 'mediaType', %s, 'size', 1024, "
                              "'blobId', %s, 'metadata', %s, 'owner', %s)" % (fid, name, mt, blob("1"), m0, by)),
        ("FileMetadataUpdatedEvent", "jsonb_build_object('fileId', %s, 'name', %s, 'metadata', %s, 'by', %s)"
         % (fid, name, m1, by)),
        ("FileVersionAddedEvent", "jsonb_build_object('fileId', %s, 'version', 2, 'blobId', %s, 'size', 1024, "
                                  "'mediaType', %s, 'name', %s, 'metadata', %s, 'changeLog', 'second', 'by', %s)"
         % (fid, blob("2"), mt, name, m1, by)),
        ("FileMetadataUpdatedEvent", "jsonb_build_object('fileId', %s, 'name', %s, 'metadata', %s, 'by', %s)"
         % (fid, name, m3, by)),
        ("FileVersionAddedEvent", "jsonb_build_object('fileId', %s, 'version', 3, 'blobId', %s, 'size', 1024, "
                                  "'mediaType', %s, 'name', %s, 'metadata', %s, 'changeLog', NULL, 'by', %s)"
         % (fid, blob("3"), mt, name, m3, by)),
        ("FileVersionRestoredEvent", "jsonb_build_object('fileId', %s, 'version', 4, 'restoredFrom', 1, "
                                     "'blobId', %s, 'size', 1024, 'mediaType', %s, 'changeLog', 'Restored version 1',"
                                     " 'by', %s)" % (fid, blob("1"), mt, by)),
        ("FileMetadataUpdatedEvent", "jsonb_build_object('fileId', %s, 'name', %s, 'metadata', %s, 'by', %s)"
         % (fid, renamed, m3, by)),
        ("FileDeletedEvent", "jsonb_build_object('fileId', %s, 'by', %s)" % (fid, by)),
        ("FileRestoredFromTrashEvent", "jsonb_build_object('fileId', %s, 'by', %s)" % (fid, by)),
        ("FileMetadataUpdatedEvent", "jsonb_build_object('fileId', %s, 'name', %s, 'metadata', %s, 'by', %s)"
         % (fid, renamed, m9, by)),
    ]
    assert len(cases) == EVENTS_PER_FILE
    payload = "CASE s " + " ".join("WHEN %d THEN %s" % (i, p) for i, (_, p) in enumerate(cases)) + " END"
    types = "CASE s " + " ".join("WHEN %d THEN '%s%s'" % (i, api, t) for i, (t, _) in enumerate(cases)) + " END"
    return """
        INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier, meta_data,
                                        payload, payload_revision, payload_type, time_stamp)
        SELECT id, s, 'FileEntry', gen_random_uuid()::text, convert_to('{}', 'UTF8'),
               convert_to((%s)::text, 'UTF8'), '1', %s,
               to_char(timestamp '2026-01-01' + (s * %d + f) * interval '1 millisecond',
                       'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        FROM (SELECT f, gen_random_uuid()::text AS id, 'user-' || (f %% 1000) AS owner
              FROM generate_series(0, %d) AS f) files
        CROSS JOIN generate_series(0, %d) AS s
        CROSS JOIN (SELECT %s AS shas) blob_ids
        ORDER BY s, f;
    """ % (payload, types, files, files - 1, EVENTS_PER_FILE - 1,
           "ARRAY[" + ",".join("'%s'" % s for s in shas) + "]::text[]")


def write_blobs(data_dir, count):
    shas = []
    for i in range(count):
        content = (("bench blob %d\n" % i) * 100).encode()[:1024]
        sha = hashlib.sha256(content).hexdigest()
        shas.append(sha)
        for node in ("node-1", "node-2", "node-3"):
            d = os.path.join(data_dir, "blobs", node, "blobs", sha[0:2], sha[2:4])
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, sha), "wb") as f:
                f.write(content)
    return shas


class Postgres:
    def __init__(self):
        self.host = os.environ.get("PGHOST", "127.0.0.1")
        self.port = os.environ.get("PGPORT", "5432")
        self.user = os.environ.get("PGUSER", "filestore")
        self.env = dict(os.environ, PGPASSWORD=os.environ.get("PGPASSWORD", "filestore"))

    def url(self, db):
        return "jdbc:postgresql://%s:%s/%s" % (self.host, self.port, db)

    def _psql(self, db, sql, capture=False):
        return subprocess.run(["psql", "-h", self.host, "-p", self.port, "-U", self.user, "-d", db,
                               "-v", "ON_ERROR_STOP=1", "-Atq", "-f", "-"], input=sql, env=self.env, check=True,
                              stdout=subprocess.PIPE if capture else subprocess.DEVNULL, text=True).stdout

    def admin(self, sql):
        self._psql("postgres", sql)

    def run(self, db, sql):
        self._psql(db, sql)

    def query(self, db, sql):
        return self._psql(db, sql, capture=True).strip()

    def tool(self, command):
        subprocess.run(command[:1] + ["-h", self.host, "-p", self.port, "-U", self.user] + command[1:],
                       env=self.env, check=True)


class App:
    def __init__(self, args, jar, data_dir, pg):
        self.args, self.jar, self.data_dir, self.pg = args, jar, data_dir, pg
        self.base = "http://127.0.0.1:%d" % args.port
        self.process = None

    def start(self):
        env = dict(os.environ, SERVER_PORT=str(self.args.port), FILESTORE_DATA_DIR=self.data_dir,
                   FILESTORE_DB_URL=self.pg.url(self.args.db), FILESTORE_SECURITY_ADMIN_USER=ADMIN, FILESTORE_SECURITY_ADMIN_PASSWORD="bench-admin-password-1", FILESTORE_SECURITY_TRUSTED_HEADER="X-User-Id",
                   FILESTORE_ELASTICSEARCH_INDEX_PREFIX="filestore-backup-bench")
        log = open(os.path.join(RESULTS, "replay-app.log"), "a")
        self.process = subprocess.Popen([self.args.java, "-Xmx" + self.args.heap, "-jar", self.jar], env=env,
                                        stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit("the application exited; see bench/results/replay-app.log")
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.5)
        sys.exit("the application did not start in 180 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(120)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"X-User-Id": ADMIN, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())["data"]
        except urllib.error.HTTPError as e:
            sys.exit("%s %s: %d %s" % (method, path, e.code, e.read().decode()))

    def await_caught_up(self, timeout):
        wait(lambda: all(p["caughtUp"] for p in self.call("GET", "/api/admin/projections")["projections"]) or None,
             timeout, "the projections to catch up")

    def rebuild(self, name, timeout):
        rebuild = self.call("POST", "/api/admin/projections/%s/rebuild" % name)
        return wait(lambda: next((r for r in self.call("GET", "/api/admin/projections")["rebuilds"]
                                  if r["id"] == rebuild["id"] and r["state"] != "RUNNING"), None),
                    timeout, "rebuild of " + name, check_state=True)

    def backup(self, timeout):
        backup = self.call("POST", "/api/backup/start")
        return wait(lambda: none_if_running(self.call("GET", "/api/backup/" + backup["id"])), timeout, "backup",
                    check_state=True)

    def restore(self, backup_id, timeout):
        restore = self.call("POST", "/api/backup/restore", {"backupId": backup_id, "replace": True})
        phases, current, since = {}, None, time.monotonic()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.call("GET", "/api/backup/restores/" + restore["id"])
            if status["phase"] != current:
                if current:
                    phases[current] = time.monotonic() - since
                current, since = status["phase"], time.monotonic()
            if status["state"] != "RUNNING":
                if status["state"] != "COMPLETED":
                    sys.exit("restore failed: " + json.dumps(status))
                return status, phases
            time.sleep(0.2)
        sys.exit("the restore did not finish in %d s" % timeout)


def none_if_running(status):
    return None if status["state"] == "RUNNING" else status


def wait(probe, timeout, what, check_state=False):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            if check_state and value.get("state") != "COMPLETED":
                sys.exit(what + " failed: " + json.dumps(value))
            return value
        time.sleep(0.5)
    sys.exit("timed out waiting for " + what)


def duration(start, end):
    return (parse_instant(end) - parse_instant(start)).total_seconds()


def parse_instant(value):
    # Java instants carry up to nanoseconds; Python parses microseconds
    value = value.rstrip("Z")
    if "." in value:
        head, fraction = value.split(".")
        value = head + "." + fraction[:6].ljust(6, "0")
    return datetime.datetime.fromisoformat(value)


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def machine():
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {"cpus": os.cpu_count(), "load_1min_at_start": load}


def step(text):
    print("[%s] %s" % (datetime.datetime.now().strftime("%H:%M:%S"), text), flush=True)


if __name__ == "__main__":
    main()
