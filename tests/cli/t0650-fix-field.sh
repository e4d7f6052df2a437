#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0650-fix-field.sh: `mmdsguard fix` against field reports of
# agentcore-facts.md section 8 not covered elsewhere:
#   a. environment values with control characters (8.3): the update is
#      refused naming the key, the value never leaks, nothing changes;
#   b. a new version that stays UPDATING past --wait-timeout;
#   c. infrastructure as code reverting the fix (8.11, 7.15): a later
#      "stack update" without metadataConfiguration is found again;
#   d. mutations paced at the quota: 168 mutations with 16 runtimes at
#      once and the emulator's real quotas, without a single 429.
# Every case runs even when an earlier one fails; the script fails at the
# end naming each failed check.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mg_need_py botocore
S=$MG_SCRATCH
envfleet=$MG_SOURCE_DIR/tests/data/fleets/field-env.json

PEM=env_pem_agent-EnvP3mAgnt
TAB=env_tab_agent-EnvT4bAgnt
PLAIN=env_plain_agent-EnvPl41nAg
# Distinctive pieces of the values with control characters.
SECRETS=(PemBodyK7vQ2mX9w secretTailJ4nX0pQ TabValueQv7Marker
    TabOnlyZk3Marker "BEGIN PRIVATE KEY")

# run_fix TAG ARGS...: run_mg TAG fix against $EMU_URL.
run_fix() {
	local tag=$1
	shift
	run_mg "$tag" fix --endpoint-url "$EMU_URL" --region us-east-1 "$@"
}
# result_line TAG RID: the line of RID in the Results table of TAG.out.
result_line() {
	awk -v rid="$2" '/^Results:/ { r = 1; next }
	    r && $1 == rid { print; exit }' "$S/$1.out"
}
# raw_state FILE RID...: every runtime's newest configuration (raw JSON),
# each version's configuration and the versions the service lists.
raw_state() {
	local out=$1
	shift
	python3 - "$out" "$@" <<'PY'
import json, sys
from checks import get, versions
out, rids = sys.argv[1], sys.argv[2:]
state = {}
for rid in rids:
    g = get(rid)
    nums = versions(rid)
    state[rid] = {"newest": g, "versions": nums,
                  "each": {n: get(rid, n) for n in nums}}
json.dump(state, open(out, "w"), sort_keys=True)
PY
}

# Part c's fleet is built with the AWS CLI (slow: one process per call),
# in the background while parts a and b run against their own emulators.
have_aws=0
if command -v aws >/dev/null; then
	have_aws=1
	emu_start --legacy-defaults --ready-delay-ms 40
	IAC_URL=$EMU_URL IAC_PID=$EMU_PID IAC_STDERR=$EMU_STDERR
	aws_env
	source "$(dirname "$0")/awscli_fleet.sh"
	(
		build_awscli_fleet
		declare -p absent false_id true_id pinned extra1 extra2 \
		    >"$S/iac.ids"
	) >"$S/iac.build.out" 2>"$S/iac.build.err" </dev/null &
	IAC_BUILD=$!
	mg_on_exit "kill $IAC_BUILD 2>/dev/null"
fi

# ---- a. environment values with control characters (8.3) --------------
emu_start --fleet "$envfleet" --ready-delay-ms 30 --request-log "$MG_REQLOG"
aws_env
raw_state "$S/env.before.json" "$PEM" "$TAB" "$PLAIN" ||
    mg_fail "cannot read the seeded runtimes"
# The values must really be there, or grepping for them proves nothing.
for s in "${SECRETS[@]}"; do
	grep -q -- "$s" "$S/env.before.json" ||
	    mg_fail "the fleet does not hold '$s'"
done
run_fix env --apply --yes --verbose --journal "$S/env.journal"
expect_rc "$rc" 1 "control characters: fix --apply"
cp "$S/env.req" "$S/env-all.req"
# Once more, the refused runtime alone, with the wire-level debug trace.
run_fix envdebug --runtime "$PEM" --apply --yes --debug \
    --journal "$S/envdebug.journal"
expect_rc "$rc" 1 "control characters: fix --apply --debug"
raw_state "$S/env.after.json" "$PEM" "$TAB" "$PLAIN" ||
    soft_fail "control characters: cannot read the runtimes back"

