#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0620-fix-endpoints-rollback.sh: named endpoints pinned to versions
# without MMDSv2. `fix --repoint-endpoints` moves them to the fixed
# version (the audit then passes); without it they stay pinned and the
# runtime is "skipped (endpoint left pinned)"; `rollback --journal` shows
# what it would move without sending anything, and with --apply moves the
# endpoints back; a corrupt journal and a missing --journal are usage
# errors. Endpoints and runtimes are read back as raw JSON with
# botocore-signed requests; the emulator's request log shows what was sent.
# Every case runs even when an earlier one fails.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mg_need_py botocore
fleet=$MG_SOURCE_DIR/tests/data/fleets/fix-endpoints.json
export PYTHONPATH="$MG_SCRATCH:$PYTHONPATH"

PINNED=pinned_agent-P1nn3dAg3n
LEFT=left_agent-L3ftP1nn3d
MOVED=moved_agent-M0v3dAg3nt

emu_start --fleet "$fleet" --ready-delay-ms 50 --request-log "$MG_REQLOG"
aws_env

# Helpers of the Python snippets below, on top of tests/py/checks.py.
cat >"$MG_SCRATCH/epcheck.py" <<'PY'
import json, os
from checks import *

def live(rid, name):
    r = client().get_endpoint(rid, name)
    assert r.status == 200, r
    return r.body.get("liveVersion"), r.body.get("status")

def ops(req, *names):
    return [e for e in req if e["operation"] in names]

def line_of(out, rid):
    """The Results line of rid, else its plan line and the reason below
    it ("" if none)."""
    res = plan = ""
    seen = False
    ls = out.splitlines()
    for i, l in enumerate(ls):
        if l.startswith("Results:"):
            seen = True
        elif seen and l.split()[:1] == [rid]:
            res = l
        elif l.startswith(rid + " "):
            plan = l + " " + (ls[i + 1].strip() if i + 1 < len(ls) else "")
    return res or plan
PY

T=(--endpoint-url "$EMU_URL" --region us-east-1)
J=$MG_SCRATCH/fix.jsonl

# ---- the plan names the pinned endpoints ------------------------------
run_mg plan fix "${T[@]}" --runtime "$PINNED" --repoint-endpoints
expect_rc "$rc" 1 "plan with pinned endpoints"
pycheck "plan of pinned endpoints" <<PY
from epcheck import *
out, err, req = run("plan")
chk("endpoint prod serves (or is moving to) version 1 without MMDSv2" in out and
    "endpoint canary serves (or is moving to) version 2 without MMDSv2" in out,
    "plan does not name the pinned endpoints:\n" + out)
chk("session storage resets" in out, "plan does not warn about session storage")
chk(not [e for e in req if e["method"] != "GET" and not e["operation"].startswith("List")],
    "the plan sent a mutation")
done("plan")
PY

# ---- fix --repoint-endpoints ------------------------------------------
run_mg repoint fix "${T[@]}" --runtime "$PINNED" --runtime "$MOVED" \
    --apply --yes --repoint-endpoints --journal "$J"
expect_rc "$rc" 0 "fix --apply --repoint-endpoints"
run_mg audit-after audit "${T[@]}" --runtime "$PINNED" --runtime "$MOVED" \
    --format json
expect_rc "$rc" 0 "audit after fix --repoint-endpoints"
pycheck "fix --repoint-endpoints" <<PY
from epcheck import *
out, err, req = run("repoint")
rl = line_of(out, "$PINNED")
chk("fixed" in rl and "version 3" in rl, "pinned: outcome %r" % rl)
chk("endpoint prod moved from version 1 to 3" in out and
    "endpoint canary moved from version 2 to 3" in out,
    "pinned: moves not reported:\n" + out)
chk(versions("$PINNED") == ["1", "2", "3"], "pinned: versions %s" % versions("$PINNED"))
chk(get("$PINNED").get("metadataConfiguration") == {"requireMMDSV2": True},
    "pinned: newest flag")
