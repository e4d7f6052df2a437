# SPDX-License-Identifier: Apache-2.0
"""emu_client.py: sign raw AgentCore control-plane requests (tests only).

As a module: call(url, method, path, ...) -> Reply(status, error, body,
headers); sign(method, full_url, data, headers, ...) -> the signed headers
of a request sent some other way. As a program:

  python3 emu_client.py URL METHOD PATH [--query Q] [--body JSON|@FILE]
      [--region R] [--key AKID] [--secret S] [--token T]
      [--date-offset SECONDS] [--service NAME]

prints {"status": N, "error": "Name" or null, "body": {...}} on stdout.
"""
import argparse
import datetime
import json
import sys
import time
import urllib.error
import urllib.request
from unittest import mock

import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


class Reply:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.body = json.loads(raw) if raw else None
        except ValueError:
            self.body = None
        etype = headers.get("x-amzn-ErrorType")
        self.error = etype.split(":", 1)[0] if etype else None

    def __repr__(self):
        return "Reply(%d, %s, %s)" % (self.status, self.error, self.raw[:300])


def sign(method, full, data=None, headers=None, region="us-east-1",
         key=KEY, secret=SECRET, token=None, date_offset=0,
         service="bedrock-agentcore"):
    """The headers of the request to the URL full, SigV4-signed."""
    req = AWSRequest(method=method, url=full, data=data,
                     headers=dict(headers or {}))
    when = (datetime.datetime.now(datetime.timezone.utc) +
            datetime.timedelta(seconds=date_offset))
    with mock.patch.object(botocore.auth, "get_current_datetime",
                           return_value=when):
        SigV4Auth(Credentials(key, secret, token), service,
                  region).add_auth(req)
    return dict(req.headers.items())


def call(url, method, path, query=None, body=None, region="us-east-1",
         key=KEY, secret=SECRET, token=None, date_offset=0,
         service="bedrock-agentcore", timeout=30):
    full = url + path + ("?" + query if query else "")
    data = None
    headers = {}
    if body is not None:
        data = body if isinstance(body, bytes) else (
            body.encode() if isinstance(body, str) else
            json.dumps(body).encode())
        headers["Content-Type"] = "application/json"
    headers = sign(method, full, data, headers, region, key, secret, token,
                   date_offset, service)
    hreq = urllib.request.Request(full, data=data, method=method,
                                  headers=headers)
    try:
        with urllib.request.urlopen(hreq, timeout=timeout) as resp:
            return Reply(resp.status, resp.headers, resp.read().decode())
    except urllib.error.HTTPError as e:
        return Reply(e.code, e.headers, e.read().decode())


def fail(msg):
    sys.stderr.write("FAIL: %s\n" % msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def expect(reply, status, error=None, contains=None, what=""):
    """Fail unless reply has this status, error name and message text."""
    label = what or "request"
    if reply.status != status or reply.error != error:
        fail("%s: expected %d %s, got %r" % (label, status, error, reply))
    if contains is not None:
        msg = (reply.body or {}).get("message", "")
        if contains not in msg:
            fail("%s: message %r lacks %r" % (label, msg, contains))
    return reply.body


class Client:
    """Shortcuts for the runtime operations of one emulator."""

    def __init__(self, url, region="us-east-1", key=KEY, secret=SECRET):
        self.url = url
        self.region = region
        self.key = key
        self.secret = secret

    def call(self, method, path, query=None, body=None, **kw):
        kw.setdefault("region", self.region)
        kw.setdefault("key", self.key)
        kw.setdefault("secret", self.secret)
        return call(self.url, method, path, query, body, **kw)

    def list_runtimes(self, query=None, **kw):
        return self.call("POST", "/runtimes/", query, **kw)

    def get(self, rid, version=None, **kw):
        q = "version=%s" % version if version is not None else None
        return self.call("GET", "/runtimes/%s/" % rid, q, **kw)

    def create(self, body, **kw):
        return self.call("PUT", "/runtimes/", None, body, **kw)

    def update(self, rid, body, **kw):
        return self.call("PUT", "/runtimes/%s/" % rid, None, body, **kw)

    def delete(self, rid, **kw):
        return self.call("DELETE", "/runtimes/%s/" % rid, **kw)

    def versions(self, rid, query=None, **kw):
        return self.call("POST", "/runtimes/%s/versions/" % rid, query, **kw)

    def endpoints(self, rid, query=None, **kw):
        return self.call("POST", "/runtimes/%s/runtime-endpoints/" % rid,
                         query, **kw)

    def get_endpoint(self, rid, name, **kw):
        return self.call("GET", "/runtimes/%s/runtime-endpoints/%s/" %
                         (rid, name), **kw)

    def create_endpoint(self, rid, body, **kw):
        return self.call("PUT", "/runtimes/%s/runtime-endpoints/" % rid,
                         None, body, **kw)

    def update_endpoint(self, rid, name, body, **kw):
        return self.call("PUT", "/runtimes/%s/runtime-endpoints/%s/" %
                         (rid, name), None, body, **kw)

    def wait_status(self, rid, status="READY", timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            r = self.get(rid)
            if r.status == 200 and r.body["status"] == status:
                return r.body
            time.sleep(0.02)
        fail("runtime %s never became %s" % (rid, status))


ARTIFACT = {"containerConfiguration": {
    "containerUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1"}}
ROLE = "arn:aws:iam::123456789012:role/AgentRole"


def minimal(**extra):
    """The smallest valid UpdateAgentRuntime body, plus extra members."""
    body = {"agentRuntimeArtifact": ARTIFACT, "roleArn": ROLE,
            "networkConfiguration": {"networkMode": "PUBLIC"}}
    body.update(extra)
    return body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("method")
    ap.add_argument("path")
    ap.add_argument("--query")
    ap.add_argument("--body")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--key", default=KEY)
    ap.add_argument("--secret", default=SECRET)
    ap.add_argument("--token")
    ap.add_argument("--date-offset", type=int, default=0)
    ap.add_argument("--service", default="bedrock-agentcore")
    a = ap.parse_args()
    body = a.body
    if body is not None and body.startswith("@"):
        with open(body[1:], "rb") as f:
            body = f.read()
    r = call(a.url, a.method, a.path, a.query, body, a.region, a.key,
             a.secret, a.token, a.date_offset, a.service)
    json.dump({"status": r.status, "error": r.error, "body": r.body},
              sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
