#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0500-report-schema.sh: the JSON report matches docs/report.schema.json.
#
# Creates three runtimes in moto's AgentCore control plane with the AWS
# CLI, audits them with mmdsguard, and validates the report with
# tests/py/check_schema.py (schema plus the rules a schema cannot state).
# moto does not know requireMMDSV2, so every runtime must come out
# noncompliant with reason flag-absent. Tampered copies of the report
# must be rejected, so the validation itself can fail.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mg_need_py moto.server botocore jsonschema
mg_need_cmd aws
[[ -x $MG ]] || { echo "skipping: no $MG"; exit 77; }
checker=$MG_SOURCE_DIR/tests/py/check_schema.py
tmp=$MG_SCRATCH

# Only the documented example key; nothing from the caller's setup.
aws_env
moto_start
url=$MOTO_URL

ctl() {
	aws bedrock-agentcore-control "$@" --endpoint-url "$url" \
	    --region us-east-1 --output json
}

role=arn:aws:iam::123456789012:role/AgentCoreRuntime
public='{"networkMode":"PUBLIC"}'
image() {
	printf '{"containerConfiguration":{"containerUri":"%s"}}' \
	    "123456789012.dkr.ecr.us-east-1.amazonaws.com/agents/$1"
}

# PUBLIC networks only: a VPC makes moto load its EC2 backend (seconds).
ctl create-agent-runtime --agent-runtime-name t0500_plain \
    --agent-runtime-artifact "$(image a:1)" --role-arn "$role" \
    --network-configuration "$public" >"$tmp/create-1.json"
ctl create-agent-runtime --agent-runtime-name t0500_described \
    --agent-runtime-artifact "$(image b:2)" --role-arn "$role" \
    --network-configuration "$public" \
    --description 'agent "quoted", \ backslashed, café' \
    >"$tmp/create-2.json"
ctl create-agent-runtime --agent-runtime-name t0500_env \
    --agent-runtime-artifact "$(image c:3)" --role-arn "$role" \
    --network-configuration "$public" \
    --environment-variables 'MODE=prod,EMPTY=' \
    --protocol-configuration '{"serverProtocol":"MCP"}' \
    >"$tmp/create-3.json"

# Exit status 1 (something noncompliant), and a report on stdout.
set +e
"$MG" audit --endpoint-url "$url" --region us-east-1 \
    --format json --versions latest >"$tmp/report.json" 2>"$tmp/audit.err"
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	cat "$tmp/audit.err"
	mg_fail "audit exited $rc, want 1"
fi

# Every runtime we made, once, noncompliant because the flag is absent.
python3 - "$tmp/report.json" "$tmp"/create-*.json <<'EOF'
import json, sys

report = json.load(open(sys.argv[1]))
created = [json.load(open(p)) for p in sys.argv[2:]]
ids = {c["agentRuntimeId"] for c in created}
findings = report["findings"]
problems = []
seen = [f["runtimeId"] for f in findings]
if sorted(seen) != sorted(ids):
    problems.append("findings name %s, created %s" % (sorted(seen),
                                                      sorted(ids)))
for f in findings:
    want = {"verdict": "noncompliant", "reason": "flag-absent",
            "requireMMDSV2": None, "rawValue": None, "version": "1",
            "endpoints": ["DEFAULT"], "endpointsListed": False,
            "account": "123456789012", "region": "us-east-1"}
    for k, v in want.items():
        if f.get(k) != v:
            problems.append("%s: %s is %r, want %r"
                            % (f.get("runtimeId"), k, f.get(k), v))
s = report["summary"]
if (s["runtimes"], s["versions"], s["noncompliant"], s["compliant"],
        s["unknown"]) != (3, 3, 3, 0, 0):
    problems.append("summary %s" % s)
if [t["status"] for t in report["targets"]] != ["ok"]:
    problems.append("targets %s" % report["targets"])
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
EOF

python3 "$checker" --strict --exit-code "$rc" "$tmp/report.json"

# --output: the same report in the file, a summary line on stdout.
set +e
"$MG" audit --endpoint-url "$url" --region us-east-1 \
    --format json --versions latest --output "$tmp/out.json" \
    >"$tmp/out.stdout" 2>"$tmp/out.err"
