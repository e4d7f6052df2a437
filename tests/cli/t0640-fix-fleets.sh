#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0640-fix-fleets.sh: `fix --apply --repoint-endpoints` makes every
# served version compliant on the demo fleet and on a fleet built with
# the real AWS CLI; the audit afterwards exits 0, and every configuration
# other than the flag is what it was.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mg_need_cmd aws

snapshot() {	# file: every runtime's newest configuration, raw
	python3 - "$EMU_URL" "$1" <<'PY'
import json, sys
import emu_client
url, out = sys.argv[1:3]
r = emu_client.call(url, "POST", "/runtimes/", query="maxResults=100")
snap = {}
for s in r.body["agentRuntimes"]:
    g = emu_client.call(url, "GET", "/runtimes/%s/" % s["agentRuntimeId"]).body
    snap[s["agentRuntimeId"]] = g
json.dump(snap, open(out, "w"))
PY
}

compare() {	# before after: only the flag, version, timestamps may differ
	python3 - "$1" "$2" <<'PY'
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:3])
assert before.keys() == after.keys()
skip = {"agentRuntimeVersion", "lastUpdatedAt", "metadataConfiguration", "status"}
for rid, b in before.items():
    a = after[rid]
    assert a["metadataConfiguration"] == {"requireMMDSV2": True}, (rid, a)
    diff = [k for k in set(a) | set(b) if k not in skip and a.get(k) != b.get(k)]
    assert not diff, (rid, diff)
print("ok: %d runtimes, nothing but the flag changed" % len(before))
PY
}

fix_and_check() {	# label
	local rc=0
	snapshot "$MG_SCRATCH/$1.before.json"
	"$MG" fix --endpoint-url "$EMU_URL" --region us-east-1 --apply --yes \
	    --repoint-endpoints --journal "$MG_SCRATCH/$1.jsonl" \
	    >"$MG_SCRATCH/$1.out" 2>"$MG_SCRATCH/$1.err" || rc=$?
	if ((rc != 0)); then
		cat "$MG_SCRATCH/$1.out" "$MG_SCRATCH/$1.err"
		mg_fail "$1: fix exited $rc"
	fi
	rc=0
	"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 --format json \
	    >"$MG_SCRATCH/$1.audit.json" || rc=$?
	mg_expect_eq "$rc" 0 "$1: audit after the fix"
	python3 - "$MG_SCRATCH/$1.audit.json" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
bad = [f for f in rep["findings"] if f["verdict"] != "compliant"]
assert not bad, bad
PY
	snapshot "$MG_SCRATCH/$1.after.json"
	compare "$MG_SCRATCH/$1.before.json" "$MG_SCRATCH/$1.after.json"
}

aws_env

# The demo fleet, as the README's demo starts it.
emu_start --fleet "$MG_SOURCE_DIR/examples/fleet.json" --ready-delay-ms 40
fix_and_check demo
grep -q "endpoint prod moved from version 1 to 3" "$MG_SCRATCH/demo.out" ||
    { cat "$MG_SCRATCH/demo.out"; mg_fail "demo: prod was not moved"; }
emu_stop

# A fleet built with the AWS CLI, on legacy defaults.
emu_start --legacy-defaults --ready-delay-ms 40
source "$(dirname "$0")/awscli_fleet.sh"
build_awscli_fleet
fix_and_check awscli
emu_stop
echo "ok: t0640"
