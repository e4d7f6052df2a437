#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""gen-sigv4-golden.py: write SigV4 golden vectors signed by botocore.

Every case is a request to the AgentCore control plane, signed by
botocore.auth.SigV4Auth at a frozen clock. For each case one directory
is written under OUTDIR:

    request.json       what went on the wire and what was signed
    canonical-request  botocore's canonical request
    string-to-sign     botocore's string to sign
    authorization      the Authorization header botocore sent

Usage: gen-sigv4-golden.py [OUTDIR]   (default: tests/golden/sigv4)

Test tooling only: botocore is never a dependency of the product.
"""

import datetime
import json
import os
import sys
from unittest import mock

# Keep the user's AWS configuration out of the vectors.
for _name in list(os.environ):
    if _name.startswith("AWS_"):
        del os.environ[_name]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

import botocore  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.session  # noqa: E402
from botocore.awsrequest import AWSRequest, AWSResponse  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
# A made-up token with the characters real ones carry ('/', '+', '=').
SESSION_TOKEN = ("IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJH"
                 "MEUCIQDexample+token/value+for/golden+vectors==")
REGION = "us-east-1"
SERVICE = "bedrock-agentcore"
ENDPOINT = "https://bedrock-agentcore-control.us-east-1.amazonaws.com"
FIXED_TIME = datetime.datetime(2026, 1, 15, 12, 34, 56)
AMZ_DATE = "20260115T123456Z"
RUNTIME_ID = "mgtest_runtime-a1B2c3D4e5"


class FakeRaw:
    """Stands in for urllib3's response body."""

    def __init__(self, data):
        self.data = data

    def stream(self, **kwargs):
        yield self.data


class Capture:
    """Records what SigV4Auth computes while botocore signs."""

    def __init__(self):
        self.signings = []
        self.sent = []

    def reset(self):
        self.signings = []
        self.sent = []


CAPTURE = Capture()
_orig_canonical_request = botocore.auth.SigV4Auth.canonical_request
_orig_string_to_sign = botocore.auth.SigV4Auth.string_to_sign
_orig_canonical_headers = botocore.auth.SigV4Auth.canonical_headers


def _wrap_canonical_headers(self, headers_to_sign):
    CAPTURE.signings.append({
        "signed": [(k, v) for k, v in headers_to_sign.items()],
    })
    return _orig_canonical_headers(self, headers_to_sign)


def _wrap_canonical_request(self, request):
    creq = _orig_canonical_request(self, request)
    CAPTURE.signings[-1]["creq"] = creq
    return creq


def _wrap_string_to_sign(self, request, canonical_request):
    sts = _orig_string_to_sign(self, request, canonical_request)
    CAPTURE.signings[-1]["sts"] = sts
    return sts


def before_send(request, **kwargs):
    CAPTURE.sent.append(request)
    return AWSResponse(request.url, 200, {}, FakeRaw(b"{}"))