chk(live("$PINNED", "prod") == ("3", "READY"), "pinned: prod %s" % (live("$PINNED", "prod"),))
chk(live("$PINNED", "canary") == ("3", "READY"), "pinned: canary %s" % (live("$PINNED", "canary"),))
rl = line_of(out, "$MOVED")
chk("fixed" in rl, "moved: outcome %r" % rl)
chk(live("$MOVED", "prod") == ("2", "READY"), "moved: prod %s" % (live("$MOVED", "prod"),))
chk(versions("$MOVED") == ["1", "2"], "moved: a version was minted: %s" % versions("$MOVED"))
ups = ops(req, "UpdateAgentRuntime")
chk([e["runtimeId"] for e in ups] == ["$PINNED"], "UpdateAgentRuntime calls %s" % ups)
eps = ops(req, "UpdateAgentRuntimeEndpoint")
chk(sorted((e["runtimeId"], e["path"].rstrip("/").rsplit("/", 1)[1]) for e in eps) ==
    sorted([("$PINNED", "prod"), ("$PINNED", "canary"), ("$MOVED", "prod")]),
    "UpdateAgentRuntimeEndpoint calls %s" % [e["path"] for e in eps])
j = lines("$J")
acc = sorted((e["runtimeId"], e["endpoint"], e["fromVersion"], e["toVersion"])
             for e in j if e["action"] == "update-endpoint" and e["phase"] == "accepted")
chk(acc == sorted([("$PINNED", "prod", "1", "3"), ("$PINNED", "canary", "2", "3"),
                   ("$MOVED", "prod", "1", "2")]), "journal endpoint moves %s" % acc)
rep = json.load(open(os.path.join(SCRATCH, "audit-after.out")))
chk(rep["summary"]["noncompliant"] == 0, "audit after: %s" % rep["summary"])
done("fix --repoint-endpoints")
PY

# ---- fix without --repoint-endpoints ----------------------------------
run_mg left fix "${T[@]}" --runtime "$LEFT" --apply --yes \
    --journal "$MG_SCRATCH/left.jsonl"
expect_rc "$rc" 1 "fix --apply without --repoint-endpoints"
pycheck "endpoint left pinned" <<PY
from epcheck import *
out, err, req = run("left")
rl = line_of(out, "$LEFT")
chk("skipped" in rl and "endpoint left pinned" in rl, "left: outcome %r" % rl)
chk(live("$LEFT", "prod") == ("1", "READY"), "left: prod moved: %s" % (live("$LEFT", "prod"),))
chk(ops(req, "UpdateAgentRuntimeEndpoint") == [], "left: an endpoint was updated")
# The runtime itself was updated (the plan said so); only prod is left.
chk(versions("$LEFT") == ["1", "2", "3"], "left: versions %s" % versions("$LEFT"))
chk(get("$LEFT").get("metadataConfiguration") == {"requireMMDSV2": True}, "left: flag")
done("endpoint left pinned")
PY
# A newest version that is already compliant: nothing is sent at all.
run_mg left2 fix "${T[@]}" --runtime "$LEFT" --apply --yes \
    --journal "$MG_SCRATCH/left2.jsonl"
expect_rc "$rc" 1 "fix --apply again without --repoint-endpoints"
pycheck "endpoint left pinned, newest compliant" <<PY
from epcheck import *
out, err, req = run("left2")
rl = line_of(out, "$LEFT")
chk("skipped" in rl and "endpoint left pinned" in rl, "left2: outcome %r" % rl)
chk(not [e for e in req if e["method"] == "PUT"], "left2: sent %s" % req)
chk(live("$LEFT", "prod") == ("1", "READY"), "left2: prod moved")
chk(versions("$LEFT") == ["1", "2", "3"], "left2: versions %s" % versions("$LEFT"))
done("endpoint left pinned, newest compliant")
PY