rc2=$?
set -e
[ "$rc2" -eq 1 ] || mg_fail "audit --output exited $rc2, want 1"
python3 "$checker" --strict --exit-code "$rc2" "$tmp/out.json"
if grep -q '"schemaVersion"' "$tmp/out.stdout"; then
	mg_fail "with --output the report must not go to stdout"
fi

# Must fail: each tampered copy is rejected, by the layer named (in one
# process, through the checker's check(); one copy also through its CLI).
python3 - "$tmp/report.json" "$tmp" "$MG_SOURCE_DIR" <<'EOF'
import copy, json, sys

report = json.load(open(sys.argv[1]))
out, src = sys.argv[2], sys.argv[3]
sys.path.insert(0, src + "/tests/py")
import check_schema

schema = json.load(open(src + "/docs/report.schema.json"))


def f0(r):
    return r["findings"][0]


def duplicate(r):
    r["findings"].append(copy.deepcopy(r["findings"][0]))
    r["summary"]["noncompliant"] += 1
    r["summary"]["versions"] += 1


# name, edit, text the rejection must contain
cases = [
    ("compliant but false",
     lambda r: f0(r).update(verdict="compliant", requireMMDSV2=False),
     ["verdict compliant with requireMMDSV2 false", "schema: findings/0"]),
    ("compliant with reason flag-absent",
     lambda r: f0(r).update(verdict="compliant", reason="flag-absent"),
     ["verdict compliant with reason flag-absent"]),
    ("noncompliant count off",
     lambda r: r["summary"].update(noncompliant=4),
     ["summary.noncompliant is 4 but the report has 3"]),
    ("runtime count off", lambda r: r["summary"].update(runtimes=2),
     ["summary.runtimes is 2 but the report has 3"]),
    ("timestamp with an offset",
     lambda r: r.update(startedAt=r["startedAt"].replace("Z", "+00:00")),
     ["schema: startedAt", "startedAt"]),
    ("finished before started",
     lambda r: r.update(finishedAt="2000-01-01T00:00:00.000Z"),
     ["is before startedAt"]),
    ("wrong-type without rawValue",
     lambda r: f0(r).update(verdict="unknown", reason="wrong-type"),
     ["wrong-type without a rawValue"]),
    ("rawValue without wrong-type", lambda r: f0(r).update(rawValue=1),
     ["rawValue 1 with reason flag-absent"]),
    ("unknown with a flag",
     lambda r: f0(r).update(verdict="unknown", reason="read-error",
                            requireMMDSV2=True),
     ["unknown but requireMMDSV2 is true"]),
    ("member added at the top", lambda r: r.update(extra=1),
     ["schema: (root)"]),
    ("account of 11 digits", lambda r: f0(r).update(account="12345678901"),
     ["schema: findings/0/account"]),
    ("version as a number", lambda r: f0(r).update(version=1),
     ["schema: findings/0/version"]),
    ("reason not in the list", lambda r: f0(r).update(reason="flag-maybe"),
     ["schema: findings/0/reason"]),
    ("schemaVersion 2", lambda r: r.update(schemaVersion=2),
     ["schema: schemaVersion"]),
    ("member missing", lambda r: f0(r).pop("endpointsListed"),
     ["schema: findings/0"]),
    ("target status", lambda r: r["targets"][0].update(status="fine"),
     ["schema: targets/0/status"]),
    ("error target without error",
     lambda r: r["targets"][0].update(status="error"),
     ["schema: targets/0", "summary.targetsFailed is 0"]),
    ("duplicate finding", duplicate, ["repeats findings/0"]),
    ("endpoint named though none listed",
     lambda r: f0(r).update(endpoints=["prod"]),
     ["named although none were listed"]),
    ("finding of no target", lambda r: f0(r).update(region="eu-west-3"),
     ["region eu-west-3 is not a target"]),
    ("undocumented finding member", lambda r: f0(r).update(surprise=True),
     ["members not in the schema: surprise"]),
]
failed = 0
assert check_schema.check(report, schema, 1, True) == []
for name, edit, wants in cases:
    r = copy.deepcopy(report)
    edit(r)
    problems = check_schema.check(r, schema, None, True)
    text = "\n".join(problems)
    for want in wants:
        if want not in text:
            print("FAIL: %s: %r not among:\n%s" % (name, want, text))
            failed += 1
problems = check_schema.check(report, schema, 0, True)
if not any("exit status 0" in p for p in problems):
    print("FAIL: exit status 0 accepted for a noncompliant report")
    failed += 1
