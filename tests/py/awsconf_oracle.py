#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""awsconf_oracle.py: botocore's reading of AWS config files, as JSON.

The reference side of tests/cli/t0200-awsconf-botocore.sh. It prints the
same JSON as tests/tools/awsconf_dump.c so the two can be diffed:

  awsconf_oracle.py config FILE        load_config(FILE)['profiles']
  awsconf_oracle.py credentials FILE   raw_config_parse(FILE)
  awsconf_oracle.py resolve [--profile P] [--region R]
                                       credentials and region the AWS CLI
                                       would use (secrets as SHA-256 only)
  awsconf_oracle.py batch JOBS         many of the above in one process:
                                       each line of JOBS is tab-separated
                                       OUTFILE, VAR=VALUE..., "--", ARGS...

On failure it prints "error: <MG_ERRCODE>: <message>" on stdout and exits 1.
The JSON layout is jansson's (JSON_SORT_KEYS | JSON_INDENT(1) |
JSON_ENSURE_ASCII), so the two outputs compare with diff. Exit 77 when
botocore cannot be imported.
"""

import contextlib
import hashlib
import os
import sys

try:
    import botocore.configloader
    import botocore.exceptions
    import botocore.session
    import botocore.utils
except ImportError:
    print("botocore is not importable", file=sys.stderr)
    sys.exit(77)

# Credential sources mmdsguard recognises but does not use: the oracle
# stops at them instead of calling STS or running a process.
UNSUPPORTED_METHODS = {
    "assume-role", "assume-role-with-web-identity", "sso", "login",
    "custom-process", "container-role", "iam-role",
}


SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\f": "\\f",
                 "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def json_string(s):
    out = ['"']
    for ch in s:
        cp = ord(ch)
        if ch in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[ch])
        elif cp < 0x20 or 0x7f < cp < 0x10000:
            out.append("\\u%04X" % cp)
        elif cp >= 0x10000:
            cp -= 0x10000
            out.append("\\u%04X\\u%04X" % (0xd800 + (cp >> 10),
                                            0xdc00 + (cp & 0x3ff)))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def json_text(obj, depth=0):
    """Serialise as jansson does with sorted keys and an indent of 1."""
    if obj is None:
        return "null"
    if obj is True or obj is False:
        return "true" if obj else "false"
    if isinstance(obj, str):
        return json_string(obj)
    if not obj:
        return "{}"
    pad = "\n" + " " * (depth + 1)
    items = [json_string(k) + ": " + json_text(obj[k], depth + 1)
             for k in sorted(obj, key=lambda k: k.encode("utf-8"))]
    return "{" + pad + ("," + pad).join(items) + "\n" + " " * depth + "}"


def emit(obj):
    print(json_text(obj))
    return 0


def fail(code, message):
    print(f"error: {code}: {message}")
    return 1


def sha256(value):
    if not value:
        return None
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def dump(kind, path):
    try:
        if kind == "config":
            parsed = botocore.configloader.load_config(path)["profiles"]
        else:
            parsed = botocore.configloader.raw_config_parse(path)
    except botocore.exceptions.ConfigNotFound:
        parsed = {}
    except botocore.exceptions.ConfigParseError as e:
        return fail("MG_ECONFIG", str(e).replace("\n", " "))
    return emit(parsed)


def resolve(profile, region):
    # Never reach the network: no instance metadata, no container agent.
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    for name in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CREDENTIAL_FILE"):
        os.environ.pop(name, None)
    os.environ["BOTO_CONFIG"] = "/nonexistent/boto"

    session = botocore.session.Session(profile=profile)
    if region is not None:
        session.set_config_variable("region", region)
    try:
        # The AWS CLI reads the profile's scoped config for every command:
        # this is where a missing profile or a broken file stops it.
        session.get_scoped_config()
        creds = session.get_credentials()
    except (botocore.exceptions.ProfileNotFound,
            botocore.exceptions.ConfigParseError) as e:
        return fail("MG_ECONFIG", str(e))
    except (botocore.exceptions.PartialCredentialsError,
            botocore.exceptions.CredentialRetrievalError,
            botocore.exceptions.InvalidConfigError) as e:
        return fail("MG_ECREDS", str(e))
    if creds is None:
        return fail("MG_ECREDS", "unable to locate credentials")
    if creds.method in UNSUPPORTED_METHODS:
        return fail("MG_ECREDS", f"unsupported source {creds.method}")

    region_name = session.get_config_variable("region")
    if not region_name:
        return fail("MG_ECONFIG", "no region")
    try:
        botocore.utils.validate_region_name(region_name)
    except botocore.exceptions.InvalidRegionError as e:
        return fail("MG_EUSAGE", str(e))

    frozen = creds.get_frozen_credentials()
    return emit({
        "access_key_id": frozen.access_key,
        "has_secret": bool(frozen.secret_key),
        "secret_sha256": sha256(frozen.secret_key),
        "session_token_sha256": sha256(frozen.token),
        "region": region_name,
        "profile": session.get_config_variable("profile") or "default",
    })


def batch(jobs_path):
    """Run every job of jobs_path with its own environment."""
    baseline = dict(os.environ)
    with open(jobs_path, encoding="utf-8") as jobs:
        for line in jobs:
            fields = line.rstrip("\n").split("\t")
            out_path, fields = fields[0], fields[1:]
            sep = fields.index("--")
            os.environ.clear()
            os.environ.update(baseline)
            for assignment in fields[:sep]:
                name, _, value = assignment.partition("=")
                os.environ[name] = value
            with open(out_path, "w", encoding="utf-8") as out, \
                    contextlib.redirect_stdout(out):
                try:
                    main(["awsconf_oracle.py"] + fields[sep + 1:])
                except Exception as e:  # one broken job must not hide others
                    fail("PYTHON", repr(e))
    os.environ.clear()
    os.environ.update(baseline)
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "batch":
        return batch(argv[2])
    if len(argv) == 3 and argv[1] in ("config", "credentials"):
        return dump(argv[1], argv[2])
    if len(argv) >= 2 and argv[1] == "resolve":
        profile = None
        region = None
        args = argv[2:]
        while args:
            if len(args) >= 2 and args[0] == "--profile":
                profile = args[1]
            elif len(args) >= 2 and args[0] == "--region":
                region = args[1]
            else:
                break
            args = args[2:]
        if not args:
            return resolve(profile, region)
    print("usage: awsconf_oracle.py config|credentials FILE | "
          "resolve [--profile P] [--region R]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
