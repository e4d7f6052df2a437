#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""check_schema.py: validate an `mmdsguard audit --format json` report.

Two layers: docs/report.schema.json (JSON Schema 2020-12, through the
jsonschema module), then the rules a schema cannot state: the summary
counts equal the findings, timestamps are UTC and in order, findings are
unique, each belongs to a target, and (with --exit-code) the exit status
agrees with the report.

Exit status: 0 valid, 1 invalid, 2 usage or unreadable input, 77 when the
jsonschema module is missing (the test harness's "skipped").
"""
import argparse
import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "..", "..", "docs", "report.schema.json")

NONCOMPLIANT_REASONS = {
    "flag-false", "flag-absent", "flag-null", "config-null", "config-empty",
}
UNKNOWN_REASONS = {
    "wrong-type", "access-denied", "throttled", "read-error", "bad-response",
    "endpoints-unreadable", "versions-unreadable", "not-found",
}


def parse_time(text):
    """An RFC 3339 UTC timestamp as an aware datetime, or None."""
    if not isinstance(text, str) or not text.endswith("Z"):
        return None
    body = text[:-1]
    frac = ""
    if "." in body:
        body, frac = body.split(".", 1)
        if not frac.isdigit():
            return None
    try:
        t = datetime.datetime.strptime(body, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    micros = int((frac + "000000")[:6]) if frac else 0
    return t.replace(microsecond=micros, tzinfo=datetime.timezone.utc)


def schema_errors(report, schema):
    import jsonschema

    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    out = []
    for err in sorted(validator.iter_errors(report),
                      key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        out.append("schema: %s: %s" % (where, err.message))
    return out


def finding_rules(i, f):
    """Consistency of one finding's verdict, flag, reason and rawValue."""
    out = []
    name = "findings/%d (%s version %s)" % (i, f.get("runtimeId"),
                                           f.get("version"))
    verdict = f.get("verdict")
    flag = f.get("requireMMDSV2")
    reason = f.get("reason")
    raw = f.get("rawValue")

    # compliant <=> requireMMDSV2 true <=> reason flag-true
    if (verdict == "compliant") != (flag is True):
        out.append("%s: verdict %s with requireMMDSV2 %s"
                   % (name, verdict, json.dumps(flag)))
    if (verdict == "compliant") != (reason == "flag-true"):
        out.append("%s: verdict %s with reason %s" % (name, verdict, reason))
    if (flag is False) != (reason == "flag-false"):
        out.append("%s: requireMMDSV2 %s with reason %s"
                   % (name, json.dumps(flag), reason))
    if verdict == "noncompliant" and reason not in NONCOMPLIANT_REASONS:
        out.append("%s: noncompliant with reason %s" % (name, reason))
    if verdict == "unknown" and reason not in UNKNOWN_REASONS:
        out.append("%s: unknown with reason %s" % (name, reason))
    if verdict == "unknown" and flag is not None:
        out.append("%s: unknown but requireMMDSV2 is %s"
                   % (name, json.dumps(flag)))
    if reason == "wrong-type" and raw is None:
        out.append("%s: reason wrong-type without a rawValue" % name)
    if reason != "wrong-type" and raw is not None:
        out.append("%s: rawValue %s with reason %s"
                   % (name, json.dumps(raw), reason))
    created = f.get("createdAt")
    if created is not None and parse_time(created) is None:
        out.append("%s: createdAt %r is not RFC 3339 UTC" % (name, created))
    endpoints = f.get("endpoints") or []
    if f.get("endpointsListed") is False and \
            any(e != "DEFAULT" for e in endpoints):
        out.append("%s: endpoints %s named although none were listed"
                   % (name, endpoints))
    return out


def semantic_errors(report, exit_code=None, strict_props=None):
    out = []
    findings = [f for f in report.get("findings") or []
                if isinstance(f, dict)]
    targets = [t for t in report.get("targets") or []
               if isinstance(t, dict)]
    summary = report.get("summary")
    if not isinstance(summary, dict):
        summary = {}

    started = parse_time(report.get("startedAt"))
    finished = parse_time(report.get("finishedAt"))
    if started is None:
        out.append("startedAt %r is not RFC 3339 UTC"
                   % report.get("startedAt"))
    if finished is None:
        out.append("finishedAt %r is not RFC 3339 UTC"
                   % report.get("finishedAt"))
    if started and finished and finished < started:
        out.append("finishedAt %s is before startedAt %s"
                   % (report["finishedAt"], report["startedAt"]))

    for i, f in enumerate(findings):
        out.extend(finding_rules(i, f))
        if strict_props is not None:
            extra = sorted(set(f) - strict_props)
            if extra:
                out.append("findings/%d: members not in the schema: %s"
                           % (i, ", ".join(extra)))

    # One finding per (account, region, runtime, version).
    seen = {}
    for i, f in enumerate(findings):
        if f.get("version") is None:
            continue
        key = (f.get("account"), f.get("region"), f.get("runtimeId"),
               f.get("version"))
        if key in seen:
            out.append("findings/%d repeats findings/%d %s"
                       % (i, seen[key], key))
        seen.setdefault(key, i)

    # Every finding belongs to an audited target.
    for i, f in enumerate(findings):
        if not any(t.get("region") == f.get("region") and
                   (t.get("account") is None or
                    t.get("account") == f.get("account"))
                   for t in targets):
            out.append("findings/%d: account %s region %s is not a target"
                       % (i, f.get("account"), f.get("region")))

    want = {
        "compliant": sum(1 for f in findings
                         if f.get("verdict") == "compliant"),
        "noncompliant": sum(1 for f in findings
                            if f.get("verdict") == "noncompliant"),
        "unknown": sum(1 for f in findings if f.get("verdict") == "unknown"),
        "versions": sum(1 for f in findings if f.get("version") is not None),
        "runtimes": len({(f.get("account"), f.get("region"),
                          f.get("runtimeId")) for f in findings}),
        "targetsFailed": sum(1 for t in targets
                             if t.get("status") == "error"),
    }
    for key, n in want.items():
        if summary.get(key) != n:
            out.append("summary.%s is %s but the report has %d"
                       % (key, summary.get(key), n))

    if exit_code is not None:
        # 3 (credentials or configuration) means nothing was audited,
        # so it cannot come with a compliant finding.
        if want["noncompliant"] > 0:
            allowed = {1}
        elif want["unknown"] > 0 or want["targetsFailed"] > 0:
            allowed = {4} if want["compliant"] > 0 else {3, 4}
        else:
            allowed = {0}
        if exit_code not in allowed:
            out.append("exit status %d, but this report calls for %s"
                       % (exit_code, " or ".join(map(str, sorted(allowed)))))
    return out


def check(report, schema, exit_code=None, strict=False):
    """Every problem found in report, as lines of text (none: valid)."""
    problems = schema_errors(report, schema)
    if isinstance(report, dict):
        props = None
        if strict:
            props = set(schema["$defs"]["finding"]["properties"])
        problems += semantic_errors(report, exit_code, props)
    return problems


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report", help="report file, or - for stdin")
    ap.add_argument("--schema", default=DEFAULT_SCHEMA)
    ap.add_argument("--exit-code", type=int, default=None,
                    help="exit status of the audit that wrote the report")
    ap.add_argument("--strict", action="store_true",
                    help="reject finding members the schema does not name")
    args = ap.parse_args(argv)

    try:
        import jsonschema  # noqa: F401
    except ImportError:
        print("skipping: python3 cannot import jsonschema", file=sys.stderr)
        return 77

    try:
        with open(args.schema, encoding="utf-8") as fp:
            schema = json.load(fp)
        if args.report == "-":
            report = json.load(sys.stdin)
        else:
            with open(args.report, encoding="utf-8") as fp:
                report = json.load(fp)
    except (OSError, ValueError) as e:
        print("check_schema: %s" % e, file=sys.stderr)
        return 2

    problems = check(report, schema, args.exit_code, args.strict)
    for p in problems:
        print("invalid: %s" % p, file=sys.stderr)
    if problems:
        return 1
    print("ok: %s: %d findings, %d targets"
          % (args.report, len(report["findings"]), len(report["targets"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
