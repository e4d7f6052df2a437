#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t0307-emulator-server.sh: quotas, latency with concurrent clients,
# keep-alive, raw paths, the request log, --help and usage errors.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mg_need_py botocore

"$EMU_BIN" --help >"$MG_SCRATCH/help"
for flag in --port --fleet --generate --key --legacy-defaults --update-omit \
    --ready-delay-ms --latency-ms --quotas --quota-rates --default-page-size \
    --s3-endpoint-cutoff --request-log --mmds --mmds-role --fault \
    drop-after-apply late-updating harness: refuse-authorizer-once \
    conflict-once vanish-on-get access-denied repeat-token region-error \
    fail-update; do
	grep -q -- "$flag" "$MG_SCRATCH/help" || mg_fail "--help lacks $flag"
done
for args in "--port" "--port 70000" "--bogus" "--quotas maybe" \
    "--quota-rates 1,2" "--update-omit sometimes" "--key nocolons" \
    "--s3-endpoint-cutoff soon" "--generate lots"; do
	rc=0
	# shellcheck disable=SC2086
	"$EMU_BIN" $args >/dev/null 2>"$MG_SCRATCH/err" || rc=$?
	[[ $rc -ne 0 ]] || mg_fail "'$args' accepted"
	grep -q "mmdsguard-emulator" "$MG_SCRATCH/err" || mg_fail "'$args' message"
done

log="$MG_SCRATCH/requests.log"
emu_start --quotas on --quota-rates 2,4,2 --ready-delay-ms 0 \
    --fleet "$MG_SOURCE_DIR/examples/fleet.json" --request-log "$log"
python3 - "$EMU_URL" <<'PY'
import sys, time
from emu_client import Client, check, expect, minimal

c = Client(sys.argv[1])
rid = "orders_agent-Qm3vX8pL2a"
# Buckets start full (one second's worth) and refill at the rate.
for i in range(2):
    expect(c.list_runtimes(), 200, what="list %d" % i)
expect(c.list_runtimes(), 429, "ThrottlingException", what="3rd list")
expect(c.versions(rid), 429, "ThrottlingException", what="List bucket shared")
for i in range(4):
    expect(c.get(rid), 200, what="get %d" % i)
expect(c.get_endpoint(rid, "DEFAULT"), 429, "ThrottlingException")
for i in range(2):
    expect(c.update(rid, minimal()), 202, what="update %d" % i)
expect(c.update(rid, minimal()), 429, "ThrottlingException")
expect(c.list_runtimes(region="us-west-2"), 200, what="other region")
time.sleep(0.6)
expect(c.list_runtimes(), 200, what="refilled at 2/s")
PY
emu_stop
n=$(grep -c '"status":429' "$log")
mg_expect_eq "$n" 4 "throttles logged"

: >"$log"
emu_start --latency-ms 300 --fleet "$MG_SOURCE_DIR/examples/fleet.json" \
    --request-log "$log"
python3 - "$EMU_URL" <<'PY'
import http.client, json, sys, threading, time, urllib.parse
from emu_client import Client, check, expect, sign

url = sys.argv[1]
c = Client(url)
t0 = time.time()
expect(c.list_runtimes(), 200)
check(time.time() - t0 >= 0.29, "latency applied")

results = []
def worker():
    results.append(c.get("orders_agent-Qm3vX8pL2a").status)
t0 = time.time()
threads = [threading.Thread(target=worker) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
took = time.time() - t0
check(results == [200] * 8, "concurrent gets %r" % results)
check(took < 1.5, "8 clients served concurrently (%.2fs)" % took)

# Keep-alive: three signed requests on one connection; a raw, encoded path.
host = urllib.parse.urlsplit(url).netloc
conn = http.client.HTTPConnection(host, timeout=10)
paths = ["/runtimes/", "/runtimes/orders%5Fagent-Qm3vX8pL2a/",
         "/runtimes/orders_agent-Qm3vX8pL2a/runtime-endpoints/"]
sock = None
for i, path in enumerate(paths):
    method = "GET" if i == 1 else "POST"
    conn.request(method, path + "?maxResults=3",
                 headers=sign(method, url + path + "?maxResults=3"))
    resp = conn.getresponse()
    body = json.loads(resp.read())
    check(resp.status == 200, "%s on a kept-alive connection: %d %r" %
          (path, resp.status, body))
    if sock is None:
        sock = conn.sock
    check(conn.sock is sock, "connection reused")
conn.close()
PY
emu_stop
python3 - "$log" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
check_keys = {"time", "method", "path", "query", "operation", "account",
              "region", "runtimeId", "status", "error"}
for l in lines:
    assert check_keys <= set(l), l
raw = [l for l in lines if l["path"] == "/runtimes/orders%5Fagent-Qm3vX8pL2a/"]
assert len(raw) == 1, "raw path logged as received"
r = raw[0]
assert (r["method"], r["query"], r["operation"], r["account"], r["region"],
        r["runtimeId"], r["status"]) == (
    "GET", "maxResults=3", "GetAgentRuntime", "123456789012", "us-east-1",
    "orders_agent-Qm3vX8pL2a", 200), r
ops = [l["operation"] for l in lines]
assert ops.count("GetAgentRuntime") == 9, ops
assert not any(o.startswith(("Update", "Create", "Delete")) for o in ops)
PY
echo ok
