#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0670-fix-interrupted.sh: what a fresh user ran into. A fix interrupted
# while its new version rolls out is not called compliant on a re-run; a
# journal that cannot be written stops the fix before any change; a
# rollback leaves alone an endpoint someone moved since; misplaced
# secrets are not echoed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

log=$MG_SCRATCH/requests.jsonl
LEGACY=legacy_support_agent-Hc4pN7yV1e
CHECKOUT=checkout_agent-Vr2mD5xK8w
aws_env
prod_live() {	# the version checkout_agent's prod endpoint serves
	agentcore get-agent-runtime-endpoint --agent-runtime-id "$CHECKOUT" \
	    --endpoint-name prod --query liveVersion --output text
}

# 1. The rollout outlives the fix's wait: exit 4; a re-run skips it.
emu_start --fleet "$MG_SOURCE_DIR/examples/fleet.json" \
    --ready-delay-ms 6000 --request-log "$log"
rc=0
"$MG" fix --endpoint-url "$EMU_URL" --region us-east-1 --runtime "$LEGACY" \
    --apply --yes --wait-timeout 1 --journal "$MG_SCRATCH/j1.jsonl" \
    >"$MG_SCRATCH/f1.out" 2>&1 || rc=$?
mg_expect_eq "$rc" 4 "fix whose wait times out"
grep -q "verification timed out" "$MG_SCRATCH/f1.out" || mg_fail "no timeout outcome"
rc=0
"$MG" fix --endpoint-url "$EMU_URL" --region us-east-1 --runtime "$LEGACY" \
    --apply --yes --journal "$MG_SCRATCH/j2.jsonl" \
    >"$MG_SCRATCH/f2.out" 2>&1 || rc=$?
mg_expect_eq "$rc" 1 "re-run during the rollout"
grep -q "not READY" "$MG_SCRATCH/f2.out" ||
    { cat "$MG_SCRATCH/f2.out"; mg_fail "re-run did not say not READY"; }
! grep -q "already compliant" "$MG_SCRATCH/f2.out" ||
    mg_fail "re-run called a rolling-out runtime compliant"
n=$(grep -c '"UpdateAgentRuntime"' "$log" || true)
mg_expect_eq "$n" 1 "updates sent in all"
emu_stop

# 2. A journal that takes no line: nothing is sent, exit 3.
emu_start --fleet "$MG_SOURCE_DIR/examples/fleet.json" --ready-delay-ms 40 \
    --request-log "$log"
# (The profile's endpoint_url is honoured, as in the AWS SDKs.)
printf '[profile emu]\nendpoint_url = %s\nregion = us-east-1\n' "$EMU_URL" \
    >"$AWS_CONFIG_FILE"
rc=0
AWS_PROFILE=emu "$MG" audit --format json >"$MG_SCRATCH/p.json" || rc=$?
mg_expect_eq "$rc" 1 "audit through the profile's endpoint_url"
grep -q '"noncompliant": 3' "$MG_SCRATCH/p.json" || mg_fail "profile endpoint audit"
rc=0
AWS_PROFILE=emu AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true "$MG" audit \
    --connect-timeout 1 --endpoint-url http://127.0.0.1:1 >/dev/null 2>&1 || rc=$?
mg_expect_eq "$rc" 4 "flag over the profile's endpoint_url"
: >"$AWS_CONFIG_FILE"
: >"$log"
rc=0
"$MG" fix --endpoint-url "$EMU_URL" --region us-east-1 --apply --yes \
    --repoint-endpoints --journal /dev/full >"$MG_SCRATCH/f3.out" 2>&1 || rc=$?
mg_expect_eq "$rc" 3 "fix with an unwritable journal"
grep -q "nothing was changed" "$MG_SCRATCH/f3.out" || mg_fail "journal message"
! grep -qE '"(Update|Create|Delete)' "$log" || mg_fail "a change was sent"

# 3. Rollback leaves an endpoint someone moved since where it is.
"$MG" fix --endpoint-url "$EMU_URL" --region us-east-1 --apply --yes \
    --repoint-endpoints --journal "$MG_SCRATCH/j3.jsonl" >/dev/null 2>&1 ||
    mg_fail "fix failed"