r = copy.deepcopy(report)
f0(r).update(verdict="compliant", requireMMDSV2=False)
json.dump(r, open(out + "/tampered.json", "w"))
print("%d tamperings checked" % len(cases))
sys.exit(1 if failed else 0)
EOF

rc=0
python3 "$checker" "$tmp/tampered.json" >"$tmp/reject.out" 2>&1 || rc=$?
if [ "$rc" -ne 1 ] || ! grep -q '^invalid: ' "$tmp/reject.out"; then
	cat "$tmp/reject.out"
	mg_fail "checker exited $rc on a tampered report, want 1"
fi

# Part two: a stub control plane answering every shape of flag, an error
# and a broken answer, in two regions of which one cannot be listed, so
# the schema meets every verdict and reason code the audit can write.
cat >"$tmp/stub.py" <<'EOF'
import json, re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCT = "123456789012"
OLD = "2025-11-01T10:00:00.000Z"
MC = "metadataConfiguration"


def rt(name, version="1", created=OLD, **extra):
    rid = name + "-AbCdEf1234"
    body = {
        "agentRuntimeArn": "arn:aws:bedrock-agentcore:us-east-1:%s:"
                           "runtime/%s" % (ACCT, rid),
        "agentRuntimeName": name, "agentRuntimeId": rid,
        "agentRuntimeVersion": version, "createdAt": created,
        "lastUpdatedAt": "2026-06-01T00:00:00Z", "status": "READY",
        "roleArn": "arn:aws:iam::%s:role/r" % ACCT,
        "lifecycleConfiguration": {"idleRuntimeSessionTimeout": 900,
                                   "maxLifetime": 28800},
        "agentRuntimeArtifact": {"containerConfiguration": {
            "containerUri": "public.ecr.aws/x/y:1"}},
    }
    body.update(extra)
    return rid, body


RUNTIMES = dict([
    rt("s_true", created="2026-03-01T10:00:00Z",
       **{MC: {"requireMMDSV2": True}}),
    rt("s_false", **{MC: {"requireMMDSV2": False}}),
    rt("s_flagnull", **{MC: {"requireMMDSV2": None}}),
    rt("s_cfgnull", **{MC: None}),
    rt("s_empty", **{MC: {}}),
    rt("s_absent", created=1700000000.25),
    rt("s_absent_new", created="2026-05-01T12:00:00+02:00"),
    rt("s_string", **{MC: {"requireMMDSV2": "true"}}),
    rt("s_number", **{MC: {"requireMMDSV2": 1}}),
    rt("s_cfglist", **{MC: [True]}),
    rt("s_denied"),
    rt("s_garbage"),
    rt("s_pinned", version="2", **{MC: {"requireMMDSV2": True}}),
])
PINNED_V1 = dict(RUNTIMES["s_pinned-AbCdEf1234"], agentRuntimeVersion="1",
                 **{MC: {"requireMMDSV2": False}})


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, code, obj=None, raw=None, etype=None):
        data = raw if raw is not None else json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "stub-request")
        if etype:
            self.send_header("x-amzn-ErrorType", etype)
        self.end_headers()
        self.wfile.write(data)

    def region(self):
        m = re.search(r"Credential=[^/]+/[0-9]+/([^/]+)/",
                      self.headers.get("Authorization") or "")
        return m.group(1) if m else None

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?")[0]
        if self.region() != "us-east-1":
            return self.send(403, {"message": "not in this region"},
                             etype="AccessDeniedException")
        if path == "/runtimes/":
            keys = ("agentRuntimeArn", "agentRuntimeId",
                    "agentRuntimeVersion", "agentRuntimeName",
                    "lastUpdatedAt", "status")
            items = [dict({k: b[k] for k in keys}, description="")
                     for b in RUNTIMES.values()]
            return self.send(200, {"agentRuntimes": items})
        m = re.match(r"^/runtimes/([^/]+)/runtime-endpoints/$", path)
        if m and m.group(1) == "s_pinned-AbCdEf1234":
            return self.send(200, {"runtimeEndpoints": [
                {"name": "DEFAULT", "liveVersion": "2"},
                {"name": "prod", "liveVersion": "1",
                 "targetVersion": "1"}]})
        if m:
            return self.send(200, {"runtimeEndpoints": [
                {"name": "DEFAULT", "liveVersion": "1"}]})
        self.send(404, {"message": "no route"},
                  etype="ResourceNotFoundException")

    def do_GET(self):
        path, _, query = self.path.partition("?")
        m = re.match(r"^/runtimes/([^/]+)/$", path)
        if not m or m.group(1) not in RUNTIMES:
            return self.send(404, {"message": "not found"},
                             etype="ResourceNotFoundException")
        rid = m.group(1)
        if rid.startswith("s_denied-"):
            return self.send(403, {"message": "not allowed"},
                             etype="AccessDeniedException")
        if rid.startswith("s_garbage-"):
            return self.send(200, raw=b"<html>oops</html>")
        if rid.startswith("s_pinned-") and query == "version=1":
            return self.send(200, PINNED_V1)
        self.send(200, RUNTIMES[rid])


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
EOF

