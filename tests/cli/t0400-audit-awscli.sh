#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0400-audit-awscli.sh: a fleet built with the real AWS CLI against the
# emulator (--legacy-defaults), audited by mmdsguard: every verdict, the
# endpoint names, pagination, --versions, --runtime, and exit codes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mg_need_cmd aws
log=$MG_SCRATCH/requests.jsonl
emu_start --legacy-defaults --ready-delay-ms 40 --request-log "$log"
aws_env

source "$(dirname "$0")/awscli_fleet.sh"
build_awscli_fleet

# The audit with two runtimes per page: three pages.
: >"$log"
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 --format json \
    --page-size 2 >"$MG_SCRATCH/r.json" 2>"$MG_SCRATCH/r.err" || rc=$?
mg_expect_eq "$rc" 1 "exit status with noncompliant versions"
python3 - "$MG_SCRATCH/r.json" "$log" "$absent" "$false_id" "$true_id" \
    "$pinned" "$extra1" "$extra2" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
log = [json.loads(l) for l in open(sys.argv[2])]
absent, false_id, true_id, pinned, e1, e2 = sys.argv[3:9]
got = {(f["runtimeId"], f["version"]): f for f in rep["findings"]}
def check(rid, ver, verdict, reason, flag, endpoints, listed):
    f = got.get((rid, ver))
    assert f, "no finding for %s v%s: %s" % (rid, ver, sorted(got))
    assert f["verdict"] == verdict, (rid, ver, f["verdict"], verdict)
    assert f["reason"] == reason, (rid, ver, f["reason"], reason)
    assert f["requireMMDSV2"] is flag, (rid, ver, f["requireMMDSV2"])
    assert sorted(f["endpoints"]) == sorted(endpoints), (rid, ver, f["endpoints"])
    assert f["endpointsListed"] is listed, (rid, ver, f["endpointsListed"])
    assert f["account"] == "123456789012" and f["region"] == "us-east-1"
    assert f["runtimeStatus"] == "READY"
    assert f["createdAt"] < "2026-02-15" and f["createdAt"].endswith("Z")
check(absent, "1", "noncompliant", "flag-absent", None, ["DEFAULT"], False)
check(false_id, "2", "noncompliant", "flag-false", False, ["DEFAULT"], True)
check(true_id, "2", "compliant", "flag-true", True, ["DEFAULT"], True)
check(pinned, "2", "compliant", "flag-true", True, ["DEFAULT"], True)
check(pinned, "1", "noncompliant", "flag-absent", None, ["prod"], True)
check(e1, "1", "noncompliant", "flag-absent", None, ["DEFAULT"], False)
check(e2, "1", "noncompliant", "flag-absent", None, ["DEFAULT"], False)
assert len(rep["findings"]) == 7, len(rep["findings"])
s = rep["summary"]
assert (s["runtimes"], s["versions"], s["compliant"], s["noncompliant"],
        s["unknown"]) == (6, 7, 2, 5, 0), s
assert rep["targets"] == [{"account": "123456789012", "region": "us-east-1",
                           "status": "ok", "notes": []}], rep["targets"]
ops = [r["operation"] for r in log]
lists = [r for r in log if r["operation"] == "ListAgentRuntimes"]
assert len(lists) == 3, "pages: %d" % len(lists)
assert all("maxResults=2" in r["query"] for r in lists), lists
# The 2nd and 3rd pages send the token percent-encoded.
assert all("nextToken=" in r["query"] for r in lists[1:]), lists
# Only runtimes with more than one version cost an endpoint listing.
assert ops.count("ListAgentRuntimeEndpoints") == 3, ops
assert ops.count("GetAgentRuntime") == 7, ops
assert not any(o.startswith(("Update", "Create", "Delete")) for o in ops)
print("ok: 7 findings, 3 pages, 3 endpoint listings")
PY

# --versions latest: one finding per runtime, no endpoint listing.
: >"$log"
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 --format json \
    --versions latest >"$MG_SCRATCH/l.json" || rc=$?
mg_expect_eq "$rc" 1 "exit status of --versions latest"
python3 - "$MG_SCRATCH/l.json" "$log" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
ops = [json.loads(l)["operation"] for l in open(sys.argv[2])]
assert len(rep["findings"]) == 6, len(rep["findings"])
assert "ListAgentRuntimeEndpoints" not in ops, ops
assert all(f["endpoints"] == ["DEFAULT"] for f in rep["findings"])
print("ok: latest")
PY

