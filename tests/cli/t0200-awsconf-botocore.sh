#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t0200-awsconf-botocore.sh: config parsing and credential resolution
# against botocore itself (tests/py/awsconf_oracle.py), case by case.
set -eu
source "$(dirname "$0")/lib.sh"

mg_need_py botocore.session
DUMP=$MG_BUILD_DIR/awsconf_dump
ORACLE=$MG_SOURCE_DIR/tests/py/awsconf_oracle.py
[ -x "$DUMP" ] || { echo "missing $DUMP"; exit 1; }

tmp=$MG_SCRATCH
export LC_ALL=C.UTF-8
export HOME=$tmp/home
# Nothing from the caller's AWS setup may leak in.
for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset BOTO_CONFIG
mkdir -p "$tmp/f" "$tmp/want" "$tmp/got" "$HOME/.aws"

jobs=$tmp/jobs.tsv
: >"$jobs"
names=()

# job NAME VAR=VALUE... -- ARGS...: run awsconf_dump ARGS now and queue the
# same for botocore, which runs every job in one process at the end (a
# Python start per case would take a minute). "ours:VAR=V" or
# "botocore:VAR=V" applies to one side only.
job() {
	local name=$1 i=${#names[@]} a
	local -a ours=() theirs=()
	shift
	while [ "$1" != "--" ]; do
		case $1 in
		ours:*) ours+=("${1#ours:}") ;;
		botocore:*) theirs+=("${1#botocore:}") ;;
		*) ours+=("$1"); theirs+=("$1") ;;
		esac
		shift
	done
	shift
	names+=("$name")
	{
		printf '%s' "$tmp/want/$i"
		for a in "${theirs[@]}" -- "$@"; do printf '\t%s' "$a"; done
		printf '\n'
	} >>"$jobs"
	env "${ours[@]}" "$DUMP" "$@" >"$tmp/got/$i" 2>"$tmp/got/$i.err" ||
	    true
}

# resolve NAME VAR=VALUE... [-- ARGS...]: a resolution job.
resolve() {
	local name=$1
	local -a pre=()
	shift
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		pre+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	job "resolve $name" "${pre[@]}" -- resolve "$@"
}

# mk NAME PART...: the printf format made of the parts, as file NAME.
mk() {
	local name=$1 fmt
	shift
	fmt=$(printf '%s' "$@")
	printf "$fmt" >"$tmp/f/$name"
}

# The corpus: each file is a trap some INI reader falls into.
mk comments '# top\n; top\n[default]\n# k = v\n  ; indented = comment\n' \
    'region = us-east-1 # kept\nb = x ; kept too\n#[profile hidden]\n'
mk profile-sections '[profile dev]\na = 1\n[dev2]\nb = 2\n' \
    '[profiles quirk]\nc = 3\n[profile]\nd = 4\n[profile a b]\ne = 5\n' \
    '[profile "q p"]\nf = 6\n[profile "open]\ng = 7\n'
mk profile-default-then-default '[profile default]\nregion = eu-west-1\n' \
    'x = 1\n[default]\nregion = us-east-1\n'
mk default-then-profile-default '[default]\nregion = us-east-1\n' \
    '[profile default]\nregion = eu-west-1\n'
mk subsections '[default]\ns3 =\n  addressing_style = path\n' \
    '  Signature_Version = s3v4\n  x = 1 = 2\nregion = us-east-1\n' \
    's3api=\n\n    a=b\n'
mk continuation '[default]\nnote = first\n  second\n\n  # skipped\n' \
    '  third\nafter = 1\n'
mk long-token '[default]\naws_access_key_id = AKIDLONG\n' \
    'aws_secret_access_key = s\naws_session_token = ' \
    "$(seq 1 400 | base64 -w0 | head -c 1500)" '\n'
mk dup-key '[default]\na = 1\nb = 2\na = 3\n'
mk dup-key-case '[default]\nRegion = a\nregion = b\n'
mk dup-section '[profile x]\na = 1\n[other]\n[profile x]\nb = 2\n'
mk crlf '[default]\r\nregion = us-east-1\r\ns3 =\r\n  a = b\r\n\r\n' \
    '[profile p]\r\nk = v\r\n'
