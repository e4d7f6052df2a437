#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0410-audit-edge.sh: verdicts read from fleet files (every shape of the
# flag, wrong types, runtimes created after 2026-02-15, every runtime
# status, an endpoint rolling from one version to another), the JSON
# report's fields, and exit statuses 0, 1 and 4.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FLEETS=$MG_SOURCE_DIR/tests/data/fleets
log=$MG_SCRATCH/requests.jsonl
aws_env

# audit NAME ARGS...: audit_json NAME against the emulator.
audit() {
	audit_json "$1" 30 --endpoint-url "$EMU_URL" "${@:2}"
}

# --- 1. Every shape of the flag -------------------------------------------
emu_start --fleet "$FLEETS/audit-verdicts.json" --request-log "$log"
audit verdicts --region us-east-1
expect_rc "$rc" 1 "the verdict fleet"
pycheck "verdicts" "$MG_SCRATCH/verdicts.json" "$log" <<'PY'
import json, re, sys

rep = json.load(open(sys.argv[1]))
log = [json.loads(l) for l in open(sys.argv[2])]
C, N, U = "compliant", "noncompliant", "unknown"
NONE = "null"          # rawValue when the flag is not of the wrong type
D = ["DEFAULT"]
R = "READY"
# (name, version): verdict, reason, requireMMDSV2, rawValue as JSON text,
# endpoints, runtimeStatus (None: not checked)
want = {
    ("flag_true", "1"): (C, "flag-true", True, NONE, D, R),
    ("flag_false", "1"): (N, "flag-false", False, NONE, D, R),
    ("block_absent", "1"): (N, "flag-absent", None, NONE, D, R),
    ("block_null", "1"): (N, "config-null", None, NONE, D, R),
    ("block_empty", "1"): (N, "config-empty", None, NONE, D, R),
    ("flag_null", "1"): (N, "flag-null", None, NONE, D, R),
    ("block_other_key", "1"): (N, "flag-absent", None, NONE, D, R),
    ("flag_one", "1"): (U, "wrong-type", None, "1", D, R),
    ("flag_zero", "1"): (U, "wrong-type", None, "0", D, R),
    ("flag_real", "1"): (U, "wrong-type", None, "1.5", D, R),
    ("flag_str_true", "1"): (U, "wrong-type", None, '"true"', D, R),
    ("flag_str_false", "1"): (U, "wrong-type", None, '"false"', D, R),
    ("flag_object", "1"): (U, "wrong-type", None, '{"value": true}', D, R),
    ("flag_list", "1"): (U, "wrong-type", None, "[true]", D, R),
    ("block_list", "1"): (U, "wrong-type", None,
                          '[{"requireMMDSV2": true}]', D, R),
    ("block_true", "1"): (U, "wrong-type", None, "true", D, R),
    ("recent_absent", "1"): (N, "flag-absent", None, NONE, D, R),
    ("recent_empty", "1"): (N, "config-empty", None, NONE, D, R),
    ("recent_null_block", "1"): (N, "config-null", None, NONE, D, R),
    ("recent_true", "1"): (C, "flag-true", True, NONE, D, R),
    ("st_creating", "1"): (N, "flag-absent", None, NONE, D, "CREATING"),
    ("st_deleting", "1"): (C, "flag-true", True, NONE, D, "DELETING"),
    ("st_create_failed", "1"): (N, "flag-false", False, NONE, D,
                                "CREATE_FAILED"),
    ("st_update_failed", "1"): (U, "wrong-type", None, '"true"', D,
                                "UPDATE_FAILED"),
    # UPDATING from 1 to 2: DEFAULT names both (liveVersion 1, target 2).
    ("st_updating", "2"): (C, "flag-true", True, NONE, D, "UPDATING"),
    ("st_updating", "1"): (N, "flag-absent", None, NONE, D, None),
    # prod rolls from 1 to 2: both audited, both name prod; 3 not served.
    ("ep_rollout", "4"): (C, "flag-true", True, NONE, ["DEFAULT", "canary"],
                          R),
    ("ep_rollout", "2"): (N, "flag-false", False, NONE, ["prod"], R),
    ("ep_rollout", "1"): (N, "flag-absent", None, NONE, ["prod"], R),
    ("ep_target_only", "2"): (C, "flag-true", True, NONE, D, R),
    ("ep_target_only", "1"): (N, "flag-false", False, NONE, ["green"], R),
}
# Runtimes created after 2026-02-15 (the others: 2025-11-04).
OLD, NEW = "2025-11-04T16:45:00", "2026-03-02T08:00:00"
recent = {"recent_absent", "recent_empty", "recent_null_block", "recent_true"}
# Their flag is absent, which is unexpected; PRODUCT.md: "absent (no
# metadataConfiguration, a null one, or an empty one)".
unexpected = {"recent_absent", "recent_empty", "recent_null_block"}
listed = {"st_updating", "ep_rollout", "ep_target_only"}
keys = {"account", "region", "runtimeId", "runtimeName", "runtimeArn",
        "runtimeStatus", "createdAt", "version", "endpoints",
        "endpointsListed", "requireMMDSV2", "rawValue", "verdict", "reason",
        "reasonText"}
