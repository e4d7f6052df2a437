#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t0306-emulator-fleet.sh: the fleet loader (good files, raw values, bad
# files with errors naming file and JSON path) and --generate.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mg_need_py botocore

# The demo fleet.
emu_start --fleet "$MG_SOURCE_DIR/examples/fleet.json"
python3 - "$EMU_URL" <<'PY'
import sys
from emu_client import Client, check, expect

c = Client(sys.argv[1])
lst = expect(c.list_runtimes("maxResults=20"), 200)["agentRuntimes"]
check([r["agentRuntimeName"] for r in lst] == [
    "orders_agent", "billing_agent", "legacy_support_agent",
    "research_agent", "checkout_agent"], "demo fleet runtimes")
flags = {}
for r in lst:
    rid = r["agentRuntimeId"]
    for e in expect(c.endpoints(rid), 200)["runtimeEndpoints"]:
        v = expect(c.get(rid, e["liveVersion"]), 200)
        flags[(r["agentRuntimeName"], e["name"])] = v.get(
            "metadataConfiguration", {}).get("requireMMDSV2")
check(flags == {
    ("orders_agent", "DEFAULT"): True,
    ("billing_agent", "DEFAULT"): False,
    ("legacy_support_agent", "DEFAULT"): None,
    ("research_agent", "DEFAULT"): True,
    ("checkout_agent", "DEFAULT"): True,
    ("checkout_agent", "prod"): None}, "served flags %r" % flags)
g = expect(c.get("research_agent-Lb6sF9qJ3u"), 200)
check(g["createdAt"] == "2026-04-02T08:20:00.000Z", "createdAt as given")
check(g["platformVersion"] == "V2" and "networkConfiguration" not in g,
      "capacity runtime")
PY
emu_stop

# Raw values, explicit versions, sticky statuses, keys and defaults.
cat >"$MG_SCRATCH/raw.json" <<'JSON'
{
  "defaults": { "region": "eu-central-1" },
  "keys": [ { "accessKeyId": "AKIDFLEET", "secretAccessKey": "fleet-secret",
              "account": "111122223333" } ],
  "runtimes": [
    { "id": "weird-0000000001", "name": "weird", "createdAt": "2026-01-02T03:04:05Z",
      "versions": [
        { "metadataConfiguration": { "requireMMDSV2": "true" }, "futureField": { "x": [1, 2.5, null] } },
        { "metadataConfiguration": { "requireMMDSV2": 1 }, "environmentVariables": {} },
        { "version": "5", "lastUpdatedAt": "2026-03-01T00:00:00.250Z",
          "configuration": { "metadataConfiguration": null } },
        { "version": 6, "configuration": { "metadataConfiguration": {} } }
      ],
      "endpoints": [
        { "name": "stuck", "liveVersion": 1, "targetVersion": "5" }
      ] },
    { "name": "broken", "createdAt": "2026-03-03T00:00:00Z", "status": "UPDATE_FAILED",
      "failureReason": "image pull failed", "harness": "harness_ops",
      "versions": [ {} ] },
    { "name": "busy", "createdAt": "2026-03-03T00:00:00Z", "status": "UPDATING",
      "versions": [ {} ] },
    { "name": "elsewhere", "account": "111122223333", "region": "us-east-1",
      "createdAt": "2026-03-03T00:00:00Z", "versions": [ {} ] }
  ]
}
JSON
emu_start --fleet "$MG_SCRATCH/raw.json" --ready-delay-ms 0
python3 - "$EMU_URL" <<'PY'
import sys
from emu_client import Client, check, expect, minimal

c = Client(sys.argv[1], region="eu-central-1")
w = "weird-0000000001"
check(expect(c.get(w, 1), 200)["metadataConfiguration"] ==
      {"requireMMDSV2": "true"}, "string flag kept")
check(expect(c.get(w, 1), 200)["futureField"] == {"x": [1, 2.5, None]},
      "unknown member echoed")
g2 = expect(c.get(w, 2), 200)
check(g2["metadataConfiguration"] == {"requireMMDSV2": 1} and
      g2["environmentVariables"] == {}, "number flag and empty map kept")
g5 = expect(c.get(w, 5), 200)
check("metadataConfiguration" in g5 and g5["metadataConfiguration"] is None,
      "null kept")
