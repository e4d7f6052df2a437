#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0100-sigv4-botocore.sh: the committed SigV4 golden vectors are botocore's.
#
# Regenerates tests/golden/sigv4 with tools/gen-sigv4-golden.py into a
# temporary folder and requires it to match the committed files byte for
# byte. test_sigv4 then proves our signer reproduces those files.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mg_need_py botocore
committed=$MG_SOURCE_DIR/tests/golden/sigv4
tmp=$MG_SCRATCH

python3 "$MG_SOURCE_DIR/tools/gen-sigv4-golden.py" "$tmp/sigv4" >/dev/null

# Must fail: the comparison has to notice a changed vector.
cp -r "$tmp/sigv4" "$tmp/tampered"
printf 'x' >>"$tmp/tampered/get-agent-runtime/authorization"
if diff -r "$tmp/sigv4" "$tmp/tampered" >/dev/null; then
	mg_fail "diff did not notice a tampered vector"
fi

ncommitted=$(find "$committed" -name request.json | wc -l)
if [ "$ncommitted" -lt 12 ]; then
	mg_fail "only $ncommitted committed cases under $committed"
fi
if ! diff -ru "$committed" "$tmp/sigv4"; then
	mg_fail "committed vectors differ from botocore's output;" \
	    "regenerate with tools/gen-sigv4-golden.py"
fi
echo "ok: $ncommitted golden cases match botocore" \
    "$(python3 -c 'import botocore; print(botocore.__version__)')"
