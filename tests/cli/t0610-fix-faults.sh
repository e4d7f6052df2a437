#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0610-fix-faults.sh: `mmdsguard fix --apply` against the emulator's
# injected faults (field reports 2-8 of agentcore-facts.md): a dropped
# answer after the change was applied, a conflict with another pipeline,
# requireServiceS3Endpoint refused on new runtimes, an unknown top-level
# member, a harness-owned runtime, "Authorizer already exists", 500s past
# the retries, a change applied while every answer is lost, and a runtime
# that still reads the old version after the 202. Each case checks the
# outcome printed, the exit status, the runtime read back as raw JSON
# (botocore-signed requests), the emulator's request log and, through a
# small logging proxy, the exact bodies mmdsguard put on the wire.
# Every case runs even when an earlier one fails; the script fails at the
# end naming each failed check.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mg_need_py botocore
fleet=$MG_SOURCE_DIR/tests/data/fleets/fix-faults.json
wirelog=$MG_SCRATCH/wire.jsonl
export PYTHONPATH="$MG_SCRATCH:$PYTHONPATH"

DROP=drop_agent-Dr0pAp1y01
CONFLICT=conflict_agent-C0nfl1ct01
S3NEW=s3new_agent-S3n3wAg3nt
S3OLD=s3old_agent-S3o1dAg3nt
FUTURE=future_agent-Futur3Ag3n
OWNED=owned_agent-0wn3dAg3nt
AUTHZ=authz_agent-Auth0r1z3r
FAIL=fail_agent-Fa1lUpd4t3
APPLIED=applied_agent-App1i3dAg3
LATE=late_agent-L4t3Upd4t3

# The runtimes of $fleet were created in 2025 and in January 2026: a
# cutoff of 2026-01-01 makes s3new_agent one the service manages the S3
# endpoint of, while the MMDSv2 default (2026-02-15) applies to none.
emu_start --fleet "$fleet" --ready-delay-ms 50 --request-log "$MG_REQLOG" \
    --s3-endpoint-cutoff 2026-01-01 \
    --fault drop-after-apply:drop_agent \
    --fault conflict-once:conflict_agent \
    --fault harness:owned_agent:ops_harness \
    --fault refuse-authorizer-once:authz_agent \
    --fault fail-update:fail_agent:10 \
    --fault late-updating:late_agent:5000
aws_env

# A logging HTTP/1.1 proxy: one JSON line per request (method, path,
# query, body, status); for METHOD:PATH arguments it passes the request
# on but closes the connection instead of returning the answer.
cat >"$MG_SCRATCH/wiretap.py" <<'PY'
import json, socket, sys, threading

def read_msg(sock, buf):
    while b"\r\n\r\n" not in buf:
        d = sock.recv(65536)
        if not d:
            return None
        buf += d
    i = buf.index(b"\r\n\r\n")
    head = buf[:i].decode("latin-1")
    n = 0
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == "content-length":
            n = int(v.strip())
        elif k.strip().lower() == "transfer-encoding":
            sys.exit("wiretap: chunked messages are not handled")
    while len(buf) < i + 4 + n:
        d = sock.recv(65536)
        if not d:
            return None
        buf += d
    return head, buf[i + 4:i + 4 + n], buf[i + 4 + n:]

def serve(c, port, logpath, drops, lock):
    s = socket.create_connection(("127.0.0.1", port))
    cbuf = sbuf = b""
    try:
        while True:
            m = read_msg(c, cbuf)
            if m is None:
                return
            head, body, cbuf = m
            method, target = head.split("\r\n")[0].split(" ")[:2]
            path, _, query = target.partition("?")
            drop = [method, path] in drops
            s.sendall(head.encode("latin-1") + b"\r\n\r\n" + body)
            r = read_msg(s, sbuf)
            entry = {"method": method, "path": path, "query": query,
                     "body": body.decode("utf-8", "replace"),
                     "status": int(r[0].split(" ")[1]) if r else 0,
                     "answerDropped": bool(drop or r is None)}
            with lock, open(logpath, "a") as f:
                f.write(json.dumps(entry) + "\n")
            if r is None or drop:
                return
            rhead, rbody, sbuf = r
            c.sendall(rhead.encode("latin-1") + b"\r\n\r\n" + rbody)
    except OSError:
        return
    finally:
        for x in (c, s):
            try:
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            x.close()

