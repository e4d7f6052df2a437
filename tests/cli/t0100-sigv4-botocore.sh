#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0100-sigv4-botocore.sh: the committed SigV4 golden vectors are botocore's.
#
# Regenerates tests/golden/sigv4 with tools/gen-sigv4-golden.py into a
# temporary folder and requires it to match the committed files byte for
# byte. test_sigv4 then proves our signer reproduces those files.
set -euo pipefail

src=${MG_SOURCE_DIR:?MG_SOURCE_DIR is not set}
committed=$src/tests/golden/sigv4

if ! python3 -c 'import botocore' 2>/dev/null; then
	echo "skipping: python3 cannot import botocore"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$src/tools/gen-sigv4-golden.py" "$tmp/sigv4" >/dev/null

# Must fail: the comparison has to notice a changed vector.
cp -r "$tmp/sigv4" "$tmp/tampered"
printf 'x' >>"$tmp/tampered/get-agent-runtime/authorization"
if diff -r "$tmp/sigv4" "$tmp/tampered" >/dev/null; then
	echo "FAIL: diff did not notice a tampered vector"
	exit 1
fi

ncommitted=$(find "$committed" -name request.json | wc -l)
if [ "$ncommitted" -lt 12 ]; then
	echo "FAIL: only $ncommitted committed cases under $committed"
	exit 1
fi
if ! diff -ru "$committed" "$tmp/sigv4"; then
	echo "FAIL: committed vectors differ from botocore's output;" \
	    "regenerate with tools/gen-sigv4-golden.py"
	exit 1
fi
echo "ok: $ncommitted golden cases match botocore" \
    "$(python3 -c 'import botocore; print(botocore.__version__)')"
