#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t0304-emulator-update-semantics.sh: full replace (reset) against keep,
# --legacy-defaults, status transitions, 409 while busy, and clientToken
# idempotency.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mg_need_py botocore

# Default: reset, new runtimes are post-2026-02-15.
emu_start --ready-delay-ms 400 --fleet "$MG_SOURCE_DIR/examples/fleet.json"
python3 - "$EMU_URL" <<'PY'
import sys, time
from emu_client import Client, check, expect, minimal

c = Client(sys.argv[1])
rich = minimal(agentRuntimeName="sem", description="rich",
               environmentVariables={"A": "1"},
               protocolConfiguration={"serverProtocol": "MCP"},
               lifecycleConfiguration={"idleRuntimeSessionTimeout": 120})
r = expect(c.create(rich), 202, what="create")
rid = r["agentRuntimeId"]
check(r["status"] == "CREATING", "create answers CREATING")
check(expect(c.get(rid), 200)["status"] == "CREATING", "reads CREATING")
expect(c.update(rid, minimal()), 409, "ConflictException",
       what="update while CREATING")
got = c.wait_status(rid)
check(got["metadataConfiguration"] == {"requireMMDSV2": True},
      "version 1 reads back the flag although create cannot send it")
check(got["lifecycleConfiguration"] == {"idleRuntimeSessionTimeout": 120,
                                        "maxLifetime": 28800},
      "missing lifecycle member filled with the default")

# A full replace: what is not sent is gone; the flag of a new runtime stays.
t0 = time.time()
up = expect(c.update(rid, minimal()), 202, what="bare update")
check(up["agentRuntimeVersion"] == "2" and up["status"] == "UPDATING",
      "update answer %r" % up)
check("lastUpdatedAt" in up and "createdAt" in up, "update answer members")
now = expect(c.get(rid), 200)
check(now["status"] == "UPDATING" and now["agentRuntimeVersion"] == "2",
      "reads UPDATING at the new version")
default = expect(c.get_endpoint(rid, "DEFAULT"), 200)
check((default["status"], default.get("liveVersion"),
       default.get("targetVersion")) == ("UPDATING", "1", "2"),
      "DEFAULT rolls to the new version: %r" % default)
expect(c.update(rid, minimal()), 409, "ConflictException",
       what="update while UPDATING")
got = c.wait_status(rid)
check(time.time() - t0 >= 0.35, "READY only after the ready delay")
for gone in ("description", "environmentVariables", "protocolConfiguration"):
    check(gone not in got, "reset dropped %s" % gone)
check(got["lifecycleConfiguration"] == {"idleRuntimeSessionTimeout": 900,
                                        "maxLifetime": 28800},
      "reset lifecycle reads the defaults")
check(got["metadataConfiguration"] == {"requireMMDSV2": True},
      "absent flag still reads true on a post-2026-02-15 runtime")
v1 = expect(c.get(rid, 1), 200)
check(v1["description"] == "rich" and v1["status"] == "READY",
      "version 1 keeps its snapshot")
b = expect(c.update(rid, minimal(metadataConfiguration={
    "requireMMDSV2": False})), 400, "ValidationException", "2026-02-15",
    "false on a new runtime")
check(b["fieldList"][0]["name"] == "metadataConfiguration.requireMMDSV2",
      "false refusal names the member")

# An old fleet runtime: reset drops its flag; a post-2026-02-15 one keeps it.
old = "checkout_agent-Vr2mD5xK8w"
expect(c.update(old, minimal(metadataConfiguration={
    "requireMMDSV2": False})), 202, what="false on an old runtime")
c.wait_status(old)
check(expect(c.get(old), 200)["metadataConfiguration"] ==
      {"requireMMDSV2": False}, "false stored")
expect(c.update(old, minimal()), 202)
c.wait_status(old)
check("metadataConfiguration" not in expect(c.get(old), 200),
      "reset leaves an old runtime without the flag")
new = "research_agent-Lb6sF9qJ3u"
body = minimal()
del body["networkConfiguration"]
body["capacityProviderConfiguration"] = expect(
    c.get(new), 200)["capacityProviderConfiguration"]
expect(c.update(new, body), 202)
check(c.wait_status(new)["metadataConfiguration"] ==
      {"requireMMDSV2": True}, "post-2026-02-15 fleet runtime keeps true")

# Idempotency: same token and body, same answer and no new version.
token = "5f0c6a52-2d7e-4c43-9a51-0f4c9a7d1e21"
body = minimal(description="idem", clientToken=token)
a1 = expect(c.update(rid, body), 202, what="first tokened update")
a2 = expect(c.update(rid, body), 202, what="replay while UPDATING")
check(a1 == a2, "replay answers the same: %r / %r" % (a1, a2))
c.wait_status(rid)
a3 = expect(c.update(rid, dict(body)), 202, what="replay when READY")
check(a3 == a1, "replay after READY answers the same")
vers = expect(c.versions(rid), 200)["agentRuntimes"]
check([v["agentRuntimeVersion"] for v in vers] == ["1", "2", "3"],
      "no extra version: %r" % vers)
