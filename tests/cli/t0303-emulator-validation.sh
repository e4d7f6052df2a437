#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# t0303-emulator-validation.sh: Create/UpdateAgentRuntime validation as the
# service does it (and stricter on read-only and unknown members), and every
# writable member of the newest model stored and echoed exactly.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mg_need_py botocore

emu_start --fleet "$MG_SOURCE_DIR/examples/fleet.json" --ready-delay-ms 0
python3 - "$EMU_URL" <<'PY'
import copy, sys
from emu_client import Client, check, expect, fail, minimal, ARTIFACT, ROLE

c = Client(sys.argv[1])
rid = expect(c.create(minimal(agentRuntimeName="val")), 202)["agentRuntimeId"]


def refused(body, field, contains=None, what=None, create=False):
    r = c.create(body) if create else c.update(rid, body)
    b = expect(r, 400, "ValidationException", contains, what or field)
    check(b.get("reason") == "FieldValidationFailed", "%s: reason %r" %
          (field, b.get("reason")))
    names = [f["name"] for f in b.get("fieldList", [])]
    check(field in names, "%s: fieldList %r" % (field, names))
    return b


def accepted(body, what):
    expect(c.update(rid, body), 202, what=what)


# Required members and unions.
b = minimal()
del b["agentRuntimeArtifact"]
refused(b, "agentRuntimeArtifact", "Member must not be null")
b = minimal()
del b["roleArn"]
refused(b, "roleArn")
refused(minimal(agentRuntimeArtifact={}), "agentRuntimeArtifact",
        "exactly one")
both = dict(ARTIFACT, codeConfiguration={
    "code": {"s3": {"bucket": "bkt", "prefix": "p.zip"}},
    "runtime": "PYTHON_3_12", "entryPoint": ["main.py"]})
refused(minimal(agentRuntimeArtifact=both), "agentRuntimeArtifact")
code = {"codeConfiguration": both["codeConfiguration"]}
accepted(minimal(agentRuntimeArtifact=code), "code artifact")
bad = copy.deepcopy(code)
bad["codeConfiguration"]["runtime"] = "PYTHON_2_7"
refused(minimal(agentRuntimeArtifact=bad),
        "agentRuntimeArtifact.codeConfiguration.runtime", "enum value set")
for rt in ("PYTHON_3_14", "NODE_22"):
    ok = copy.deepcopy(code)
    ok["codeConfiguration"]["runtime"] = rt
    accepted(minimal(agentRuntimeArtifact=ok), rt)
refused(minimal(roleArn="role/x"), "roleArn", "regular expression")

# Enums and ranges.
refused(minimal(networkConfiguration={"networkMode": "PRIVATE"}),
        "networkConfiguration.networkMode", "[PUBLIC, VPC]")
refused(minimal(protocolConfiguration={"serverProtocol": "GRPC"}),
        "protocolConfiguration.serverProtocol")
accepted(minimal(protocolConfiguration={"serverProtocol": "AGUI"}), "AGUI")
refused(minimal(lifecycleConfiguration={"idleRuntimeSessionTimeout": 59}),
        "lifecycleConfiguration.idleRuntimeSessionTimeout")
refused(minimal(lifecycleConfiguration={"maxLifetime": 1209601}),
        "lifecycleConfiguration.maxLifetime")
refused(minimal(lifecycleConfiguration={"maxLifetime": "900"}),
        "lifecycleConfiguration.maxLifetime", "integer")
accepted(minimal(lifecycleConfiguration={"maxLifetime": 1209600,
                                         "idleRuntimeSessionTimeout": 60}),
         "lifecycle bounds")
refused(minimal(description=""), "description", "greater than or equal to 1")
refused(minimal(description="d" * 4097), "description")
accepted(minimal(description="d" * 4096), "description of 4096")
refused(minimal(environmentVariables={"K%d" % i: "v" for i in range(51)}),
        "environmentVariables", "less than or equal to 50")
refused(minimal(environmentVariables={"K" * 101: "v"}),
        "environmentVariables." + "K" * 101)
refused(minimal(environmentVariables={"BIG": "v" * 5001}),
        "environmentVariables.BIG")
accepted(minimal(environmentVariables={"K%d" % i: "" for i in range(50)}),
         "50 variables, empty values")
b = refused(minimal(environmentVariables={
    "PEM_KEY": "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END-----"}),
    "environmentVariables.PEM_KEY", "PEM_KEY")
check("BEGIN" not in str(b) and "MIIEvQ" not in str(b),
      "the error must not echo the value")
