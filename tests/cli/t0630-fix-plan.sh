#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0630-fix-plan.sh: `mmdsguard fix` without --apply only reads (List and
# Get in the emulator's request log), prints the body it would send with
# environment values and the description redacted and the flag as the
# only difference, and exits 1 when something needs fixing, 0 when all is
# compliant; runtimes that are not READY are skipped with the reason;
# --apply without --yes and without a terminal, and --yes without
# --apply, are usage errors that send nothing; the journal is created
# 0600 (its folder 0700) and holds no environment value, no description
# and no secret. Every case runs even when an earlier one fails.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mg_need_py botocore
fleet=$MG_SOURCE_DIR/tests/data/fleets/fix-plan.json

PLAIN=plain_agent-Pl41nAg3nt
GOOD=good_agent-G00dAg3ntX
BUSY=busy_agent-Busy4g3ntX
NEW=new_agent-N3wAg3ntXY
# Text of the fleet that must never be shown or journaled.
SENSITIVE=(ENVVALUE-7f3a9c ENVVALUE-51d0e4 DESCTEXT-2b8e1d)

emu_start --fleet "$fleet" --ready-delay-ms 50 --request-log "$MG_REQLOG"
aws_env

# no_leak TAG FILE...: none of the sensitive texts (nor the secret key)
# appears in the files.
no_leak() {
	local tag=$1 s
	shift
	for s in "${SENSITIVE[@]}" "$AWS_SECRET_ACCESS_KEY" "Signature="; do
		if grep -qF -- "$s" "$@"; then
			soft_fail "$tag: '$s' appears in $(grep -lF -- "$s" "$@" | xargs -n1 basename | tr '\n' ' ')"
		fi
	done
}
# only_reads TAG: the run sent List and Get calls only.
only_reads() {
	python3 - "$MG_SCRATCH/$1.req" "$1" <<'PY' || soft_fail "$1 sent more than reads"
import json, sys
req = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
bad = [(e["method"], e["operation"]) for e in req
       if not e["operation"].startswith(("List", "Get"))]
if bad or not req:
    sys.exit("FAIL: %s: requests other than List/Get: %s (of %d)" %
             (sys.argv[2], bad, len(req)))
PY
}
# sent_nothing TAG WHAT: the run sent no request at all.
sent_nothing() {
	[[ ! -s $MG_SCRATCH/$1.req ]] ||
	    soft_fail "$2: requests were sent: $(jq -rc '[.method,.operation]' "$MG_SCRATCH/$1.req" | sort | uniq -c | tr -s ' \n' ' ')"
}
T=(--endpoint-url "$EMU_URL" --region us-east-1)

python3 - "$PLAIN" "${SENSITIVE[@]}" <<'PY' || mg_fail "cannot read the runtime before the plan"
import json, sys
from checks import SCRATCH, get
before = get(sys.argv[1])
text = json.dumps(before)
for s in sys.argv[2:]:
    assert s in text, "the fleet lost %r: the leak checks would prove nothing" % s
json.dump(before, open(SCRATCH + "/plain.before.json", "w"))
PY

# ---- the plan ---------------------------------------------------------
run_mg plan fix "${T[@]}"
expect_rc "$rc" 1 "plan with a runtime to change"
only_reads plan
no_leak plan "$MG_SCRATCH/plan.out" "$MG_SCRATCH/plan.err"
run_mg plan-debug fix "${T[@]}" --debug
expect_rc "$rc" 1 "plan with --debug"
no_leak plan-debug "$MG_SCRATCH/plan-debug.out" "$MG_SCRATCH/plan-debug.err"
pycheck "the plan" <<PY
import json
from checks import SCRATCH, chk, config, done
out = open(SCRATCH + "/plan.out").read()
before = json.load(open(SCRATCH + "/plain.before.json"))
lines = out.splitlines()
def block(rid):
    """The plan's lines about rid: its header to the next blank line."""
    for i, l in enumerate(lines):
        if l.startswith(rid + " "):
            j = i
            while j < len(lines) and lines[j].strip():
                j += 1
            return lines[i:j]
    return []
b = block("$PLAIN")
chk(b and b[0].endswith(": to change"), "plain: %r" % b[:1])
chk(any(l.strip() == "metadataConfiguration.requireMMDSV2: false -> true" for l in b),
    "plain: the flag difference is not shown:\n" + "\n".join(b))
# The body shown is exactly the configuration as read, redacted, with the
# flag set: nothing else differs.
try:
    k = next(i for i, l in enumerate(b) if "body (sensitive values redacted)" in l)
    shown = json.loads("\n".join(b[k + 1:]))
except (StopIteration, ValueError) as e:
    shown = None
    chk(False, "plain: no parsable body in the plan (%s):\n%s" % (e, "\n".join(b)))
want = config(before)
want["environmentVariables"] = {k: "<redacted>" for k in want["environmentVariables"]}
want["description"] = "<redacted>"
want["metadataConfiguration"] = {"requireMMDSV2": True}
if shown is not None:
    chk("clientToken" not in shown, "plain: the plan shows a clientToken")
    chk(shown == want, "plain: body shown %s\n  expected %s" % (shown, want))
b = block("$GOOD")
chk(b and b[0].endswith(": already compliant"), "good: %r" % b)
for rid, st in (("$BUSY", "UPDATING"), ("$NEW", "CREATING")):
    b = block(rid)
    chk(b and b[0].endswith(": skipped") and
        any("not READY (status %s)" % st in l for l in b), "%s: %r" % (rid, b))