for tag in env envdebug; do
	for f in "$S/$tag.out" "$S/$tag.err" "$S/$tag.journal"; do
		[[ -s $f ]] || soft_fail "control characters: $f is empty"
		for s in "${SECRETS[@]}"; do
			! grep -q -F -- "$s" "$f" ||
			    soft_fail "control characters: '$s' of an \
environment value appears in $(basename "$f")"
		done
	done
done
for rid in "$PEM" "$TAB"; do
	line=$(result_line env "$rid")
	[[ $line == *refused* ]] ||
	    soft_fail "control characters: $rid outcome: '$line'"
done
line=$(result_line env "$PEM")
[[ $line == *WEBHOOK_SIGNING_KEY* || $line == *CSV_HEADER* ]] ||
    soft_fail "control characters: the outcome of $PEM names no key: '$line'"
line=$(result_line env "$TAB")
[[ $line == *COLUMNS* ]] ||
    soft_fail "control characters: the outcome of $TAB names no key: '$line'"
line=$(result_line env "$PLAIN")
[[ $line == *fixed* ]] ||
    soft_fail "control characters: $PLAIN (plain values) outcome: '$line'"
line=$(result_line envdebug "$PEM")
[[ $line == *refused* ]] ||
    soft_fail "control characters: $PEM outcome with --debug: '$line'"

pycheck "control characters: state, request log or journal" \
    "$PEM" "$TAB" "$PLAIN" <<'PY'
import json, os, sys
from checks import SCRATCH as S, chk, lines
pem, tab, plain = sys.argv[1:4]
before = json.load(open(os.path.join(S, "env.before.json")))
after = json.load(open(os.path.join(S, "env.after.json")))
for rid in (pem, tab):
    b, a = before[rid], after[rid]
    chk(a["versions"] == b["versions"],
        "%s: versions %s, before %s" % (rid, a["versions"], b["versions"]))
    chk(a["newest"] == b["newest"],
        "%s: the runtime read back differs from before:\n%s\n%s" %
        (rid, json.dumps(b["newest"], sort_keys=True),
         json.dumps(a["newest"], sort_keys=True)))
    chk(a["each"] == b["each"], "%s: a stored version changed" % rid)
    chk(a["newest"].get("environmentVariables") ==
        b["newest"].get("environmentVariables"),
        "%s: the environment changed" % rid)
chk(after[plain]["versions"] == ["1", "2"] and
    after[plain]["newest"].get("metadataConfiguration") ==
    {"requireMMDSV2": True}, "%s: not fixed: %s" % (plain, after[plain]))
chk(after[plain]["newest"].get("environmentVariables") ==
    before[plain]["newest"].get("environmentVariables"),
    "%s: the environment changed" % plain)
# The emulator refused each update once; a refusal is not retried.
for tag, rids in (("env-all", (pem, tab)), ("envdebug", (pem,))):
    req = lines(os.path.join(S, tag + ".req"))
    for rid in rids:
        up = [(e["status"], e["error"]) for e in req
              if e["operation"] == "UpdateAgentRuntime" and
              e["runtimeId"] == rid]
        chk(up == [(400, "ValidationException")],
            "%s: %s: UpdateAgentRuntime answers %s" % (tag, rid, up))
# The journal records the refusal and a read-back that found no change.
j = lines(os.path.join(S, "env.journal"))
for rid in (pem, tab):
    mine = [e for e in j if e.get("runtimeId") == rid]
    ref = [e for e in mine if e.get("phase") == "refused"]
    chk(len(ref) == 1 and ref[0].get("status") == 400,
        "%s: journal refusal %s" % (rid, ref))
    rb = [e for e in mine if e.get("action") == "read-back"]
    chk(len(rb) == 1 and rb[0].get("changed") == [] and
        rb[0].get("version") == before[rid]["newest"]["agentRuntimeVersion"],
        "%s: journal read-back %s" % (rid, rb))
PY
emu_stop || soft_fail "control characters: the emulator did not exit cleanly"

