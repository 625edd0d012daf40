#!/usr/bin/env python3
"""The scale benchmark's helper (run by bench/scale/run.sh; standard library only). Each subcommand merges its
numbers into one JSON results file; "report" turns that file into the Markdown table.

  scale.py set      RESULTS key value [key value ...]      (numbers stay numbers)
  scale.py props    RESULTS FILE.properties                 merges a properties file (SearchBench's latency)
  scale.py replay   RESULTS APP ADMIN WINDOW_S BIG_HEAD     samples GET /api/admin/projections until every projection
                                                            has caught up, or the window has passed and the metadata
                                                            and search projections have passed BIG_HEAD (the last
                                                            event of bench-big's files); at most 3 windows
  scale.py focus    RESULTS APP ADMIN MAX_S BIG_HEAD        the same for the metadata and search projections only,
                                                            until they have passed BIG_HEAD (keys focus.*)
  scale.py get      RESULTS key
  scale.py wait     APP ADMIN                               until every projection has caught up
  scale.py backup   RESULTS APP ADMIN [MAX_S]               POST /api/backup/start, poll until it ends, by phase
                                                            (or MAX_S passed: prints PARTIAL, records the progress)
  scale.py restore  RESULTS APP ADMIN BACKUP_ID SAMPLE_S [MAX_S]  POST /api/backup/restore into this (empty) store, time
                                                            validating and loading; sample the replay for SAMPLE_S
  scale.py dlq      RESULTS APP ADMIN                       parked events per processor
  scale.py report   RESULTS OUT.md
"""
import datetime
import json
import os
import sys
import time
import urllib.error
import urllib.request


def load(path):
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {}


def merge(path, values):
    r = load(path)
    r.update(values)
    with open(path + ".tmp", "w") as f:
        json.dump(r, f, indent=2, sort_keys=True)
    os.replace(path + ".tmp", path)


