#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0460-audit-hostile-listings.sh: broken endpoint and version listings
# (a numeric nextToken, an endpoint without a name or with a numeric
# version, endless pages) leave an unknown finding (exit 4 unless
# something is noncompliant), never a pass, and never an endless loop.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

aws_env
check() {	# mode versions page_size want_rc want_reason
	local mode=$1 versions=$2 page=$3 want_rc=$4 want=$5
	bg_start "srv-$mode" python3 "$MG_SOURCE_DIR/tests/py/hostile_listings.py" \
	    "$mode"
	audit_json "$mode" 120 --endpoint-url "http://127.0.0.1:$BG_PORT" \
	    --region us-east-1 --versions "$versions" --page-size "$page"
	expect_rc "$rc" "$want_rc" "$mode: exit status"
	pycheck "$mode: findings" "$MG_SCRATCH/$mode.json" "$want" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
reasons = [f["reason"] for f in rep["findings"]]
assert sys.argv[2] in reasons, reasons
assert rep["summary"]["unknown"] >= 1, rep["summary"]
PY
	kill "$BG_PID" 2>/dev/null || true
	echo "$mode: exit $rc in ${secs}s"
}
check numeric-token served 1 4 endpoints-unreadable
check nameless served 1 4 endpoints-unreadable
check number-version served 1 4 endpoints-unreadable
check endless served 1 4 endpoints-unreadable
# prod still pins the noncompliant version 1 here: exit 1 outranks 4.
check endless-versions all 100 1 versions-unreadable
soft_finish t0460
