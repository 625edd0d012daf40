#!/usr/bin/env bash
# Storage benchmark, run on purpose (never by the tests). In one run, on this machine's disk:
#  - upload and download of 1 MiB (20 per repetition) and 100 MiB blobs through a directory node and through an S3
#    node (s3proxy 2.6.0, filesystem backend, same disk, over HTTP on 127.0.0.1), interleaved, REPS repetitions;
#  - the scrub's throughput on the directory node against the disk's sequential read rate (dd over the same replica
#    files); the page cache is dropped before each when running as root, else both read warm data (said in the output).
# Usage: bench/storage/run.sh [REPS=3]. Results: bench/storage/results/<date>.md
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
WORK="$(mktemp -d "${TMPDIR:-/tmp}/storage-bench.XXXXXX")"
S3PID=""
cleanup() { [[ -n "$S3PID" ]] && kill "$S3PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
# builds blob-store (and copies the s3proxy jar) in the reactor; nothing is installed into ~/.m2
(cd "$REPO" && JAVA_HOME="$FS_JAVA_HOME" mvn -B -q -ntp -pl blob-store -am package dependency:build-classpath \
  -DskipTests -Dmdep.outputFile="$WORK/classpath" -Dmdep.includeScope=runtime)
CP="$REPO/blob-store/target/classes:$(cat "$WORK/classpath")"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/s3/bench"
cat > "$WORK/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3
PROPS
LOG_LEVEL=warn "$FS_JAVA" -Xmx512m -jar "$REPO/blob-store/target/s3proxy/s3proxy.jar" \
  --properties "$WORK/s3proxy.properties" >"$WORK/s3proxy.log" 2>&1 &
S3PID=$!
for _ in $(seq 1 200); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

drop_caches() {
  if [[ $(id -u) -eq 0 ]] && sync && echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then echo cold; else echo warm; fi
}
dd_pass() { # the disk's sequential read rate over the same replica files
  drop_caches >/dev/null
  local bytes=0 start end
  start=$(date +%s.%N)
  while IFS= read -r -d '' f; do
    dd if="$f" of=/dev/null bs=1M status=none
    bytes=$((bytes + $(stat -c %s "$f")))
  done < <(find "$WORK/dir-node/blobs" -type f -print0)
  end=$(date +%s.%N)
  echo "dd-sequential-read $bytes $(python3 -c "print(f'{$end-$start:.6f}')")"
}
OUT="$WORK/out.txt"
"$FS_JAVA" -Xmx512m -cp "$CP" "$HERE/StorageBench.java" "$WORK" "http://127.0.0.1:$PORT" bench "$REPS" | tee "$OUT"
CACHE=$(drop_caches)
dd_pass | tee -a "$OUT" # dd, scrub, dd: the disk's rate on both sides of the scrub
drop_caches >/dev/null
"$FS_JAVA" -Xmx512m -cp "$CP" "$HERE/StorageBench.java" "$WORK" scrub | tee -a "$OUT"
dd_pass | tee -a "$OUT"

mkdir -p "$HERE/results"
RESULT="$HERE/results/$(date -u +%Y%m%d-%H%M%S).md"
python3 - "$OUT" "$CACHE" "$REPS" "$(nproc)" "$(uptime | sed 's/.*load average: //')" > "$RESULT" <<'PY'
import sys, collections
out, cache, reps, cpus, load = sys.argv[1:]
sums = collections.defaultdict(lambda: [0, 0.0])
for line in open(out):
    fields = line.split()
    if len(fields) != 3 or not fields[1].isdigit():
        continue  # a log line
    name, size, secs = fields
    key = name.split("-blobs")[0] if name.startswith("scrub") else name
    sums[key][0] += int(size); sums[key][1] += float(secs)
rate = {k: v[0] / v[1] / 2**20 for k, v in sums.items()}
print(f"# Storage benchmark ({reps} repetitions, {cpus} CPUs, load average {load}, page cache {cache} for scrub/dd)\n")
print("| operation | directory node MiB/s | S3 node (s3proxy) MiB/s | S3 / directory |")
print("|---|---|---|---|")
for op in ["upload-1MiB", "download-1MiB", "upload-100MiB", "download-100MiB"]:
    d, s = rate[op + "-dir"], rate[op + "-s3"]
    print(f"| {op} | {d:.0f} | {s:.0f} | {s/d:.2f} |")
scrub = next(v for k, v in rate.items() if k.startswith("scrub"))
dd = rate["dd-sequential-read"]
print(f"\n| scrub MiB/s | dd sequential read MiB/s | scrub / dd |\n|---|---|---|\n| {scrub:.0f} | {dd:.0f} | {scrub/dd:.2f} |")
PY
cat "$RESULT"
echo "saved to $RESULT"
