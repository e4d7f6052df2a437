#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0420-audit-faults.sh: the audit under injected faults (a runtime deleted
# between List and Get, access denied, a repeating pagination token, a
# failing region), hostile text in names and descriptions, usage errors
# that must send nothing, and endpoints that refuse or never answer.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FLEETS=$MG_SOURCE_DIR/tests/data/fleets
log=$MG_SCRATCH/requests.jsonl
aws_env

# audit NAME ARGS...: audit_json NAME, which must end within 30 seconds.
audit() {
	audit_json "$1" 30 "${@:2}"
	((rc != 124)) || soft_fail "$1: still running after 30 seconds"
}

# No escape (ESC, BEL, CSI in UTF-8 or raw) and no C0 control but the
# newline in FILE.
no_controls() {
	if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]\|\x9b' "$1"; then
		soft_fail "$2: control characters in the output:"
		LC_ALL=C grep -n $'[\x01-\x09\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]\|\x9b' "$1" |
		    cat -v | head -5 >&2
	fi
}

# --- 1. Deleted between List and Get; access denied ------------------------
emu_start --fleet "$FLEETS/audit-compliant.json" --request-log "$log" \
    --fault vanish-on-get:ok_one --fault access-denied:pinned_ok
audit vanish --endpoint-url "$EMU_URL" --region us-east-1
expect_rc "$rc" 4 "audit with a vanished and a denied runtime"
pycheck "vanish/access-denied checks" "$MG_SCRATCH/vanish.json" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
errors = []
names = sorted((f["runtimeName"], f["version"]) for f in rep["findings"])
if names != [("ok_recent", "1"), ("ok_updating", "1"), ("pinned_ok", "3")]:
    errors.append("findings: %r" % names)
(t,) = rep["targets"]
if t["status"] != "ok":
    errors.append("target status %r (a deleted runtime is no error)" % t["status"])
notes = [n for n in t["notes"] if "ok_one-OkOne00001" in n]
if len(notes) != 1 or "deleted during the scan" not in notes[0]:
    errors.append("notes: %r" % t["notes"])
s = rep["summary"]
if (s["runtimes"], s["versions"], s["compliant"], s["noncompliant"],
        s["unknown"]) != (3, 3, 2, 0, 1):
    errors.append("summary (the deleted runtime is not counted): %r" % s)
for f in rep["findings"]:
    if f["runtimeName"] != "pinned_ok":
        continue
    if (f["verdict"], f["reason"], f["requireMMDSV2"]) != (
            "unknown", "access-denied", None):
        errors.append("denied runtime: %r" % f)
    if "AccessDenied" not in (f["reasonText"] or ""):
        errors.append("reasonText does not name the error: %r" % f["reasonText"])
    # The newest version is always served by DEFAULT.
    if f["endpoints"] != ["DEFAULT"]:
        errors.append("denied runtime, newest version %s: endpoints %r, "
                      "expected ['DEFAULT']" % (f["version"], f["endpoints"]))
if errors:
    sys.exit("FAIL: " + "\nFAIL: ".join(errors))
print("ok: vanish-on-get and access-denied")
PY
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 \
    >"$MG_SCRATCH/vanish.txt" 2>&1 || rc=$?
expect_rc "$rc" 4 "the table"
grep -q "^note: .*ok_one-OkOne00001.*deleted during the scan" \
    "$MG_SCRATCH/vanish.txt" || soft_fail "the table has no note on the deletion"

# A --runtime that does not exist was never "deleted during the scan", and
# an audit of nothing is no pass.
audit nosuch --endpoint-url "$EMU_URL" --region us-east-1 \
    --runtime nosuch_agent-abcdefghij
expect_rc "$rc" 4 "--runtime naming no runtime"
! grep -q "deleted during the scan" "$MG_SCRATCH/nosuch.json" ||
    soft_fail "a --runtime that never existed is reported deleted during the scan"
emu_stop