refused(minimal(environmentVariables={"TABBED": "a\tb"}),
        "environmentVariables.TABBED", "control characters")
refused(minimal(filesystemConfigurations=[
    {"sessionStorage": {"mountPath": "/mnt/s%d" % i}} for i in range(6)]),
    "filesystemConfigurations")
refused(minimal(filesystemConfigurations=[
    {"sessionStorage": {"mountPath": "/tmp/data"}}]),
    "filesystemConfigurations[0].sessionStorage.mountPath")
refused(minimal(clientToken="a" * 32), "clientToken")
refused(minimal(clientToken="-" + "a" * 40), "clientToken")
accepted(minimal(clientToken="0b3c8e4e-4f3c-4c4e-9d8a-1b2c3d4e5f60"),
         "uuid client token")

# Network or capacity provider: exactly one.
cp = {"capacityProviderArn": "arn:aws:bedrock-agentcore:us-east-1:"
      "123456789012:capacity-provider/pool-abcdefghij"}
refused(minimal(capacityProviderConfiguration=cp),
        "capacityProviderConfiguration", "exactly one")
b = minimal()
del b["networkConfiguration"]
refused(b, "networkConfiguration", "exactly one")

# metadataConfiguration needs a boolean requireMMDSV2.
refused(minimal(metadataConfiguration={}),
        "metadataConfiguration.requireMMDSV2", "must not be null")
refused(minimal(metadataConfiguration={"requireMMDSV2": "true"}),
        "metadataConfiguration.requireMMDSV2", "boolean")
refused(minimal(metadataConfiguration={"requireMMDSV2": 1}),
        "metadataConfiguration.requireMMDSV2")

# requireServiceS3Endpoint: refused for runtimes created on/after the cutoff.
vpc = {"networkMode": "VPC", "networkModeConfig": {
    "securityGroups": ["sg-0a1b2c3d4e5f60718"],
    "subnets": ["subnet-0123456789abcdef0"],
    "requireServiceS3Endpoint": True}}
field = "networkConfiguration.networkModeConfig.requireServiceS3Endpoint"
refused(minimal(networkConfiguration=vpc), field, "requireServiceS3Endpoint")
expect(c.update("billing_agent-Tz8kW2nR5c",
                minimal(networkConfiguration=vpc)), 202,
       what="an old runtime may still set requireServiceS3Endpoint")
refused(minimal(agentRuntimeName="s3", networkConfiguration=vpc), field,
        create=True)
# ...yet such runtimes read it back as false (the service manages it).
plain_vpc = {"networkMode": "VPC", "networkModeConfig": {
    "securityGroups": ["sg-0a1b2c3d4e5f60718"],
    "subnets": ["subnet-0123456789abcdef0"]}}
vid = expect(c.create(minimal(agentRuntimeName="vpc_new",
                              networkConfiguration=plain_vpc)),
             202)["agentRuntimeId"]
cfg = expect(c.get(vid), 200)["networkConfiguration"]["networkModeConfig"]
check(cfg.get("requireServiceS3Endpoint") is False, "new VPC runtime %r" % cfg)
expect(c.update(vid, minimal(networkConfiguration=plain_vpc)), 202)
cfg = expect(c.get(vid), 200)["networkConfiguration"]["networkModeConfig"]
check(cfg.get("requireServiceS3Endpoint") is False, "after update %r" % cfg)
expect(c.update("billing_agent-Tz8kW2nR5c",
                minimal(networkConfiguration=plain_vpc)), 202)
cfg = expect(c.get("billing_agent-Tz8kW2nR5c"),
             200)["networkConfiguration"]["networkModeConfig"]
check("requireServiceS3Endpoint" not in cfg, "an old runtime: reset drops it")

# Read-only and unknown members are named.
for member, value in (("agentRuntimeArn", "arn:aws:x"),
                      ("agentRuntimeName", "val"),
                      ("agentRuntimeId", rid),
                      ("agentRuntimeVersion", "1"),
                      ("createdAt", "2026-01-01T00:00:00Z"),
                      ("lastUpdatedAt", "2026-01-01T00:00:00Z"),
                      ("status", "READY"), ("failureReason", "x"),
                      ("workloadIdentityDetails",
                       {"workloadIdentityArn": "arn:x"})):
    refused(minimal(**{member: value}), member, "read-only")
refused(minimal(futureField=1), "futureField", "not part of")
refused(minimal(networkConfiguration={"networkMode": "PUBLIC", "x": 1}),
        "networkConfiguration.x", "not part of")
refused(minimal(agentRuntimeName="meta",
                metadataConfiguration={"requireMMDSV2": True}),
        "metadataConfiguration", "not part of", create=True)