chk("1 runtime to change" in out, "summary line:\n" + out)
done("the plan")
PY

# Nothing to fix: exit 0, still only reads.
run_mg plan-good fix "${T[@]}" --runtime "$GOOD"
expect_rc "$rc" 0 "plan of a compliant runtime"
only_reads plan-good
grep -q "already compliant" "$MG_SCRATCH/plan-good.out" ||
    soft_fail "plan of a compliant runtime: no outcome"
# Only a runtime that is not READY: skipped, exit 1, only reads.
run_mg plan-busy fix "${T[@]}" --runtime "$BUSY" --apply --yes \
    --journal "$MG_SCRATCH/busy.jsonl"
expect_rc "$rc" 1 "fix --apply of a runtime that is UPDATING"
only_reads plan-busy
grep -q "not READY (status UPDATING)" "$MG_SCRATCH/plan-busy.out" ||
    soft_fail "fix --apply of an UPDATING runtime: no reason"

# ---- usage errors send nothing ----------------------------------------
run_mg noyes fix "${T[@]}" --apply
expect_rc "$rc" 2 "fix --apply without --yes and without a terminal"
grep -q -- "--yes" "$MG_SCRATCH/noyes.err" ||
    soft_fail "fix --apply without --yes does not say how to go ahead"
python3 - "$MG_SCRATCH/noyes.req" <<'PY' || soft_fail "fix --apply without --yes sent a mutation"
import json, sys
req = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
bad = [e["operation"] for e in req if not e["operation"].startswith(("List", "Get"))]
if bad:
    sys.exit("FAIL: mutations: %s" % bad)
PY
# Exit 2 is "usage error (nothing is sent)": the refusal needs no audit.
sent_nothing noyes "fix --apply without --yes and without a terminal (exit 2)"
run_mg yesonly fix "${T[@]}" --yes
expect_rc "$rc" 2 "fix --yes without --apply"
sent_nothing yesonly "fix --yes without --apply"
grep -q -- "--apply" "$MG_SCRATCH/yesonly.err" ||
    soft_fail "fix --yes without --apply does not name --apply"

# ---- the journal ------------------------------------------------------
# A permissive umask: the modes must come from mmdsguard itself.
J=$MG_SCRATCH/state/deeper/fix.jsonl
rc=0
(umask 000 && exec "$MG" fix "${T[@]}" --runtime "$PLAIN" --apply --yes \
    --debug --journal "$J" >"$MG_SCRATCH/apply.out" \
    2>"$MG_SCRATCH/apply.err" </dev/null) || rc=$?
expect_rc "$rc" 0 "fix --apply --yes"
[[ -f $J ]] || soft_fail "no journal at $J"
if [[ -f $J ]]; then
	mg_mode=$(stat -c %a "$J")
	[[ $mg_mode == 600 ]] || soft_fail "journal mode $mg_mode, expected 600"
	mg_mode=$(stat -c %a "$(dirname "$J")")
	[[ $mg_mode == 700 ]] || soft_fail "journal folder mode $mg_mode, expected 700"
	no_leak journal "$J"
	grep -q '"action":"verify"' "$J" || soft_fail "the journal has no verify entry"
	grep -q '<redacted>' "$J" || soft_fail "the journal shows no redaction"
fi
no_leak apply "$MG_SCRATCH/apply.out" "$MG_SCRATCH/apply.err"
grep -q "fixed" "$MG_SCRATCH/apply.out" || soft_fail "fix --apply: not fixed"

# The default journal: under XDG_STATE_HOME, 0600 in a 0700 folder. Make
# the runtime noncompliant again first (an update setting false, which a
# runtime created before 2026-02-15 accepts).
python3 - "$PLAIN" <<'PY' || mg_fail "cannot make the runtime noncompliant again"
import sys
from checks import client
c = client()
cur = c.get(sys.argv[1]).body
body = {k: v for k, v in cur.items() if k in (
    "agentRuntimeArtifact", "roleArn", "networkConfiguration",
    "environmentVariables", "description", "protocolConfiguration",
    "lifecycleConfiguration", "requestHeaderConfiguration")}
body["metadataConfiguration"] = {"requireMMDSV2": False}
r = c.update(sys.argv[1], body)
assert r.status == 202, r
c.wait_status(sys.argv[1])
PY
export XDG_STATE_HOME=$MG_SCRATCH/xdg
run_mg default-journal fix "${T[@]}" --runtime "$PLAIN" --apply --yes
expect_rc "$rc" 0 "fix --apply --yes with the default journal"
dj=$(ls "$XDG_STATE_HOME"/mmdsguard/journal-*.jsonl 2>/dev/null | head -n1 || true)
if [[ -z $dj ]]; then
	soft_fail "no default journal under $XDG_STATE_HOME/mmdsguard"
else
	mg_mode=$(stat -c %a "$dj")
	[[ $mg_mode == 600 ]] || soft_fail "default journal mode $mg_mode"
	mg_mode=$(stat -c %a "$(dirname "$dj")")
	[[ $mg_mode == 700 ]] || soft_fail "default journal folder mode $mg_mode"
	grep -qF "$dj" "$MG_SCRATCH/default-journal.err" ||
	    soft_fail "the journal's path is not printed"
	no_leak default-journal "$dj"
fi

emu_stop
soft_sanitizer_scan "$MG_SCRATCH"/*.err
soft_finish t0630