# --- 2. A pagination token that repeats forever ---------------------------
: >"$log"
emu_start --fleet "$FLEETS/audit-compliant.json" --request-log "$log" \
    --fault repeat-token:us-east-1
audit repeat --endpoint-url "$EMU_URL" --region us-east-1 --page-size 2
expect_rc "$rc" 4 "audit with a repeating token"
echo "repeat-token: audit took ${secs}s"
pycheck "repeat-token checks" "$MG_SCRATCH/repeat.json" "$log" <<'PY'
import collections, json, sys
rep = json.load(open(sys.argv[1]))
log = [json.loads(l) for l in open(sys.argv[2])]
errors = []
(t,) = rep["targets"]
if t["status"] != "error" or "token" not in (t.get("error") or ""):
    errors.append("target: %r" % t)
lists = [r for r in log if r["operation"] == "ListAgentRuntimes"]
if not 2 <= len(lists) <= 3:
    errors.append("%d ListAgentRuntimes calls" % len(lists))
# The emulator's tokens hold '+', '/' and '=': sent percent-encoded.
for r in lists[1:]:
    tok = r["query"].split("nextToken=", 1)[-1].split("&")[0]
    if "nextToken=" not in r["query"] or any(c in tok for c in "+/="):
        errors.append("token not percent-encoded: %r" % r["query"])
keys = collections.Counter((f["runtimeId"], f["version"]) for f in rep["findings"])
dups = sorted(k for k, n in keys.items() if n > 1)
if dups:
    errors.append("one finding per runtime version: %d findings for %r" %
                  (keys[dups[0]], dups))
if rep["summary"]["versions"] != len(keys):
    errors.append("summary counts %d versions for %d distinct ones" %
                  (rep["summary"]["versions"], len(keys)))
if any(f["verdict"] != "compliant" for f in rep["findings"]):
    errors.append("verdicts: %r" % [f["verdict"] for f in rep["findings"]])
if errors:
    sys.exit("FAIL: " + "\nFAIL: ".join(errors))
print("ok: repeat-token")
PY
emu_stop

# --- 3. One of two regions fails -------------------------------------------
: >"$log"
emu_start --fleet "$FLEETS/audit-compliant.json" --request-log "$log" \
    --fault region-error:eu-west-1
audit regions --endpoint-url "$EMU_URL" --region us-east-1,eu-west-1
expect_rc "$rc" 4 "audit with one failed region"
echo "region-error: audit took ${secs}s"
pycheck "region-error checks" "$MG_SCRATCH/regions.json" "$log" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
log = [json.loads(l) for l in open(sys.argv[2])]
t = {x["region"]: x for x in rep["targets"]}
assert sorted(t) == ["eu-west-1", "us-east-1"], rep["targets"]
assert t["us-east-1"]["status"] == "ok" and "error" not in t["us-east-1"], t
assert t["eu-west-1"]["status"] == "error", t
assert "InternalServerException" in t["eu-west-1"]["error"], t
assert {f["region"] for f in rep["findings"]} == {"us-east-1"}
assert len(rep["findings"]) == 5, len(rep["findings"])
assert all(f["verdict"] == "compliant" for f in rep["findings"])
assert rep["summary"]["targetsFailed"] == 1, rep["summary"]
eu = [r for r in log if r["region"] == "eu-west-1"]
assert 1 <= len(eu) <= 5 and all(r["status"] == 500 for r in eu), eu
print("ok: region-error, %d attempts on eu-west-1" % len(eu))
PY
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1,eu-west-1 \
    >"$MG_SCRATCH/regions.txt" 2>&1 || rc=$?
expect_rc "$rc" 4 "the table with one failed region"
grep -q "eu-west-1: error: .*InternalServerException" "$MG_SCRATCH/regions.txt" ||
    soft_fail "the table does not show the failed region"
grep -q "; 1 of 2 targets failed$" "$MG_SCRATCH/regions.txt" ||
    soft_fail "the summary line does not count the failed region"
