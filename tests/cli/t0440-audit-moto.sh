#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0440-audit-moto.sh: mmdsguard against moto's server, a second, foreign
# implementation of the control plane. moto has no metadataConfiguration
# on runtimes, ignores ?version=, lists no DEFAULT endpoint and no
# liveVersion: every runtime is noncompliant (flag-absent) and nothing
# that moto answers wrongly may pass.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mg_need_py moto.server moto.bedrockagentcorecontrol
mg_need_cmd aws
aws_env
moto_start

moto() {
	aws bedrock-agentcore-control --endpoint-url "$MOTO_URL" "$@"
}
art='{"containerConfiguration":{"containerUri":"123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:1"}}'
role=arn:aws:iam::123456789012:role/agent
ids=()
for name in moto_one moto_two moto_three; do
	ids+=("$(moto create-agent-runtime --agent-runtime-name "$name" \
	    --agent-runtime-artifact "$art" --role-arn "$role" \
	    --network-configuration networkMode=PUBLIC \
	    --query agentRuntimeId --output text)")
done
# moto_three gets a second version (moto keeps no flag either way) and an
# endpoint pinned to version 1.
moto update-agent-runtime --agent-runtime-id "${ids[2]}" \
    --agent-runtime-artifact "$art" --role-arn "$role" \
    --network-configuration networkMode=PUBLIC >/dev/null
moto create-agent-runtime-endpoint --agent-runtime-id "${ids[2]}" \
    --name prod --agent-runtime-version 1 >/dev/null

check() {	# REPORT EXIT-STATUS MODE
	python3 - "$@" "${ids[@]}" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
rc, mode, ids = int(sys.argv[2]), sys.argv[3], sys.argv[4:]
errors = []
if rc != 1:
    errors.append("exit status %d, expected 1" % rc)
latest = {}
for f in rep["findings"]:
    if f["verdict"] == "compliant":
        errors.append("moto cannot hold the flag, yet %s v%s passed" %
                      (f["runtimeId"], f["version"]))
    if f["verdict"] == "unknown":
        continue
    latest.setdefault(f["runtimeId"], []).append(f)
for rid in ids:
    fs = latest.get(rid, [])
    if not any(f["verdict"] == "noncompliant" and f["reason"] == "flag-absent"
               and f["requireMMDSV2"] is None for f in fs):
        errors.append("%s: no noncompliant flag-absent finding: %r" % (rid, fs))
want_versions = {ids[0]: "1", ids[1]: "1", ids[2]: "2"}
for f in rep["findings"]:
    if (f["verdict"] != "unknown" and
            f["version"] != want_versions.get(f["runtimeId"])):
        # moto answers every ?version= with the newest: an older version
        # can only be unknown.
        errors.append("%s: a %s finding for version %s" %
                      (f["runtimeId"], f["verdict"], f["version"]))
    if f["account"] != "123456789012" or f["region"] != "us-east-1":
        errors.append("account/region: %r" % f)
if [t["status"] for t in rep["targets"]] != ["ok"]:
    errors.append("targets: %r" % rep["targets"])
if rep["summary"]["runtimes"] != 3:
    errors.append("summary: %r" % rep["summary"])
if errors:
    sys.exit("FAIL (%s): " % mode + "\nFAIL: ".join(errors))
print("ok: moto, --versions %s: %s" % (mode, rep["summary"]))
PY
}

for mode in latest served all; do
	args=(--versions "$mode")
	[[ $mode != served ]] || args=()
	audit_json "$mode" 30 --endpoint-url "$MOTO_URL" --region us-east-1 \
	    "${args[@]}"
	((rc < 5)) || cat "$MG_SCRATCH/$mode.err" >&2
	check "$MG_SCRATCH/$mode.json" "$rc" "$mode" || soft_fail "moto, --versions $mode"
done

# --versions all: version 1 of moto_three is asked for; moto answers with
# version 2, which must not become a verdict for version 1.
pycheck "moto, version 1 of an updated runtime" "$MG_SCRATCH/all.json" \
    "${ids[2]}" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
v1 = [f for f in rep["findings"] if f["runtimeId"] == sys.argv[2]
      and f["version"] == "1"]
assert len(v1) == 1, v1
assert v1[0]["verdict"] == "unknown" and v1[0]["requireMMDSV2"] is None, v1
print("ok: version 1 as answered by moto: unknown (%s)" % v1[0]["reason"])
PY

# The table and --runtime work against moto as well.
rc=0
timeout 30 "$MG" audit --endpoint-url "$MOTO_URL" --region us-east-1 \
    --runtime "${ids[0]}" >"$MG_SCRATCH/one.txt" 2>&1 || rc=$?
expect_rc "$rc" 1 "moto, --runtime"
grep -q "^summary: 1 runtime, 1 version audited: 0 compliant, 1 noncompliant, 0 unknown$" \
    "$MG_SCRATCH/one.txt" || soft_fail "moto, --runtime: $(cat "$MG_SCRATCH/one.txt")"

soft_sanitizer_scan "$MG_SCRATCH"
soft_finish t0440