bg_start stub python3 "$tmp/stub.py"
stub_url=http://127.0.0.1:$BG_PORT

set +e
"$MG" audit --endpoint-url "$stub_url" \
    --region us-east-1,eu-west-1 --format json \
    >"$tmp/stub-report.json" 2>"$tmp/stub-audit.err"
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	cat "$tmp/stub-audit.err"
	mg_fail "audit of the stub exited $rc, want 1"
fi
python3 "$checker" --strict --exit-code "$rc" "$tmp/stub-report.json"

python3 - "$tmp/stub-report.json" <<'EOF'
import json, sys

report = json.load(open(sys.argv[1]))
# name, version: verdict, reason, requireMMDSV2, rawValue, endpoints
want = {
    ("s_true", "1"): ("compliant", "flag-true", True, None, ["DEFAULT"]),
    ("s_false", "1"): ("noncompliant", "flag-false", False, None,
                       ["DEFAULT"]),
    ("s_flagnull", "1"): ("noncompliant", "flag-null", None, None,
                          ["DEFAULT"]),
    ("s_cfgnull", "1"): ("noncompliant", "config-null", None, None,
                         ["DEFAULT"]),
    ("s_empty", "1"): ("noncompliant", "config-empty", None, None,
                       ["DEFAULT"]),
    ("s_absent", "1"): ("noncompliant", "flag-absent", None, None,
                        ["DEFAULT"]),
    ("s_absent_new", "1"): ("noncompliant", "flag-absent", None, None,
                            ["DEFAULT"]),
    ("s_string", "1"): ("unknown", "wrong-type", None, "true", ["DEFAULT"]),
    ("s_number", "1"): ("unknown", "wrong-type", None, 1, ["DEFAULT"]),
    ("s_cfglist", "1"): ("unknown", "wrong-type", None, [True],
                         ["DEFAULT"]),
    ("s_denied", "1"): ("unknown", "access-denied", None, None, ["DEFAULT"]),
    ("s_garbage", "1"): ("unknown", "bad-response", None, None, ["DEFAULT"]),
    ("s_pinned", "2"): ("compliant", "flag-true", True, None, ["DEFAULT"]),
    ("s_pinned", "1"): ("noncompliant", "flag-false", False, None,
                        ["prod"]),
}
problems = []
got = {}
for f in report["findings"]:
    key = (f["runtimeName"], f["version"])
    got[key] = (f["verdict"], f["reason"], f["requireMMDSV2"],
                f["rawValue"], f["endpoints"])
for key in sorted(set(want) | set(got)):
    if want.get(key) != got.get(key):
        problems.append("%s: got %s, want %s"
                        % (key, got.get(key), want.get(key)))
times = {f["runtimeName"]: f["createdAt"] for f in report["findings"]}
for name, t in (("s_absent", "2023-11-14T22:13:20.250Z"),
                ("s_absent_new", "2026-05-01T10:00:00.000Z")):
    if times.get(name) != t:
        problems.append("%s createdAt %s, want %s"
                        % (name, times.get(name), t))
targets = {t["region"]: t for t in report["targets"]}
if targets.get("us-east-1", {}).get("status") != "ok":
    problems.append("us-east-1 target %s" % targets.get("us-east-1"))
if targets.get("eu-west-1", {}).get("status") != "error" or \
        "AccessDenied" not in targets["eu-west-1"].get("error", ""):
    problems.append("eu-west-1 target %s" % targets.get("eu-west-1"))
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
EOF

echo "ok: moto report of 3 runtimes valid; tamperings rejected;" \
    "stub report with every verdict and reason shape valid"
