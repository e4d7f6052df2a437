#!/bin/sh
# demo.sh: install what is missing, build, start the emulator with the
# example fleet, and audit it. Succeeds when the audit reports what the
# fleet holds: compliant and noncompliant runtimes and a pinned endpoint.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

work=$(mktemp -d)
emu_pid=""
cleanup() {
	[ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

./build/mmdsguard-emulator --port 0 --fleet examples/fleet.json \
    >"$work/emu.out" 2>"$work/emu.err" &
emu_pid=$!
port=""
for _ in $(seq 1 50); do
	port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
	    "$work/emu.out" 2>/dev/null)
	[ -n "$port" ] && break
	sleep 0.1
done
if [ -z "$port" ]; then
	echo "demo: the emulator did not start:" >&2
	cat "$work/emu.err" >&2
	exit 1
fi

# The emulator's example key pair; nothing here reaches AWS.
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
unset AWS_SESSION_TOKEN AWS_PROFILE || true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

echo "\$ mmdsguard audit --endpoint-url http://127.0.0.1:$port --region us-east-1"
rc=0
./build/mmdsguard audit --endpoint-url "http://127.0.0.1:$port" \
    --region us-east-1 || rc=$?
./build/mmdsguard audit --endpoint-url "http://127.0.0.1:$port" \
    --region us-east-1 --format json --output "$work/report.json" \
    >/dev/null || true

# The audit exits 1 because the fleet holds noncompliant versions; the
# demo succeeds when it found exactly what the fleet holds.
python3 - "$work/report.json" "$rc" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
v = [f["verdict"] for f in rep["findings"]]
pinned = [f for f in rep["findings"] if f["verdict"] == "noncompliant"
          and any(e != "DEFAULT" for e in f["endpoints"])]
ok = rc == 1 and "compliant" in v and "noncompliant" in v and pinned
print()
if ok:
    print("demo: the audit found %d compliant and %d noncompliant "
          "versions, %d of them pinned by a named endpoint (exit status 1 "
          "means noncompliant versions were found, as expected)"
          % (v.count("compliant"), v.count("noncompliant"), len(pinned)))
    print("demo: to try fix and rollback on this fleet, start the emulator "
          "yourself: see 'Trying it without an AWS account' in README.md")
sys.exit(0 if ok else 1)
PY
