#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t0305-emulator-faults.sh: every --fault switch does what --help says.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mg_need_py botocore

fleet="$MG_SCRATCH/fleet.json"
python3 - "$fleet" <<'PY'
import json, sys
cfg = {"agentRuntimeArtifact": {"containerConfiguration": {
    "containerUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/f:1"}},
    "roleArn": "arn:aws:iam::123456789012:role/R",
    "networkConfiguration": {"networkMode": "PUBLIC"}}
rts = []
for name in ("r_drop", "r_late", "r_harness", "r_auth", "r_conflict",
             "r_vanish", "r_denied", "r_fail"):
    rts.append({"id": name + "-abcdefghij", "name": name,
                "createdAt": "2026-01-05T00:00:00Z", "versions": [cfg]})
for i in range(3):
    rts.append({"name": "west%d" % i, "region": "us-west-2",
                "createdAt": "2026-01-05T00:00:00Z", "versions": [cfg]})
rts.append({"name": "eu", "region": "eu-west-1",
            "createdAt": "2026-01-05T00:00:00Z", "versions": [cfg]})
json.dump({"runtimes": rts}, open(sys.argv[1], "w"))
PY

emu_start --fleet "$fleet" --ready-delay-ms 200 \
    --fault drop-after-apply:r_drop-abcdefghij \
    --fault late-updating:r_late-abcdefghij:1000 \
    --fault harness:r_harness-abcdefghij:support_harness \
    --fault refuse-authorizer-once:r_auth-abcdefghij \
    --fault conflict-once:r_conflict \
    --fault vanish-on-get:r_vanish-abcdefghij \
    --fault access-denied:r_denied-abcdefghij \
    --fault repeat-token:us-west-2 \
    --fault region-error:eu-west-1 \
    --fault fail-update:r_fail-abcdefghij \
    --request-log "$MG_SCRATCH/log"
python3 - "$EMU_URL" <<'PY'
import http.client, sys, time, urllib.error, urllib.parse
from emu_client import Client, check, expect, fail, minimal

c = Client(sys.argv[1])
S = "-abcdefghij"

# drop-after-apply: applied, then no answer; a retry with the token is safe.
body = minimal(clientToken="9d1e7c55-3b1a-4f0e-8a7c-6b5d4e3f2a10")
try:
    r = c.update("r_drop" + S, body)
    fail("drop-after-apply answered %r" % r)
except (http.client.RemoteDisconnected, urllib.error.URLError,
        ConnectionError):
    pass
check(expect(c.get("r_drop" + S), 200)["agentRuntimeVersion"] == "2",
      "the dropped update was applied")
r = expect(c.update("r_drop" + S, body), 202, what="retry with the token")
check(r["agentRuntimeVersion"] == "2", "the retry mints nothing new")
c.wait_status("r_drop" + S)
expect(c.update("r_drop" + S, minimal()), 202, what="only the next update")

# late-updating: reads keep showing the old version as READY for a while.
expect(c.update("r_late" + S, minimal(description="v2")), 202)
g = expect(c.get("r_late" + S), 200)
check((g["agentRuntimeVersion"], g["status"]) == ("1", "READY") and
      "description" not in g, "late read shows the old version: %r" % g)
g2 = expect(c.get("r_late" + S, 2), 200)
check(g2["description"] == "v2", "?version=2 is there already")
lst = expect(c.list_runtimes("maxResults=20"), 200)["agentRuntimes"]
late = [r for r in lst if r["agentRuntimeId"] == "r_late" + S][0]
check(late["agentRuntimeVersion"] == "1", "list is late too")
time.sleep(1.05)
g = expect(c.get("r_late" + S), 200)
check(g["agentRuntimeVersion"] == "2" and g["status"] == "READY",
      "after the delay the new version shows: %r" % g)

# harness: refused, naming the harness.
expect(c.update("r_harness" + S, minimal()), 400, "ValidationException",
       "support_harness", "harness-owned runtime")