check(g5["lastUpdatedAt"] == "2026-03-01T00:00:00.250Z", "lastUpdatedAt")
check(expect(c.get(w), 200)["metadataConfiguration"] == {}, "newest is 6")
expect(c.get(w, 3), 404, "ResourceNotFoundException", what="gap")
vers = [v["agentRuntimeVersion"] for v in
        expect(c.versions(w), 200)["agentRuntimes"]]
check(vers == ["1", "2", "5", "6"], "versions %r" % vers)
ep = expect(c.get_endpoint(w, "stuck"), 200)
check((ep["status"], ep["liveVersion"], ep["targetVersion"]) ==
      ("UPDATING", "1", "5"), "a stuck rollout stays: %r" % ep)
lst = expect(c.list_runtimes(), 200)["agentRuntimes"]
broken = [r for r in lst if r["agentRuntimeName"] == "broken"][0]
check(broken["status"] == "UPDATE_FAILED", "status from the fleet")
g = expect(c.get(broken["agentRuntimeId"]), 200)
check(g["failureReason"] == "image pull failed", "failureReason")
expect(c.update(broken["agentRuntimeId"], minimal()), 400,
       "ValidationException", "harness_ops", "fleet harness")
busy = [r for r in lst if r["agentRuntimeName"] == "busy"][0]
expect(c.update(busy["agentRuntimeId"], minimal()), 409, "ConflictException")
check(len(lst) == 3, "defaults.region applies")
other = Client(sys.argv[1], key="AKIDFLEET", secret="fleet-secret")
check([r["agentRuntimeName"] for r in expect(other.list_runtimes(), 200)
       ["agentRuntimes"]] == ["elsewhere"], "fleet keys and accounts")
PY
emu_stop

# Bad files: exit 1, the file and the JSON path named.
bad() {
	local name=$1 want=$2 rc=0
	"$EMU_BIN" --fleet "$MG_SCRATCH/$name.json" >"$MG_SCRATCH/out" \
	    2>"$MG_SCRATCH/err" || rc=$?
	mg_expect_eq "$rc" 1 "$name: exit status"
	[[ ! -s "$MG_SCRATCH/out" ]] || mg_fail "$name: printed a listening line"
	grep -qF "$MG_SCRATCH/$name.json" "$MG_SCRATCH/err" ||
	    mg_fail "$name: file not named: $(cat "$MG_SCRATCH/err")"
	grep -qF -- "$want" "$MG_SCRATCH/err" ||
	    mg_fail "$name: expected '$want' in: $(cat "$MG_SCRATCH/err")"
}
v='{"roleArn": "arn:aws:iam::123456789012:role/R"}'
printf '{"runtimes": [\n  {"name": "a",}\n]}\n' >"$MG_SCRATCH/syntax.json"
bad syntax ".json:2:"
echo '{"runtime": []}' >"$MG_SCRATCH/typo.json"
bad typo '$.runtime: unknown member'
echo '{"defaults": {}}' >"$MG_SCRATCH/norun.json"
bad norun '$.runtimes: expected a list'
echo "{\"runtimes\": [{\"name\": \"a\", \"versions\": [$v]}]}" >"$MG_SCRATCH/nodate.json"
bad nodate '$.runtimes[0].createdAt: missing'
echo "{\"runtimes\": [{\"name\": \"a\", \"createdAt\": \"yesterday\", \"versions\": [$v]}]}" >"$MG_SCRATCH/date.json"
bad date '$.runtimes[0].createdAt: expected an RFC 3339 timestamp'
echo "{\"runtimes\": [{\"name\": \"a-b\", \"createdAt\": \"2026-01-01T00:00:00Z\", \"versions\": [$v]}]}" >"$MG_SCRATCH/name.json"
bad name '$.runtimes[0].name: expected a runtime name'
echo '{"runtimes": [{"name": "a", "createdAt": "2026-01-01T00:00:00Z", "versions": [{"status": "READY"}]}]}' >"$MG_SCRATCH/ro.json"
bad ro '$.runtimes[0].versions[0].status: read-only member'
echo '{"runtimes": [{"name": "a", "createdAt": "2026-01-01T00:00:00Z", "versions": []}]}' >"$MG_SCRATCH/nover.json"
bad nover '$.runtimes[0].versions: expected a non-empty list'
echo "{\"runtimes\": [{\"name\": \"a\", \"createdAt\": \"2026-01-01T00:00:00Z\", \"versions\": [{\"version\": 3, \"configuration\": $v}, {\"version\": 2, \"configuration\": $v}]}]}" >"$MG_SCRATCH/order.json"
bad order '$.runtimes[0].versions[1].version: versions must be in ascending order'
echo "{\"runtimes\": [{\"name\": \"a\", \"createdAt\": \"2026-01-01T00:00:00Z\", \"versions\": [$v], \"endpoints\": [{\"name\": \"prod\", \"liveVersion\": 2}]}]}" >"$MG_SCRATCH/live.json"
bad live '$.runtimes[0].endpoints[0].liveVersion: no such version'
echo "{\"runtimes\": [{\"name\": \"a\", \"createdAt\": \"2026-01-01T00:00:00Z\", \"versions\": [$v], \"endpoints\": [{\"name\": \"DEFAULT\", \"liveVersion\": 1}]}]}" >"$MG_SCRATCH/default.json"
bad default '$.runtimes[0].endpoints[0].name: DEFAULT is implied'
echo "{\"runtimes\": [{\"id\": \"a-0123456789\", \"name\": \"a\", \"createdAt\": \"2026-01-01T00:00:00Z\", \"versions\": [$v]}, {\"id\": \"a-0123456789\", \"name\": \"b\", \"createdAt\": \"2026-01-01T00:00:00Z\", \"versions\": [$v]}]}" >"$MG_SCRATCH/dup.json"
bad dup '$.runtimes[1].id: duplicate runtime id'
echo "{\"runtimes\": [{\"name\": \"a\", \"account\": \"12345\", \"createdAt\": \"2026-01-01T00:00:00Z\", \"versions\": [$v]}]}" >"$MG_SCRATCH/acct.json"
bad acct '$.runtimes[0].account: expected a 12-digit account id'
rc=0
"$EMU_BIN" --fleet "$MG_SCRATCH/absent.json" 2>"$MG_SCRATCH/err" || rc=$?
mg_expect_eq "$rc" 1 "missing file exit status"
grep -qF "$MG_SCRATCH/absent.json" "$MG_SCRATCH/err" || mg_fail "missing file"