refused({"agentRuntimeArtifact": ARTIFACT, "roleArn": ROLE,
         "networkConfiguration": {"networkMode": "PUBLIC"},
         "agentRuntimeName": "bad-name"}, "agentRuntimeName",
        create=True)

# Bodies that are not JSON objects.
for raw in (b"{not json", b"[1, 2]", b'{"a": 1, "a": 2}'):
    r = c.call("PUT", "/runtimes/%s/" % rid, None, raw)
    b = expect(r, 400, "ValidationException", what=repr(raw))
    check(b["reason"] == "CannotParse", "reason for %r" % raw)

# Every writable member of the newest model, stored and echoed exactly.
full = {
    "agentRuntimeArtifact": ARTIFACT,
    "roleArn": ROLE,
    "capacityProviderConfiguration": cp,
    "platformVersion": "V2",
    "description": "Agent f\u00fcr Caf\u00e9 \u2615 \U0001F680 \"quoted\"",
    "authorizerConfiguration": {"customJWTAuthorizer": {
        "discoveryUrl": "https://idp.example.com/.well-known/"
                        "openid-configuration",
        "allowedAudience": ["aud1"],
        "allowedClients": ["client1", "client2"],
        "allowedScopes": ["read:all"],
        "advertisedScopeMapping": {"read:all": "read"},
        "customClaims": [{
            "inboundTokenClaimName": "dept",
            "inboundTokenClaimValueType": "STRING_ARRAY",
            "authorizingClaimMatchValue": {
                "claimMatchValue": {"matchValueStringList": ["eng", "ops"]},
                "claimMatchOperator": "CONTAINS_ANY"}}],
        "privateEndpoint": {"managedVpcResource": {
            "vpcIdentifier": "vpc-0123456789abcdef0",
            "subnetIds": ["subnet-0123456789abcdef0"],
            "endpointIpAddressType": "IPV4",
            "securityGroupIds": ["sg-0123456789abcdef0"],
            "tags": {"team": "id"}, "routingDomain": "corp.example"}},
        "privateEndpointOverrides": [{
            "domain": "idp.example.com",
            "privateEndpoint": {"selfManagedLatticeResource": {
                "resourceConfigurationIdentifier":
                    "rcfg-0123456789abcdefg"}}}],
        "allowedWorkloadConfiguration": {
            "hostingEnvironments": [{"arn": "arn:aws:bedrock-agentcore:"
                                            "us-east-1:123456789012:x/y"}],
            "workloadIdentities": ["wid-one"]}}},
    "requestHeaderConfiguration": {"requestHeaderAllowlist": ["X-Tenant"]},
    "protocolConfiguration": {"serverProtocol": "MCP"},
    "lifecycleConfiguration": {"idleRuntimeSessionTimeout": 3600,
                               "maxLifetime": 86400},
    "metadataConfiguration": {"requireMMDSV2": True},
    "environmentVariables": {},
    "filesystemConfigurations": [
        {"sessionStorage": {"mountPath": "/mnt/session"}},
        {"s3FilesAccessPoint": {
            "accessPointArn": "arn:aws:s3files:us-east-1:123456789012:"
            "file-system/fs-0123456789abcdef0/access-point/"
            "fsap-0123456789abcdef0",
            "mountPath": "/mnt/s3files/"}},
        {"efsAccessPoint": {
            "accessPointArn": "arn:aws:elasticfilesystem:us-east-1:"
            "123456789012:access-point/fsap-0123456789abcdef0",
            "mountPath": "/mnt/efs"}},
        {"capacityProviderVolume": {"volumeName": "scratch-1",
                                    "mountPath": "/mnt/scratch"}}],
}
up = expect(c.update(rid, full), 202, what="every writable member")
got = expect(c.get(rid), 200)
for key, value in full.items():
    check(got.get(key) == value, "member %s echoed as %r" %
          (key, got.get(key)))
check("networkConfiguration" not in got, "no network for capacity runtime")
raw = c.get(rid).raw
check("Caf\u00e9 \u2615" in raw, "unicode is sent as UTF-8, not escaped")
create = dict(full, agentRuntimeName="full", tags={"team": "agents"})
del create["metadataConfiguration"]
cid = expect(c.create(create), 202,
             what="create with every member")["agentRuntimeId"]
got = expect(c.get(cid), 200)
for key, value in create.items():
    if key not in ("agentRuntimeName", "tags"):
        check(got.get(key) == value, "created member %s" % key)
check("tags" not in got, "tags are not part of GetAgentRuntime")
PY
emu_stop
echo ok