# Fix, roll back, fix again: the same move (1 to 3) must happen again,
# not be answered from the first run's idempotency token.
"$MG" rollback --endpoint-url "$EMU_URL" --journal "$MG_SCRATCH/j3.jsonl" \
    --apply --yes >/dev/null 2>&1 || mg_fail "first rollback failed"
rc=0
"$MG" fix --endpoint-url "$EMU_URL" --region us-east-1 --apply --yes \
    --repoint-endpoints --wait-timeout 20 --journal "$MG_SCRATCH/j3.jsonl" \
    >"$MG_SCRATCH/f3b.out" 2>&1 || rc=$?
mg_expect_eq "$rc" 0 "fix, rollback, fix again"
live=$(prod_live)
mg_expect_eq "$live" 3 "prod after fix, rollback, fix"
agentcore update-agent-runtime-endpoint --agent-runtime-id "$CHECKOUT" \
    --endpoint-name prod --agent-runtime-version 2 >/dev/null
for _ in $(seq 50); do
	live=$(prod_live)
	[[ $live == 2 ]] && break
	sleep 0.05
done
rc=0
"$MG" rollback --endpoint-url "$EMU_URL" --journal "$MG_SCRATCH/j3.jsonl" \
    --apply --yes >"$MG_SCRATCH/r.out" 2>&1 || rc=$?
mg_expect_eq "$rc" 1 "rollback of a moved endpoint"
grep -q "someone moved it since" "$MG_SCRATCH/r.out" ||
    { cat "$MG_SCRATCH/r.out"; mg_fail "rollback did not say why"; }
live=$(prod_live)
mg_expect_eq "$live" 2 "prod after the rollback"

# A later fix moves it again: no earlier run's token is replayed.
rc=0
"$MG" fix --endpoint-url "$EMU_URL" --region us-east-1 --apply --yes \
    --repoint-endpoints --wait-timeout 20 --journal "$MG_SCRATCH/j4.jsonl" \
    >"$MG_SCRATCH/f4.out" 2>&1 || rc=$?
mg_expect_eq "$rc" 0 "a second fix after a rollback"
live=$(prod_live)
mg_expect_eq "$live" 3 "prod after the second fix"
emu_stop

# A target that cannot be listed: the fix never ends with exit 0.
rc=0
"$MG" fix --endpoint-url http://127.0.0.1:1 --region us-east-1 --apply \
    --yes --connect-timeout 1 >"$MG_SCRATCH/f5.out" 2>&1 || rc=$?
mg_expect_eq "$rc" 4 "fix with a failed target"
grep -q "could not be read in full" "$MG_SCRATCH/f5.out" || mg_fail "target"

# 4. Usage mistakes that could leak a secret or drop a region.
secret=$AWS_SECRET_ACCESS_KEY
for args in "audit -s$secret" "audit $secret" "$secret" \
    "audit --region=$secret" "audit --format=$secret"; do
	rc=0
	# shellcheck disable=SC2086
	"$MG" $args >"$MG_SCRATCH/u.out" 2>&1 || rc=$?
	mg_expect_eq "$rc" 2 "exit status of: ${args%% *} ..."
	! grep -qF "$secret" "$MG_SCRATCH/u.out" || mg_fail "secret echoed"
done
rc=0
"$MG" audit --region us-east-1 --region eu-west-1 2>"$MG_SCRATCH/u.err" || rc=$?
mg_expect_eq "$rc" 2 "--region given twice"
grep -q "given twice" "$MG_SCRATCH/u.err" || mg_fail "twice message"
for bad in "AWS_ACCESS_KEY_ID= AKIDEXAMPLE" $'AWS_SESSION_TOKEN=abc\ndef'; do
	rc=0
	env "$bad" "$MG" audit --region us-east-1 \
	    --endpoint-url http://127.0.0.1:1 2>"$MG_SCRATCH/c.err" || rc=$?
	mg_expect_eq "$rc" 3 "credentials with a bad character"
	grep -q "control or non-ASCII" "$MG_SCRATCH/c.err" || mg_fail "bad-char message"
done
echo "ok: t0670"