mk lone-cr '[default]\rregion = us-east-1\r  more\r'
mk mixed-case-keys '[default]\nAWS_Access_Key_ID = AKID\n' \
    'REGION = us-west-2\ns3 =\n  Addressing_Style = path\n'
mk spaced-sections '[ default ]\na = 1\n[profile   wide   ]\nb = 2\n' \
    '[profile\ttab]\nc = 3\n[default]\nd = 4\n'
mk colon-delimiter '[default]\nregion: us-east-1\nurl = http://x:8080\n' \
    'odd : a = b\nempty:\n'
mk empty-values '[default]\na =\nb=\ns3 =\nc = ""\n[profile empty]\n'
mk no-section 'region = us-east-1\n[default]\n'
mk bom '\xef\xbb\xbf[default]\nregion = us-east-1\n'
mk bad-utf8 '[default]\nregion = \xc0\xafus\n'
mk default-section '[DEFAULT]\nregion = us-east-1\ns3 =\n  a = b\n' \
    '[profile p]\nx = 1\n[profile q]\nregion = eu-west-1\n'
mk nested-no-equals '[default]\ns3 =\n  addressing_style: path\n'
mk no-delimiter '[default]\nregion\n'
mk unicode-space '[default]\n\xc2\xa0region\xe3\x80\x80=\xc2\xa0' \
    'us-east-1\xe2\x80\x83\n  \xe3\x80\x80next\n'
mk header-trailing '[default] # note\na = 1\n[x]]\nb = 2\n'
mk other-sections '[sso-session corp]\nsso_region = us-east-1\n' \
    '[services s]\nx = 1\n[plugins]\ny = 2\n[profile p]\nz = 3\n'
mk indented-header '[default]\na = 1\n  [profile x]\nb = 2\n'
mk empty ''

for f in "$tmp"/f/*; do
	for kind in config credentials; do
		job "$kind ${f##*/}" -- $kind "$f"
	done
done

# Resolution: the same environment for botocore and for us.
R=$tmp/r
mkdir -p "$R"
printf '%s\n' '[default]' 'aws_access_key_id = AKIDDEFAULT' \
    'aws_secret_access_key = secret-default' \
    '[dev]' 'aws_access_key_id = AKIDDEV' 'aws_secret_access_key = secret-dev' \
    'aws_session_token = token-dev' \
    '[both]' 'aws_access_key_id = AKIDBOTH' 'aws_secret_access_key = s' \
    'aws_security_token = older' 'aws_session_token = newer' \
    '[halfkey]' 'aws_access_key_id = AKIDHALF' \
    '[regioncred]' 'aws_access_key_id = AKIDRC' 'aws_secret_access_key = s' \
    'region = ap-south-1' \
    '[mixed]' 'aws_access_key_id = AKIDMIXED' 'aws_secret_access_key = s' \
    '[roleandkeys]' 'aws_access_key_id = AKIDRK' 'aws_secret_access_key = s' \
    >"$R/credentials"
printf '%s\n' '[default]' 'region = us-east-1' \
    '[profile dev]' 'region = eu-west-1' \
    '[profile cfgonly]' 'aws_access_key_id = AKIDCFG' \
    'aws_secret_access_key = secret-cfg' 'aws_session_token = token-cfg' \
    'region = us-west-2' \
    '[profile regioncred]' 'region = us-east-2' \
    '[profile noregion]' 'aws_access_key_id = A' 'aws_secret_access_key = B' \
    '[profile role]' 'role_arn = arn:aws:iam::123456789012:role/r' \
    'source_profile = dev' 'region = us-east-1' \
    '[profile proc]' 'credential_process = /bin/false' 'region = us-east-1' \
    '[profile sso]' 'sso_start_url = https://x.awsapps.com/start' \
    'sso_region = us-east-1' 'sso_account_id = 123456789012' \
    'sso_role_name = R' 'region = us-east-1' \
    '[profile ssosession]' 'sso_session = corp' 'region = us-east-1' \
    '[profile web]' 'role_arn = arn:aws:iam::123456789012:role/w' \
    'web_identity_token_file = /nonexistent/token' 'region = us-east-1' \
    '[profile mixed]' 'credential_process = /bin/false' 'region = us-east-1' \
    '[profile roleandkeys]' 'role_arn = arn:aws:iam::123456789012:role/r' \
    'credential_source = Environment' 'region = us-east-1' \
    >"$R/config"