port, logpath = int(sys.argv[1]), sys.argv[2]
drops = [a.split(":", 1) for a in sys.argv[3:]]
lock = threading.Lock()
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(64)
print("listening on 127.0.0.1:%d" % ls.getsockname()[1], flush=True)
while True:
    conn, _ = ls.accept()
    threading.Thread(target=serve, args=(conn, port, logpath, drops, lock),
                     daemon=True).start()
PY
bg_start wiretap python3 "$MG_SCRATCH/wiretap.py" "$EMU_PORT" "$wirelog" \
    "PUT:/runtimes/$APPLIED/"
WT_URL=http://127.0.0.1:$BG_PORT

# Helpers of the Python snippets below, on top of tests/py/checks.py (its
# chk() records a failed check and goes on, so one run names them all).
cat >"$MG_SCRATCH/fxcheck.py" <<'PY'
import json, os
import checks
from checks import *

def run(tag):
    """(stdout, stderr, request log, wire log) of the run called tag."""
    return checks.run(tag) + (lines(os.path.join(SCRATCH, tag + ".wire")),)

def updates(req, rid):
    return [e for e in req if e["operation"] == "UpdateAgentRuntime" and
            e["runtimeId"] == rid]

def wire_updates(wire, rid):
    out = []
    for e in wire:
        if e["method"] == "PUT" and e["path"] == "/runtimes/%s/" % rid:
            out.append(dict(e, json=json.loads(e["body"])))
    return out

def mutations(req):
    return [e for e in req if e["method"] in ("PUT", "POST", "DELETE") and
            not e["operation"].startswith("List")]

def save(name, value):
    with open(os.path.join(SCRATCH, name), "w") as f:
        json.dump(value, f)

def load(name):
    with open(os.path.join(SCRATCH, name)) as f:
        return json.load(f)

def result_line(out, rid):
    """The line of the Results table for rid ("" if none)."""
    seen = False
    for l in out.splitlines():
        if l.startswith("Results:"):
            seen = True
        elif seen and l.split()[:1] == [rid]:
            return l
    return ""

def plan_line(out, rid):
    for l in out.splitlines():
        if l.startswith(rid + " "):
            return l
    return ""

def journal(name):
    return lines(os.path.join(SCRATCH, name))
PY

# snap RID...: save each runtime (newest, raw JSON) and its versions.
snap() {
	python3 - "$@" <<'PY' || mg_fail "cannot read the runtimes before the fix"
import sys
from fxcheck import *
for rid in sys.argv[1:]:
    save(rid + ".before.json", {"runtime": get(rid), "versions": versions(rid)})
PY
}
# run_fix TAG ARGS...: run_mg TAG fix through the proxy; also keeps
# TAG.wire.
run_fix() {
	local tag=$1
	shift
	: >"$wirelog"
	run_mg "$tag" fix --endpoint-url "$WT_URL" --region us-east-1 "$@"
	cp "$wirelog" "$MG_SCRATCH/$tag.wire"
}

snap "$DROP" "$CONFLICT" "$S3NEW" "$S3OLD" "$FUTURE" "$OWNED" "$AUTHZ" \
    "$FAIL" "$APPLIED" "$LATE"

# ---- 1. drop-after-apply: the update lands, the answer is lost --------
run_fix drop --runtime "$DROP" --apply --yes --journal "$MG_SCRATCH/drop.j"
expect_rc "$rc" 0 "drop-after-apply: fix --apply"
run_fix drop2 --runtime "$DROP" --apply --yes --journal "$MG_SCRATCH/drop2.j"
expect_rc "$rc" 0 "drop-after-apply: the re-run"
pycheck "drop-after-apply" <<PY
from fxcheck import *
rid = "$DROP"
before = load(rid + ".before.json")
out, err, req, wire = run("drop")
up = updates(req, rid)
chk(len(up) == 2, "drop: UpdateAgentRuntime calls in the request log: %s" % up)
if len(up) == 2:
    chk(up[0].get("dropped") is True and up[1]["status"] == 202,
        "drop: first dropped, retry answered 202: %s" % up)
