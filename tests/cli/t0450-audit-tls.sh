#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0450-audit-tls.sh: `mmdsguard audit` over HTTPS verifies the server's
# certificate and host name, and honours AWS_CA_BUNDLE and HTTPS_PROXY /
# https_proxy / NO_PROXY. A throwaway CA and server certificates for
# 127.0.0.1 are made with openssl; tests/py/tls_proxy.py terminates TLS in
# front of the emulator (relaying the bytes, Host header included, so the
# emulator still checks every signature) and also serves as a CONNECT
# proxy. Every case runs even when an earlier one fails.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mg_need_cmd openssl
mg_need_py ssl
S=$MG_SCRATCH
tls_proxy=$MG_SOURCE_DIR/tests/py/tls_proxy.py
fleet=$MG_SOURCE_DIR/tests/data/fleets/field-tls.json
reqlog=$S/requests.jsonl
LEGACY=tls_legacy_agent-TlsL3gacy1
MODERN=tls_modern_agent-TlsM0dern2

# ---- certificates --------------------------------------------------------
# mkca NAME: a self-signed CA; mkcert NAME CA SAN: an EC key and a
# server certificate for SAN (e.g. IP:127.0.0.1) signed by CA.
mkca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$S/$1.key" -out "$S/$1.pem" -days 2 \
	    -subj "/CN=mmdsguard test $1" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1 ||
	    mg_fail "openssl could not make the CA $1"
}
mkcert() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$S/$1.key" -out "$S/$1.csr" -subj "/CN=$3" \
	    >/dev/null 2>&1 || mg_fail "openssl could not make the key $1"
	printf '%s\n' "subjectAltName=$3" extendedKeyUsage=serverAuth \
	    basicConstraints=CA:FALSE >"$S/$1.ext"
	openssl x509 -req -in "$S/$1.csr" -CA "$S/$2.pem" -CAkey "$S/$2.key" \
	    -CAcreateserial -out "$S/$1.pem" -days 2 -extfile "$S/$1.ext" \
	    >/dev/null 2>&1 || mg_fail "openssl could not sign $1"
	openssl verify -CAfile "$S/$2.pem" "$S/$1.pem" >/dev/null ||
	    mg_fail "the certificate $1 does not verify against $2"
}
mkca ca
mkca otherca
mkcert server ca IP:127.0.0.1
mkcert wrongname ca DNS:wrong-host.invalid

# ---- servers -------------------------------------------------------------
emu_start --fleet "$fleet" --request-log "$reqlog"
aws_env
for v in $(compgen -e | grep -i -E '^(https?|all|no)_proxy$' || true); do
	unset "$v"
done
unset SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE REQUESTS_CA_BUNDLE

bg_start front python3 "$tls_proxy" tls --cert "$S/server.pem" \
    --key "$S/server.key" --upstream "$EMU_PORT" --log "$S/front.log"
FRONT=https://127.0.0.1:$BG_PORT
bg_start wrong python3 "$tls_proxy" tls --cert "$S/wrongname.pem" \
    --key "$S/wrongname.key" --upstream "$EMU_PORT" --log "$S/wrong.log"