emu_stop

# --- 4. Control characters and escapes ------------------------------------
# 4a. What the emulator can hold: descriptions, failure reasons, endpoint
# descriptions, environment values.
emu_start --fleet "$FLEETS/audit-escapes.json"
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 \
    >"$MG_SCRATCH/esc.txt" 2>"$MG_SCRATCH/esc.err" || rc=$?
expect_rc "$rc" 1 "the escape fleet"
no_controls "$MG_SCRATCH/esc.txt" "table (emulator)"
no_controls "$MG_SCRATCH/esc.err" "stderr (emulator)"
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 --verbose \
    --output "$MG_SCRATCH/esc-o.txt" >"$MG_SCRATCH/esc-o.out" \
    2>"$MG_SCRATCH/esc-o.err" || rc=$?
expect_rc "$rc" 1 "the escape fleet with --output"
no_controls "$MG_SCRATCH/esc-o.txt" "table written with --output"
no_controls "$MG_SCRATCH/esc-o.out" "summary line with --output"
no_controls "$MG_SCRATCH/esc-o.err" "stderr with --verbose"
emu_stop

# 4b. What a broken or hostile endpoint could send: names, statuses,
# endpoint names, runtime IDs and versions with escapes (the emulator
# refuses such names, so a small stand-in answers here).
cat >"$MG_SCRATCH/stub.py" <<'PY'
import http.server, json, urllib.parse
E = "\x1b"
def arn(i):
    return "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/" + i
