#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t0300-emulator-roundtrip.sh: create, list, get, update and endpoints
# through the real AWS CLI against mmdsguard-emulator.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mg_need_cmd aws jq curl

aws_env
emu_start --ready-delay-ms 100 --request-log "$MG_SCRATCH/requests.log"
export AWS_MAX_ATTEMPTS=1

art='{"containerConfiguration":{"containerUri":"123456789012.dkr.ecr.us-east-1.amazonaws.com/demo:1"}}'
art2='{"containerConfiguration":{"containerUri":"123456789012.dkr.ecr.us-east-1.amazonaws.com/demo:2"}}'
role=arn:aws:iam::123456789012:role/DemoRole

out=$(agentcore create-agent-runtime --agent-runtime-name demo_agent \
    --agent-runtime-artifact "$art" --role-arn "$role" \
    --network-configuration networkMode=PUBLIC --description "first" \
    --output json)
id=$(jq -r .agentRuntimeId <<<"$out")
[[ $id =~ ^demo_agent-[a-zA-Z0-9]{10}$ ]] || mg_fail "runtime id '$id'"
mg_expect_eq "$(jq -r .status <<<"$out")" CREATING "create status"
mg_expect_eq "$(jq -r .agentRuntimeVersion <<<"$out")" 1 "create version"
mg_expect_eq "$(jq -r .agentRuntimeArn <<<"$out")" \
    "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/$id" "arn"
[[ $(jq -r .createdAt <<<"$out") =~ ^20[0-9-]{8}T[0-9:]{8}\.[0-9]{3}Z$ ]] ||
    mg_fail "createdAt format"

get=$(agentcore get-agent-runtime --agent-runtime-id "$id" --output json)
mg_expect_eq "$(jq -r .status <<<"$get")" READY "status after the delay"
mg_expect_eq "$(jq -c .metadataConfiguration <<<"$get")" \
    '{"requireMMDSV2":true}' "new runtimes read back the flag"
mg_expect_eq "$(jq -c .lifecycleConfiguration <<<"$get")" \
    '{"idleRuntimeSessionTimeout":900,"maxLifetime":28800}' "lifecycle default"
mg_expect_eq "$(jq -r .description <<<"$get")" first "description"

list=$(agentcore list-agent-runtimes --output json)
mg_expect_eq "$(jq -r '.agentRuntimes | length' <<<"$list")" 1 "list length"
mg_expect_eq "$(jq -r '.agentRuntimes[0] | keys | join(",")' <<<"$list")" \
    "agentRuntimeArn,agentRuntimeId,agentRuntimeName,agentRuntimeVersion,description,lastUpdatedAt,status" \
    "summary members"

# Update: a full replace minting version 2 (each CLI call takes longer than
# the ready delay, so the next call sees READY).
up=$(agentcore update-agent-runtime --agent-runtime-id "$id" \
    --agent-runtime-artifact "$art2" --role-arn "$role" \
    --network-configuration networkMode=PUBLIC \
    --environment-variables LOG_LEVEL=debug --output json)
mg_expect_eq "$(jq -r .agentRuntimeVersion <<<"$up")" 2 "update version"
mg_expect_eq "$(jq -r .status <<<"$up")" UPDATING "update status"
get=$(agentcore get-agent-runtime --agent-runtime-id "$id" --output json)
mg_expect_eq "$(jq -r .agentRuntimeVersion <<<"$get")" 2 "newest version"
mg_expect_eq "$(jq -r .status <<<"$get")" READY "READY after update"
mg_expect_eq "$(jq -r .description <<<"$get")" null "reset dropped description"
mg_expect_eq "$(jq -r .environmentVariables.LOG_LEVEL <<<"$get")" debug "env"
v1=$(agentcore get-agent-runtime --agent-runtime-id "$id" \
    --agent-runtime-version 1 --output json)
mg_expect_eq "$(jq -r .agentRuntimeVersion <<<"$v1")" 1 "?version=1"
mg_expect_eq "$(jq -r .description <<<"$v1")" first "version 1 snapshot"
mg_expect_eq "$(jq -r .createdAt <<<"$v1")" "$(jq -r .createdAt <<<"$get")" \
    "snapshot carries the runtime's createdAt"
mg_expect_eq "$(agentcore list-agent-runtime-versions --agent-runtime-id "$id" \
    --query 'agentRuntimes[].agentRuntimeVersion' --output text)" "1	2" \
    "versions listed"

# Endpoints: DEFAULT follows the newest version; prod stays pinned.
ep=$(agentcore create-agent-runtime-endpoint --agent-runtime-id "$id" \
    --name prod --agent-runtime-version 1 --output json)
mg_expect_eq "$(jq -r .status <<<"$ep")" CREATING "endpoint create status"
mg_expect_eq "$(jq -r .targetVersion <<<"$ep")" 1 "endpoint target"
eps=$(agentcore list-agent-runtime-endpoints --agent-runtime-id "$id" \
    --output json)
mg_expect_eq "$(jq -r '[.runtimeEndpoints[] | .name + "=" + .liveVersion + "/" + .status] | join(" ")' <<<"$eps")" \
    "DEFAULT=2/READY prod=1/READY" "endpoints listed"
upe=$(agentcore update-agent-runtime-endpoint --agent-runtime-id "$id" \
    --endpoint-name prod --agent-runtime-version 2 --output json)
mg_expect_eq "$(jq -r '.status + " " + .liveVersion + "->" + .targetVersion' <<<"$upe")" \
    "UPDATING 1->2" "endpoint update answer"
done_ep=$(agentcore get-agent-runtime-endpoint --agent-runtime-id "$id" \
    --endpoint-name prod --output json)
mg_expect_eq "$(jq -r '.status + " " + .liveVersion + " " + (.targetVersion // "none")' <<<"$done_ep")" \
    "READY 2 none" "endpoint after rollout"

# Delete answers DELETING.
mg_expect_eq "$(agentcore delete-agent-runtime --agent-runtime-id "$id" \
    --query status --output text)" DELETING "delete status"

# Every answer had a request id and JSON; the log saw every call.
curl -s -D "$MG_SCRATCH/h" -o /dev/null -X POST "$EMU_URL/runtimes/"
grep -qi '^x-amzn-RequestId: [0-9a-f-]\{36\}' "$MG_SCRATCH/h" || mg_fail "request id"
grep -qi '^Content-Type: application/json' "$MG_SCRATCH/h" || mg_fail "content type"
grep -qi '^x-amzn-ErrorType: MissingAuthenticationTokenException:' "$MG_SCRATCH/h" ||
    mg_fail "missing auth error type"
n=$(grep -c '"operation":"UpdateAgentRuntimeEndpoint"' "$MG_SCRATCH/requests.log")
mg_expect_eq "$n" 1 "endpoint update logged"
emu_stop
echo ok
