# SPDX-License-Identifier: Apache-2.0
# lib.sh: shared helpers for the end-to-end scripts (source it).
#
# Sourcing it sets MG_BUILD_DIR/MG_SOURCE_DIR defaults, makes a scratch
# directory $MG_SCRATCH (removed on exit) and installs an EXIT trap that
# stops every emulator started here. Add your own exit work with
# mg_on_exit "command" instead of replacing the trap.
#
#   emu_start [flags...]  start mmdsguard-emulator --port 0 [flags]; sets
#                         EMU_PORT, EMU_URL, EMU_PID, EMU_STDERR (a file)
#   emu_stop              SIGTERM it and wait; fails (1) unless it exited 0
#                         (so ASan/LSan reports fail the test)
#   aws_env               export the test key pair and an empty, private
#                         AWS configuration (HOME, config, credentials)
#   agentcore ARGS...     aws bedrock-agentcore-control against $EMU_URL
#   mg_fail MSG           print "FAIL: MSG" and exit 1
#   mg_expect_eq A B MSG  fail unless A = B

: "${MG_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${MG_BUILD_DIR:=$MG_SOURCE_DIR/build}"
export MG_SOURCE_DIR MG_BUILD_DIR
EMU_BIN=${EMU_BIN:-$MG_BUILD_DIR/mmdsguard-emulator}
MG_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/mgtest.XXXXXX")
export PYTHONPATH="$MG_SOURCE_DIR/tests/py${PYTHONPATH:+:$PYTHONPATH}"

_mg_emu_pids=()
_mg_exit_cmds=()
_mg_emu_count=0

mg_on_exit() {
	_mg_exit_cmds+=("$1")
}

_mg_cleanup() {
	local pid cmd
	for cmd in "${_mg_exit_cmds[@]}"; do
		eval "$cmd" || true
	done
	for pid in "${_mg_emu_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$MG_SCRATCH"
}
trap _mg_cleanup EXIT

mg_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

mg_expect_eq() {
	[[ "$1" == "$2" ]] || mg_fail "$3: expected '$2', got '$1'"
}

emu_start() {
	local out err line="" i
	_mg_emu_count=$((_mg_emu_count + 1))
	out="$MG_SCRATCH/emu.$_mg_emu_count.out"
	err="$MG_SCRATCH/emu.$_mg_emu_count.err"
	[[ -x "$EMU_BIN" ]] || { echo "no emulator at $EMU_BIN" >&2; return 1; }
	: >"$out"
	"$EMU_BIN" --port 0 "$@" >"$out" 2>"$err" &
	EMU_PID=$!
	_mg_emu_pids+=("$EMU_PID")
	for ((i = 0; i < 400; i++)); do
		if IFS= read -r line <"$out" &&
		    [[ $line == "listening on 127.0.0.1:"* ]]; then
			break
		fi
		line=""
		if ! kill -0 "$EMU_PID" 2>/dev/null; then
			wait "$EMU_PID" 2>/dev/null || true
			echo "emulator did not start:" >&2
			cat "$err" >&2
			EMU_PID=
			return 1
		fi
		sleep 0.025
	done
	[[ -n $line ]] || { echo "emulator did not say where it listens" >&2; return 1; }
	EMU_PORT=${line##*:}
	EMU_URL="http://127.0.0.1:$EMU_PORT"
	EMU_STDERR=$err
	export EMU_PORT EMU_URL EMU_PID EMU_STDERR
}

emu_stop() {
	local rc=0 pid=${EMU_PID:-} keep=() p
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || rc=$?
	for p in "${_mg_emu_pids[@]}"; do
		[[ $p == "$pid" ]] || keep+=("$p")
	done
	_mg_emu_pids=("${keep[@]}")
	EMU_PID=
	if ((rc != 0)); then
		echo "emulator exited with status $rc:" >&2
		cat "$EMU_STDERR" >&2
		return 1
	fi
	return 0
}

aws_env() {
	mkdir -p "$MG_SCRATCH/home"
	: >"$MG_SCRATCH/aws-config"
	: >"$MG_SCRATCH/aws-credentials"
	local v
	for v in $(compgen -e AWS_); do
		unset "$v"
	done
	export HOME="$MG_SCRATCH/home"
	export AWS_CONFIG_FILE="$MG_SCRATCH/aws-config"
	export AWS_SHARED_CREDENTIALS_FILE="$MG_SCRATCH/aws-credentials"
	export AWS_ACCESS_KEY_ID=AKIDEXAMPLE
	export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
	export AWS_DEFAULT_REGION=us-east-1
	export AWS_EC2_METADATA_DISABLED=true
	export AWS_PAGER=""
}

agentcore() {
	aws bedrock-agentcore-control --endpoint-url "$EMU_URL" "$@"
}
