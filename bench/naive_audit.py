# SPDX-License-Identifier: Apache-2.0
"""naive_audit.py: the audit a script would do with boto3, for comparison.

Lists every runtime, reads each one with GetAgentRuntime, lists the
endpoints of runtimes with more than one version and reads each served
version, one call after another with boto3's default retries; or, with
--threads N, the per-runtime work in a thread pool. Prints the number of
versions read and of noncompliant ones.
"""
import argparse
import concurrent.futures
import sys

import boto3
from botocore.config import Config


def audit_runtime(client, summary):
    rid = summary["agentRuntimeId"]
    seen, bad = 0, 0
    rt = client.get_agent_runtime(agentRuntimeId=rid)
    versions = {rt["agentRuntimeVersion"]: rt}
    if rt["agentRuntimeVersion"] != "1":
        eps = client.list_agent_runtime_endpoints(agentRuntimeId=rid,
                                                  maxResults=100)
        for ep in eps["runtimeEndpoints"]:
            for key in ("liveVersion", "targetVersion"):
                v = ep.get(key)
                if v and v not in versions:
                    versions[v] = client.get_agent_runtime(
                        agentRuntimeId=rid, agentRuntimeVersion=v)
    for v in versions.values():
        seen += 1
        if (v.get("metadataConfiguration") or {}).get("requireMMDSV2") is not True:
            bad += 1
    return seen, bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint-url", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    client = boto3.client(
        "bedrock-agentcore-control", endpoint_url=a.endpoint_url,
        region_name=a.region,
        config=Config(max_pool_connections=max(10, a.threads),
                      retries={"mode": "standard"}))
    summaries, token = [], None
    while True:
        kw = {"maxResults": 100}
        if token:
            kw["nextToken"] = token
        page = client.list_agent_runtimes(**kw)
        summaries += page["agentRuntimes"]
        token = page.get("nextToken")
        if not token:
            break
    if a.threads > 1:
        with concurrent.futures.ThreadPoolExecutor(a.threads) as pool:
            results = list(pool.map(lambda s: audit_runtime(client, s),
                                    summaries))
    else:
        results = [audit_runtime(client, s) for s in summaries]
    print("versions=%d noncompliant=%d" % (sum(r[0] for r in results),
                                           sum(r[1] for r in results)))


if __name__ == "__main__":
    sys.exit(main())
