#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0660-policy.sh: `mmdsguard policy` names exact actions (no wildcard
# such as bedrock-agentcore:Get*, which also grants token-issuing
# actions) and covers every operation an audit or a fix really sends.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$MG" policy --for audit >"$MG_SCRATCH/audit.json"
"$MG" policy --for fix >"$MG_SCRATCH/fix.json"
"$MG" policy >"$MG_SCRATCH/default.json"
cmp -s "$MG_SCRATCH/audit.json" "$MG_SCRATCH/default.json" ||
    mg_fail "policy without --for is not the audit policy"
rc=0
"$MG" policy --for everything 2>/dev/null || rc=$?
mg_expect_eq "$rc" 2 "exit status of a bad --for"

log=$MG_SCRATCH/requests.jsonl
emu_start --fleet "$MG_SOURCE_DIR/examples/fleet.json" --ready-delay-ms 40 \
    --request-log "$log"
aws_env
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 --versions all \
    >/dev/null || true
cp "$log" "$MG_SCRATCH/audit-ops.jsonl"
"$MG" fix --endpoint-url "$EMU_URL" --region us-east-1 --apply --yes \
    --repoint-endpoints --journal "$MG_SCRATCH/j.jsonl" >/dev/null 2>&1 ||
    mg_fail "fix failed"
emu_stop

python3 - "$MG_SCRATCH" <<'PY'
import json, sys
d = sys.argv[1]
def actions(name):
    doc = json.load(open("%s/%s.json" % (d, name)))
    assert doc["Version"] == "2012-10-17"
    acts = set()
    for st in doc["Statement"]:
        assert st["Effect"] == "Allow", st
        a = st["Action"]
        acts.update([a] if isinstance(a, str) else a)
    for a in acts:
        assert "*" not in a and "?" not in a, "wildcard action %s" % a
    return acts
audit, fix = actions("audit"), actions("fix")
assert audit < fix, (audit, fix)
assert "iam:PassRole" in fix and "iam:PassRole" not in audit
def ops(path):
    return {"bedrock-agentcore:" + json.loads(l)["operation"]
            for l in open(path)}
audit_ops = ops(d + "/audit-ops.jsonl")
all_ops = ops(d + "/requests.jsonl")
assert audit_ops <= audit, audit_ops - audit
assert all_ops <= fix, all_ops - fix
assert any("Update" in o for o in all_ops), all_ops
# Nothing granted that neither mode uses (besides PassRole).
assert audit == audit_ops, audit - audit_ops
assert fix - {"iam:PassRole"} == all_ops, (fix - {"iam:PassRole"}) ^ all_ops
print("ok: %d audit actions, %d fix actions, all used" % (len(audit), len(fix)))
PY
echo "ok: t0660"
