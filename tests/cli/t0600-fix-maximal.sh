#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0600-fix-maximal.sh: two runtimes that use every writable member (a
# microVM one and a capacity-provider one) survive `fix --apply` field
# for field, compared as raw JSON read with botocore-signed requests,
# against an emulator whose updates clear whatever is not sent back.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mg_need_py botocore
log=$MG_SCRATCH/requests.jsonl
emu_start --legacy-defaults --update-omit reset --ready-delay-ms 50 \
    --request-log "$log"
aws_env

# Build both runtimes: create, then an update that sets every member
# (requireServiceS3Endpoint is refused on create, accepted on update of a
# runtime created before the cutoff, as the service does).
python3 - "$EMU_URL" "$MG_SCRATCH" <<'PY'
import json, sys
import emu_client, maximal
url, scratch = sys.argv[1], sys.argv[2]
c = emu_client.Client(url)

ids = {}
for name, body in (("maximal_microvm", maximal.microvm_update()),
                   ("maximal_capacity", maximal.capacity_update())):
    create = json.loads(json.dumps(body))
    del create["metadataConfiguration"]
    nmc = create.get("networkConfiguration", {}).get("networkModeConfig")
    if nmc:
        del nmc["requireServiceS3Endpoint"]
    create["agentRuntimeName"] = name
    r = emu_client.call(url, "PUT", "/runtimes/", body=create)
    assert r.status == 202, r
    rid = r.body["agentRuntimeId"]
    c.wait_status(rid)
    r = emu_client.call(url, "PUT", "/runtimes/%s/" % rid, body=body)
    assert r.status == 202, r
    got = c.wait_status(rid)
    # The emulator must hold exactly what was sent, or the test proves
    # nothing about losses.
    for k, v in body.items():
        assert got.get(k) == v, "emulator did not store %s: %r" % (k, got.get(k))
    ids[name] = rid
    json.dump(got, open("%s/%s.before.json" % (scratch, name), "w"))
json.dump(ids, open(scratch + "/ids.json", "w"))
print("built", ids)
PY

: >"$log"
rc=0
"$MG" fix --endpoint-url "$EMU_URL" --region us-east-1 --apply --yes \
    --journal "$MG_SCRATCH/journal.jsonl" >"$MG_SCRATCH/fix.out" \
    2>"$MG_SCRATCH/fix.err" || rc=$?
if ((rc != 0)); then
	cat "$MG_SCRATCH/fix.out" "$MG_SCRATCH/fix.err"
	mg_fail "fix --apply exited $rc"
fi

python3 - "$EMU_URL" "$MG_SCRATCH" "$log" <<'PY'
import json, sys
import emu_client, maximal
url, scratch, log = sys.argv[1:4]
ids = json.load(open(scratch + "/ids.json"))
ignored = {"agentRuntimeVersion", "lastUpdatedAt", "metadataConfiguration",
           "status"}

def same(a, b):
    # json.loads keeps 3600 and 3600.0 apart: values must travel exactly.
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)

for name, rid in ids.items():
    before = json.load(open("%s/%s.before.json" % (scratch, name)))
    after = emu_client.call(url, "GET", "/runtimes/%s/" % rid).body
    assert after["agentRuntimeVersion"] == str(int(before["agentRuntimeVersion"]) + 1), after
    assert after["metadataConfiguration"] == {"requireMMDSV2": True}, after
    lost = [k for k in before if k not in ignored and not same(before[k], after.get(k))]
    added = [k for k in after if k not in ignored and k not in before]
    assert not lost and not added, "%s: lost or changed %s, added %s" % (name, lost, added)
    # The version read with ?version= is the same snapshot.
    v = emu_client.call(url, "GET", "/runtimes/%s/" % rid,
                        query="version=" + after["agentRuntimeVersion"]).body
    assert same({k: v[k] for k in v if k != "status"},
                {k: after[k] for k in after if k != "status"}), name
    print("ok: %s survived field for field (%d members)" % (name, len(before)))

reqs = [json.loads(l) for l in open(log)]
updates = [r for r in reqs if r["operation"] == "UpdateAgentRuntime"]
assert len(updates) == 2, [r["operation"] for r in reqs]
journal = open(scratch + "/journal.jsonl", encoding="utf-8").read()
for value in maximal.environment().values():
    if len(value) > 4:
        assert value not in journal and json.dumps(value)[1:-1] not in journal, value
assert "wJalrXUtnFEMI" not in journal
entries = [json.loads(l) for l in journal.splitlines()]
verifies = [e for e in entries if e["action"] == "verify"]
assert len(verifies) == 2 and all(e["differences"] == [] and e["flagTrue"]
                                  for e in verifies), verifies
print("ok: two updates, journal redacted, both verified")
PY

# A second run finds nothing to do and sends no update.
: >"$log"
rc=0
"$MG" fix --endpoint-url "$EMU_URL" --region us-east-1 --apply --yes \
    --journal "$MG_SCRATCH/journal2.jsonl" >/dev/null 2>&1 || rc=$?
mg_expect_eq "$rc" 0 "exit status of a second fix"
! grep -q '"UpdateAgentRuntime"' "$log" || mg_fail "the second run updated"

emu_stop
echo "ok: t0600"
