# SPDX-License-Identifier: Apache-2.0
# awscli_fleet.sh: build a small fleet with the real AWS CLI (source it
# after lib.sh, with the emulator started with --legacy-defaults).
#
#   build_awscli_fleet   sets absent, false_id, true_id, pinned, extra1,
#                        extra2: runtimes whose newest version has no
#                        flag, false, true; pinned_prod has version 2
#                        compliant and endpoint prod on version 1 without
#                        the flag; two more plain runtimes.

art='{"containerConfiguration":{"containerUri":"123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:1"}}'
role=arn:aws:iam::123456789012:role/agent
wait_ready() {
	local i st
	for ((i = 0; i < 100; i++)); do
		st=$(agentcore get-agent-runtime --agent-runtime-id "$1" \
		    --query status --output text)
		[[ $st == READY ]] && return 0
		sleep 0.05
	done
	mg_fail "runtime $1 never became READY"
}
create() {
	local id
	id=$(agentcore create-agent-runtime --agent-runtime-name "$1" \
	    --agent-runtime-artifact "$art" --role-arn "$role" \
	    --network-configuration networkMode=PUBLIC \
	    --query agentRuntimeId --output text)
	wait_ready "$id"
	echo "$id"
}
update() {	# id true|false
	agentcore update-agent-runtime --agent-runtime-id "$1" \
	    --agent-runtime-artifact "$art" --role-arn "$role" \
	    --network-configuration networkMode=PUBLIC \
	    --metadata-configuration "requireMMDSV2=$2" >/dev/null
	wait_ready "$1"
}

build_awscli_fleet() {
	absent=$(create flag_absent)
	false_id=$(create flag_false)
	update "$false_id" false
	true_id=$(create flag_true)
	update "$true_id" true
	pinned=$(create pinned_prod)
	agentcore create-agent-runtime-endpoint --agent-runtime-id "$pinned" \
	    --name prod --agent-runtime-version 1 >/dev/null
	update "$pinned" true
	extra1=$(create extra_one)
	extra2=$(create extra_two)
	sleep 0.1
}
