#!/usr/bin/env bash
# Encryption benchmark, run on purpose (never by the tests). In one run, on this machine's disk, one directory node
# each (fsync on): upload and download of 1 MiB (20 per repetition) and 100 MiB blobs, plaintext and encrypted
# interleaved, REPS repetitions, wall time and the JVM's CPU time; then Tink's streaming AEAD alone (in memory) with
# 1 MiB against 4 KiB segments. Downloads are whole reads through BlobStore; a second table models a whole HTTP
# download of 100 MiB: plaintext hashed while it streams, against encrypted with (before) and without (now) that
# hash, interleaved.
# Usage: bench/encryption/run.sh [REPS=3]. Results: bench/encryption/results/<date>.md
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"
FS_REPO="$REPO"
# shellcheck source=../../scripts/lib.sh
source "$REPO/scripts/lib.sh"
fs_init_config
REPS="${1:-3}"
fs_find_jdk
fs_ensure_maven
WORK="$(mktemp -d "${TMPDIR:-/tmp}/encryption-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
(cd "$REPO" && JAVA_HOME="$FS_JAVA_HOME" mvn -B -q -ntp -pl blob-store -am package dependency:build-classpath \
  -DskipTests -Dmdep.outputFile="$WORK/classpath" -Dmdep.includeScope=runtime)
CP="$REPO/blob-store/target/classes:$(cat "$WORK/classpath")"
OUT="$WORK/out.txt"
"$FS_JAVA" -Xmx768m -cp "$CP" "$HERE/EncryptionBench.java" "$WORK/run" "$REPS" 2>"$WORK/stderr.txt" | tee "$OUT"
mkdir -p "$HERE/results"
RESULT="$HERE/results/$(date -u +%Y%m%d-%H%M%S).md"
python3 - "$OUT" "$REPS" "$(nproc)" "$(uptime | sed 's/.*load average: //')" > "$RESULT" <<'PY'
import sys, collections
out, reps, cpus, load = sys.argv[1:]
sums = collections.defaultdict(lambda: [0, 0.0, 0.0])
notes = []
for line in open(out):
    if line.startswith("#"):
        notes.append(line.strip("# \n")); continue
    f = line.split()
    if len(f) != 4:
        continue
    s = sums[f[0]]; s[0] += int(f[1]); s[1] += float(f[2]); s[2] += float(f[3])
def mib_s(k): return sums[k][0] / sums[k][1] / 2**20
def cpu_gib(k): return sums[k][2] / (sums[k][0] / 2**30)
print(f"# Encryption benchmark ({reps} repetitions, {cpus} CPUs, load average {load})\n")
print("| operation | plaintext MiB/s | encrypted MiB/s | encrypted / plaintext | plaintext CPU s/GiB | encrypted CPU s/GiB |")
print("|---|---|---|---|---|---|")
for op in ["upload-1MiB", "download-1MiB", "upload-100MiB", "download-100MiB"]:
    p, e = op + "-plain", op + "-encrypted"
    print(f"| {op} | {mib_s(p):.0f} | {mib_s(e):.0f} | {mib_s(e)/mib_s(p):.2f} | {cpu_gib(p):.2f} | {cpu_gib(e):.2f} |")
print("\n| whole 100 MiB download as the HTTP layer serves it | MiB/s | CPU s/GiB | vs plaintext (hashed) |")
print("|---|---|---|---|")
base = "http-100MiB-plain-hashed"
for label, k in [("plaintext, hashed while it streams", base),
                 ("encrypted, hashed while it streams (before)", "http-100MiB-encrypted-hashed"),
                 ("encrypted, authenticated by the AEAD tags only (now)", "download-100MiB-encrypted")]:
    print(f"| {label} | {mib_s(k):.0f} | {cpu_gib(k):.2f} | {mib_s(k)/mib_s(base):.2f} |")
print("\n| Tink streaming AEAD, 100 MiB in memory | 1 MiB segments MiB/s | 4 KiB segments MiB/s | 4 KiB / 1 MiB | 1 MiB CPU s/GiB | 4 KiB CPU s/GiB |")
print("|---|---|---|---|---|---|")
for op in ["tink-encrypt-100MiB", "tink-decrypt-100MiB"]:
    a, b = op + "-1MiB", op + "-4KiB"
    print(f"| {op[5:12]} | {mib_s(a):.0f} | {mib_s(b):.0f} | {mib_s(b)/mib_s(a):.2f} | {cpu_gib(a):.2f} | {cpu_gib(b):.2f} |")
for n in sorted(set(notes)):
    print(f"\n{n}")
PY
cat "$RESULT"
echo "saved to $RESULT"