# ---- b. the new version stays UPDATING past --wait-timeout --------------
emu_start --fleet "$envfleet" --ready-delay-ms 8000 --request-log "$MG_REQLOG"
t0=$(date +%s.%N)
run_fix wait --runtime "$PLAIN" --apply --yes --wait-timeout 2 \
    --journal "$S/wait.journal"
t1=$(date +%s.%N)
secs=$(python3 -c "print('%.1f' % ($t1 - $t0))")
echo "wait timeout: fix returned after ${secs}s"
expect_rc "$rc" 4 "wait timeout: fix --apply --wait-timeout 2"
python3 -c "import sys; sys.exit(0 if $secs <= 10 else 1)" ||
    soft_fail "wait timeout: fix took ${secs}s with --wait-timeout 2"
# "Timed out" must not be declared before the timeout has passed: the
# update is accepted after the start, so the run takes at least 2 s.
python3 -c "import sys; sys.exit(0 if $secs >= 2.0 else 1)" ||
    soft_fail "wait timeout: gave up after ${secs}s, before --wait-timeout 2 \
had passed ($(grep -c 'version=2' "$S/wait.req") polls of version 2)"
line=$(result_line wait "$PLAIN")
[[ $line == *"verification timed out"* ]] ||
    soft_fail "wait timeout: outcome '$line'"
n=$(grep -c '"operation": *"UpdateAgentRuntime"' "$S/wait.req" || true)
[[ $n == 1 ]] ||
    soft_fail "wait timeout: $n UpdateAgentRuntime requests, expected 1"
grep -q '"status": *202' "$S/wait.req" ||
    soft_fail "wait timeout: the update was not accepted"
emu_stop || soft_fail "wait timeout: the emulator did not exit cleanly"

