#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t0301-emulator-auth.sh: SigV4 verification: wrong secret, unknown key,
# stale or future dates, missing or unsigned parts, accounts and regions.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mg_need_cmd aws
mg_need_py botocore

aws_env
emu_start --key AKIDSECOND:second-secret-key:210987654321
export AWS_MAX_ATTEMPTS=1

# The AWS CLI with a wrong secret and with an unknown key.
AWS_SECRET_ACCESS_KEY=not-the-secret agentcore list-agent-runtimes \
    2>"$MG_SCRATCH/err" && mg_fail "wrong secret accepted"
grep -q 'InvalidSignatureException.*The request signature we calculated does not match' \
    "$MG_SCRATCH/err" || mg_fail "wrong secret: $(cat "$MG_SCRATCH/err")"
AWS_ACCESS_KEY_ID=AKIDUNKNOWN agentcore list-agent-runtimes \
    2>"$MG_SCRATCH/err" && mg_fail "unknown key accepted"
grep -q 'UnrecognizedClientException.*The security token included in the request is invalid' \
    "$MG_SCRATCH/err" || mg_fail "unknown key: $(cat "$MG_SCRATCH/err")"

python3 - "$EMU_URL" <<'PY'
import json, sys, urllib.request, urllib.error
from emu_client import Client, check, expect, minimal, sign, SECRET

url = sys.argv[1]
c = Client(url)

expect(c.list_runtimes(), 200, what="good signature")
r = expect(c.list_runtimes(secret="wrong"), 403, "InvalidSignatureException",
           "The request signature we calculated does not match the "
           "signature you provided", "wrong secret")
check("wrong" not in r["message"] and SECRET not in r["message"],
      "the error must not echo a secret")
check("The Canonical String for this request should have been" in
      r["message"], "mismatch explains the canonical request")
expect(c.list_runtimes(key="AKIDNOPE"), 403, "UnrecognizedClientException",
       "The security token included in the request is invalid.", "key")
expect(c.list_runtimes(date_offset=-400), 403, "InvalidSignatureException",
       "Signature expired", "stale date")
expect(c.list_runtimes(date_offset=400), 403, "InvalidSignatureException",
       "Signature not yet current", "future date")
expect(c.list_runtimes(date_offset=-200), 200, what="skew within 5 minutes")
expect(c.list_runtimes(service="bedrock"), 403, "InvalidSignatureException",
       "bedrock-agentcore", "wrong service")
expect(c.list_runtimes(token="session-token-value"), 200,
       what="signed session token")

# Missing Authorization header.
req = urllib.request.Request(url + "/runtimes/", data=b"", method="POST")
try:
    urllib.request.urlopen(req)
    check(False, "unsigned request accepted")
except urllib.error.HTTPError as e:
    check(e.code == 403, "missing auth status %d" % e.code)
    check(e.headers["x-amzn-ErrorType"].startswith(
        "MissingAuthenticationTokenException:"), "missing auth type")


def raw(method, path, body=None, extra=None, mutate=None, query=""):
    full = url + path + ("?" + query if query else "")
    data = json.dumps(body).encode() if body is not None else None
    h = {"Content-Type": "application/json"} if data else {}
    headers = sign(method, full, data, h)
    headers.update(extra or {})
    if mutate:
        full, data = mutate(full, data)
    req = urllib.request.Request(full, data=data, method=method,
                                 headers=headers)
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, None
    except urllib.error.HTTPError as e:
        return e.code, e.headers["x-amzn-ErrorType"].split(":")[0]


# A security token that is sent but not signed.
check(raw("POST", "/runtimes/", extra={"X-Amz-Security-Token": "t"}) ==
      (403, "IncompleteSignatureException"), "unsigned security token")
# Body and query changed after signing.
check(raw("PUT", "/runtimes/", minimal(agentRuntimeName="x"),
          mutate=lambda u, d: (u, d.replace(b'"x"', b'"y"'))) ==
      (403, "InvalidSignatureException"), "tampered body")
check(raw("POST", "/runtimes/", query="maxResults=5",
          mutate=lambda u, d: (u.replace("=5", "=6"), d)) ==
      (403, "InvalidSignatureException"), "tampered query")
check(raw("POST", "/runtimes/", query="maxResults=5") == (200, None),
      "query signed as sent")

# Accounts come from the key; regions from the credential scope.
body = minimal(agentRuntimeName="scoped")
rid = expect(c.create(body), 202)["agentRuntimeId"]
check(rid.startswith("scoped-"), "id")
second = Client(url, key="AKIDSECOND", secret="second-secret-key")
lst = expect(second.list_runtimes(), 200)
check(lst["agentRuntimes"] == [], "another account sees nothing")
expect(second.get(rid), 404, "ResourceNotFoundException", what="cross account")
expect(c.get(rid, region="eu-west-1"), 404, "ResourceNotFoundException",
       what="cross region")
r = expect(second.create(body), 202, what="same name, other account")
check(r["agentRuntimeArn"].startswith(
    "arn:aws:bedrock-agentcore:us-east-1:210987654321:runtime/scoped-"),
    "arn names the key's account")
r = expect(c.create(body, region="eu-west-1"), 202, what="other region")
check(":eu-west-1:123456789012:" in r["agentRuntimeArn"], "region in arn")
check(len(expect(c.list_runtimes(), 200)["agentRuntimes"]) == 1,
      "us-east-1 list holds one runtime")
PY
emu_stop
echo ok