rfc3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
errors = []
got = {}
for f in rep["findings"]:
    k = (f.get("runtimeName"), f.get("version"))
    if k in got:
        errors.append("two findings for %s v%s" % k)
    got[k] = f
for k in sorted(set(want) - set(got)):
    errors.append("no finding for %s v%s" % k)
for k in sorted(set(got) - set(want)):
    errors.append("unexpected finding for %s v%s" % k)
for k, w in sorted(want.items()):
    f = got.get(k)
    if f is None:
        continue
    verdict, reason, flag, raw, eps, status = w
    created = NEW if k[0] in recent else OLD
    odd = k[0] in unexpected
    where = "%s v%s" % k
    def bad(what, val, exp):
        errors.append("%s: %s is %r, expected %r" % (where, what, val, exp))
    if not keys <= set(f):
        bad("keys", sorted(f), sorted(keys))
        continue
    if f["verdict"] != verdict:
        bad("verdict", f["verdict"], verdict)
    if f["reason"] != reason:
        bad("reason", f["reason"], reason)
    if f["requireMMDSV2"] is not flag:
        bad("requireMMDSV2", f["requireMMDSV2"], flag)
    if json.dumps(f["rawValue"], sort_keys=True) != raw:
        bad("rawValue", json.dumps(f["rawValue"]), raw)
    if sorted(f["endpoints"]) != sorted(eps):
        bad("endpoints", f["endpoints"], eps)
    if status is not None and f["runtimeStatus"] != status:
        bad("runtimeStatus", f["runtimeStatus"], status)
    if not (isinstance(f["createdAt"], str) and rfc3339.match(f["createdAt"])
            and f["createdAt"].startswith(created)):
        bad("createdAt", f["createdAt"], created + "...Z")
    text = f["reasonText"] or ""
    if not text:
        bad("reasonText", text, "some text")
    if odd != ("unexpected" in text):
        bad("reasonText", text, ("" if odd else "no ") +
            "mention that this is unexpected")
    if f["endpointsListed"] is not (k[0] in listed):
        bad("endpointsListed", f["endpointsListed"], k[0] in listed)
    if f["account"] != "123456789012" or f["region"] != "us-east-1":
        bad("account/region", (f["account"], f["region"]), "123456789012/us-east-1")
    if f["runtimeId"] is None or not f["runtimeId"].startswith(k[0] + "-"):
        bad("runtimeId", f["runtimeId"], k[0] + "-...")
    if not (f["runtimeArn"] or "").endswith(":runtime/" + (f["runtimeId"] or "?")):
        bad("runtimeArn", f["runtimeArn"], "...:runtime/" + str(f["runtimeId"]))
    if verdict == "compliant" and flag is not True:
        bad("verdict", verdict, "a pass only for true")
s = rep["summary"]
exp = {"runtimes": len({n for n, _ in want}), "versions": len(want),
       "compliant": sum(w[0] == "compliant" for w in want.values()),
       "noncompliant": sum(w[0] == "noncompliant" for w in want.values()),
       "unknown": sum(w[0] == "unknown" for w in want.values())}
for k, v in exp.items():
    if s.get(k) != v:
        errors.append("summary.%s is %r, expected %r" % (k, s.get(k), v))
if rep.get("schemaVersion") != 1 or rep.get("tool") != "mmdsguard":
    errors.append("schemaVersion/tool: %r/%r" % (rep.get("schemaVersion"),
                                                 rep.get("tool")))
for k in ("startedAt", "finishedAt"):
    if not rfc3339.match(str(rep.get(k))):
        errors.append("%s is not RFC 3339 UTC: %r" % (k, rep.get(k)))
if rep["targets"] != [{"account": "123456789012", "region": "us-east-1",
                       "status": "ok", "notes": []}]:
    errors.append("targets: %r" % rep["targets"])
# The unserved version 3 of ep_rollout was not read; 1 and 2 were.
vq = {(r["runtimeId"].split("-")[0], r["query"]) for r in log
      if r["operation"] == "GetAgentRuntime" and r["query"]}
for q in ("version=1", "version=2"):
    if ("ep_rollout", q) not in vq:
        errors.append("ep_rollout was not read with ?%s" % q)
if ("ep_rollout", "version=3") in vq:
    errors.append("ep_rollout version 3 (served by no endpoint) was read")
if any(r["operation"].startswith(("Create", "Update", "Delete")) for r in log):
    errors.append("the audit sent a mutation")
if errors:
    sys.exit("FAIL: " + "\nFAIL: ".join(errors))
print("ok: %d findings as expected" % len(want))
PY