wu = wire_updates(wire, rid)
tokens = {w["json"].get("clientToken") for w in wu}
chk(len(wu) == 2 and len(tokens) == 1 and None not in tokens,
    "drop: the retry must carry the same clientToken: %s" % tokens)
chk(len({json.dumps(dict(w["json"]), sort_keys=True) for w in wu}) == 1,
    "drop: the retry must send the same body")
chk("fixed" in result_line(out, rid), "drop: outcome: %r" % result_line(out, rid))
vs = versions(rid)
chk(vs == ["1", "2"], "drop: versions after the fix: %s" % vs)
now = get(rid)
chk(now["agentRuntimeVersion"] == "2", "drop: newest %s" % now["agentRuntimeVersion"])
chk(now.get("metadataConfiguration") == {"requireMMDSV2": True},
    "drop: flag after: %r" % now.get("metadataConfiguration"))
b = config(before["runtime"])
b.pop("metadataConfiguration", None)
a = config(now)
a.pop("metadataConfiguration", None)
chk(a == b, "drop: other settings changed: %s vs %s" % (a, b))
# The re-run finds it compliant and sends no update.
out2, err2, req2, wire2 = run("drop2")
chk(updates(req2, rid) == [], "drop: the re-run sent an update")
chk("already compliant" in plan_line(out2, rid),
    "drop: re-run outcome: %r" % plan_line(out2, rid))
done("drop-after-apply")
PY

# ---- 2. conflict-once: another pipeline's change lands first ----------
run_fix conflict --runtime "$CONFLICT" --apply --yes \
    --journal "$MG_SCRATCH/conflict.j"
expect_rc "$rc" 0 "conflict-once: fix --apply"
pycheck "conflict-once" <<PY
from fxcheck import *
rid = "$CONFLICT"
before = load(rid + ".before.json")
out, err, req, wire = run("conflict")
up = updates(req, rid)
chk([u["status"] for u in up] == [409, 202],
    "conflict: statuses of UpdateAgentRuntime: %s" % [(u["status"], u["error"]) for u in up])
chk("fixed" in result_line(out, rid), "conflict: outcome %r" % result_line(out, rid))
vs = versions(rid)
chk(vs == ["1", "2", "3"], "conflict: versions %s" % vs)
now = get(rid)
env = now.get("environmentVariables", {})
chk(now["agentRuntimeVersion"] == "3", "conflict: newest %s" % now["agentRuntimeVersion"])
chk(now.get("metadataConfiguration") == {"requireMMDSV2": True},
    "conflict: flag %r" % now.get("metadataConfiguration"))
chk(env.get("CONCURRENT_CHANGE") == "applied-by-other-pipeline",
    "conflict: the other pipeline's change was lost: %r" % env)
chk(env.get("MODE") == "blue", "conflict: MODE lost: %r" % env)
chk(now.get("lifecycleConfiguration") ==
    before["runtime"]["lifecycleConfiguration"], "conflict: lifecycle changed")
wu = wire_updates(wire, rid)
chk(len(wu) == 2, "conflict: PUTs on the wire: %d" % len(wu))
if len(wu) == 2:
    chk("CONCURRENT_CHANGE" not in wu[0]["json"].get("environmentVariables", {}),
        "conflict: first body already had the other change?")
    chk(wu[1]["json"].get("environmentVariables", {}).get("CONCURRENT_CHANGE")
        == "applied-by-other-pipeline",
        "conflict: the stale body was replayed: %s" % wu[1]["body"])
    chk(wu[0]["json"]["clientToken"] != wu[1]["json"]["clientToken"],
        "conflict: the rebuilt body reused the old clientToken")
v = [e for e in journal("conflict.j") if e["action"] == "verify"]
chk(len(v) == 1 and v[0]["version"] == "3" and v[0]["differences"] == [],
    "conflict: verify entries %s" % v)
done("conflict-once")
PY