# --generate: deterministic, the documented mix, several scopes.
emu_start --generate 20 --generate 3@210987654321/eu-west-1 \
    --key AKIDGEN:gen-secret:210987654321
python3 - "$EMU_URL" >"$MG_SCRATCH/gen1" <<'PY'
import json, sys
from emu_client import Client, check, expect

c = Client(sys.argv[1])
lst = expect(c.list_runtimes("maxResults=100"), 200)["agentRuntimes"]
check(len(lst) == 20, "20 generated")
served = {"true": 0, "false": 0, "absent": 0}
for r in lst:
    rid = r["agentRuntimeId"]
    vs = {r["agentRuntimeVersion"]}
    if r["agentRuntimeVersion"] != "1":
        for e in expect(c.endpoints(rid), 200)["runtimeEndpoints"]:
            vs.add(e["liveVersion"])
    for v in vs:
        m = expect(c.get(rid, v), 200).get("metadataConfiguration")
        served["absent" if m is None else str(m["requireMMDSV2"]).lower()] += 1
check(served == {"true": 16, "false": 4, "absent": 4}, "mix %r" % served)
other = Client(sys.argv[1], key="AKIDGEN", secret="gen-secret",
               region="eu-west-1")
check(len(expect(other.list_runtimes(), 200)["agentRuntimes"]) == 3,
      "generated in another account and region")
print(json.dumps([r["agentRuntimeId"] for r in lst]))
PY
emu_stop
emu_start --generate 20
python3 - "$EMU_URL" >"$MG_SCRATCH/gen2" <<'PY'
import json, sys
from emu_client import Client, expect
lst = expect(Client(sys.argv[1]).list_runtimes("maxResults=100"),
             200)["agentRuntimes"]
print(json.dumps([r["agentRuntimeId"] for r in lst]))
PY
emu_stop
cmp -s "$MG_SCRATCH/gen1" "$MG_SCRATCH/gen2" || mg_fail "--generate differs between runs"
echo ok