printf '[default]\nregion = us-east-1\nregion = again\n' >"$R/broken"
mkdir -p "$tmp/x"
cp "$R/config" "$HOME/.aws/config"
cp "$R/credentials" "$HOME/.aws/credentials"
cp "$R/config" "$tmp/x/cfg"

F=("AWS_CONFIG_FILE=$R/config" "AWS_SHARED_CREDENTIALS_FILE=$R/credentials")
NONE=(AWS_CONFIG_FILE=$R/none AWS_SHARED_CREDENTIALS_FILE=$R/none)
ENVKEYS=(AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=secret-env)
WEB=(AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/t
    AWS_ROLE_ARN=arn:aws:iam::123456789012:role/w)

resolve env-wins-over-default "${F[@]}" "${ENVKEYS[@]}" AWS_SESSION_TOKEN=t
resolve flag-profile-skips-env "${F[@]}" "${ENVKEYS[@]}" -- --profile dev
resolve aws-profile-keeps-env "${F[@]}" "${ENVKEYS[@]}" AWS_PROFILE=dev
resolve aws-profile "${F[@]}" AWS_PROFILE=dev
resolve default-profile "${F[@]}"
resolve config-file-keys "${F[@]}" -- --profile cfgonly
resolve flag-profile-missing "${F[@]}" -- --profile nope
resolve env-profile-missing "${F[@]}" AWS_PROFILE=nope
resolve env-profile-missing-env-keys "${F[@]}" "${ENVKEYS[@]}" \
    AWS_PROFILE=nope
resolve default-named-missing "${NONE[@]}" -- --profile default
resolve key-without-secret "${F[@]}" -- --profile halfkey
resolve env-key-without-secret "${F[@]}" AWS_ACCESS_KEY_ID=AKIDENV
resolve env-secret-without-key "${F[@]}" AWS_SECRET_ACCESS_KEY=secret-env
resolve env-security-token-first "${F[@]}" "${ENVKEYS[@]}" \
    AWS_SECURITY_TOKEN=older AWS_SESSION_TOKEN=newer
resolve file-security-token-first "${F[@]}" -- --profile both
resolve role-arn "${F[@]}" -- --profile role
resolve credential-process "${F[@]}" -- --profile proc
resolve sso "${F[@]}" -- --profile sso
resolve sso-session-only "${F[@]}" -- --profile ssosession
resolve web-identity "${F[@]}" -- --profile web
resolve shared-file-before-process "${F[@]}" -- --profile mixed
resolve role-before-shared-file "${F[@]}" -- --profile roleandkeys
resolve env-web-identity "${F[@]}" "${WEB[@]}"
resolve env-web-identity-with-flag "${F[@]}" "${WEB[@]}" -- --profile dev
resolve region-flag "${F[@]}" AWS_DEFAULT_REGION=eu-north-1 -- \
    --profile dev --region sa-east-1
resolve region-env "${F[@]}" AWS_DEFAULT_REGION=eu-north-1 -- --profile dev
resolve no-region "${F[@]}" -- --profile noregion
resolve region-from-credentials-file "${F[@]}" -- --profile regioncred
resolve bad-region "${F[@]}" AWS_DEFAULT_REGION=Not_A_Region
resolve nothing-anywhere "${NONE[@]}"
resolve broken-config-with-env-keys AWS_CONFIG_FILE=$R/broken \
    AWS_SHARED_CREDENTIALS_FILE=$R/credentials "${ENVKEYS[@]}"
resolve broken-credentials-file AWS_CONFIG_FILE=$R/config \
    AWS_SHARED_CREDENTIALS_FILE=$R/broken "${ENVKEYS[@]}"
