#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# audit-bench.sh: time mmdsguard's audit against the same audit written
# with boto3 (sequential, and with a thread pool), side by side in one
# run, on the emulator with the real quotas and a per-request latency.
#
#   bench/audit-bench.sh [RUNTIMES] [LATENCY_MS]     (default 600 and 30)
#
# Needs a build in ./build (scripts/demo.sh or cmake) and python3 boto3.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-600}
latency=${2:-30}
MG_BUILD_DIR=${MG_BUILD_DIR:-$top/build}
export MG_BUILD_DIR MG_SOURCE_DIR=$top
source "$top/tests/cli/lib.sh"

log=$MG_SCRATCH/requests.jsonl
emu_start --generate "$n" --quotas on --latency-ms "$latency" \
    --request-log "$log"
aws_env

now() { date +%s.%N; }
run() {	# label command...
	local t0 t1 label=$1
	shift
	: >"$log"
	t0=$(now)
	"$@" >"$MG_SCRATCH/out" 2>&1 || true
	t1=$(now)
	python3 - "$label" "$t0" "$t1" "$log" "$MG_SCRATCH/out" <<'PY'
import json, sys
label, t0, t1, log, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
reqs = [json.loads(l) for l in open(log)]
thr = sum(1 for r in reqs if r["status"] == 429)
text = open(out, errors="replace").read()
done = "summary:" in text or "versions=" in text or '"summary"' in text
lists = sum(1 for r in reqs if r["operation"].startswith("List") and r["status"] != 429)
gets = sum(1 for r in reqs if r["operation"].startswith("Get") and r["status"] != 429)
floor = max(lists / 25.0, gets / 150.0)
print("%-18s %7.2f s  %5d requests  %4d throttled  floor %.2f s  %s"
      % (label, t1 - t0, len(reqs), thr, floor,
         "completed" if done else "DID NOT COMPLETE: " + text.strip().splitlines()[-1][:80]))
open("%s.time" % out, "a").write("%s %f\n" % (label, t1 - t0))
PY
}

# The floor the contracts give: List calls at 25/s, Get calls at 150/s.
echo "emulator: $n runtimes, quotas on (List 25/s, Get 150/s), +${latency} ms per request"
run mmdsguard "$MG_BUILD_DIR/mmdsguard" audit --endpoint-url "$EMU_URL" \
    --region us-east-1 --format json
run boto3-sequential python3 "$top/bench/naive_audit.py" \
    --endpoint-url "$EMU_URL"
run boto3-16-threads python3 "$top/bench/naive_audit.py" \
    --endpoint-url "$EMU_URL" --threads 16
python3 - "$MG_SCRATCH/out.time" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
base = float(rows[0][1])
for name, t in rows[1:]:
    print("%s takes %.2fx mmdsguard's time" % (name, float(t) / base))
PY
emu_stop
