# SPDX-License-Identifier: Apache-2.0
"""maximal.py: two runtimes that use every writable member (tests only).

microvm_update() is an UpdateAgentRuntime body for a microVM runtime: code
artifact, VPC with requireServiceS3Endpoint, a JWT authorizer with every
member, request headers, session, EFS and S3 Files storage, 50
environment variables with unicode, quotes, backslashes and an empty
value, and a unicode description. capacity_update() is one for a
capacity-provider runtime: container artifact, no network configuration,
a capacity-provider volume, a platform version and lifecycle values up to
1,209,600. Both set requireMMDSV2 false, as a runtime created before
2026-02-15 may hold it.
"""


def environment():
    env = {}
    samples = ["caf\u00e9 \u2615 \u00fcn\u00efc\u00f6d\u00e9",
               'quote "double" and \'single\'', "back\\slash \\n not a newline",
               "", "\u65e5\u672c\u8a9e", "emoji \U0001F680", "a=b;c=d",
               "   spaces   ", "{\"json\": [1, 2]}", "%2F%20percent"]
    for i in range(50):
        env["VAR_%02d" % i] = samples[i % len(samples)] + ("" if i % len(
            samples) == 3 else " #%d" % i)
    env["VAR_03"] = ""
    return env


def microvm_update():
    return {
        "agentRuntimeArtifact": {"codeConfiguration": {
            "code": {"s3": {"bucket": "agent-code-bucket",
                            "prefix": "agents/v7/code.zip",
                            "versionId": "3HL4kqtJlcpXroDTDmJ"}},
            "runtime": "PYTHON_3_13",
            "entryPoint": ["main.py", "--serve"]}},
        "roleArn": "arn:aws:iam::123456789012:role/AgentRole",
        "networkConfiguration": {"networkMode": "VPC", "networkModeConfig": {
            "securityGroups": ["sg-0123456789abcdef0", "sg-0fedcba987654321f"],
            "subnets": ["subnet-0123456789abcdef0", "subnet-0a1b2c3d4e5f60718"],
            "requireServiceS3Endpoint": True}},
        "description": "R\u00e9sum\u00e9 agent \u2014 \u00e9t\u00e9 \u65e5\u672c \"quoted\" \\ back",
        "authorizerConfiguration": {"customJWTAuthorizer": {
            "discoveryUrl": "https://idp.example.com/.well-known/openid-configuration",
            "allowedAudience": ["api://agent", "aud-2"],
            "allowedClients": ["client-a", "client-b"],
            "allowedScopes": ["agent:invoke", "agent:read"],
            "advertisedScopeMapping": {"agent:invoke": "api://agent/invoke",
                                       "agent:read": "api://agent/read"},
            "customClaims": [{
                "inboundTokenClaimName": "department",
                "inboundTokenClaimValueType": "STRING",
                "authorizingClaimMatchValue": {
                    "claimMatchValue": {"matchValueString": "security"},
                    "claimMatchOperator": "EQUALS"}}, {
                "inboundTokenClaimName": "groups",
                "inboundTokenClaimValueType": "STRING_ARRAY",
                "authorizingClaimMatchValue": {
                    "claimMatchValue": {"matchValueStringList": ["a", "b"]},
                    "claimMatchOperator": "CONTAINS_ANY"}}],
            "privateEndpoint": {"managedVpcResource": {
                "vpcIdentifier": "vpc-0123456789abcdef0",
                "subnetIds": ["subnet-0123456789abcdef0"],
                "endpointIpAddressType": "IPV4",
                "securityGroupIds": ["sg-0123456789abcdef0"],
                "tags": {"team": "sec", "empty": ""},
                "routingDomain": "idp.internal.example.com"}},
            "privateEndpointOverrides": [{
                "domain": "login.example.com",
                "privateEndpoint": {"selfManagedLatticeResource": {
                    "resourceConfigurationIdentifier":
                        "rcfg-0123456789abcdef0"}}}],
            "allowedWorkloadConfiguration": {
                "hostingEnvironments": [{"arn": "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/other-0123456789"}],
                "workloadIdentities": ["workload-one", "workload.two"]}}},
        "requestHeaderConfiguration": {
            "requestHeaderAllowlist": ["X-Tenant-Id", "X_Trace", "Authorization"]},
        "protocolConfiguration": {"serverProtocol": "MCP"},
        "lifecycleConfiguration": {"idleRuntimeSessionTimeout": 3600,
                                   "maxLifetime": 86400},
        "metadataConfiguration": {"requireMMDSV2": False},
        "environmentVariables": environment(),
        "filesystemConfigurations": [
            {"sessionStorage": {"mountPath": "/mnt/session"}},
            {"efsAccessPoint": {
                "accessPointArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0",
                "mountPath": "/mnt/efs/"}},
            {"s3FilesAccessPoint": {
                "accessPointArn": "arn:aws:s3files:us-east-1:123456789012:file-system/fs-0123456789abcdef01/access-point/fsap-0123456789abcdef01",
                "mountPath": "/mnt/s3files"}}],
    }


def capacity_update():
    return {
        "agentRuntimeArtifact": {"containerConfiguration": {
            "containerUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/agent@sha256:" + "ab" * 32}},
        "roleArn": "arn:aws:iam::123456789012:role/CapacityAgent",
        "capacityProviderConfiguration": {
            "capacityProviderArn": "arn:aws:bedrock-agentcore:us-east-1:123456789012:capacity-provider/cp-0123456789"},
        "platformVersion": "V2",
        "lifecycleConfiguration": {"idleRuntimeSessionTimeout": 1209600,
                                   "maxLifetime": 1209600},
        "protocolConfiguration": {"serverProtocol": "A2A"},
        "metadataConfiguration": {"requireMMDSV2": False},
        "environmentVariables": {},
        "filesystemConfigurations": [
            {"capacityProviderVolume": {"volumeName": "scratch-vol_1",
                                        "mountPath": "/mnt/scratch"}}],
    }