resolve default-profile-var-first "${F[@]}" AWS_DEFAULT_PROFILE=dev \
    AWS_PROFILE=cfgonly
resolve empty-config-path AWS_CONFIG_FILE= \
    AWS_SHARED_CREDENTIALS_FILE=$R/credentials AWS_DEFAULT_REGION=us-east-1
# The default paths under ~/.aws, and "~" and "$VAR" in the variables.
resolve home-dot-aws -- --profile cfgonly
resolve home-dot-aws-default
resolve tilde-and-var-expansion "AWS_CONFIG_FILE=~/../x/cfg" \
    "AWS_SHARED_CREDENTIALS_FILE=\${HOME}/.aws/credentials" -- \
    --profile cfgonly
resolve var-expansion "AWS_CONFIG_FILE=\$XDIR/cfg" "XDIR=$tmp/x" \
    AWS_SHARED_CREDENTIALS_FILE=/nonexistent -- --profile cfgonly
# A deliberate difference (docs/internals/AWSCONF.md): AWS_REGION, which
# botocore ignores, counts here as AWS_DEFAULT_REGION does in botocore.
resolve aws-region-first "${F[@]}" ours:AWS_REGION=eu-central-1 \
    ours:AWS_DEFAULT_REGION=us-west-1 \
    botocore:AWS_DEFAULT_REGION=eu-central-1 -- --profile dev

python3 "$ORACLE" batch "$jobs"

n=0
failed=0
check() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
		return 0
	fi
	echo "not ok $n - $1 (botocore first, ours second)"
	diff -u <(echo "$2") <(echo "$3") || true
	failed=1
}

# A result as compared: the JSON, or only "error: MG_CODE" of a failure.
result() {
	local out
	out=$(<"$1")
	case $out in
	"error: "*)
		out=${out#error: }
		echo "error: ${out%%:*}"
		;;
	*) echo "$out" ;;
	esac
}

for i in "${!names[@]}"; do
	check "${names[$i]}" "$(result "$tmp/want/$i")" \
	    "$(result "$tmp/got/$i")"
	# Under -DMG_SANITIZE=ON a report only shows on stderr.
	if grep -q 'Sanitizer\|runtime error' "$tmp/got/$i.err"; then
		check "${names[$i]}: sanitizer report" "" \
		    "$(cat "$tmp/got/$i.err")"
	fi
done

# Cases that must fail here although botocore carries on.
must_fail() {
	local name=$1 out
	shift
	out=$("$@" 2>/dev/null || true)
	case $out in
	"error: "*) check "must fail: $name" "" "" ;;
	*) check "must fail: $name" "an error" "$out" ;;
	esac
}
printf '[default]\nregion = us\0east-1\n' >"$tmp/nul"
must_fail nul-byte "$DUMP" config "$tmp/nul"
printf '[p]\naws_access_key_id = A\naws_secret_access_key =\n' >"$tmp/empty"
must_fail empty-secret env AWS_SHARED_CREDENTIALS_FILE="$tmp/empty" \
    AWS_CONFIG_FILE=/nonexistent "$DUMP" resolve --profile p
must_fail uppercase-region env "${F[@]}" AWS_REGION=US-EAST-1 \
    "$DUMP" resolve

# No secret may reach stdout or stderr, on success or failure.
out=$(env "${F[@]}" "$DUMP" resolve --profile dev 2>&1 || true)
out+=$(env "${F[@]}" "${ENVKEYS[@]}" AWS_PROFILE=nope "$DUMP" resolve 2>&1 ||
    true)
out+=$(env "${F[@]}" AWS_ACCESS_KEY_ID=AKIDENV "$DUMP" resolve 2>&1 || true)
case $out in
*secret-dev* | *token-dev* | *secret-env*)
	check "no secret printed" "" "$out" ;;
*)
	check "no secret printed" "" "" ;;
esac

if [ $failed = 0 ]; then
	echo "$n cases passed"
else
	echo "some of $n cases FAILED"
fi
exit $failed