# ---- rollback ---------------------------------------------------------
run_mg rb-plan rollback "${T[@]}" --journal "$J"
expect_rc "$rc" 0 "rollback plan"
run_mg rb-noyes rollback "${T[@]}" --journal "$J" --apply
expect_rc "$rc" 2 "rollback --apply without --yes and without a terminal"
run_mg rb-apply rollback "${T[@]}" --journal "$J" --apply --yes
expect_rc "$rc" 0 "rollback --apply --yes"
pycheck "rollback" <<PY
from epcheck import *
out, err, req = run("rb-plan")
chk("cannot be undone" in out, "rollback plan does not say versions stay:\n" + out)
for want in ("$PINNED endpoint prod: version 3 -> 1",
             "$PINNED endpoint canary: version 3 -> 2",
             "$MOVED endpoint prod: version 2 -> 1"):
    chk(want in out, "rollback plan lacks %r:\n%s" % (want, out))
chk(req == [], "the rollback plan sent requests: %s" % req)
out, err, req = run("rb-noyes")
chk(not [e for e in req if e["method"] == "PUT"], "rollback without --yes sent %s" % req)
chk("--yes" in err, "rollback without --yes does not say why:\n" + err)
out, err, req = run("rb-apply")
chk(live("$PINNED", "prod") == ("1", "READY"), "prod not back: %s" % (live("$PINNED", "prod"),))
chk(live("$PINNED", "canary") == ("2", "READY"), "canary not back: %s" % (live("$PINNED", "canary"),))
chk(live("$MOVED", "prod") == ("1", "READY"), "moved prod not back: %s" % (live("$MOVED", "prod"),))
chk(ops(req, "UpdateAgentRuntime") == [], "rollback updated a runtime")
chk(len(ops(req, "UpdateAgentRuntimeEndpoint")) == 3,
    "rollback endpoint updates: %s" % ops(req, "UpdateAgentRuntimeEndpoint"))
chk(versions("$PINNED") == ["1", "2", "3"], "rollback changed versions")
chk(get("$PINNED")["agentRuntimeVersion"] == "3", "DEFAULT no longer on the newest")
rb = [e for e in lines("$J") if e["action"] == "rollback-endpoint" and e["phase"] == "done"]
chk(len(rb) == 3, "journal rollback entries: %s" % rb)
done("rollback")
PY

# ---- broken journals and usage errors ---------------------------------
bad=$MG_SCRATCH/corrupt.jsonl
{ sed -n 1,2p "$J"; echo '{"action": "update-endpoint", "phase": '; sed -n '3,$p' "$J"; } >"$bad"
run_mg rb-corrupt rollback "${T[@]}" --journal "$bad"
expect_rc "$rc" 2 "rollback of a journal with a corrupt line"
grep -q "corrupt.jsonl:3" "$MG_SCRATCH/rb-corrupt.err" ||
    soft_fail "the corrupt-line error does not name file:line: $(cat "$MG_SCRATCH/rb-corrupt.err")"
[[ ! -s $MG_SCRATCH/rb-corrupt.req ]] || soft_fail "a corrupt journal sent requests"
run_mg rb-corrupt-apply rollback "${T[@]}" --journal "$bad" --apply --yes
expect_rc "$rc" 2 "rollback --apply of a journal with a corrupt line"
[[ ! -s $MG_SCRATCH/rb-corrupt-apply.req ]] ||
    soft_fail "rollback --apply of a corrupt journal sent requests"
run_mg rb-nojournal rollback "${T[@]}" --apply --yes
expect_rc "$rc" 2 "rollback without --journal"
grep -q -- "--journal" "$MG_SCRATCH/rb-nojournal.err" ||
    soft_fail "rollback without --journal does not say what is missing"
[[ ! -s $MG_SCRATCH/rb-nojournal.req ]] || soft_fail "rollback without --journal sent requests"

emu_stop
soft_sanitizer_scan "$MG_SCRATCH"/*.err
soft_finish t0620