WRONG=https://127.0.0.1:$BG_PORT
bg_start cproxy python3 "$tls_proxy" connect --log "$S/cproxy.log"
CPROXY=http://127.0.0.1:$BG_PORT
FRONT_HOSTPORT=${FRONT#https://}

# audit TAG URL [VAR=VALUE...]: mmdsguard audit --format json against URL
# with the given environment; sets rc; keeps TAG.json, TAG.err and
# TAG.req (the emulator's request log of this run).
audit() {
	local tag=$1 url=$2
	shift 2
	: >"$reqlog"
	: >"$S/front.log"
	: >"$S/wrong.log"
	: >"$S/cproxy.log"
	rc=0
	env "$@" "$MG" audit --endpoint-url "$url" --region us-east-1 \
	    --format json >"$S/$tag.json" 2>"$S/$tag.err" </dev/null || rc=$?
	cp "$reqlog" "$S/$tag.req"
}
# failed_run TAG WHAT PATTERN: the run failed verification the way it
# must: exit 4, one target in error whose message matches PATTERN (grep
# -E, case-insensitive), no finding at all (so none claims a pass), and
# no request reached the emulator.
failed_run() {
	local tag=$1 what=$2 pat=$3
	expect_rc "$rc" 4 "$what"
	grep -q -i -E "$pat" "$S/$tag.err" "$S/$tag.json" ||
	    soft_fail "$what: no message matching '$pat':
$(cat "$S/$tag.err" "$S/$tag.json")"
	pycheck "$what: report" "$S/$tag.json" "$pat" <<'PY'
import json, re, sys
rep = json.load(open(sys.argv[1]))
t = rep["targets"]
assert len(t) == 1 and t[0]["status"] == "error", t
assert re.search(sys.argv[2], t[0].get("error") or "", re.I), t
assert rep["findings"] == [], rep["findings"]
s = rep["summary"]
assert s["compliant"] == 0 and s["noncompliant"] == 0, s
PY
	[[ ! -s $S/$tag.req ]] ||
	    soft_fail "$what: requests reached the emulator:
$(cat "$S/$tag.req")"
}
# good_run TAG WHAT: the audit read both runtimes through TLS: exit 1,
# the canned findings, and every request passed the emulator's
# signature check.
good_run() {
	local tag=$1 what=$2
	[[ $rc == 1 ]] || soft_fail "$what: exit status $rc, expected 1:
$(cat "$S/$tag.err")"
	pycheck "$what: findings or requests" "$S/$tag.json" "$S/$tag.req" \
	    "$LEGACY" "$MODERN" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
req = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
legacy, modern = sys.argv[3:5]
assert [t["status"] for t in rep["targets"]] == ["ok"], rep["targets"]
f = {x["runtimeId"]: x for x in rep["findings"]}
assert sorted(f) == sorted([legacy, modern]), sorted(f)
a, b = f[legacy], f[modern]
assert (a["verdict"], a["reason"], a["requireMMDSV2"], a["version"]) == \
    ("noncompliant", "flag-absent", None, "1"), a
assert a["runtimeName"] == "tls_legacy_agent" and \
    a["createdAt"].startswith("2025-12-03T09:15:00"), a
assert a["account"] == "123456789012" and a["region"] == "us-east-1", a
assert (b["verdict"], b["requireMMDSV2"], b["version"]) == \
    ("compliant", True, "1"), b
s = rep["summary"]
assert (s["runtimes"], s["compliant"], s["noncompliant"], s["unknown"]) == \
    (2, 1, 1, 0), s
ops = sorted(e["operation"] for e in req)
assert ops == ["GetAgentRuntime", "GetAgentRuntime", "ListAgentRuntimes"], \
    [(e["operation"], e["status"], e["error"]) for e in req]
assert all(e["status"] == 200 for e in req), req
PY
	grep -q "^tls-ok" "$S/front.log" ||
	    soft_fail "$what: the TLS front end saw no handshake"
}

# ---- 1. no AWS_CA_BUNDLE: the throwaway CA is not trusted ---------------
audit noca "$FRONT"
failed_run noca "without AWS_CA_BUNDLE" "certificate|SSL"
grep -q -i "tls-fail.*unknown ca" "$S/front.log" ||
    soft_fail "without AWS_CA_BUNDLE: the client did not reject the CA:
$(cat "$S/front.log")"

# ---- 2. AWS_CA_BUNDLE names the CA: the audit reads both runtimes -------
audit ca "$FRONT" AWS_CA_BUNDLE="$S/ca.pem"
good_run ca "with AWS_CA_BUNDLE"

# ---- 3. AWS_CA_BUNDLE names another CA ----------------------------------
audit otherca "$FRONT" AWS_CA_BUNDLE="$S/otherca.pem"
failed_run otherca "AWS_CA_BUNDLE of another CA" "certificate|SSL"

# ---- 4. a certificate of the right CA for another host name -------------
audit wrongname "$WRONG" AWS_CA_BUNDLE="$S/ca.pem"
failed_run wrongname "certificate for another host" \
    "subject name|host ?name|certificate"

# ---- 5. AWS_CA_BUNDLE names a file that does not exist ------------------
# A configuration error (exit 3) naming the file, before anything is sent.
audit nofile "$FRONT" AWS_CA_BUNDLE="$S/no-such-dir/ca.pem"
expect_rc "$rc" 3 "AWS_CA_BUNDLE missing"
grep -q "no-such-dir/ca.pem" "$S/nofile.err" "$S/nofile.json" ||
    soft_fail "AWS_CA_BUNDLE missing: the message does not name the file:
$(cat "$S/nofile.err")"
pycheck "AWS_CA_BUNDLE missing: report" "$S/nofile.json" <<'PY'
import json, sys
try:
    rep = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit(0)	# no report at all is a clear failure too
assert not [f for f in rep["findings"] if f["verdict"] == "compliant"], rep
PY
[[ ! -s $S/nofile.req ]] ||
    soft_fail "AWS_CA_BUNDLE missing: requests reached the emulator"

# ---- 6. HTTPS_PROXY, https_proxy, NO_PROXY ------------------------------
for var in HTTPS_PROXY https_proxy; do
	audit "proxy-$var" "$FRONT" AWS_CA_BUNDLE="$S/ca.pem" "$var=$CPROXY"
	good_run "proxy-$var" "through $var"
	n=$(grep -c . "$S/cproxy.log" || true)
	((n >= 1)) &&
	    ! grep -v -q -x "connect $FRONT_HOSTPORT" "$S/cproxy.log" ||
	    soft_fail "$var: the proxy log should hold only CONNECTs to \
$FRONT_HOSTPORT, got:
$(cat "$S/cproxy.log")"
done
audit noproxy "$FRONT" AWS_CA_BUNDLE="$S/ca.pem" HTTPS_PROXY="$CPROXY" \
    NO_PROXY=127.0.0.1
good_run noproxy "HTTPS_PROXY with NO_PROXY=127.0.0.1"
[[ ! -s $S/cproxy.log ]] ||
    soft_fail "NO_PROXY=127.0.0.1: the proxy was used anyway"
# Through the proxy the certificate is still checked end to end.
audit proxy-noca "$FRONT" HTTPS_PROXY="$CPROXY"
failed_run proxy-noca "through HTTPS_PROXY without AWS_CA_BUNDLE" \
    "certificate|SSL"
grep -q "^connect " "$S/cproxy.log" ||
    soft_fail "through HTTPS_PROXY without AWS_CA_BUNDLE: no CONNECT"

emu_stop || soft_fail "the emulator did not exit cleanly"
soft_sanitizer_scan "$S"/*.err
soft_finish t0450
