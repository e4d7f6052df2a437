#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t0302-emulator-pagination.sh: maxResults, the default page size and
# opaque nextTokens (with + / and =) on all three List operations.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mg_need_cmd aws
mg_need_py botocore

aws_env
log="$MG_SCRATCH/requests.log"
emu_start --generate 25 --request-log "$log"
export AWS_MAX_ATTEMPTS=1

# The AWS CLI follows nextToken by itself: 25 runtimes in pages of 10.
ids=$(agentcore list-agent-runtimes --page-size 10 \
    --query 'agentRuntimes[].agentRuntimeId' --output text)
mg_expect_eq "$(wc -w <<<"$ids")" 25 "runtimes over three pages"
mg_expect_eq "$(grep -c '"operation":"ListAgentRuntimes"' "$log")" 3 "pages"
grep -q '"query":"maxResults=10&nextToken=[^"]*%2B' "$log" ||
    mg_fail "tokens are sent percent-encoded (+)"
grep -q '"query":"maxResults=10&nextToken=[^"]*%3D' "$log" ||
    mg_fail "tokens are sent percent-encoded (=)"

python3 - "$EMU_URL" <<'PY'
import sys, urllib.parse
from emu_client import Client, check, expect

c = Client(sys.argv[1])
first = expect(c.list_runtimes(), 200)
check(len(first["agentRuntimes"]) == 10, "default page size is 10")
tok = first["nextToken"]
check("+" in tok and "/" in tok and "=" in tok, "token %r" % tok)
seen = [r["agentRuntimeId"] for r in first["agentRuntimes"]]
while tok:
    page = expect(c.list_runtimes("maxResults=7&nextToken=" +
                                  urllib.parse.quote(tok, safe="")), 200)
    seen += [r["agentRuntimeId"] for r in page["agentRuntimes"]]
    tok = page.get("nextToken")
check(len(seen) == 25 and len(set(seen)) == 25, "every runtime once")
check(seen == sorted(seen), "creation order")
last = expect(c.list_runtimes("maxResults=25"), 200)
check("nextToken" not in last, "no token after the last page")
expect(c.list_runtimes("maxResults=100"), 200)
for bad in ("maxResults=0", "maxResults=101", "maxResults=ten",
            "nextToken=bm90LWEtdG9rZW4%3D", "nextToken=%2B%2F%3D%3D"):
    expect(c.list_runtimes(bad), 400, "ValidationException", what=bad)
# A raw '+' in the query (signed as sent, the way botocore would sign a
# URL it was handed) does not survive: the service canonicalizes the
# decoded value, so the signature no longer matches.
raw = first["nextToken"]
expect(c.list_runtimes("nextToken=" + raw.replace("/", "%2F")
                       .replace("=", "%3D")), 403,
       "InvalidSignatureException", what="unencoded +")

# Versions and endpoints page too; a token is bound to its list.
multi = [r["agentRuntimeId"] for r in expect(
    c.list_runtimes("maxResults=25"), 200)["agentRuntimes"]
    if r["agentRuntimeVersion"] == "3"]
check(len(multi) >= 2, "generated fleet has 3-version runtimes")
rid = multi[1]
p1 = expect(c.versions(rid, "maxResults=2"), 200)
check([v["agentRuntimeVersion"] for v in p1["agentRuntimes"]] == ["1", "2"],
      "versions page 1")
p2 = expect(c.versions(rid, "maxResults=2&nextToken=" +
                       urllib.parse.quote(p1["nextToken"], safe="")), 200)
check([v["agentRuntimeVersion"] for v in p2["agentRuntimes"]] == ["3"] and
      "nextToken" not in p2, "versions page 2")
check(p2["agentRuntimes"][0]["status"] == "READY", "version status")
expect(c.versions(multi[0], "nextToken=" +
                  urllib.parse.quote(p1["nextToken"], safe="")), 400,
       "ValidationException", what="token of another runtime")
expect(c.list_runtimes("nextToken=" +
                       urllib.parse.quote(p1["nextToken"], safe="")), 400,
       "ValidationException", what="token of another list")
e1 = expect(c.endpoints(rid, "maxResults=2"), 200)
e2 = expect(c.endpoints(rid, "maxResults=2&nextToken=" +
                        urllib.parse.quote(e1["nextToken"], safe="")), 200)
names = [e["name"] for e in e1["runtimeEndpoints"] + e2["runtimeEndpoints"]]
check(names == ["DEFAULT", "prod", "canary"], "endpoints %r" % names)
check("nextToken" not in e2, "endpoints end")
PY
emu_stop
echo ok
