#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0430-audit-quotas.sh: the audit against the emulator's token buckets.
# At the real quotas (List 25/s, Get 150/s per account and region)
# mmdsguard paces itself and must never be throttled; at rates below what
# it assumes, 429s happen and the retries absorb them or the findings say
# throttled: never a crash, never a pass. Wall times are printed only.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

aws_env

# audit NAME ARGS...: audit_json NAME against the emulator; prints the
# exit status and the wall time.
audit() {
	audit_json "$1" 50 --endpoint-url "$EMU_URL" "${@:2}"
	echo "$1: exit $rc after ${secs}s"
}

# --- 1. The real quotas: no 429 at all ------------------------------------
emu_start --quotas on --generate 400 --generate 150@123456789012/eu-west-1 \
    --request-log "$MG_SCRATCH/real.jsonl"
audit real --region us-east-1,eu-west-1
expect_rc "$rc" 1 "the real quotas"
pycheck "checks at the real quotas" "$MG_SCRATCH/real.json" \
    "$MG_SCRATCH/real.jsonl" <<'PY'
import collections, json, sys
rep = json.load(open(sys.argv[1]))
log = [json.loads(l) for l in open(sys.argv[2])]
errors = []
throttled = [r for r in log if r["status"] == 429]
per = collections.Counter((r["region"], r["operation"]) for r in throttled)
print("real quotas: %d requests, %d answered 429 %s" %
      (len(log), len(throttled), dict(per)))
if throttled:
    errors.append("%d requests were throttled at the real quotas: %s" %
                  (len(throttled), dict(per)))
for region, n in (("us-east-1", 400), ("eu-west-1", 150)):
    names = {f["runtimeName"] for f in rep["findings"] if f["region"] == region}
    want = {"gen_%06d" % i for i in range(n)}
    if names != want:
        errors.append("%s: %d runtimes without a finding, e.g. %s" % (
            region, len(want - names), sorted(want - names)[:3]))
# No default page size is documented: every List call sets maxResults.
nomax = [r for r in log if r["operation"].startswith("List")
         and "maxResults=" not in (r["query"] or "")]
if nomax:
    errors.append("%d List calls without maxResults" % len(nomax))
bad = [(f["runtimeName"], f["version"], f["reason"]) for f in rep["findings"]
       if f["verdict"] == "unknown"]
if bad:
    errors.append("%d unknown findings, e.g. %s" % (len(bad), bad[:3]))
if rep["summary"]["runtimes"] != 550 or rep["summary"]["unknown"] != 0:
    errors.append("summary: %r" % rep["summary"])
if any(t["status"] != "ok" for t in rep["targets"]):
    errors.append("targets: %r" % rep["targets"])
# The busiest second of Get calls, for the record.
def sec(r):
    return r["time"][:19]
busiest = collections.Counter((r["region"], sec(r)) for r in log
                              if r["operation"] == "GetAgentRuntime")
print("busiest second of GetAgentRuntime: %s" % (busiest.most_common(1),))
if errors:
    sys.exit("FAIL: " + "\nFAIL: ".join(errors))
print("ok: %d findings, no throttling" % len(rep["findings"]))
PY
emu_stop

# --- 2. Slower than mmdsguard assumes: List 5/s, Get 20/s ----------------
emu_start --quotas on --quota-rates 5,20,5 --generate 400 \
    --request-log "$MG_SCRATCH/slow.jsonl"
audit slow --region us-east-1
((rc != 5 && rc < 124)) || soft_fail "exit status $rc at low quotas (crash or hang)"
pycheck "checks at low quotas" "$MG_SCRATCH/slow.json" \
    "$MG_SCRATCH/slow.jsonl" "$MG_SCRATCH/real.json" "$rc" <<'PY'
import collections, json, sys
rep = json.load(open(sys.argv[1]))
log = [json.loads(l) for l in open(sys.argv[2])]
truth = {(f["runtimeName"], f["version"]): f for f in
         json.load(open(sys.argv[3]))["findings"] if f["region"] == "us-east-1"}
rc = int(sys.argv[4])
errors = []
n429 = sum(r["status"] == 429 for r in log)
print("low quotas: %d requests, %d answered 429" % (len(log), n429))
if n429 == 0:
    errors.append("no 429 at 5 List/20 Get per second: the test proves nothing")
reasons = collections.Counter((f["verdict"], f["reason"]) for f in rep["findings"])
print("low quotas: findings %s" % dict(reasons))
seen = set()
for f in rep["findings"]:
    k = (f["runtimeName"], f["version"])
    seen.add(f["runtimeName"])
    t = truth.get(k)
    if f["verdict"] == "unknown":
        # Throttled: either the version's Get (reason throttled) or the
        # runtime's endpoint listing (no version, the text says why).
        why = (f["reason"], f["reasonText"] or "")
        if not (why[0] == "throttled" or (why[0] == "endpoints-unreadable"
                and f["version"] is None and "Throttl" in why[1])):
            errors.append("%s v%s: unknown for %r" % (k + (why,)))
        if f["requireMMDSV2"] is not None:
            errors.append("%s v%s: unknown with a flag" % k)
        continue
    if t is None:
        errors.append("%s v%s: a finding the unthrottled audit did not make" % k)
    elif (f["verdict"], f["reason"]) != (t["verdict"], t["reason"]):
        errors.append("%s v%s: %s/%s, unthrottled %s/%s" % (
            k + (f["verdict"], f["reason"], t["verdict"], t["reason"])))
(tgt,) = rep["targets"]
missing = {"gen_%06d" % i for i in range(400)} - seen
if missing and tgt["status"] != "error":
    errors.append("%d runtimes missing and the target says %r" %
                  (len(missing), tgt["status"]))
if tgt["status"] == "error" and not any(
        w in (tgt.get("error") or "") for w in ("Throttl", "429")):
    errors.append("target error does not say throttled: %r" % tgt.get("error"))
s = rep["summary"]
want_rc = 1 if s["noncompliant"] else 4 if (
    s["unknown"] or s["targetsFailed"]) else 0
if rc != want_rc or rc == 0:
    errors.append("exit status %d for summary %r" % (rc, s))
if errors:
    sys.exit("FAIL: " + "\nFAIL: ".join(errors[:20]))
print("ok: %d runtimes read, %d missing (target %s), exit %d" % (
    len(seen), len(missing), tgt["status"], rc))
PY
emu_stop

soft_sanitizer_scan "$MG_SCRATCH"
soft_finish t0430