# ---- 3. requireServiceS3Endpoint: refused on new runtimes -------------
run_fix s3new --runtime "$S3NEW" --apply --yes --journal "$MG_SCRATCH/s3new.j"
expect_rc "$rc" 0 "requireServiceS3Endpoint (new runtime): fix --apply"
run_fix s3old --runtime "$S3OLD" --apply --yes --journal "$MG_SCRATCH/s3old.j"
expect_rc "$rc" 0 "requireServiceS3Endpoint (old runtime): fix --apply"
pycheck "requireServiceS3Endpoint" <<PY
from fxcheck import *
def s3(body):
    return body.get("networkConfiguration", {}).get("networkModeConfig", {}) \
        .get("requireServiceS3Endpoint", "(absent)")

rid = "$S3NEW"
before = load(rid + ".before.json")
chk(s3(before["runtime"]) is False, "s3new: the fleet must show the member")
out, err, req, wire = run("s3new")
up = updates(req, rid)
chk([(u["status"], u["error"]) for u in up] ==
    [(400, "ValidationException"), (202, None)],
    "s3new: UpdateAgentRuntime calls: %s" % [(u["status"], u["error"]) for u in up])
wu = wire_updates(wire, rid)
chk(len(wu) == 2, "s3new: PUTs on the wire: %d" % len(wu))
if len(wu) == 2:
    chk(s3(wu[0]["json"]) is False, "s3new: first body: %r" % s3(wu[0]["json"]))
    chk(s3(wu[1]["json"]) == "(absent)", "s3new: retry body: %r" % s3(wu[1]["json"]))
    chk(wu[0]["json"]["clientToken"] != wu[1]["json"]["clientToken"],
        "s3new: the retry without the member reused the clientToken")
    a, b = dict(wu[0]["json"]), dict(wu[1]["json"])
    for x in (a, b):
        x.pop("clientToken")
        x["networkConfiguration"]["networkModeConfig"].pop(
            "requireServiceS3Endpoint", None)
    chk(a == b, "s3new: the retry changed more than the member")
chk("requireServiceS3Endpoint" in err, "s3new: stderr does not name the member")
chk("fixed" in result_line(out, rid), "s3new: outcome %r" % result_line(out, rid))
now = get(rid)
chk(s3(now) == s3(before["runtime"]),
    "s3new: requireServiceS3Endpoint read back %r, before %r" %
    (s3(now), s3(before["runtime"])))
chk(now.get("metadataConfiguration") == {"requireMMDSV2": True},
    "s3new: flag %r" % now.get("metadataConfiguration"))
chk(versions(rid) == ["1", "2"], "s3new: versions %s" % versions(rid))

rid = "$S3OLD"
before = load(rid + ".before.json")
chk(s3(before["runtime"]) is True, "s3old: the fleet must show the member")
out, err, req, wire = run("s3old")
up = updates(req, rid)
chk([u["status"] for u in up] == [202], "s3old: updates %s" % up)
wu = wire_updates(wire, rid)
chk(len(wu) == 1 and s3(wu[0]["json"]) is True,
    "s3old: the member must be echoed as read: %s" % [w["body"] for w in wu])
chk("fixed" in result_line(out, rid), "s3old: outcome %r" % result_line(out, rid))
now = get(rid)
chk(s3(now) is True, "s3old: read back %r" % s3(now))
chk(now.get("metadataConfiguration") == {"requireMMDSV2": True}, "s3old: flag")
done("requireServiceS3Endpoint")
PY

# ---- 4. an unknown top-level member -----------------------------------
run_fix future-plan --runtime "$FUTURE"
expect_rc "$rc" 1 "unknown field: plan"
run_fix future --runtime "$FUTURE" --apply --yes \
    --journal "$MG_SCRATCH/future.j"
expect_rc "$rc" 1 "unknown field: fix --apply"
run_fix future-allow --runtime "$FUTURE" --apply --yes \
    --allow-unknown-fields --journal "$MG_SCRATCH/future-allow.j"
expect_rc "$rc" 1 "unknown field: --allow-unknown-fields (the emulator refuses it)"
pycheck "unknown top-level field" <<PY
from fxcheck import *
rid = "$FUTURE"
before = load(rid + ".before.json")
out, err, req, wire = run("future-plan")
pl = plan_line(out, rid)
chk("skipped" in pl, "future: plan outcome %r" % pl)
chk("futureSetting" in out and "--allow-unknown-fields" in out,
    "future: plan does not name the field and the way out:\n" + out)