def call(app, admin, method, path, body=None, timeout=120):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(app + path, data=data, method=method,
                                     headers={"X-User-Id": admin, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())["data"]
    except urllib.error.HTTPError as e:
        raise SystemExit("%s %s: %d %s" % (method, path, e.code, e.read().decode()[:500]))


def say(text):
    print("  [%s] %s" % (datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S"), text), flush=True)


def number(v):
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def parse_instant(value):
    value = value.rstrip("Z")
    if "." in value:
        head, fraction = value.split(".")
        value = head + "." + fraction[:6].ljust(6, "0")
    return datetime.datetime.fromisoformat(value)


def seconds_between(start, end):
    return (parse_instant(end) - parse_instant(start)).total_seconds()


def positions(app, admin):
    return {p["name"]: p for p in call(app, admin, "GET", "/api/admin/projections")["projections"]}


def replay(results, app, admin, window, big_head, focus=False, prefix="replay", only=None):
    """Samples every projection's position; rates from the first sample to the last, and over the second half.
    With focus, stops when the window has passed (bench-big is then completed by "focus"); with only, samples
    those projections and stops when they have passed big_head (or after the window)."""
    start = time.monotonic()
    samples = []
    last_print = -60
    reason = "hard limit (3 windows)"
    while True:
        t = time.monotonic() - start
        status = positions(app, admin)
        if only:
            status = {n: p for n, p in status.items() if n in only}
        samples.append((t, {n: p["position"] for n, p in status.items()}))
        lowest = min(p["position"] for p in status.values())
        if t - last_print >= 30:
            last_print = t
            say("%4.0f s: " % t + ", ".join("%s %d" % (n, p["position"]) for n, p in sorted(status.items()))
                + " (head %d)" % next(iter(status.values()))["head"])
        if all(p["caughtUp"] for p in status.values()):
            reason = "every projection caught up"
            break
        big_done = all(status[n]["position"] >= big_head for n in ("metadata", "search") if n in status)
        if only and big_done:
            reason = "bench-big complete"
            break
        if t >= window and (big_done or focus or only):
            reason = "window passed" + (", bench-big complete" if big_done else "")
            break
        if t >= 3 * window:
            break
        if os.path.exists(results + ".stop"):  # an operator's deadline: touch RESULTS.stop
            reason = "stopped by %s.stop" % os.path.basename(results)
            break
        time.sleep(10)
    t_end, end = samples[-1]
    half = next((s for s in samples if s[0] >= t_end / 2), samples[0])
    out = {"%s.seconds" % prefix: round(t_end, 1), "%s.stopReason" % prefix: reason, "%s.bigHead" % prefix: big_head,
           "%s.head" % prefix: next(iter(status.values()))["head"], "%s.samples" % prefix: len(samples),
           "%s.startPositions" % prefix: json.dumps(samples[0][1])}
    for name, pos in end.items():
        out["%s.%s.position" % (prefix, name)] = pos
        out["%s.%s.eventsPerSecond" % (prefix, name)] = round((pos - samples[0][1][name]) / t_end, 1) if t_end else None
        if t_end > half[0]:
            out["%s.%s.eventsPerSecondSecondHalf" % (prefix, name)] = round(
                (pos - half[1].get(name, 0)) / (t_end - half[0]), 1)
    low0 = min(samples[0][1].values())
    out["%s.allProjections.position" % prefix] = min(end.values())
    out["%s.allProjections.eventsPerSecond" % prefix] = round((min(end.values()) - low0) / t_end, 1) if t_end else None
    out["%s.bigComplete" % prefix] = all(end.get(n, -1) >= big_head for n in ("metadata", "search"))
    merge(results, out)
    say("replay stopped after %.0f s: %s; lowest position %d" % (t_end, reason, min(end.values())))


def wait(app, admin):
    while not all(p["caughtUp"] for p in positions(app, admin).values()):
        time.sleep(2)


def backup(results, app, admin, limit=0):
    started = time.monotonic()
    status = call(app, admin, "POST", "/api/backup/start")
    phases, phase, since, last_print = {}, None, time.monotonic(), 0
    while status["state"] == "RUNNING":
        if status.get("phase") != phase:
            if phase:
                phases[phase] = time.monotonic() - since
            phase, since = status.get("phase"), time.monotonic()
        if time.monotonic() - last_print > 30:
            last_print = time.monotonic()
            say("backup %s: events %s, bytes %s" % (phase, status.get("events"), status.get("bytes")))
        if limit and time.monotonic() - started > limit:
            elapsed = time.monotonic() - started
            events = status.get("events") or {}
            merge(results, {"backup.partial": True, "backup.partialSeconds": round(elapsed, 1),
                            "backup.partialPhase": phase, "backup.partialEvents": json.dumps(events),
                            "backup.partialEventsPerSecond": round((events.get("done") or 0) / elapsed, 1)})
            say("backup stopped after %.0f s (limit): %s %s" % (elapsed, phase, events))
            print("PARTIAL")
            return
        time.sleep(1)
        status = call(app, admin, "GET", "/api/backup/" + status["id"])
    if phase:
        phases[phase] = time.monotonic() - since
    if status["state"] != "COMPLETED":
        raise SystemExit("backup failed: " + json.dumps(status)[:2000])
    out = {"backup.id": status["id"], "backup.seconds": round(seconds_between(status["startedAt"], status["endedAt"]), 1),
           "backup.wallSeconds": round(time.monotonic() - started, 1), "backup.archiveBytes": status.get("archiveBytes"),
           "backup.position": status.get("position"), "backup.events": (status.get("events") or {}).get("done"),
           "backup.warning": status.get("warning")}
    for name, seconds in phases.items():
        out["backup.phase.%s.seconds" % name] = round(seconds, 1)
    merge(results, out)
    say("backup %s: %.0f s, archive %s bytes" % (status["id"], out["backup.seconds"], out["backup.archiveBytes"]))
    print(status["id"])


def restore(results, app, admin, backup_id, sample, limit=0):
    started = time.monotonic()
    status = call(app, admin, "POST", "/api/backup/restore", {"backupId": backup_id})
    phases, phase, since, last_print = {}, None, time.monotonic(), 0
    replay_start = None
    out = {}
    while True:
        status = call(app, admin, "GET", "/api/backup/restores/" + status["id"])
        now = time.monotonic()
        if status.get("phase") != phase:
            if phase:
                phases[phase] = now - since
            phase, since = status.get("phase"), now
            say("restore phase %s" % phase)
        if now - last_print > 30:
            last_print = now
            say("restore %s: events %s, replay %s" % (phase, status.get("events"), status.get("replay")))
        if status["state"] != "RUNNING":
            if status["state"] != "COMPLETED":
                raise SystemExit("restore failed: " + json.dumps(status)[:2000])
            out["restore.completed"] = True
            break
        if limit and now - started > limit:
            out["restore.completed"] = False
            out["restore.partial"] = "stopped after %.0f s in phase %s: events %s" % (now - started, phase,
                                                                                      json.dumps(status.get("events")))
            break
        if phase == "REPLAYING":
            reached = (status.get("replay") or {}).get("done", (status.get("replay") or {}).get("reached"))
            if replay_start is None:
                replay_start = (now, reached, status.get("replay"))
            elif now - replay_start[0] >= sample:
                out["restore.replaySample.seconds"] = round(now - replay_start[0], 1)
                out["restore.replaySample.start"] = json.dumps(replay_start[2])
                out["restore.replaySample.end"] = json.dumps(status.get("replay"))
                out["restore.completed"] = False
                break
        time.sleep(1)
    for name, seconds in phases.items():
        out["restore.phase.%s.seconds" % name] = round(seconds, 1)
    events = status.get("events") or {}
    out["restore.events"] = events.get("total", events.get("done"))
    out["restore.id"] = status["id"]
    out["restore.wallSeconds"] = round(time.monotonic() - started, 1)
    merge(results, out)
    say("restore: " + ", ".join("%s %.0f s" % p for p in phases.items()))


def dlq(results, app, admin):
    counts = call(app, admin, "GET", "/api/admin/dead-letters?limit=5")
    merge(results, {"deadLetters": json.dumps(counts.get("counts")),
                    "deadLetters.total": sum((counts.get("counts") or {}).values())})
    print(json.dumps(counts)[:1500])


def fmt(v, digits=0):
    if v is None:
        return "-"
    if isinstance(v, (int, float)):
        return ("{:,.%df}" % digits).format(v)
    return str(v)


def report(results, out_md):
    r = load(results)
    g = r.get
    files = g("run.files")
    lines = ["# Scale benchmark %s" % g("run.date"), ""]
    lines.append("Files: %s (bench-big owns the first %s; the rest over %s owners); events %s (%.3f per file). "
                 "Machine: %s CPUs, %s GiB RAM; load average before / after load / after replay / at the end: "
                 "%s / %s / %s / %s. App heap %s. PostgreSQL %s, Elasticsearch %s."
                 % (fmt(files), fmt(g("run.big")), fmt(g("run.users")), fmt(g("store.events")),
                    (g("store.events") or 0) / max(files or 1, 1), g("run.cpus"), g("run.ramGiB"),
                    g("run.loadBefore"), g("run.loadAfterLoad"), g("run.loadAfterReplay"), g("run.loadAfter"),
                    g("run.heap"), g("run.postgres"), g("run.elasticsearch")))
    lines += ["", "## Sizes (measured)", "", "| what | bytes | per file | per event |", "|---|---:|---:|---:|"]
    ev = g("store.events") or 1
    lines.append("| event store `domain_event_entry` (table + TOAST + indexes) | %s | %s | %s |"
                 % (fmt(g("store.bytes")), fmt(g("store.bytes", 0) / files), fmt(g("store.bytes", 0) / ev)))
    lines.append("| of which indexes | %s | %s | %s |" % (fmt(g("store.indexBytes")),
                 fmt(g("store.indexBytes", 0) / files), fmt(g("store.indexBytes", 0) / ev)))
    rf = g("views.files") or 1
    lines.append("| views (every projection table, %s files replayed) | %s | %s | - |"
                 % (fmt(g("views.files")), fmt(g("views.bytes")), fmt(g("views.bytes", 0) / rf)))
    for k in sorted(k for k in r if k.startswith("views.table.")):
        lines.append("| &nbsp; %s | %s | %s | - |" % (k[len("views.table."):], fmt(r[k]), fmt(r[k] / rf)))
    lines.append("| search index (primary store, %s docs) | %s | %s | - |"
                 % (fmt(g("index.docs")), fmt(g("index.bytes")), fmt(g("index.bytes", 0) / max(g("index.docs") or 1, 1))))
    if g("backup.archiveBytes"):
        lines.append("| backup archive (events.jsonl.gz etc., %s events) | %s | %s | %s |"
                     % (fmt(g("backup.events")), fmt(g("backup.archiveBytes")), fmt(g("backup.archiveBytes") / files),
                        fmt(g("backup.archiveBytes") / ev)))
    lines += ["", "## Times (measured)", "", "| what | seconds | rate |", "|---|---:|---:|"]
    lines.append("| load the history with SQL (psql, %s-file statements) | %s | %s events/s |"
                 % (fmt(g("run.chunk")), fmt(g("load.seconds")), fmt(ev / max(g("load.seconds") or 1, 1))))
    lines.append("| replay window (%s) | %s | every projection: %s events/s (%s files/s) |"
                 % (g("replay.stopReason"), fmt(g("replay.seconds")), fmt(g("replay.allProjections.eventsPerSecond")),
                    fmt((g("replay.allProjections.eventsPerSecond") or 0) / max(ev / files, 1e-9))))
    for k in sorted(k for k in r if k.startswith("replay.") and k.endswith(".eventsPerSecond")
                    and not k.startswith("replay.allProjections")):
        name = k.split(".")[1]
        lines.append("| &nbsp; projection %s | - | %s events/s overall, %s in the second half |"
                     % (name, fmt(r[k]), fmt(g("replay.%s.eventsPerSecondSecondHalf" % name))))
    for k in sorted(k for k in r if k.startswith("focus.") and k.endswith(".eventsPerSecond")
                    and not k.startswith("focus.allProjections")):
        name = k.split(".")[1]
        lines.append("| then %s only (%s, %s s) | - | %s events/s overall, %s in the second half |"
                     % (name, g("focus.stopReason"), fmt(g("focus.seconds")), fmt(r[k]),
                        fmt(g("focus.%s.eventsPerSecondSecondHalf" % name))))
    if g("backup.partial"):
        lines.append("| backup, stopped at the limit after %s s in phase %s (events %s) | - | %s events/s |"
                     % (fmt(g("backup.partialSeconds")), g("backup.partialPhase"), g("backup.partialEvents"),
                        fmt(g("backup.partialEventsPerSecond"))))
    if g("restore.partial"):
        lines.append("| restore, %s | - | - |" % g("restore.partial"))
    if g("backup.seconds") is not None:
        lines.append("| backup of the whole store (%s events) | %s | %s events/s |"
                     % (fmt(g("backup.events")), fmt(g("backup.seconds")), fmt((g("backup.events") or 0) / max(g("backup.seconds"), 1e-9))))
        for k in sorted(k for k in r if k.startswith("backup.phase.")):
            lines.append("| &nbsp; phase %s | %s | - |" % (k.split(".")[2], fmt(r[k], 1)))
    for k in sorted(k for k in r if k.startswith("restore.phase.")):
        phase = k.split(".")[2]
        rate = "-"
        if phase == "LOADING" and g("restore.events"):
            rate = "%s events/s" % fmt(g("restore.events") / max(r[k], 1e-9))
        lines.append("| restore into an empty store, phase %s%s | %s | %s |"
                     % (phase, " (sampled, not to the end)" if phase == "REPLAYING" and not g("restore.completed") else "",
                        fmt(r[k], 1), rate))
    if g("restore.replaySample.seconds"):
        lines.append("| restore replay sample: %s -> %s in %s s | - | - |"
                     % (g("restore.replaySample.start"), g("restore.replaySample.end"), g("restore.replaySample.seconds")))
    lines += ["", "## Latency as bench-big (%s files of its own; views and index idle)" % fmt(g("latency.bigFiles")), "",
              "| query | concurrency | requests | errors | p50 ms | p99 ms | mean ms | req/s |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for c in ("c1", "c8"):
        for kind in ("baseline-get", "get-spread", "versions-spread", "baseline-list", "list-cursor", "fulltext",
                     "filtered", "faceted", "deep-paged"):
            k = "latency.%s.%s" % (kind, c)
            if g(k + ".count"):
                lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |"
                             % (kind, c[1:], g(k + ".count"), g(k + ".errors"), g(k + ".p50"), g(k + ".p99"),
                                g(k + ".mean"), g(k + ".throughput")))
    lines += ["", "Kinds: baseline-get = GET /api/files/{id} of ids on the first listing page; get-spread and "
              "versions-spread = GET /api/files/{id} and /versions of files drawn uniformly from all of bench-big's; "
              "baseline-list = first pages (offset < 1000, limit 20); list-cursor = pages 11-60 of cursor walks; "
              "fulltext = /api/files/search?q=; filtered = tag/type/folder/size/date filters with a sort.", ""]
    lines.append("Dead letters after the replay: %s. Check of a small history (views equal to the generated events): %s."
                 % (g("deadLetters"), g("check.result", "not run")))
    with open(out_md, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "set":
        merge(args[0], {args[i]: number(args[i + 1]) for i in range(1, len(args), 2)})
    elif cmd == "props":
        with open(args[1]) as f:
            pairs = [l.split("=", 1) for l in f.read().splitlines() if "=" in l and not l.startswith("#")]
        merge(args[0], {k: number(v) for k, v in pairs})
    elif cmd == "get":
        print(load(args[0]).get(args[1]))
    elif cmd == "replay":
        replay(args[0], args[1], args[2], float(args[3]), int(args[4]), len(args) > 5 and bool(args[5]))
    elif cmd == "focus":
        replay(args[0], args[1], args[2], float(args[3]), int(args[4]), prefix="focus", only=("metadata", "search"))
    elif cmd == "wait":
        wait(args[0], args[1])
    elif cmd == "backup":
        backup(args[0], args[1], args[2], float(args[3]) if len(args) > 3 else 0)
    elif cmd == "restore":
        restore(args[0], args[1], args[2], args[3], float(args[4]), float(args[5]) if len(args) > 5 else 0)
    elif cmd == "dlq":
        dlq(args[0], args[1], args[2])
    elif cmd == "report":
        report(args[0], args[1])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