def client_for(token):
    session = botocore.session.Session()
    client = session.create_client(
        "bedrock-agentcore-control", region_name=REGION,
        endpoint_url=ENDPOINT, aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY, aws_session_token=token,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    client.meta.events.register("before-send", before_send)
    return client


def send_via_client(operation, params, token):
    """Serialize and sign with a real client; return the prepared request."""
    client = client_for(token)
    getattr(client, operation)(**params)
    if len(CAPTURE.sent) != 1:
        sys.exit("gen-sigv4-golden: expected one request for '%s', got %d"
                 % (operation, len(CAPTURE.sent)))
    return CAPTURE.sent[0]


def send_raw(method, url, headers, body, token):
    """Sign a hand-built AWSRequest exactly as an endpoint would."""
    creds = Credentials(ACCESS_KEY, SECRET_KEY, token)
    request = AWSRequest(method=method, url=url, headers=headers, data=body)
    botocore.auth.SigV4Auth(creds, SERVICE, REGION).add_auth(request)
    return request.prepare()


def update_params():
    return {
        "agentRuntimeId": RUNTIME_ID,
        "agentRuntimeArtifact": {"containerConfiguration": {
            "containerUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com"
                            "/agent:latest"}},
        "roleArn": "arn:aws:iam::123456789012:role/AgentRole",
        "networkConfiguration": {"networkMode": "PUBLIC"},
        "description": "caf\u00e9 \u2615 \u00fcn\u00efcode",
        "metadataConfiguration": {"requireMMDSV2": True},
        "clientToken": "00000000-1111-4222-8333-444444444444",
    }


def utf8_body():
    doc = {
        "description": "caf\u00e9 \u2615 \u00fcn\u00efcode \u65e5\u672c",
        "metadataConfiguration": {"requireMMDSV2": True},
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


# name -> function(token) returning the prepared request botocore sent.
CASES = {
    "list-agent-runtimes": lambda token: send_via_client(
        "list_agent_runtimes",
        {"maxResults": 100, "nextToken": "AAEC+/x=y/z+w=="}, token),
    "get-agent-runtime": lambda token: send_via_client(
        "get_agent_runtime",
        {"agentRuntimeId": RUNTIME_ID, "agentRuntimeVersion": "3"}, token),
    "update-agent-runtime": lambda token: send_via_client(
        "update_agent_runtime", update_params(), token),
    "get-agent-runtime-endpoint": lambda token: send_via_client(
        "get_agent_runtime_endpoint",
        {"agentRuntimeId": RUNTIME_ID,
         "endpointName": "ep name/\u00fc%x"}, token),
    "raw-encoded-path": lambda token: send_raw(
        "GET", ENDPOINT + "/runtimes/a%2Fb%20c%C3%A9%E2%98%95/./versions"
        "/../runtime-endpoints//x~y/?q=a%2Fb%3D&flag&empty=&Q=%20",
        {}, b"", token),
    "raw-utf8-body": lambda token: send_raw(
        "PUT", ENDPOINT + "/runtimes/" + RUNTIME_ID + "/",
        {"Content-Type": "application/json",
         "X-Mg-Note": "  spaced    out   value  "}, utf8_body(), token),
}


def signed_header_list(prepared, signing):
    """The signed headers as sent, names in their wire spelling."""
    signed = signing["signed"]
    names = {k for k, _ in signed}
    out = [[k, wire_text(v)] for k, v in prepared.headers.items()
           if k.lower() in names]
    if not any(k.lower() == "host" for k, _ in out):
        out.extend([k, v] for k, v in signed if k == "host")
    if sorted((k.lower(), v) for k, v in out) != sorted(signed):
        sys.exit("gen-sigv4-golden: wire headers differ from signed ones")
    return out


def wire_text(value):
    """botocore turns header values into UTF-8 bytes just before sending."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value


def as_text(value):
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def record(prepared, signing, token):
    parts = botocore.compat.urlsplit(prepared.url)
    body = as_text(prepared.body)
    headers = signed_header_list(prepared, signing)
    return {
        "method": prepared.method,
        "path": parts.path,
        "query": parts.query,
        "headers": headers,
        "body": body.decode("utf-8"),
        "region": REGION,
        "service": SERVICE,
        "amz_date": AMZ_DATE,
        "access_key": ACCESS_KEY,
        "session_token": token is not None,
        "normalize_path": True,
    }


def check(prepared, signing, name):
    date = wire_text(prepared.headers.get("X-Amz-Date"))
    if date != AMZ_DATE:
        sys.exit("gen-sigv4-golden: '%s' signed at %s, not the frozen %s"
                 % (name, date, AMZ_DATE))
    authz = wire_text(prepared.headers.get("Authorization"))
    if authz is None or "creq" not in signing or "sts" not in signing:
        sys.exit("gen-sigv4-golden: '%s' was not signed by SigV4Auth" % name)
    return authz


def write_case(outdir, name, req, signing, authz):
    casedir = os.path.join(outdir, name)
    os.makedirs(casedir, exist_ok=True)
    files = {
        "request.json": json.dumps(req, indent=2) + "\n",
        "canonical-request": signing["creq"],
        "string-to-sign": signing["sts"],
        "authorization": authz,
    }
    for fname, text in files.items():
        with open(os.path.join(casedir, fname), "w", encoding="utf-8",
                  newline="") as f:
            f.write(text)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "tests", "golden", "sigv4")
    outdir = sys.argv[1] if len(sys.argv) > 1 else default
    patches = [
        mock.patch("botocore.auth.get_current_datetime",
                   lambda *a, **k: FIXED_TIME),
        mock.patch.object(botocore.auth.SigV4Auth, "canonical_headers",
                          _wrap_canonical_headers),
        mock.patch.object(botocore.auth.SigV4Auth, "canonical_request",
                          _wrap_canonical_request),
        mock.patch.object(botocore.auth.SigV4Auth, "string_to_sign",
                          _wrap_string_to_sign),
    ]
    for p in patches:
        p.start()
    for base, make in CASES.items():
        for name, token in ((base, None), (base + "-token", SESSION_TOKEN)):
            CAPTURE.reset()
            prepared = make(token)
            if len(CAPTURE.signings) != 1:
                sys.exit("gen-sigv4-golden: '%s' signed %d times"
                         % (name, len(CAPTURE.signings)))
            signing = CAPTURE.signings[0]
            authz = check(prepared, signing, name)
            write_case(outdir, name, record(prepared, signing, token),
                       signing, authz)
    for p in patches:
        p.stop()
    print("gen-sigv4-golden: wrote %d cases to %s (botocore %s)"
          % (2 * len(CASES), os.path.normpath(outdir), botocore.__version__))


if __name__ == "__main__":
    main()
