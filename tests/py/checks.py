# SPDX-License-Identifier: Apache-2.0
"""checks.py: soft checks and signed reads for end-to-end scripts (tests only).

Soft checks: chk(cond, msg) records msg when cond is false and goes on, so
that one run names every failed check; when the program ends, each is
printed as "FAIL: msg" on stderr and the exit status is 1. done(name)
prints "ok: name" if nothing failed so far.

Signed reads (raw JSON, through emu_client) of the emulator at $EMU_URL:
client(), get(rid, version=None), versions(rid); get and versions assert
that the answer was 200.

The files of lib.sh's run_mg TAG in $MG_SCRATCH (SCRATCH): run(tag) is
(stdout, stderr, request log); lines(path) reads a JSON-lines file.
READONLY names the members GetAgentRuntime returns that an update cannot
send; config(rt) is a runtime without them.
"""
import atexit
import json
import os
import sys

import emu_client

SCRATCH = os.environ.get("MG_SCRATCH", "")
READONLY = {"agentRuntimeArn", "agentRuntimeName", "agentRuntimeId",
            "agentRuntimeVersion", "createdAt", "lastUpdatedAt", "status",
            "failureReason", "workloadIdentityDetails"}
_failed = []


def chk(cond, msg):
    if not cond:
        _failed.append(msg)
    return cond


@atexit.register
def _report():
    for m in _failed:
        sys.stderr.write("FAIL: %s\n" % m)
    if _failed:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)


def done(name):
    if not _failed:
        print("ok: " + name)


def client():
    return emu_client.Client(os.environ["EMU_URL"])


def get(rid, version=None):
    r = client().get(rid, version)
    assert r.status == 200, r
    return r.body


def versions(rid):
    r = client().versions(rid, "maxResults=100")
    assert r.status == 200, r
    return sorted((v["agentRuntimeVersion"] for v in r.body["agentRuntimes"]),
                  key=int)


def config(rt):
    return {k: v for k, v in rt.items() if k not in READONLY}


def lines(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def run(tag):
    """(stdout, stderr, request log) of the run_mg run called tag."""
    p = os.path.join(SCRATCH, tag)
    with open(p + ".out") as out, open(p + ".err") as err:
        return out.read(), err.read(), lines(p + ".req")
