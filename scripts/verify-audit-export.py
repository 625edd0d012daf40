#!/usr/bin/env python3
"""Checks an audit export (GET /api/admin/audit/export) offline, whatever its size.

Every line is a JSON object that starts with "prev" (the previous line's hash, 64 zeros for the first) and ends with
,"hash":"<sha256>"} where the hash is the SHA-256 of the line's UTF-8 text before ,"hash":". The first line is the
header, the last the end line with the number of entries. Prints the last hash and exits 0 when the chain holds;
prints the first bad line and exits 1 otherwise. Usage: verify-audit-export.py EXPORT.jsonl (or - for stdin)
"""
import hashlib
import json
import re
import sys

SUFFIX = re.compile(r',"hash":"([0-9a-f]{64})"}$')


def verify(lines):
    prev = "0" * 64
    entries = 0
    number = 0
    last_type = None
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n")
        match = SUFFIX.search(text)
        if not match:
            return False, number, "the line does not end with its hash"
        prefix = text[:match.start()]
        if hashlib.sha256(prefix.encode("utf-8")).hexdigest() != match.group(1):
            return False, number, "the line's content does not match its hash"
        node = json.loads(text)
        if node.get("prev") != prev:
            return False, number, "the line does not follow the line before it"
        kind = node.get("type")
        if number == 1 and kind != "header":
            return False, number, "the first line is not the header"
        if number > 1 and kind == "header":
            return False, number, "a second header"
        if last_type == "end":
            return False, number, "lines after the end"
        if kind == "entry":
            entries += 1
        if kind == "end" and node.get("entries") != entries:
            return False, number, "the end line's count does not match the entries"
        prev = match.group(1)
        last_type = kind
    if last_type != "end":
        return False, number + 1, "the export is cut short: no end line"
    return True, entries, prev


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    stream = sys.stdin if sys.argv[1] == "-" else open(sys.argv[1], encoding="utf-8", newline="")
    with stream:
        ok, where, detail = verify(stream)
    if ok:
        print(f"valid: {where} entries, last hash {detail}")
        return 0
    print(f"INVALID at line {where}: {detail}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