# ---- d. mutations paced at the quota ------------------------------------
# --generate 120 holds 36 runtimes to update and 12 endpoints to repoint;
# 100 more runtimes to update come from a generated fleet file, 20 of
# them with a prod endpoint to repoint: 168 mutations in all, far past
# the Mutation bucket's burst of 50.
python3 - "$S/pace.json" <<'PY'
import json, sys
rts = []
for i in range(100):
    cfg = {"agentRuntimeArtifact": {"containerConfiguration": {
               "containerUri":
               "123456789012.dkr.ecr.us-east-1.amazonaws.com/pace:%d" % i}},
           "roleArn": "arn:aws:iam::123456789012:role/PaceAgent",
           "networkConfiguration": {"networkMode": "PUBLIC"},
           "environmentVariables": {"INDEX": str(i)}}
    rt = {"name": "pace_%03d" % i,
          "createdAt": "2025-09-01T00:%02d:%02d.000Z" % (i // 60, i % 60)}
    if i % 5 == 0:
        v2 = dict(cfg, metadataConfiguration={"requireMMDSV2": False})
        rt["versions"] = [cfg, v2]
        rt["endpoints"] = [{"name": "prod", "liveVersion": "1"}]
    elif i % 2:
        rt["versions"] = [dict(cfg, metadataConfiguration={
            "requireMMDSV2": False})]
    else:
        rt["versions"] = [cfg]
    rts.append(rt)
json.dump({"comment": "t0650 part d", "runtimes": rts}, open(sys.argv[1], "w"))
PY
emu_start --quotas on --quota-rates 25,150,50 --generate 120 \
    --legacy-defaults --fleet "$S/pace.json" --ready-delay-ms 1 \
    --request-log "$MG_REQLOG"
t0=$(date +%s.%N)
run_fix pace --apply --yes --repoint-endpoints --concurrency 16 \
    --journal "$S/pace.journal"
t1=$(date +%s.%N)
secs=$(python3 -c "print('%.1f' % ($t1 - $t0))")
echo "quota pacing: fix of 220 runtimes took ${secs}s"
expect_rc "$rc" 0 "quota pacing: fix --apply --concurrency 16"
pycheck "quota pacing: request log or outcomes" "$S/pace.out" \
    "$S/pace.req" <<'PY'
import collections, sys
from checks import chk, lines
out = open(sys.argv[1]).read()
req = lines(sys.argv[2])
thr = collections.Counter(e["operation"] for e in req if e["status"] == 429)
print("quota pacing: %d requests, 429 answers by operation: %s" %
      (len(req), dict(thr) or "none"))
chk(thr["UpdateAgentRuntime"] == 0,
    "%d UpdateAgentRuntime requests answered 429" % thr["UpdateAgentRuntime"])
chk(thr["UpdateAgentRuntimeEndpoint"] == 0,
    "%d UpdateAgentRuntimeEndpoint requests answered 429" %
    thr["UpdateAgentRuntimeEndpoint"])
up = collections.Counter(e["runtimeId"] for e in req
                         if e["operation"] == "UpdateAgentRuntime" and
                         e["status"] == 202)
chk(len(up) == 136 and set(up.values()) == {1},
    "accepted updates: %d runtimes, counts %s" % (len(up), set(up.values())))
ep = [e for e in req if e["operation"] == "UpdateAgentRuntimeEndpoint" and
      e["status"] in (200, 202)]
chk(len(ep) == 32, "accepted endpoint updates: %d, expected 32" % len(ep))
res = collections.Counter()
seen = False
for l in out.splitlines():
    if l.startswith("Results:"):
        seen = True
    elif seen and l.startswith("  ") and not l.startswith("   "):
        w = l.split()
        res[" ".join(w[1:3]) if w[1] == "already" else w[1]] += 1
chk(res == {"fixed": 148, "already compliant": 72}, "outcomes %s" % res)
PY
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 --format json \
    >"$S/pace.audit.json" 2>"$S/pace.audit.err" || rc=$?
expect_rc "$rc" 0 "quota pacing: audit after the fix"
emu_stop || soft_fail "quota pacing: the emulator did not exit cleanly"

# ---- c. infrastructure as code reverts the fix (8.11) --------------------
if ((have_aws)) && ! wait "$IAC_BUILD"; then
	cat "$S/iac.build.err" >&2
	soft_fail "stack update: building the fleet with the AWS CLI failed"
elif ((have_aws)); then
	source "$S/iac.ids"
	EMU_URL=$IAC_URL EMU_PID=$IAC_PID EMU_STDERR=$IAC_STDERR
	run_fix iac --apply --yes --repoint-endpoints --journal "$S/iac.journal"
	expect_rc "$rc" 0 "stack update: fix --apply"
	rc=0
	"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 \
	    --format json >"$S/iac.audit1.json" 2>"$S/iac.audit1.err" || rc=$?
	expect_rc "$rc" 0 "stack update: audit after the fix"
	fixed=$(agentcore get-agent-runtime --agent-runtime-id "$absent" \
	    --query agentRuntimeVersion --output text)
	# The stack's own update: artifact, role and network, as a template
	# that cannot express metadataConfiguration sends it.
	agentcore update-agent-runtime --agent-runtime-id "$absent" \
	    --agent-runtime-artifact "$art" --role-arn "$role" \
	    --network-configuration networkMode=PUBLIC >/dev/null
	wait_ready "$absent"
	newest=$(agentcore get-agent-runtime --agent-runtime-id "$absent" \
	    --query agentRuntimeVersion --output text)
	[[ $newest == $((fixed + 1)) ]] ||
	    soft_fail "stack update: newest version $newest after $fixed"
	rc=0
	"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 \
	    --format json >"$S/iac.audit2.json" 2>"$S/iac.audit2.err" || rc=$?
	expect_rc "$rc" 1 "stack update: audit after the stack update"
	pycheck "stack update: the audit does not find the new version" \
	    "$S/iac.audit2.json" "$absent" "$newest" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
rid, newest = sys.argv[2:4]
bad = [f for f in rep["findings"] if f["verdict"] != "compliant"]
assert len(bad) == 1, bad
f = bad[0]
assert (f["runtimeId"], f["version"], f["verdict"], f["reason"],
        f["requireMMDSV2"]) == (rid, newest, "noncompliant", "flag-absent",
                                None), f
assert "DEFAULT" in f["endpoints"], f
assert rep["summary"]["noncompliant"] == 1, rep["summary"]
PY
	emu_stop || soft_fail "stack update: the emulator did not exit cleanly"
else
	echo "skipping part c (stack update): the AWS CLI is not installed"
fi

soft_sanitizer_scan "$S"/*.err
soft_finish t0650