chk(mutations(req) == [], "future: the plan sent %s" % mutations(req))
out, err, req, wire = run("future")
chk(updates(req, rid) == [], "future: an update was sent without --allow-unknown-fields")
chk("skipped" in plan_line(out, rid) and "futureSetting" in out,
    "future: --apply outcome %r" % plan_line(out, rid))
chk(versions(rid) == before["versions"], "future: versions changed")
out, err, req, wire = run("future-allow")
wu = wire_updates(wire, rid)
chk(len(wu) == 1, "future: PUTs with --allow-unknown-fields: %d" % len(wu))
if wu:
    chk(wu[0]["json"].get("futureSetting") == before["runtime"]["futureSetting"],
        "future: not echoed as received: %r" % wu[0]["json"].get("futureSetting"))
up = updates(req, rid)
chk([(u["status"], u["error"]) for u in up] == [(400, "ValidationException")],
    "future: the emulator's answer: %s" % up)
rl = result_line(out, rid)
chk("refused" in rl and "futureSetting" in rl and "not part of" in rl,
    "future: outcome should be refused with the service's message: %r" % rl)
now = get(rid)
chk(config(now) == config(before["runtime"]), "future: the runtime changed")
chk(versions(rid) == before["versions"], "future: versions changed")
rb = [e for e in journal("future-allow.j") if e["action"] == "read-back"]
chk(len(rb) == 1 and rb[0]["changed"] == [], "future: read-back %s" % rb)
done("unknown top-level field")
PY

# ---- 5. a harness owns the runtime ------------------------------------
run_fix owned --runtime "$OWNED" --apply --yes --journal "$MG_SCRATCH/owned.j"
expect_rc "$rc" 1 "harness: fix --apply"
pycheck "harness" <<PY
from fxcheck import *
rid = "$OWNED"
before = load(rid + ".before.json")
out, err, req, wire = run("owned")
rl = result_line(out, rid)
chk("skipped" in rl and "ops_harness" in rl and "through the harness" in rl,
    "harness: outcome %r" % rl)
chk(len(updates(req, rid)) == 1, "harness: updates %s" % updates(req, rid))
chk(versions(rid) == before["versions"], "harness: versions %s" % versions(rid))
chk(config(get(rid)) == config(before["runtime"]), "harness: config changed")
done("harness")
PY

# ---- 6. "Authorizer already exists" -----------------------------------
run_fix authz --runtime "$AUTHZ" --apply --yes --journal "$MG_SCRATCH/authz.j"
expect_rc "$rc" 1 "refuse-authorizer-once: fix --apply"
pycheck "refuse-authorizer-once" <<PY
from fxcheck import *
rid = "$AUTHZ"
before = load(rid + ".before.json")
out, err, req, wire = run("authz")
rl = result_line(out, rid)
chk("refused" in rl and "Authorizer already exists" in rl,
    "authz: outcome %r" % rl)
up = updates(req, rid)
chk([(u["status"], u["error"]) for u in up] == [(400, "ValidationException")],
    "authz: exactly one refused update expected: %s" % up)
wu = wire_updates(wire, rid)
chk(len(wu) >= 1, "authz: no update sent")
chk(all(w["json"].get("authorizerConfiguration") ==
        before["runtime"]["authorizerConfiguration"] for w in wu),
    "authz: an update without the authorizer was sent (it would delete it)")
now = get(rid)
chk(now.get("authorizerConfiguration") ==
    before["runtime"]["authorizerConfiguration"], "authz: the authorizer is gone")
chk(versions(rid) == before["versions"], "authz: versions %s" % versions(rid))
done("refuse-authorizer-once")
PY

# ---- 7. 500 past the retries; a change applied while every answer is lost
# drop-after-apply:RT:N cannot lose every answer: the emulator answers a
# retry that repeats the clientToken from its idempotency record, without
# dropping it. The proxy therefore drops every answer to applied_agent's
# UpdateAgentRuntime: the first attempt applies, the rest are replays.
run_fix fail --runtime "$FAIL" --apply --yes --journal "$MG_SCRATCH/fail.j"
expect_rc "$rc" 1 "fail-update: fix --apply"
run_fix applied --runtime "$APPLIED" --apply --yes \
    --journal "$MG_SCRATCH/applied.j"
