#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0680-fix-confirm.sh: on a terminal, `fix --apply` and `rollback
# --apply` ask first; anything but "yes" changes nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

emu_start --fleet "$MG_SOURCE_DIR/examples/fleet.json" --ready-delay-ms 40 \
    --request-log "$MG_REQLOG"
aws_env
tty() {	# answer tag args...: mmdsguard on a terminal; sets rc
	local answer=$1 tag=$2
	shift 2
	: >"$MG_REQLOG"
	rc=0
	python3 "$MG_SOURCE_DIR/tests/py/on_tty.py" "$answer" "$MG" "$@" \
	    >"$MG_SCRATCH/$tag.out" 2>&1 || rc=$?
}
mutations() {
	grep -cE '"operation": ?"(Update|Create|Delete)' "$MG_REQLOG" || true
}
args=(--endpoint-url "$EMU_URL" --region us-east-1 --repoint-endpoints
    --apply --journal "$MG_SCRATCH/j.jsonl")

tty no refuse fix "${args[@]}"
expect_rc "$rc" 2 "fix answered no"
grep -q "nothing was changed" "$MG_SCRATCH/refuse.out" ||
    soft_fail "no 'nothing was changed' after no"
[[ $(mutations) == 0 ]] || soft_fail "a change was sent after no"

tty yes accept fix "${args[@]}"
expect_rc "$rc" 0 "fix answered yes"
[[ $(mutations) -gt 0 ]] || soft_fail "nothing was sent after yes"

tty no rb-refuse rollback --endpoint-url "$EMU_URL" \
    --journal "$MG_SCRATCH/j.jsonl" --apply
expect_rc "$rc" 2 "rollback answered no"
[[ $(mutations) == 0 ]] || soft_fail "rollback moved something after no"

tty yes rb-accept rollback --endpoint-url "$EMU_URL" \
    --journal "$MG_SCRATCH/j.jsonl" --apply
expect_rc "$rc" 0 "rollback answered yes"
[[ $(mutations) -gt 0 ]] || soft_fail "rollback moved nothing after yes"
emu_stop
soft_finish t0680