# --versions latest: one finding per runtime, the newest version, no
# endpoint listing (DEFAULT only).
: >"$log"
audit latest --region us-east-1 --versions latest
expect_rc "$rc" 1 "--versions latest"
pycheck "latest" "$MG_SCRATCH/latest.json" "$log" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
ops = [json.loads(l)["operation"] for l in open(sys.argv[2])]
got = {f["runtimeName"]: f for f in rep["findings"]}
assert len(got) == len(rep["findings"]) == 27, sorted(got)
assert got["ep_rollout"]["version"] == "4", got["ep_rollout"]
assert got["st_updating"]["version"] == "2", got["st_updating"]
assert all(f["endpoints"] == ["DEFAULT"] for f in rep["findings"])
assert "ListAgentRuntimeEndpoints" not in ops, ops
print("ok: --versions latest")
PY

# --versions all: version 3 of ep_rollout too, served by no endpoint.
audit all --region us-east-1 --versions all --runtime ep_rollout-Ro11outEp1
expect_rc "$rc" 1 "--versions all"
pycheck "all" "$MG_SCRATCH/all.json" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
got = {f["version"]: f for f in rep["findings"]}
assert sorted(got) == ["1", "2", "3", "4"], sorted(got)
assert got["3"]["endpoints"] == [] and got["3"]["verdict"] == "compliant", got["3"]
assert got["1"]["endpoints"] == ["prod"] and got["2"]["endpoints"] == ["prod"]
assert rep["summary"]["runtimes"] == 1 and rep["summary"]["versions"] == 4
print("ok: --versions all")
PY

# The table of the same fleet: the exact summary line, and the pinned
# versions get the repoint advice.
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 \
    >"$MG_SCRATCH/v.txt" 2>"$MG_SCRATCH/v.err" || rc=$?
expect_rc "$rc" 1 "the table"
grep -qx "summary: 27 runtimes, 31 versions audited: 6 compliant, 15 noncompliant, 10 unknown" \
    "$MG_SCRATCH/v.txt" || soft_fail "summary line of the table"
grep -q -- "--runtime ep_rollout-Ro11outEp1 --repoint-endpoints" \
    "$MG_SCRATCH/v.txt" || soft_fail "no repoint advice for ep_rollout"
emu_stop

# --- 2. Everything compliant, in two regions: exit 0 ----------------------
: >"$log"
emu_start --fleet "$FLEETS/audit-compliant.json" --request-log "$log"
audit compliant --region us-east-1,eu-west-1
expect_rc "$rc" 0 "an all-compliant fleet"
pycheck "compliant" "$MG_SCRATCH/compliant.json" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
got = {(f["region"], f["runtimeName"], f["version"]): f for f in rep["findings"]}
want = {("us-east-1", "ok_one", "1"), ("us-east-1", "ok_recent", "1"),
        ("us-east-1", "pinned_ok", "3"), ("us-east-1", "pinned_ok", "2"),
        ("us-east-1", "ok_updating", "1"), ("eu-west-1", "ok_eu", "1"),
        ("eu-west-1", "ok_eu_two", "1")}
assert set(got) == want, sorted(got)
assert all(f["verdict"] == "compliant" for f in got.values())
assert got[("us-east-1", "pinned_ok", "2")]["endpoints"] == ["prod"]
assert got[("us-east-1", "ok_updating", "1")]["runtimeStatus"] == "UPDATING"
s = rep["summary"]
assert (s["runtimes"], s["versions"], s["compliant"], s["noncompliant"],
        s["unknown"]) == (6, 7, 7, 0, 0), s
assert sorted((t["region"], t["status"]) for t in rep["targets"]) == [
    ("eu-west-1", "ok"), ("us-east-1", "ok")], rep["targets"]
print("ok: all compliant, exit 0")
PY
emu_stop

# --- 3. Only unknown findings besides compliant ones: exit 4 --------------
emu_start --fleet "$FLEETS/audit-unknown.json"
audit unknown --region us-east-1
expect_rc "$rc" 4 "audit with unknown and no noncompliant finding"
pycheck "unknown" "$MG_SCRATCH/unknown.json" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
got = {(f["runtimeName"], f["version"]): f for f in rep["findings"]}
assert sorted(got) == [("ok_one", "1"), ("wrong_one", "1"),
                       ("wrong_str", "2")], sorted(got)
assert got[("wrong_str", "2")]["rawValue"] == "TRUE", got[("wrong_str", "2")]
assert type(got[("wrong_one", "1")]["rawValue"]) is int
assert [got[k]["verdict"] for k in sorted(got)] == [
    "compliant", "unknown", "unknown"]
s = rep["summary"]
assert (s["compliant"], s["noncompliant"], s["unknown"]) == (1, 0, 2), s
print("ok: only unknown, exit 4")
PY
# The same with the table: exit 4 as well, and no advice to fix.
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 \
    >"$MG_SCRATCH/u.txt" || rc=$?
expect_rc "$rc" 4 "the table with only unknown"
! grep -q "What to do next" "$MG_SCRATCH/u.txt" ||
    soft_fail "advice to fix for unknown findings"
emu_stop
soft_sanitizer_scan "$MG_SCRATCH"
soft_finish t0410