b = expect(c.update(rid, minimal(description="other", clientToken=token)),
           400, "ValidationException", what="token reused")
check(b["reason"] == "IdempotentParameterMismatchException", "mismatch")
ctok = "0a8d7c4e-61b2-4a7e-8c3d-2e9f1b0a5c77"
cbody = minimal(agentRuntimeName="idem_create", clientToken=ctok)
c1 = expect(c.create(cbody), 202)
c2 = expect(c.create(cbody), 202, what="create replay")
check(c1 == c2, "create replay returns the same runtime")
b = expect(c.create(dict(cbody, description="x")), 400,
           "ValidationException", what="create token reused")
check(b["reason"] == "IdempotentParameterMismatchException", "reason")
names = [r["agentRuntimeName"] for r in expect(
    c.list_runtimes("maxResults=50"), 200)["agentRuntimes"]]
check(names.count("idem_create") == 1, "one runtime from two creates")

# Endpoint rollouts conflict too.
expect(c.create_endpoint(rid, {"name": "blue", "agentRuntimeVersion": "1"}),
       202)
expect(c.update_endpoint(rid, "blue", {"agentRuntimeVersion": "2"}), 409,
       "ConflictException", what="endpoint still CREATING")
expect(c.create_endpoint(rid, {"name": "blue"}), 409, "ConflictException",
       what="duplicate endpoint")
expect(c.update_endpoint(rid, "blue", {"agentRuntimeVersion": "9"}), 409,
       "ConflictException")
time.sleep(0.45)
expect(c.update_endpoint(rid, "blue", {"agentRuntimeVersion": "9"}), 400,
       "ValidationException", "does not exist", "unknown version")
expect(c.update_endpoint(rid, "nope", {}), 404, "ResourceNotFoundException")
expect(c.update_endpoint(rid, "DEFAULT", {"agentRuntimeVersion": "1"}), 400,
       "ValidationException", "DEFAULT", "DEFAULT is not updatable")
PY
emu_stop

# keep + legacy: omitted members are carried, false is accepted.
emu_start --ready-delay-ms 0 --update-omit keep --legacy-defaults
python3 - "$EMU_URL" <<'PY'
import sys
from emu_client import Client, check, expect, minimal

c = Client(sys.argv[1])
a = expect(c.create(minimal(agentRuntimeName="leg_a", description="keep me",
                            environmentVariables={"A": "1"})), 202)
b = expect(c.create(minimal(agentRuntimeName="leg_b")), 202)
check(a["createdAt"] < "2026-02-15" and b["createdAt"] < "2026-02-15",
      "legacy createdAt %s %s" % (a["createdAt"], b["createdAt"]))
check(a["createdAt"] != b["createdAt"], "per-runtime offset")
rid = a["agentRuntimeId"]
got = expect(c.get(rid), 200)
check("metadataConfiguration" not in got, "legacy: no metadataConfiguration")
expect(c.update(rid, minimal(metadataConfiguration={
    "requireMMDSV2": False})), 202, what="legacy accepts false")
got = expect(c.get(rid), 200)
check(got["metadataConfiguration"] == {"requireMMDSV2": False} and
      got["description"] == "keep me" and
      got["environmentVariables"] == {"A": "1"}, "keep carried %r" % got)
expect(c.update(rid, minimal(description="changed")), 202)
got = expect(c.get(rid), 200)
check(got["description"] == "changed" and
      got["metadataConfiguration"] == {"requireMMDSV2": False},
      "keep: sent members replace, others stay")
PY
emu_stop

# reset + legacy: an omitted flag is gone.
emu_start --ready-delay-ms 0 --legacy-defaults
python3 - "$EMU_URL" <<'PY'
import sys
from emu_client import Client, check, expect, minimal

c = Client(sys.argv[1])
rid = expect(c.create(minimal(agentRuntimeName="leg")), 202)["agentRuntimeId"]
expect(c.update(rid, minimal(metadataConfiguration={"requireMMDSV2": True})),
       202)
check(expect(c.get(rid), 200)["metadataConfiguration"] ==
      {"requireMMDSV2": True}, "flag set")
expect(c.update(rid, minimal(description="no flag sent")), 202)
check("metadataConfiguration" not in expect(c.get(rid), 200),
      "reset drops the flag of a legacy runtime")
check(expect(c.get(rid, 2), 200)["metadataConfiguration"] ==
      {"requireMMDSV2": True}, "version 2 still holds it")
PY
emu_stop
echo ok
