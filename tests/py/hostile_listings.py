# SPDX-License-Identifier: Apache-2.0
"""hostile_listings.py: a control plane whose endpoint or version
listings are broken in one way (tests only; signatures are not checked).

    python3 hostile_listings.py MODE

One runtime, agent-0123456789, at version 2 (compliant); version 1 has
no flag. MODE breaks a listing:
  numeric-token    endpoints: page 1 is DEFAULT with nextToken 5 (a
                   number); page 2 would pin prod to version 1
  nameless         endpoints: prod (version 1) has no name
  number-version   endpoints: prod's liveVersion is the number 1
  endless          endpoints: every page empty, with a new nextToken
  endless-versions versions: every page repeats version 2, new token
Prints "listening on 127.0.0.1:PORT" first.
"""
import http.server
import json
import sys
import urllib.parse

MODE = sys.argv[1]
RID = "agent-0123456789"
ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/" + RID


def runtime(version):
    rt = {"agentRuntimeId": RID, "agentRuntimeArn": ARN,
          "agentRuntimeName": "agent", "agentRuntimeVersion": version,
          "createdAt": "2025-12-01T00:00:00Z",
          "lastUpdatedAt": "2026-01-01T00:00:00Z", "status": "READY",
          "roleArn": "arn:aws:iam::123456789012:role/r",
          "lifecycleConfiguration": {}}
    if version == "2":
        rt["metadataConfiguration"] = {"requireMMDSV2": True}
    return rt


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    counter = 0

    def log_message(self, *args):
        pass

    def answer(self, body, status=200):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def endpoints(self, token):
        default = {"name": "DEFAULT", "liveVersion": "2", "status": "READY"}
        prod = {"name": "prod", "liveVersion": "1", "status": "READY"}
        if MODE == "numeric-token":
            if token is None:
                return {"runtimeEndpoints": [default], "nextToken": 5}
            return {"runtimeEndpoints": [prod]}
        if MODE == "nameless":
            del prod["name"]
        if MODE == "number-version":
            prod["liveVersion"] = 1
        if MODE == "endless":
            Handler.counter += 1
            return {"runtimeEndpoints": [],
                    "nextToken": "t%d" % Handler.counter}
        return {"runtimeEndpoints": [default, prod]}

    def versions(self):
        Handler.counter += 1
        summary = {"agentRuntimeId": RID, "agentRuntimeArn": ARN,
                   "agentRuntimeName": "agent", "agentRuntimeVersion": "2",
                   "description": "", "status": "READY",
                   "lastUpdatedAt": "2026-01-01T00:00:00Z"}
        return {"agentRuntimes": [summary], "nextToken": "v%d" %
                Handler.counter}

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        token = q.get("nextToken", [None])[0]
        if url.path == "/runtimes/":
            s = runtime("2")
            summary = {k: s[k] for k in ("agentRuntimeId", "agentRuntimeArn",
                       "agentRuntimeName", "agentRuntimeVersion", "status",
                       "lastUpdatedAt")}
            summary["description"] = ""
            return self.answer({"agentRuntimes": [summary]})
        if url.path == "/runtimes/%s/" % RID:
            return self.answer(runtime(q.get("version", ["2"])[0]))
        if url.path == "/runtimes/%s/runtime-endpoints/" % RID:
            return self.answer(self.endpoints(token))
        if url.path == "/runtimes/%s/versions/" % RID:
            if MODE == "endless-versions":
                return self.answer(self.versions())
            return self.answer({"agentRuntimes": []})
        self.answer({"message": "no such route"}, 404)

    do_GET = do_POST = do_PUT = handle_any


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
