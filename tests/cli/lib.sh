# SPDX-License-Identifier: Apache-2.0
# lib.sh: shared helpers for the end-to-end scripts (source it).
#
# Sourcing it sets MG_BUILD_DIR/MG_SOURCE_DIR defaults, puts tests/py
# (emu_client.py, checks.py, ...) on PYTHONPATH, makes a scratch directory
# $MG_SCRATCH (exported; removed on exit) and installs an EXIT trap that
# stops every emulator and background helper started here. Add
# your own exit work with mg_on_exit "command" instead of replacing the
# trap. MG is the mmdsguard binary; MG_REQLOG ($MG_SCRATCH/requests.jsonl)
# is the request log to give emu_start --request-log when run_mg is used.
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
#   mg_need_py MODULE...  skip (print why, exit 77) unless python3 can
#                         import every MODULE
#   mg_need_cmd CMD...    skip (print why, exit 77) unless every CMD is on
#                         PATH
#   bg_start TAG CMD...   run CMD in the background, stdout to
#                         $MG_SCRATCH/TAG.out and stderr to TAG.err, stopped
#                         on exit; fails unless its first line says
#                         "listening on 127.0.0.1:PORT" within 10 seconds;
#                         sets BG_PORT and BG_PID
#   moto_start            start moto's server on a free port (a port taken
#                         meanwhile: up to five tries) and wait until it
#                         answers HTTP; sets MOTO_URL, MOTO_PID; its output
#                         goes to $MG_SCRATCH/moto.log
#   audit_json NAME SECS ARGS...  "$MG" audit --format json ARGS, stopped
#                         after SECS seconds (rc 124); the report goes to
#                         $MG_SCRATCH/NAME.json, stderr to NAME.err; sets
#                         rc and secs (the wall time)
#   run_mg TAG ARGS...    "$MG" ARGS with stdin not a terminal, stdout to
#                         $MG_SCRATCH/TAG.out, stderr to TAG.err; sets rc;
#                         empties $MG_REQLOG first and copies it to TAG.req
#                         after (the requests of this run)
#
# Soft checks record a failure and go on, so that one bug does not hide
# others; soft_finish, at the end, fails the script if any did:
#   soft_fail MSG         print "FAIL: MSG" on stderr and record MSG
#   expect_rc GOT WANT WHAT     soft_fail unless exit status GOT is WANT
#   pycheck WHAT [ARGS...]      run the Python program on stdin with ARGS;
#                               soft_fail WHAT if it fails
#   soft_sanitizer_scan PATH... soft_fail for every file (below PATH)
#                               holding an ASan, LSan or UBSan report: under
#                               -DMG_SANITIZE=ON a report may hide behind an
#                               expected exit status (UBSan only prints)
#   soft_finish NAME      exit 1 listing every soft failure, else print
#                         "ok: NAME"

: "${MG_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${MG_BUILD_DIR:=$MG_SOURCE_DIR/build}"
export MG_SOURCE_DIR MG_BUILD_DIR
EMU_BIN=${EMU_BIN:-$MG_BUILD_DIR/mmdsguard-emulator}
MG_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/mgtest.XXXXXX")
export MG_SCRATCH
MG=$MG_BUILD_DIR/mmdsguard
MG_REQLOG=$MG_SCRATCH/requests.jsonl
export PYTHONPATH="$MG_SOURCE_DIR/tests/py${PYTHONPATH:+:$PYTHONPATH}"

_mg_emu_pids=()
_mg_exit_cmds=()
_mg_emu_count=0
_mg_soft_failures=()

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

mg_need_py() {
	local mods
	mods=$(IFS=,; echo "$*")
	python3 -c "import $mods" 2>/dev/null ||
	    { echo "skipping: python3 cannot import ${mods//,/, }"; exit 77; }
}

mg_need_cmd() {
	local cmd
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null ||
		    { echo "skipping: $cmd is not installed"; exit 77; }
	done
}

bg_start() {
	local tag=$1 line="" i
	shift
	"$@" >"$MG_SCRATCH/$tag.out" 2>"$MG_SCRATCH/$tag.err" &
	BG_PID=$!
	mg_on_exit "kill $BG_PID 2>/dev/null; wait $BG_PID 2>/dev/null"
	for ((i = 0; i < 400; i++)); do
		line=$(head -n1 "$MG_SCRATCH/$tag.out" 2>/dev/null || true)
		[[ $line == "listening on 127.0.0.1:"* ]] && break
		if ! kill -0 "$BG_PID" 2>/dev/null; then
			cat "$MG_SCRATCH/$tag.err" >&2
			mg_fail "$tag did not start"
		fi
		sleep 0.025
	done
	[[ $line == "listening on 127.0.0.1:"* ]] ||
	    mg_fail "$tag did not say where it listens"
	BG_PORT=${line##*:}
}

moto_start() {
	local attempt port pid
	for attempt in 1 2 3 4 5; do
		port=$(python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		python3 -m moto.server -H 127.0.0.1 -p "$port" \
		    >"$MG_SCRATCH/moto.log" 2>&1 &
		pid=$!
		mg_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
		MOTO_PID=$pid MOTO_URL=http://127.0.0.1:$port
		# Poll until moto answers HTTP, dies or 15 seconds pass.
		python3 - "$MOTO_URL" "$pid" <<'PY' && return 0
import os, sys, time, urllib.error, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
end = time.time() + 15
while time.time() < end:
    try:
        urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)             # an HTTP error is an answer too
    except Exception:
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit(1)         # moto died (the port was taken?)
        time.sleep(0.05)
sys.exit(1)
PY
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		echo "moto did not start on port $port (attempt $attempt)"
	done
	cat "$MG_SCRATCH/moto.log" >&2
	mg_fail "moto did not answer"
}

audit_json() {
	local name=$1 limit=$2 t0
	shift 2
	rc=0
	t0=$EPOCHREALTIME
	timeout "$limit" "$MG" audit --format json "$@" \
	    >"$MG_SCRATCH/$name.json" 2>"$MG_SCRATCH/$name.err" || rc=$?
	secs=$(awk "BEGIN { printf \"%.2f\", $EPOCHREALTIME - $t0 }")
}

run_mg() {
	local tag=$1
	shift
	: >"$MG_REQLOG"
	rc=0
	"$MG" "$@" >"$MG_SCRATCH/$tag.out" 2>"$MG_SCRATCH/$tag.err" \
	    </dev/null || rc=$?
	cp "$MG_REQLOG" "$MG_SCRATCH/$tag.req"
}

soft_fail() {
	echo "FAIL: $*" >&2
	_mg_soft_failures+=("$*")
}

expect_rc() {
	[[ $1 == "$2" ]] || soft_fail "$3: exit status $1, expected $2"
}

pycheck() {
	local what=$1
	shift
	python3 - "$@" || soft_fail "$what"
}

soft_sanitizer_scan() {
	local f
	while IFS= read -r f; do
		soft_fail "sanitizer report in ${f#"$MG_SCRATCH"/}"
	done < <(grep -rlsE "Sanitizer|runtime error:" "$@" || true)
}

soft_finish() {
	local n=${#_mg_soft_failures[@]}
	if ((n > 0)); then
		echo "$1: $n failed:" >&2
		printf '  %s\n' "${_mg_soft_failures[@]}" >&2
		exit 1
	fi
	echo "ok: $1"
}