# --versions all: every version, including unserved ones.
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 --format json \
    --versions all >"$MG_SCRATCH/a.json" || rc=$?
mg_expect_eq "$rc" 1 "exit status of --versions all"
python3 - "$MG_SCRATCH/a.json" "$false_id" "$true_id" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
got = {(f["runtimeId"], f["version"]): f for f in rep["findings"]}
assert len(rep["findings"]) == 9, sorted(got)
assert got[(sys.argv[2], "1")]["endpoints"] == [], got[(sys.argv[2], "1")]
assert got[(sys.argv[3], "1")]["verdict"] == "noncompliant"
print("ok: all")
PY

# --runtime limits the audit to that runtime, without listing runtimes.
: >"$log"
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 --format json \
    --runtime "$true_id" >"$MG_SCRATCH/one.json" || rc=$?
mg_expect_eq "$rc" 0 "exit status of a compliant --runtime"
python3 - "$MG_SCRATCH/one.json" "$log" "$true_id" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
ops = [json.loads(l)["operation"] for l in open(sys.argv[2])]
assert [f["runtimeId"] for f in rep["findings"]] == [sys.argv[3]]
assert "ListAgentRuntimes" not in ops, ops
print("ok: --runtime")
PY

# A malformed runtime ID is a usage error and nothing is sent.
: >"$log"
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 \
    --runtime "../etc-passwd" 2>"$MG_SCRATCH/bad.err" || rc=$?
mg_expect_eq "$rc" 2 "exit status of a malformed --runtime"
grep -q "is not a runtime ID" "$MG_SCRATCH/bad.err" || mg_fail "no message"
[[ ! -s $log ]] || mg_fail "a request was sent for a malformed ID"

# The table: summary line and what to do next.
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 \
    >"$MG_SCRATCH/t.txt" || rc=$?
mg_expect_eq "$rc" 1 "exit status of the table"
grep -q "^summary: 6 runtimes, 7 versions audited: 2 compliant, 5 noncompliant, 0 unknown$" \
    "$MG_SCRATCH/t.txt" || { cat "$MG_SCRATCH/t.txt"; mg_fail "summary line"; }
grep -q -- "--runtime $pinned --repoint-endpoints" "$MG_SCRATCH/t.txt" ||
    mg_fail "no repoint advice for the pinned endpoint"

# --output: the report to the file, the summary line to stdout.
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 --format json \
    --output "$MG_SCRATCH/o.json" >"$MG_SCRATCH/o.txt" || true
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$MG_SCRATCH/o.json"
grep -q "^summary: " "$MG_SCRATCH/o.txt" || mg_fail "--output summary"

# A wrong secret: one line naming the key, never the secret, exit 3.
rc=0
AWS_SECRET_ACCESS_KEY=wrong-secret-value-1234567890 "$MG" audit \
    --endpoint-url "$EMU_URL" --region us-east-1 \
    >"$MG_SCRATCH/w.out" 2>"$MG_SCRATCH/w.err" || rc=$?
mg_expect_eq "$rc" 3 "exit status with a wrong secret"
grep -q "AKIDEXAMPLE" "$MG_SCRATCH/w.err" || mg_fail "key not named"
grep -q "InvalidSignatureException" "$MG_SCRATCH/w.err" || mg_fail "code not named"
! grep -q "wrong-secret" "$MG_SCRATCH/w.err" "$MG_SCRATCH/w.out" ||
    mg_fail "the secret was printed"
mg_expect_eq "$(wc -l <"$MG_SCRATCH/w.err")" 1 "lines of the wrong-secret error"

# An unknown key id.
rc=0
AWS_ACCESS_KEY_ID=AKIDUNKNOWN "$MG" audit --endpoint-url "$EMU_URL" \
    --region us-east-1 2>"$MG_SCRATCH/u.err" >/dev/null || rc=$?
mg_expect_eq "$rc" 3 "exit status with an unknown key"
grep -q "UnrecognizedClientException" "$MG_SCRATCH/u.err" || mg_fail "unknown key"

# No credentials at all: exit 3, naming what was tried.
rc=0
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$MG" audit \
    --endpoint-url "$EMU_URL" --region us-east-1 2>"$MG_SCRATCH/n.err" || rc=$?
mg_expect_eq "$rc" 3 "exit status without credentials"
grep -q "AWS_ACCESS_KEY_ID" "$MG_SCRATCH/n.err" || mg_fail "no-credentials message"

emu_stop
echo "ok: t0400"