RT = {
    "esc_name-EscName001": ("esc" + E + "[31mname" + E + "]0;pwned\x07",
        "READY" + E + "[2J", {"1": None, "2": {"requireMMDSV2": False}},
        [{"name": "DEFAULT", "liveVersion": "2"},
         {"name": "prod" + E + "[5m\x07", "liveVersion": "1"}]),
    "esc" + E + "[31m_id-EscIdent01": ("plain_id", "READY", {"1": None}, []),
    "esc_ver-EscVer0001": ("plain_ver", "READY",
        {"3" + E + "[0m": {"requireMMDSV2": False}},
        [{"name": "DEFAULT", "liveVersion": "3" + E + "[0m"}]),
    "esc_c1-EscC1Ctrl01": ("c1\u009b31mname\u0085", "CREATE_FAILED\u009b2J",
        {"1": {}}, []),
}
def runtime(rid, ver):
    name, status, versions, _ = RT[rid]
    v = ver if ver is not None else list(versions)[-1]
    if v not in versions:
        return None
    b = {"agentRuntimeId": rid, "agentRuntimeName": name,
         "agentRuntimeArn": arn(rid), "agentRuntimeVersion": v,
         "status": status, "createdAt": "2025-11-01T10:00:00.000Z",
         "lastUpdatedAt": "2025-11-02T10:00:00.000Z",
         "roleArn": "arn:aws:iam::123456789012:role/r",
         "description": "desc " + E + "[1mbold" + E + "[0m\r\n",
         "lifecycleConfiguration": {"idleRuntimeSessionTimeout": 900,
                                    "maxLifetime": 28800}}
    if versions[v] is not None:
        b["metadataConfiguration"] = versions[v]
    return b
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def reply(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if code >= 300:
            self.send_header("x-amzn-ErrorType", obj["__type"])
        self.end_headers()
        self.wfile.write(data)
    def route(self):
        u = urllib.parse.urlsplit(self.path)
        segs = [urllib.parse.unquote(s) for s in u.path.split("/") if s]
        q = dict(urllib.parse.parse_qsl(u.query))
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        if self.command == "POST" and segs == ["runtimes"]:
            return 200, {"agentRuntimes": [
                {"agentRuntimeId": rid, "agentRuntimeName": r[0],
                 "agentRuntimeArn": arn(rid),
                 "agentRuntimeVersion": list(r[2])[-1], "status": r[1],
                 "description": "x" + E + "[0m",
                 "lastUpdatedAt": "2025-11-02T10:00:00.000Z"}
                for rid, r in RT.items()]}
        if len(segs) >= 2 and segs[0] == "runtimes" and segs[1] in RT:
            r = RT[segs[1]]
            if self.command == "GET" and len(segs) == 2:
                b = runtime(segs[1], q.get("version"))
                if b is not None:
                    return 200, b
            if segs[2:] == ["runtime-endpoints"]:
                return 200, {"runtimeEndpoints": r[3]}
            if segs[2:] == ["versions"]:
                return 200, {"agentRuntimes": [runtime(segs[1], v)
                                               for v in r[2]]}
        return 404, {"__type": "ResourceNotFoundException",
                     "message": "not here " + E + "[2J"}
    def do_GET(self):
        self.reply(*self.route())
    do_POST = do_GET
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
print("listening on 127.0.0.1:%d" % srv.server_address[1], flush=True)
srv.serve_forever()
PY
bg_start stub python3 "$MG_SCRATCH/stub.py"
stub_pid=$BG_PID
stub_url=http://127.0.0.1:$BG_PORT
for versions in served all; do
	rc=0
	timeout 30 "$MG" audit --endpoint-url "$stub_url" --region us-east-1 \
	    --versions "$versions" >"$MG_SCRATCH/stub-$versions.txt" \
	    2>"$MG_SCRATCH/stub-$versions.err" || rc=$?
	[[ $rc == 1 || $rc == 4 ]] ||
	    soft_fail "stub, --versions $versions: exit status $rc, expected 1 or 4"
	no_controls "$MG_SCRATCH/stub-$versions.txt" "table (stub, --versions $versions)"
	no_controls "$MG_SCRATCH/stub-$versions.err" "stderr (stub, --versions $versions)"
done
audit stub --endpoint-url "$stub_url" --region us-east-1
[[ $rc == 1 || $rc == 4 ]] || soft_fail "stub JSON: exit status $rc"
# The JSON report escapes C0 controls (or it would not parse); C1
# characters are valid JSON text and may stay.
pycheck "stub JSON checks" "$MG_SCRATCH/stub.json" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
assert rep["findings"], "no findings"
assert not any(f["verdict"] == "compliant" for f in rep["findings"])
print("ok: stub JSON parses, %d findings" % len(rep["findings"]))
PY
kill "$stub_pid" 2>/dev/null || true

# --- 5. Usage errors: exit 2, nothing sent, no report ---------------------
: >"$log"
emu_start --fleet "$FLEETS/audit-compliant.json" --request-log "$log"
long_id=$(printf 'a%.0s' {1..101})-abcdefghij
usage() {	# EXPECTED-TEXT ARGS...
	local want=$1 out=$MG_SCRATCH/usage.out err=$MG_SCRATCH/usage.err
	shift
	rc=0
	timeout 10 "$MG" audit --endpoint-url "$EMU_URL" "$@" >"$out" \
	    2>"$err" || rc=$?
	expect_rc "$rc" 2 "audit $*"
	[[ ! -s $out ]] || soft_fail "audit $*: something on stdout"
	grep -qi -- "$want" "$err" ||
	    soft_fail "audit $*: no message with '$want': $(head -c 300 "$err")"
	[[ ! -s $log ]] || soft_fail "audit $*: $(wc -l <"$log") request(s) sent"
	: >"$log"
}
usage "--versions" --region us-east-1 --versions bogus
usage "--versions" --region us-east-1 --versions LATEST
usage "--versions" --region us-east-1 --versions ""
usage "--versions" --region us-east-1 --versions
usage "unknown option '--bogus'" --region us-east-1 --bogus
usage "--version takes no value" --region us-east-1 --version=all
usage "unknown option" --region us-east-1 -x
usage "sarif.*json\|json.*sarif" --region us-east-1 --format sarif
usage "xml" --region us-east-1 --format xml
usage "not a region" --region "US East"
usage "region" --region "-"
usage "region" --region "us-east-1 "
usage "region" --region ""
for id in abc 1abc-abcdefghij _abc-abcdefghij abc-abcdefghi abc-abcdefghijk \
    abc-def-abcdefghij abc-abcdefgh_j "abc -abcdefghij" "../etc-abcdefghij" \
    "abc-abcdefghij/" "abc-abcdefghi%" $'abc-abcdefghi\n' "" "$long_id"; do
	usage "runtime" --region us-east-1 --runtime ok_one-OkOne00001 \
	    --runtime "$id"
done
# A bad region from the environment: usage or configuration, never sent.
rc=0
AWS_REGION="US East" timeout 10 "$MG" audit --endpoint-url "$EMU_URL" \
    >"$MG_SCRATCH/env.out" 2>"$MG_SCRATCH/env.err" || rc=$?
[[ $rc == 2 || $rc == 3 ]] ||
    soft_fail "AWS_REGION='US East': exit status $rc, expected 2 or 3"
grep -q "US East" "$MG_SCRATCH/env.err" ||
    soft_fail "AWS_REGION: the region is not named"
[[ ! -s $log ]] || soft_fail "AWS_REGION='US East': $(wc -l <"$log") request(s) sent"
# The longest valid ID is accepted (and sent).
rc=0
"$MG" audit --endpoint-url "$EMU_URL" --region us-east-1 \
    --runtime "$(printf 'a%.0s' {1..100})-abcdefghij" >/dev/null 2>&1 || rc=$?
[[ $rc != 2 ]] || soft_fail "a valid 111-character runtime ID was refused"
grep -q '"operation":"GetAgentRuntime"' "$log" ||
    soft_fail "the longest valid runtime ID was not sent"
emu_stop

# --- 6. Endpoints that refuse or never answer -----------------------------
# Nothing listens on port 1: every attempt is refused. The target failed,
# which is exit 4 (incomplete), not 3: a refused connection says nothing
# about credentials or configuration, and the next run may succeed.
audit refused --endpoint-url http://127.0.0.1:1 --region us-east-1
expect_rc "$rc" 4 "audit with an unreachable endpoint"
echo "refused endpoint: audit took ${secs}s"
pycheck "refused endpoint checks" "$MG_SCRATCH/refused.json" <<'PY'
import json, re, sys
rep = json.load(open(sys.argv[1]))
(t,) = rep["targets"]
assert t["status"] == "error", t
assert re.search(r"127\.0\.0\.1.*\b1\b|connect", t["error"], re.I), t["error"]
assert rep["findings"] == [] and rep["summary"]["targetsFailed"] == 1, rep
print("ok: refused: %s" % t["error"])
PY
rc=0
timeout 30 "$MG" audit --endpoint-url http://127.0.0.1:1 --region us-east-1 \
    >"$MG_SCRATCH/refused.txt" 2>&1 || rc=$?
expect_rc "$rc" 4 "the table with an unreachable endpoint"
grep -qi "connect" "$MG_SCRATCH/refused.txt" ||
    soft_fail "the table does not say the connection failed"

# A server that accepts connections and never answers: bounded by
# --request-timeout (three attempts).
bg_start silent python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
time.sleep(120)
'
silent_pid=$BG_PID
audit silent --endpoint-url "http://127.0.0.1:$BG_PORT" \
    --region us-east-1 --request-timeout 1
expect_rc "$rc" 4 "audit with a server that never answers"
echo "silent endpoint: audit took ${secs}s"
grep -qi "timed out\|timeout" "$MG_SCRATCH/silent.json" ||
    soft_fail "no timeout named: $(cat "$MG_SCRATCH/silent.json")"
kill "$silent_pid" 2>/dev/null || true

soft_sanitizer_scan "$MG_SCRATCH"
soft_finish t0420
