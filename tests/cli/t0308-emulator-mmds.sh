#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t0308-emulator-mmds.sh: the Firecracker-style MMDS under /latest/ (v1 and
# v2), and that the credentials it hands out work against the emulator.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mg_need_cmd curl
mg_need_py botocore

creds=/latest/meta-data/iam/security-credentials
code() {
	curl -s -o "$MG_SCRATCH/body" -D "$MG_SCRATCH/head" -w '%{http_code}' "$@"
}

emu_start --mmds v2 --mmds-role ProbeRole
mg_expect_eq "$(code "$EMU_URL$creds/")" 401 "v2 GET without a token"
mg_expect_eq "$(code -H 'X-metadata-token: 123.abc' "$EMU_URL$creds/")" 401 \
    "v2 GET with a forged token"
mg_expect_eq "$(code -X PUT "$EMU_URL/latest/api/token")" 400 "PUT without TTL"
mg_expect_eq "$(code -X PUT -H 'X-metadata-token-ttl-seconds: 0' \
    "$EMU_URL/latest/api/token")" 400 "TTL 0"
mg_expect_eq "$(code -X PUT -H 'X-metadata-token-ttl-seconds: 21601' \
    "$EMU_URL/latest/api/token")" 400 "TTL too long"
mg_expect_eq "$(code -X PUT -H 'X-metadata-token-ttl-seconds: 60' \
    -H 'X-Forwarded-For: 10.0.0.1' "$EMU_URL/latest/api/token")" 400 \
    "PUT with X-Forwarded-For"
mg_expect_eq "$(code -X PUT -H 'X-metadata-token-ttl-seconds: 60' \
    "$EMU_URL/latest/meta-data/")" 404 "PUT elsewhere"
mg_expect_eq "$(code -X POST "$EMU_URL/latest/meta-data/")" 405 "POST"
grep -qi '^Allow: GET, PUT' "$MG_SCRATCH/head" || mg_fail "Allow header"
mg_expect_eq "$(code -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
    "$EMU_URL/latest/api/token")" 200 "token"
tok=$(cat "$MG_SCRATCH/body")
((${#tok} <= 70)) || mg_fail "token longer than 70 characters"
grep -qi '^X-aws-ec2-metadata-token-ttl-seconds: 60' "$MG_SCRATCH/head" ||
    mg_fail "TTL echoed"
mg_expect_eq "$(code -H "X-aws-ec2-metadata-token: $tok" "$EMU_URL$creds/")" \
    200 "GET with the token"
mg_expect_eq "$(cat "$MG_SCRATCH/body")" ProbeRole "role listing"
mg_expect_eq "$(code -H "X-metadata-token: $tok" "$EMU_URL$creds/ProbeRole")" \
    200 "credentials"
cp "$MG_SCRATCH/body" "$MG_SCRATCH/creds.json"
last=${tok: -1}
[[ $last == 0 ]] && other=1 || other=0
mg_expect_eq "$(code -H "X-metadata-token: ${tok%?}$other" "$EMU_URL$creds/")" \
    401 "tampered token"
mg_expect_eq "$(code -H "X-metadata-token: $tok" "$EMU_URL$creds/Other")" 404 \
    "unknown role"
mg_expect_eq "$(code -H "X-metadata-token: $tok" "$EMU_URL/latest/meta-data/")" \
    200 "meta-data listing"
mg_expect_eq "$(cat "$MG_SCRATCH/body")" "iam/" "listing"
python3 - "$EMU_URL" "$MG_SCRATCH/creds.json" <<'PY'
import json, sys
from emu_client import Client, check, expect
doc = json.load(open(sys.argv[2]))
for k in ("Code", "Type", "AccessKeyId", "SecretAccessKey", "Token",
          "Expiration", "LastUpdated"):
    check(k in doc, "credential member %s" % k)
check(doc["AccessKeyId"].startswith("ASIA"), "temporary-looking key")
c = Client(sys.argv[1], key=doc["AccessKeyId"], secret=doc["SecretAccessKey"])
expect(c.list_runtimes(token=doc["Token"]), 200,
       what="MMDS credentials sign control-plane calls")
PY
emu_stop

emu_start --mmds v1
mg_expect_eq "$(code "$EMU_URL$creds/")" 200 "v1 GET without a token"
mg_expect_eq "$(cat "$MG_SCRATCH/body")" AgentCoreRuntimeRole "default role"
mg_expect_eq "$(code -H 'X-metadata-token: junk' "$EMU_URL$creds/")" 200 \
    "v1 ignores a bad token"
emu_stop

emu_start
mg_expect_eq "$(code "$EMU_URL$creds/")" 403 "no MMDS without --mmds"
emu_stop
echo ok
