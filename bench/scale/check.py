#!/usr/bin/env python3
"""Checks that the application accepted a generated history exactly (run by run.sh with BENCH_CHECK=1, on a small
history, after every projection has caught up): folds every FileEntry event of the store into the expected state of
each file and compares it with what the API answers to the file's owner (GET /api/files/{id}, .../versions,
.../shares), with each grantee's "shared with me" listing total, bench-big's listing total and the search index's
document count; and that nothing was parked. Standard library only.

  check.py RESULTS APP ADMIN DB
"""
import collections
import json
import subprocess
import sys
import urllib.request

sys.path.insert(0, __import__("os").path.dirname(__file__))
import scale  # noqa: E402


def get(app, user, path):
    request = urllib.request.Request(app + path, headers={"X-User-Id": user})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["data"]


def expected_files(db):
    rows = subprocess.run(["psql", "-X", "-Atq", "-d", db, "-c",
                           "SELECT aggregate_identifier, sequence_number, substring(payload_type from '[^.]*$'), "
                           "convert_from(payload, 'UTF8') FROM domain_event_entry WHERE type = 'FileEntry' "
                           "ORDER BY global_index"], check=True, capture_output=True, text=True).stdout
    files = {}
    for line in rows.splitlines():
        aggregate, seq, kind, payload = line.split("|", 3)
        p = json.loads(payload)
        f = files.get(aggregate)
        if kind == "FileUploadedEvent":
            assert seq == "0", line
            files[aggregate] = f = {"owner": p["owner"]["value"], "name": p["name"]["value"],
                                    "mimeType": p["mediaType"]["value"], "size": p["size"],
                                    "checksum": "sha256:" + p["blobId"]["sha256"], "metadata": p["metadata"],
                                    "versions": [(1, "sha256:" + p["blobId"]["sha256"], p["size"])], "shares": [],
                                    "seq": 0}
            continue
        assert f is not None and int(seq) == f["seq"] + 1, "sequence not contiguous: " + line
        f["seq"] = int(seq)
        if kind == "FileVersionAddedEvent":
            f["versions"].append((p["version"], "sha256:" + p["blobId"]["sha256"], p["size"]))
            f.update(size=p["size"], checksum="sha256:" + p["blobId"]["sha256"], name=p["name"]["value"],
                     mimeType=p["mediaType"]["value"], metadata=p["metadata"])
        elif kind == "FileMetadataUpdatedEvent":
            f.update(name=p["name"]["value"], metadata=p["metadata"])
        elif kind == "FileSharedEvent":
            f["shares"].append((p["grantee"]["value"], p["role"].lower(), p["shareId"]))
        else:
            raise AssertionError("unexpected event " + kind)
    return files


def main():
    results, app, admin, db = sys.argv[1:5]
    files = expected_files(db)
    problems = []
    shared_with = collections.Counter()
    for file_id, f in files.items():
        owner = f["owner"]
        answer = get(app, owner, "/api/files/" + file_id)
        for key in ("name", "mimeType", "size", "checksum"):
            if answer.get(key) != f[key]:
                problems.append("%s %s: %r, expected %r" % (file_id, key, answer.get(key), f[key]))
        if answer.get("version") != len(f["versions"]):
            problems.append("%s version %r, expected %d" % (file_id, answer.get("version"), len(f["versions"])))
        m, e = answer.get("metadata", {}), f["metadata"]
        for key in ("description", "tags", "folder", "attributes"):
            if m.get(key) != e.get(key):
                problems.append("%s metadata.%s: %r, expected %r" % (file_id, key, m.get(key), e.get(key)))
        versions = get(app, owner, "/api/files/%s/versions" % file_id)["versions"]
        got = sorted((v["version"], v["checksum"], v["size"]) for v in versions)
        if got != sorted(f["versions"]):
            problems.append("%s versions %r, expected %r" % (file_id, got, f["versions"]))
        shares = get(app, owner, "/api/files/%s/shares" % file_id)["shares"]
        got = sorted((s["grantee"], s["role"], s["shareId"]) for s in shares)
        if got != sorted(f["shares"]):
            problems.append("%s shares %r, expected %r" % (file_id, got, f["shares"]))
        for grantee, _, _ in f["shares"]:
            shared_with[grantee[len("user:"):]] += 1
        if len(problems) > 20:
            break
    for user, count in list(shared_with.items())[:200]:
        total = get(app, user, "/api/files/shared?limit=1")["pagination"]["total"]
        if total != count:
            problems.append("files shared with %s: %d, expected %d" % (user, total, count))
    big = sum(1 for f in files.values() if f["owner"] == "bench-big")
    listed = get(app, "bench-big", "/api/files?limit=1")["pagination"]["total"]
    if listed != big:
        problems.append("bench-big lists %d files, expected %d" % (listed, big))
    parked = scale.call(app, admin, "GET", "/api/admin/dead-letters?limit=5")["counts"]
    if any(parked.values()):
        problems.append("parked events: %r" % parked)
    summary = ("%s: %d files (%d versions, %d metadata edits or versions, %d shares), %d grantees' listings, "
               "bench-big's listing %d; parked %s"
               % ("OK" if not problems else "FAILED (%d problems)" % len(problems), len(files),
                  sum(len(f["versions"]) for f in files.values()), sum(f["seq"] for f in files.values()),
                  sum(len(f["shares"]) for f in files.values()), min(len(shared_with), 200), listed,
                  json.dumps(parked)))
    scale.merge(results, {"check.result": summary, "check.problems": json.dumps(problems[:20])})
    print("  " + summary)
    for p in problems[:20]:
        print("  " + p)
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