# refuse-authorizer-once: only an update carrying an authorizer, once.
auth = {"customJWTAuthorizer": {"discoveryUrl":
        "https://idp.example.com/.well-known/openid-configuration"}}
expect(c.update("r_auth" + S, minimal()), 202, what="no authorizer")
c.wait_status("r_auth" + S)
expect(c.update("r_auth" + S, minimal(authorizerConfiguration=auth)), 400,
       "ValidationException", "Authorizer already exists", "authorizer")
check(expect(c.get("r_auth" + S), 200)["agentRuntimeVersion"] == "2",
      "refused update applied nothing")
expect(c.update("r_auth" + S, minimal(authorizerConfiguration=auth)), 202,
       what="second authorizer update")

# conflict-once: someone else's version lands; ours gets 409.
expect(c.update("r_conflict" + S, minimal(description="mine")), 409,
       "ConflictException", what="conflict-once")
g = expect(c.get("r_conflict" + S), 200)
check(g["agentRuntimeVersion"] == "2" and g["status"] == "UPDATING",
      "the other pipeline's version: %r" % g)
check(g["environmentVariables"] == {
    "CONCURRENT_CHANGE": "applied-by-other-pipeline"}, "its change")
check("description" not in g, "our body was not applied")
c.wait_status("r_conflict" + S)
expect(c.update("r_conflict" + S, minimal()), 202, what="after the conflict")

# vanish-on-get and access-denied hit GetAgentRuntime only.
ids = [r["agentRuntimeId"] for r in lst]
check("r_vanish" + S in ids, "List still lists the vanished runtime")
expect(c.get("r_vanish" + S), 404, "ResourceNotFoundException")
expect(c.versions("r_vanish" + S), 200, what="other calls still work")
expect(c.get("r_denied" + S), 403, "AccessDeniedException")

# fail-update: 500, nothing applied, then normal again.
expect(c.update("r_fail" + S, minimal()), 500, "InternalServerException")
check(expect(c.get("r_fail" + S), 200)["agentRuntimeVersion"] == "1",
      "failed update applied nothing")
expect(c.update("r_fail" + S, minimal()), 202, what="after the failure")

# repeat-token: us-west-2 never stops paging; us-east-1 is normal.
p1 = expect(c.list_runtimes("maxResults=1", region="us-west-2"), 200)
q = "maxResults=1&nextToken=" + urllib.parse.quote(p1["nextToken"], safe="")
p2 = expect(c.list_runtimes(q, region="us-west-2"), 200)
p3 = expect(c.list_runtimes(q, region="us-west-2"), 200)
check(p1["nextToken"] == p2["nextToken"] == p3["nextToken"],
      "the same token every time")
big = expect(c.list_runtimes("maxResults=50", region="us-west-2"), 200)
check(len(big["agentRuntimes"]) == 3 and "nextToken" in big,
      "a token even after the last runtime")
check("nextToken" not in expect(c.list_runtimes("maxResults=50"), 200),
      "other regions page normally")

# region-error: every request for eu-west-1 fails.
expect(c.list_runtimes(region="eu-west-1"), 500, "InternalServerException")
expect(c.get("eu-abcdefghij", region="eu-west-1"), 500,
       "InternalServerException")
PY
grep -q '"dropped":true' "$MG_SCRATCH/log" || mg_fail "the drop is logged"
emu_stop

# Bad fault switches are usage errors.
for bad in nosuch:x late-updating:x harness:x repeat-token:x:1 \
    fail-update:x:many drop-after-apply; do
	rc=0
	"$EMU_BIN" --fault "$bad" >/dev/null 2>"$MG_SCRATCH/err" || rc=$?
	mg_expect_eq "$rc" 2 "--fault $bad exit status"
	grep -q "fault" "$MG_SCRATCH/err" || mg_fail "--fault $bad message"
done
echo ok