expect_rc "$rc" 1 "applied while failing: fix --apply"
pycheck "fail-update and applied-while-failing" <<PY
from fxcheck import *
rid = "$FAIL"
before = load(rid + ".before.json")
out, err, req, wire = run("fail")
up = updates(req, rid)
chk(len(up) >= 2 and all(u["status"] == 500 for u in up),
    "fail: the 500s were not retried: %s" % up)
rl = result_line(out, rid)
chk("failed" in rl, "fail: outcome %r" % rl)
chk("CHANGED" not in err, "fail: warned of a change that did not happen")
chk(versions(rid) == before["versions"], "fail: versions %s" % versions(rid))
chk(config(get(rid)) == config(before["runtime"]), "fail: config changed")
rb = [e for e in journal("fail.j") if e["action"] == "read-back"]
chk(len(rb) == 1 and rb[0]["changed"] == [] and rb[0]["version"] == "1",
    "fail: journal read-back %s" % rb)

rid = "$APPLIED"
before = load(rid + ".before.json")
out, err, req, wire = run("applied")
wu = wire_updates(wire, rid)
chk(len(wu) >= 2 and all(w["answerDropped"] for w in wu),
    "applied: attempts on the wire %s" % [(w["status"], w["answerDropped"]) for w in wu])
chk(len({w["json"]["clientToken"] for w in wu}) == 1,
    "applied: the attempts did not share one clientToken")
up = updates(req, rid)
chk(len(up) == len(wu) and all(u["status"] == 202 for u in up),
    "applied: the emulator's view of the attempts: %s" % up)
chk(versions(rid) == ["1", "2"], "applied: versions %s" % versions(rid))
rl = result_line(out, rid)
chk("failed" in rl, "applied: outcome %r" % rl)
chk("CHANGED" in err and "warning" in err.lower(),
    "applied: no loud warning that the runtime changed:\n" + err)
rb = [e for e in journal("applied.j") if e["action"] == "read-back"]
chk(len(rb) == 1 and rb[0]["version"] == "2" and
    "metadataConfiguration" in rb[0]["changed"], "applied: read-back %s" % rb)
done("fail-update and applied-while-failing")
PY

# ---- 8. late-updating: the old version still reads READY --------------
run_fix late --runtime "$LATE" --apply --yes --journal "$MG_SCRATCH/late.j"
expect_rc "$rc" 0 "late-updating: fix --apply"
pycheck "late-updating" <<PY
from fxcheck import *
rid = "$LATE"
before = load(rid + ".before.json")
chk(before["versions"] == ["1", "4"], "late: fleet versions %s" % before["versions"])
out, err, req, wire = run("late")
rl = result_line(out, rid)
chk("fixed" in rl and "version 5" in rl, "late: outcome %r" % rl)
# Within the fault's window a plain Get still shows version 4 as READY.
chk(get(rid)["agentRuntimeVersion"] == "4", "late: the fault did not hold")
v5 = get(rid, 5)
chk(v5.get("metadataConfiguration") == {"requireMMDSV2": True}, "late: v5 flag")
up = updates(req, rid)
chk([u["status"] for u in up] == [202], "late: updates %s" % up)
chk(versions(rid) == ["1", "4", "5"], "late: versions %s" % versions(rid))
j = journal("late.j")
acc = [e for e in j if e["action"] == "update-runtime" and e.get("phase") == "accepted"]
ver = [e for e in j if e["action"] == "verify"]
chk(len(acc) == 1 and acc[0]["newVersion"] == "5", "late: accepted %s" % acc)
chk(len(ver) == 1 and ver[0]["version"] == "5" and ver[0]["flagTrue"] is True,
    "late: the verification did not compare the new version: %s" % ver)
i = max(n for n, e in enumerate(req) if e["operation"] == "UpdateAgentRuntime")
polls = [e for e in req[i + 1:] if e["operation"] == "GetAgentRuntime"]
chk(polls and all(e["query"] == "version=5" for e in polls),
    "late: after the 202 it must read ?version=5 only: %s" % [e["query"] for e in polls])
done("late-updating")
PY

emu_stop
soft_sanitizer_scan "$MG_SCRATCH"/*.err
soft_finish t0610
