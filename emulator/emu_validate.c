/* SPDX-License-Identifier: Apache-2.0 */
/* emu_validate.c: request validation against the newest service model. */
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

enum stype { T_STRUCT, T_UNION, T_LIST, T_MAP, T_STRING, T_INT, T_BOOL };

struct shape;

struct member {
	const char *name;
	const struct shape *shape;
	int required;
};

struct shape {
	const char *name;
	enum stype type;
	long long min;			/* length or value; -1: none */
	long long max;
	int pat;			/* index into patterns[]; -1: none */
	const char *const *enums;
	const struct member *members;
	const struct shape *elem;	/* list member, map value */
	const struct shape *key;	/* map key */
	int envmap;			/* values must not hold control chars */
};

/* The model's Java patterns and what the emulator runs for them. */
struct pattern {
	const char *model;
	const char *ere;		/* NULL: checked in code */
	regex_t re;
	int compiled;
};

enum {
	P_NAME48, P_ROLE_ARN, P_CONTAINER_URI, P_BUCKET, P_MOUNT, P_CP_ARN,
	P_CP_VOLUME, P_SG, P_SUBNET, P_DISCOVERY, P_SCOPE, P_HEADER,
	P_CLAIM_NAME, P_MATCH_VALUE, P_EFS_ARN, P_S3F_ARN, P_RCFG, P_VPC,
	P_SG_ID, P_CLIENT_TOKEN, P_PLATFORM, P_TAG, P_WORKLOAD, P_VERSION,
	P_COUNT
};

static struct pattern patterns[P_COUNT] = {
	[P_NAME48] = { "[a-zA-Z][a-zA-Z0-9_]{0,47}",
	    "^[a-zA-Z][a-zA-Z0-9_]{0,47}$", {0}, 0 },
	[P_ROLE_ARN] = { "arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+",
	    "^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+$", {0}, 0 },
	[P_CONTAINER_URI] = { "(([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)"
	    "\\.amazonaws\\.com(\\.cn)?|public\\.ecr\\.aws)/((?:[a-z0-9]+"
	    "(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)"
	    "(?::([^:@]{1,300}))?(?:@(.+))?",
	    "^(([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com"
	    "(\\.cn)?|public\\.ecr\\.aws)/(([a-z0-9]+([._-][a-z0-9]+)*/)*"
	    "[a-z0-9]+([._-][a-z0-9]+)*)(:([^:@]{1,300}))?(@(.+))?$", {0}, 0 },
	[P_BUCKET] = { "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
	    "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", {0}, 0 },
	[P_MOUNT] = { "/mnt/[a-zA-Z0-9._-]+/?",
	    "^/mnt/[a-zA-Z0-9._-]+/?$", {0}, 0 },
	[P_CP_ARN] = { "arn:aws(-[^:]+)?:bedrock-agentcore:[a-z0-9-]+:"
	    "[0-9]{12}:capacity-provider/[a-zA-Z][a-zA-Z0-9_]{0,47}-"
	    "[a-zA-Z0-9]{10}",
	    "^arn:aws(-[^:]+)?:bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:"
	    "capacity-provider/[a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10}$",
	    {0}, 0 },
	[P_CP_VOLUME] = { "[a-zA-Z][a-zA-Z0-9_-]{0,47}",
	    "^[a-zA-Z][a-zA-Z0-9_-]{0,47}$", {0}, 0 },
	[P_SG] = { "sg-[0-9a-zA-Z]{8,17}", "^sg-[0-9a-zA-Z]{8,17}$", {0}, 0 },
	[P_SUBNET] = { "subnet-[0-9a-zA-Z]{8,17}",
	    "^subnet-[0-9a-zA-Z]{8,17}$", {0}, 0 },
	[P_DISCOVERY] = { ".+/\\.well-known/openid-configuration",
	    "^.+/\\.well-known/openid-configuration$", {0}, 0 },
	[P_SCOPE] = { "[\\x21\\x23-\\x5B\\x5D-\\x7E]+", NULL, {0}, 0 },
	[P_HEADER] = { "[A-Za-z][A-Za-z0-9_-]{0,255}",
	    "^[A-Za-z][A-Za-z0-9_-]{0,255}$", {0}, 0 },
	[P_CLAIM_NAME] = { "[A-Za-z0-9_.-:]+", "^[A-Za-z0-9_.-:]+$", {0}, 0 },
	[P_MATCH_VALUE] = { "[A-Za-z0-9_.-]+", "^[A-Za-z0-9_.-]+$", {0}, 0 },
	[P_EFS_ARN] = { "arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:"
	    "access-point/fsap-[0-9a-f]{8,40}",
	    "^arn:aws[-a-z]*:elasticfilesystem:[0-9a-z:-]+:"
	    "access-point/fsap-[0-9a-f]{8,40}$", {0}, 0 },
	[P_S3F_ARN] = { "arn:aws[-a-z]*:s3files:[0-9a-z-:]+:file-system/"
	    "fs-[0-9a-f]{17,40}/access-point/fsap-[0-9a-f]{17,40}",
	    "^arn:aws[-a-z]*:s3files:[0-9a-z:-]+:file-system/"
	    "fs-[0-9a-f]{17,40}/access-point/fsap-[0-9a-f]{17,40}$", {0}, 0 },
	[P_RCFG] = { "((rcfg-[0-9a-z]{17})|(arn:[a-z0-9\\-]+:vpc-lattice:"
	    "[a-zA-Z0-9\\-]+:\\d{12}:resourceconfiguration/"
	    "rcfg-[0-9a-z]{17}))",
	    "^((rcfg-[0-9a-z]{17})|(arn:[a-z0-9-]+:vpc-lattice:"
	    "[a-zA-Z0-9-]+:[0-9]{12}:resourceconfiguration/"
	    "rcfg-[0-9a-z]{17}))$", {0}, 0 },
	[P_VPC] = { "vpc-(([0-9a-z]{8})|([0-9a-z]{17}))",
	    "^vpc-(([0-9a-z]{8})|([0-9a-z]{17}))$", {0}, 0 },
	[P_SG_ID] = { "sg-(([0-9a-z]{8})|([0-9a-z]{17}))",
	    "^sg-(([0-9a-z]{8})|([0-9a-z]{17}))$", {0}, 0 },
	[P_CLIENT_TOKEN] = { "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}", NULL,
	    {0}, 0 },
	[P_PLATFORM] = { "[^\\s]+", "^[^[:space:]]+$", {0}, 0 },
	[P_TAG] = { "[a-zA-Z0-9\\s._:/=+@-]*",
	    "^[a-zA-Z0-9[:space:]._:/=+@-]*$", {0}, 0 },
	[P_WORKLOAD] = { "[A-Za-z0-9_.-]+", "^[A-Za-z0-9_.-]+$", {0}, 0 },
	[P_VERSION] = { "([1-9][0-9]{0,4})", "^([1-9][0-9]{0,4})$", {0}, 0 },
};

#define STR(n, lo, hi, p) { n, T_STRING, lo, hi, p, NULL, NULL, NULL, \
    NULL, 0 }
#define ENUM(n, e) { n, T_STRING, -1, -1, -1, e, NULL, NULL, NULL, 0 }
#define INT(n, lo, hi) { n, T_INT, lo, hi, -1, NULL, NULL, NULL, NULL, 0 }
#define STRUCT(n, m) { n, T_STRUCT, -1, -1, -1, NULL, m, NULL, NULL, 0 }
#define UNION(n, m) { n, T_UNION, -1, -1, -1, NULL, m, NULL, NULL, 0 }
#define LIST(n, lo, hi, e) { n, T_LIST, lo, hi, -1, NULL, NULL, e, NULL, 0 }
#define MAP(n, lo, hi, k, v) { n, T_MAP, lo, hi, -1, NULL, NULL, v, k, 0 }

static const char *const e_network[] = { "PUBLIC", "VPC", NULL };
static const char *const e_protocol[] = { "MCP", "HTTP", "A2A", "AGUI",
	NULL };
static const char *const e_runtime[] = { "PYTHON_3_10", "PYTHON_3_11",
	"PYTHON_3_12", "PYTHON_3_13", "PYTHON_3_14", "NODE_22", NULL };
static const char *const e_claim_type[] = { "STRING", "STRING_ARRAY",
	NULL };
static const char *const e_claim_op[] = { "EQUALS", "CONTAINS",
	"CONTAINS_ANY", NULL };
static const char *const e_ip[] = { "IPV4", "IPV6", NULL };

static const struct shape s_bool = { "Boolean", T_BOOL, -1, -1, -1, NULL,
	NULL, NULL, NULL, 0 };
static const struct shape s_string = STR("String", -1, -1, -1);
static const struct shape s_name = STR("AgentRuntimeName", -1, -1, P_NAME48);
static const struct shape s_endpoint_name = STR("EndpointName", -1, -1,
    P_NAME48);
static const struct shape s_role = STR("RoleArn", 1, 2048, P_ROLE_ARN);
static const struct shape s_description = STR("Description", 1, 4096, -1);
static const struct shape s_ep_description = STR("AgentEndpointDescription",
    1, 256, -1);
static const struct shape s_client_token = STR("ClientToken", 33, 256,
    P_CLIENT_TOKEN);
static const struct shape s_platform = STR("PlatformVersion", 1, 128,
    P_PLATFORM);
static const struct shape s_version = STR("AgentRuntimeVersion", 1, 5,
    P_VERSION);
static const struct shape s_mount = STR("MountPath", 6, 200, P_MOUNT);

/* Artifact */
static const struct shape s_container_uri = STR("RuntimeContainerUri", 1,
    1024, P_CONTAINER_URI);
static const struct member m_container[] = {
	{ "containerUri", &s_container_uri, 1 }, { NULL, NULL, 0 } };
static const struct shape s_container = STRUCT("ContainerConfiguration",
    m_container);
static const struct shape s_bucket = STR("S3LocationBucketString", -1, -1,
    P_BUCKET);
static const struct shape s_prefix = STR("S3LocationPrefixString", 1, 1024,
    -1);
static const struct shape s_s3_version = STR("S3LocationVersionIdString", 3,
    1024, -1);
static const struct member m_s3[] = {
	{ "bucket", &s_bucket, 1 }, { "prefix", &s_prefix, 1 },
	{ "versionId", &s_s3_version, 0 }, { NULL, NULL, 0 } };
static const struct shape s_s3 = STRUCT("S3Location", m_s3);
static const struct member m_code[] = {
	{ "s3", &s_s3, 0 }, { NULL, NULL, 0 } };
static const struct shape s_code = UNION("Code", m_code);
static const struct shape s_runtime_type = ENUM("AgentManagedRuntimeType",
    e_runtime);
static const struct shape s_entry = STR("entryPoint", 1, 128, -1);
static const struct shape s_entries = LIST("CodeConfigurationEntryPointList",
    1, 2, &s_entry);
static const struct member m_code_cfg[] = {
	{ "code", &s_code, 1 }, { "runtime", &s_runtime_type, 1 },
	{ "entryPoint", &s_entries, 1 }, { NULL, NULL, 0 } };
static const struct shape s_code_cfg = STRUCT("CodeConfiguration",
    m_code_cfg);
static const struct member m_artifact[] = {
	{ "containerConfiguration", &s_container, 0 },
	{ "codeConfiguration", &s_code_cfg, 0 }, { NULL, NULL, 0 } };
static const struct shape s_artifact = UNION("AgentRuntimeArtifact",
    m_artifact);

/* Network */
static const struct shape s_network_mode = ENUM("NetworkMode", e_network);
static const struct shape s_sg = STR("SecurityGroupId", -1, -1, P_SG);
static const struct shape s_sgs = LIST("SecurityGroups", 1, 16, &s_sg);
static const struct shape s_subnet = STR("SubnetId", -1, -1, P_SUBNET);
static const struct shape s_subnets = LIST("Subnets", 1, 16, &s_subnet);
static const struct member m_vpc[] = {
	{ "securityGroups", &s_sgs, 1 }, { "subnets", &s_subnets, 1 },
	{ "requireServiceS3Endpoint", &s_bool, 0 }, { NULL, NULL, 0 } };
static const struct shape s_vpc = STRUCT("VpcConfig", m_vpc);
static const struct member m_network[] = {
	{ "networkMode", &s_network_mode, 1 },
	{ "networkModeConfig", &s_vpc, 0 }, { NULL, NULL, 0 } };
static const struct shape s_network = STRUCT("NetworkConfiguration",
    m_network);

/* Authorizer */
static const struct shape s_discovery = STR("DiscoveryUrl", -1, -1,
    P_DISCOVERY);
static const struct shape s_audiences = LIST("AllowedAudienceList", 1, -1,
    &s_string);
static const struct shape s_clients = LIST("AllowedClientsList", 1, -1,
    &s_string);
static const struct shape s_scope = STR("AllowedScopeType", 1, 255, P_SCOPE);
static const struct shape s_scopes = LIST("AllowedScopesType", 1, -1,
    &s_scope);
static const struct shape s_scope_map = MAP("AdvertisedScopeMappingType", 1,
    50, &s_scope, &s_scope);
static const struct shape s_claim_name = STR("InboundTokenClaimNameType", 1,
    255, P_CLAIM_NAME);
static const struct shape s_claim_type = ENUM("InboundTokenClaimValueType",
    e_claim_type);
static const struct shape s_match_value = STR("MatchValueString", 1, 255,
    P_MATCH_VALUE);
static const struct shape s_match_values = LIST("MatchValueStringList", 1, -1,
    &s_match_value);
static const struct member m_claim_value[] = {
	{ "matchValueString", &s_match_value, 0 },
	{ "matchValueStringList", &s_match_values, 0 }, { NULL, NULL, 0 } };
static const struct shape s_claim_value = UNION("ClaimMatchValueType",
    m_claim_value);
static const struct shape s_claim_op = ENUM("ClaimMatchOperatorType",
    e_claim_op);
static const struct member m_authorizing[] = {
	{ "claimMatchValue", &s_claim_value, 1 },
	{ "claimMatchOperator", &s_claim_op, 1 }, { NULL, NULL, 0 } };
static const struct shape s_authorizing = STRUCT(
    "AuthorizingClaimMatchValueType", m_authorizing);
static const struct member m_claim[] = {
	{ "inboundTokenClaimName", &s_claim_name, 1 },
	{ "inboundTokenClaimValueType", &s_claim_type, 1 },
	{ "authorizingClaimMatchValue", &s_authorizing, 1 },
	{ NULL, NULL, 0 } };
static const struct shape s_claim = STRUCT("CustomClaimValidationType",
    m_claim);
static const struct shape s_claims = LIST("CustomClaimValidationsType", 1, -1,
    &s_claim);
static const struct shape s_rcfg = STR("ResourceConfigurationIdentifier", 20,
    2048, P_RCFG);
static const struct member m_lattice[] = {
	{ "resourceConfigurationIdentifier", &s_rcfg, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_lattice = UNION("SelfManagedLatticeResource",
    m_lattice);
static const struct shape s_vpc_id = STR("VpcIdentifier", -1, -1, P_VPC);
static const struct shape s_subnet_ids = LIST("SubnetIds", -1, -1,
    &s_subnet);
static const struct shape s_ip_type = ENUM("EndpointIpAddressType", e_ip);
static const struct shape s_sg_id = STR("SecurityGroupIdentifier", -1, -1,
    P_SG_ID);
static const struct shape s_sg_ids = LIST("SecurityGroupIds", 0, 5, &s_sg_id);
static const struct shape s_tag_key = STR("TagKey", 1, 128, P_TAG);
static const struct shape s_tag_value = STR("TagValue", 0, 256, P_TAG);
static const struct shape s_tags = MAP("TagsMap", 0, 50, &s_tag_key,
    &s_tag_value);
static const struct shape s_routing = STR("RoutingDomain", 3, 255, -1);
static const struct member m_managed_vpc[] = {
	{ "vpcIdentifier", &s_vpc_id, 1 }, { "subnetIds", &s_subnet_ids, 1 },
	{ "endpointIpAddressType", &s_ip_type, 1 },
	{ "securityGroupIds", &s_sg_ids, 0 }, { "tags", &s_tags, 0 },
	{ "routingDomain", &s_routing, 0 }, { NULL, NULL, 0 } };
static const struct shape s_managed_vpc = STRUCT("ManagedVpcResource",
    m_managed_vpc);
static const struct member m_private[] = {
	{ "selfManagedLatticeResource", &s_lattice, 0 },
	{ "managedVpcResource", &s_managed_vpc, 0 }, { NULL, NULL, 0 } };
static const struct shape s_private = UNION("PrivateEndpoint", m_private);
static const struct shape s_domain = STR("PrivateEndpointOverrideDomain", 1,
    253, -1);
static const struct member m_override[] = {
	{ "domain", &s_domain, 1 }, { "privateEndpoint", &s_private, 1 },
	{ NULL, NULL, 0 } };
static const struct shape s_override = STRUCT("PrivateEndpointOverride",
    m_override);
static const struct shape s_overrides = LIST("PrivateEndpointOverrides", 0, 5,
    &s_override);
static const struct shape s_hosting_arn = STR("BedrockAgentcoreResourceArn",
    20, 1011, -1);
static const struct member m_hosting[] = {
	{ "arn", &s_hosting_arn, 1 }, { NULL, NULL, 0 } };
static const struct shape s_hosting = STRUCT("HostingEnvironment", m_hosting);
static const struct shape s_hostings = LIST("HostingEnvironmentListType", 1,
    10, &s_hosting);
static const struct shape s_workload = STR("WorkloadIdentityNameType", 3, 255,
    P_WORKLOAD);
static const struct shape s_workloads = LIST("WorkloadIdentityNameListType",
    1, 10, &s_workload);
static const struct member m_allowed_workload[] = {
	{ "hostingEnvironments", &s_hostings, 0 },
	{ "workloadIdentities", &s_workloads, 0 }, { NULL, NULL, 0 } };
static const struct shape s_allowed_workload = STRUCT(
    "AllowedWorkloadConfiguration", m_allowed_workload);
static const struct member m_jwt[] = {
	{ "discoveryUrl", &s_discovery, 1 },
	{ "allowedAudience", &s_audiences, 0 },
	{ "allowedClients", &s_clients, 0 },
	{ "allowedScopes", &s_scopes, 0 },
	{ "advertisedScopeMapping", &s_scope_map, 0 },
	{ "customClaims", &s_claims, 0 },
	{ "privateEndpoint", &s_private, 0 },
	{ "privateEndpointOverrides", &s_overrides, 0 },
	{ "allowedWorkloadConfiguration", &s_allowed_workload, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_jwt = STRUCT("CustomJWTAuthorizerConfiguration",
    m_jwt);
static const struct member m_authorizer[] = {
	{ "customJWTAuthorizer", &s_jwt, 0 }, { NULL, NULL, 0 } };
static const struct shape s_authorizer = UNION("AuthorizerConfiguration",
    m_authorizer);

/* The rest of the configuration */
static const struct shape s_header = STR("HeaderName", 1, 256, P_HEADER);
static const struct shape s_headers = LIST("RequestHeaderAllowlist", 1, 20,
    &s_header);
static const struct member m_req_headers[] = {
	{ "requestHeaderAllowlist", &s_headers, 0 }, { NULL, NULL, 0 } };
static const struct shape s_req_headers = UNION("RequestHeaderConfiguration",
    m_req_headers);
static const struct shape s_protocol_enum = ENUM("ServerProtocol",
    e_protocol);
static const struct member m_protocol[] = {
	{ "serverProtocol", &s_protocol_enum, 1 }, { NULL, NULL, 0 } };
static const struct shape s_protocol = STRUCT("ProtocolConfiguration",
    m_protocol);
static const struct shape s_idle = INT(
    "LifecycleConfigurationIdleRuntimeSessionTimeoutInteger", 60, 1209600);
static const struct shape s_max_life = INT(
    "LifecycleConfigurationMaxLifetimeInteger", 60, 1209600);
static const struct member m_lifecycle[] = {
	{ "idleRuntimeSessionTimeout", &s_idle, 0 },
	{ "maxLifetime", &s_max_life, 0 }, { NULL, NULL, 0 } };
static const struct shape s_lifecycle = STRUCT("LifecycleConfiguration",
    m_lifecycle);
static const struct member m_metadata[] = {
	{ "requireMMDSV2", &s_bool, 1 }, { NULL, NULL, 0 } };
static const struct shape s_metadata = STRUCT("RuntimeMetadataConfiguration",
    m_metadata);
static const struct shape s_env_key = STR("EnvironmentVariableKey", 1, 100,
    -1);
static const struct shape s_env_value = STR("EnvironmentVariableValue", 0,
    5000, -1);
static const struct shape s_env = { "EnvironmentVariablesMap", T_MAP, 0, 50,
	-1, NULL, NULL, &s_env_value, &s_env_key, 1 };
static const struct member m_session[] = {
	{ "mountPath", &s_mount, 1 }, { NULL, NULL, 0 } };
static const struct shape s_session = STRUCT("SessionStorageConfiguration",
    m_session);
static const struct shape s_s3f_arn = STR("S3FilesAccessPointArn", 0, 256,
    P_S3F_ARN);
static const struct member m_s3f[] = {
	{ "accessPointArn", &s_s3f_arn, 1 }, { "mountPath", &s_mount, 1 },
	{ NULL, NULL, 0 } };
static const struct shape s_s3f = STRUCT("S3FilesAccessPointConfiguration",
    m_s3f);
static const struct shape s_efs_arn = STR("EfsAccessPointArn", 0, 128,
    P_EFS_ARN);
static const struct member m_efs[] = {
	{ "accessPointArn", &s_efs_arn, 1 }, { "mountPath", &s_mount, 1 },
	{ NULL, NULL, 0 } };
static const struct shape s_efs = STRUCT("EfsAccessPointConfiguration",
    m_efs);
static const struct shape s_volume_name = STR("CapacityProviderVolumeName", 1,
    48, P_CP_VOLUME);
static const struct member m_volume[] = {
	{ "volumeName", &s_volume_name, 1 }, { "mountPath", &s_mount, 1 },
	{ NULL, NULL, 0 } };
static const struct shape s_volume = STRUCT(
    "CapacityProviderVolumeConfiguration", m_volume);
static const struct member m_fs[] = {
	{ "sessionStorage", &s_session, 0 },
	{ "s3FilesAccessPoint", &s_s3f, 0 },
	{ "efsAccessPoint", &s_efs, 0 },
	{ "capacityProviderVolume", &s_volume, 0 }, { NULL, NULL, 0 } };
static const struct shape s_fs = UNION("FilesystemConfiguration", m_fs);
static const struct shape s_fss = LIST("FilesystemConfigurations", 0, 5,
    &s_fs);
static const struct shape s_cp_arn = STR("CapacityProviderArn", -1, -1,
    P_CP_ARN);
static const struct member m_cp[] = {
	{ "capacityProviderArn", &s_cp_arn, 1 }, { NULL, NULL, 0 } };
static const struct shape s_cp = STRUCT("CapacityProviderConfiguration",
    m_cp);

/* Request roots (URI members are not part of the body). */
static const struct member m_create[] = {
	{ "agentRuntimeName", &s_name, 1 },
	{ "agentRuntimeArtifact", &s_artifact, 1 },
	{ "roleArn", &s_role, 1 },
	{ "networkConfiguration", &s_network, 0 },
	{ "clientToken", &s_client_token, 0 },
	{ "description", &s_description, 0 },
	{ "authorizerConfiguration", &s_authorizer, 0 },
	{ "requestHeaderConfiguration", &s_req_headers, 0 },
	{ "protocolConfiguration", &s_protocol, 0 },
	{ "lifecycleConfiguration", &s_lifecycle, 0 },
	{ "environmentVariables", &s_env, 0 },
	{ "filesystemConfigurations", &s_fss, 0 },
	{ "capacityProviderConfiguration", &s_cp, 0 },
	{ "tags", &s_tags, 0 },
	{ "platformVersion", &s_platform, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_create = STRUCT("CreateAgentRuntime", m_create);

static const struct member m_update[] = {
	{ "agentRuntimeArtifact", &s_artifact, 1 },
	{ "roleArn", &s_role, 1 },
	{ "networkConfiguration", &s_network, 0 },
	{ "description", &s_description, 0 },
	{ "authorizerConfiguration", &s_authorizer, 0 },
	{ "requestHeaderConfiguration", &s_req_headers, 0 },
	{ "protocolConfiguration", &s_protocol, 0 },
	{ "lifecycleConfiguration", &s_lifecycle, 0 },
	{ "metadataConfiguration", &s_metadata, 0 },
	{ "environmentVariables", &s_env, 0 },
	{ "filesystemConfigurations", &s_fss, 0 },
	{ "capacityProviderConfiguration", &s_cp, 0 },
	{ "platformVersion", &s_platform, 0 },
	{ "clientToken", &s_client_token, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_update = STRUCT("UpdateAgentRuntime", m_update);

static const struct member m_create_ep[] = {
	{ "name", &s_endpoint_name, 1 },
	{ "agentRuntimeVersion", &s_version, 0 },
	{ "description", &s_ep_description, 0 },
	{ "clientToken", &s_client_token, 0 },
	{ "tags", &s_tags, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_create_ep = STRUCT("CreateAgentRuntimeEndpoint",
    m_create_ep);

static const struct member m_update_ep[] = {
	{ "agentRuntimeVersion", &s_version, 0 },
	{ "description", &s_ep_description, 0 },
	{ "clientToken", &s_client_token, 0 },
	{ NULL, NULL, 0 } };
static const struct shape s_update_ep = STRUCT("UpdateAgentRuntimeEndpoint",
    m_update_ep);

/* Members GetAgentRuntime shows that no request may set. */
static const char *const read_only[] = {
	"agentRuntimeArn", "agentRuntimeName", "agentRuntimeId",
	"agentRuntimeVersion", "createdAt", "lastUpdatedAt", "status",
	"failureReason", "workloadIdentityDetails", NULL
};

#define MAX_PROBLEMS 10

struct vctx {
	json_t *fields;			/* fieldList */
	struct mg_buf msg;		/* "; "-joined messages */
	int count;
};

int
emu_validate_init(struct mg_err *err)
{
	int i, rc;

	for (i = 0; i < P_COUNT; i++) {
		if (patterns[i].ere == NULL || patterns[i].compiled)
			continue;
		rc = regcomp(&patterns[i].re, patterns[i].ere,
		    REG_EXTENDED | REG_NOSUB);
		if (rc != 0)
			return mg_err_set(err, MG_EINTERNAL,
			    "cannot compile pattern '%s'", patterns[i].ere);
		patterns[i].compiled = 1;
	}
	return 0;
}

void
emu_validate_release(void)
{
	int i;

	for (i = 0; i < P_COUNT; i++) {
		if (patterns[i].compiled)
			regfree(&patterns[i].re);
		patterns[i].compiled = 0;
	}
}

int
emu_is_read_only_member(const char *name)
{
	int i;

	for (i = 0; read_only[i] != NULL; i++)
		if (strcmp(read_only[i], name) == 0)
			return 1;
	return 0;
}

static void
problem(struct vctx *v, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct vctx *v, const char *path, const char *fmt, ...)
{
	char what[512], line[1024];
	json_t *item;
	va_list ap;

	v->count++;
	if (v->count > MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "Value at '%s' failed to satisfy "
	    "constraint: %s", path, what);
	item = json_object();
	json_object_set_new(item, "name", json_string(path));
	json_object_set_new(item, "message", json_string(line));
	json_array_append_new(v->fields, item);
	if (v->msg.len > 0)
		mg_buf_addstr(&v->msg, "; ");
	mg_buf_addstr(&v->msg, line);
}

static int
pattern_ok(int pat, const char *s, size_t n)
{
	size_t i;

	if (memchr(s, '\0', n) != NULL)
		return 0;
	if (pat == P_SCOPE) {
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c < 0x21 || c > 0x7e || c == 0x22 || c == 0x5c)
				return 0;
		}
		return n > 0;
	}
	if (pat == P_CLIENT_TOKEN) {
		for (i = 0; i < n; i++)
			if (!(s[i] == '-' || (s[i] >= '0' && s[i] <= '9') ||
			    (s[i] >= 'a' && s[i] <= 'z') ||
			    (s[i] >= 'A' && s[i] <= 'Z')))
				return 0;
		return n > 0 && s[0] != '-' && s[n - 1] != '-';
	}
	return regexec(&patterns[pat].re, s, 0, NULL, 0) == 0;
}

static void check(struct vctx *v, const struct shape *sh, json_t *val,
    const char *path);

static void
join(char *out, size_t cap, const char *path, const char *name)
{
	if (path[0] == '\0')
		snprintf(out, cap, "%s", name);
	else
		snprintf(out, cap, "%s.%s", path, name);
}

static void
check_string(struct vctx *v, const struct shape *sh, json_t *val,
    const char *path)
{
	const char *s = json_string_value(val);
	size_t n = json_string_length(val), chars;
	char list[256];
	int i;

	if (sh->enums != NULL) {
		for (i = 0; sh->enums[i] != NULL; i++)
			if (strlen(sh->enums[i]) == n &&
			    memcmp(sh->enums[i], s, n) == 0)
				return;
		list[0] = '\0';
		for (i = 0; sh->enums[i] != NULL; i++) {
			strncat(list, i ? ", " : "", sizeof(list) -
			    strlen(list) - 1);
			strncat(list, sh->enums[i], sizeof(list) -
			    strlen(list) - 1);
		}
		problem(v, path, "Member must satisfy enum value set: [%s]",
		    list);
		return;
	}
	chars = emu_utf8_chars(s, n);
	if (sh->min >= 0 && (long long)chars < sh->min)
		problem(v, path, "Member must have length greater than or "
		    "equal to %lld", sh->min);
	else if (sh->max >= 0 && (long long)chars > sh->max)
		problem(v, path, "Member must have length less than or equal "
		    "to %lld", sh->max);
	else if (sh->pat >= 0 && !pattern_ok(sh->pat, s, n))
		problem(v, path, "Member must satisfy regular expression "
		    "pattern: %s", patterns[sh->pat].model);
}

static void
check_size(struct vctx *v, const struct shape *sh, size_t n,
    const char *path)
{
	if (sh->min >= 0 && (long long)n < sh->min)
		problem(v, path, "Member must have length greater than or "
		    "equal to %lld", sh->min);
	else if (sh->max >= 0 && (long long)n > sh->max)
		problem(v, path, "Member must have length less than or equal "
		    "to %lld", sh->max);
}

static int
has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

static void
check_map(struct vctx *v, const struct shape *sh, json_t *val,
    const char *path)
{
	char sub[512], safe[128];
	const char *key;
	json_t *item;

	check_size(v, sh, json_object_size(val), path);
	json_object_foreach(val, key, item) {
		json_t *k = json_string(key);

		emu_printable(key, safe, sizeof(safe));
		join(sub, sizeof(sub), path, safe);
		if (k != NULL)
			check(v, sh->key, k, sub);
		json_decref(k);
		if (sh->envmap && json_is_string(item) &&
		    has_control(json_string_value(item),
		    json_string_length(item))) {
			problem(v, sub, "Environment variable '%s' has a value "
			    "with control characters, which are not allowed",
			    safe);
			continue;
		}
		if (!json_is_null(item))
			check(v, sh->elem, item, sub);
	}
}

static void
check_members(struct vctx *v, const struct shape *sh, json_t *val,
    const char *path)
{
	const struct member *m;
	const char *key;
	json_t *item;
	char sub[512], safe[128];
	int set = 0;

	json_object_foreach(val, key, item) {
		for (m = sh->members; m->name != NULL; m++)
			if (strcmp(m->name, key) == 0)
				break;
		if (m->name != NULL)
			continue;
		if (sh == &s_update && emu_is_read_only_member(key))
			continue;
		emu_printable(key, safe, sizeof(safe));
		join(sub, sizeof(sub), path, safe);
		problem(v, sub, "Member is not part of %s%s", sh->name,
		    path[0] == '\0' ? " request" : "");
	}
	for (m = sh->members; m->name != NULL; m++) {
		item = json_object_get(val, m->name);
		join(sub, sizeof(sub), path, m->name);
		if (item == NULL || json_is_null(item)) {
			if (m->required)
				problem(v, sub, "Member must not be null");
			continue;
		}
		set++;
		check(v, m->shape, item, sub);
	}
	if (sh->type == T_UNION && set != 1)
		problem(v, path, "Member must have exactly one of its members "
		    "set (%d set)", set);
}

static void
check(struct vctx *v, const struct shape *sh, json_t *val, const char *path)
{
	char sub[512];
	size_t i;

	switch (sh->type) {
	case T_STRUCT:
	case T_UNION:
		if (!json_is_object(val))
			problem(v, path, "Member must be a structure");
		else
			check_members(v, sh, val, path);
		break;
	case T_LIST:
		if (!json_is_array(val)) {
			problem(v, path, "Member must be a list");
			break;
		}
		check_size(v, sh, json_array_size(val), path);
		for (i = 0; i < json_array_size(val); i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			check(v, sh->elem, json_array_get(val, i), sub);
		}
		break;
	case T_MAP:
		if (!json_is_object(val))
			problem(v, path, "Member must be a map");
		else
			check_map(v, sh, val, path);
		break;
	case T_STRING:
		if (!json_is_string(val))
			problem(v, path, "Member must be a string");
		else
			check_string(v, sh, val, path);
		break;
	case T_INT:
		if (!json_is_integer(val))
			problem(v, path, "Member must be an integer");
		else if (json_integer_value(val) < sh->min)
			problem(v, path, "Member must have value greater than "
			    "or equal to %lld", sh->min);
		else if (json_integer_value(val) > sh->max)
			problem(v, path, "Member must have value less than or "
			    "equal to %lld", sh->max);
		break;
	case T_BOOL:
		if (!json_is_boolean(val))
			problem(v, path, "Member must be a boolean");
		break;
	}
}

static void
check_runtime_extra(struct vctx *v, json_t *body)
{
	json_t *net = json_object_get(body, "networkConfiguration");
	json_t *cp = json_object_get(body, "capacityProviderConfiguration");
	int has_net = net != NULL && !json_is_null(net);
	int has_cp = cp != NULL && !json_is_null(cp);

	if (has_net && has_cp)
		problem(v, "capacityProviderConfiguration", "Member must not "
		    "be set together with networkConfiguration (exactly one "
		    "of networkConfiguration or capacityProviderConfiguration "
		    "is allowed)");
	else if (!has_net && !has_cp)
		problem(v, "networkConfiguration", "Member must not be null "
		    "(exactly one of networkConfiguration or "
		    "capacityProviderConfiguration is required)");
}

static void
check_read_only(struct vctx *v, json_t *body)
{
	const char *key;
	json_t *item;
	char safe[128];

	json_object_foreach(body, key, item) {
		(void)item;
		if (!emu_is_read_only_member(key))
			continue;
		emu_printable(key, safe, sizeof(safe));
		problem(v, safe, "Member is read-only and cannot be set by "
		    "UpdateAgentRuntime");
	}
}

/* 0: valid; -1: rp holds the ValidationException. */
int
emu_validate(enum emu_shape_root root, json_t *body, struct emu_reply *rp)
{
	const struct shape *sh = NULL;
	struct vctx v;
	int rc = 0;

	v.fields = json_array();
	v.count = 0;
	mg_buf_init(&v.msg, 16384);
	switch (root) {
	case EMU_REQ_CREATE_RUNTIME:
		sh = &s_create;
		break;
	case EMU_REQ_UPDATE_RUNTIME:
		sh = &s_update;
		break;
	case EMU_REQ_CREATE_ENDPOINT:
		sh = &s_create_ep;
		break;
	case EMU_REQ_UPDATE_ENDPOINT:
		sh = &s_update_ep;
		break;
	}
	if (!json_is_object(body)) {
		problem(&v, "body", "Member must be a structure");
	} else {
		if (root == EMU_REQ_UPDATE_RUNTIME)
			check_read_only(&v, body);
		check_members(&v, sh, body, "");
		if (root == EMU_REQ_CREATE_RUNTIME ||
		    root == EMU_REQ_UPDATE_RUNTIME)
			check_runtime_extra(&v, body);
	}
	if (v.count > 0) {
		emu_reply_invalid(rp, "FieldValidationFailed", NULL,
		    "%d validation error%s detected: %s", v.count,
		    v.count == 1 ? "" : "s", v.msg.data);
		json_object_set(rp->json, "fieldList", v.fields);
		rc = -1;
	}
	json_decref(v.fields);
	mg_buf_release(&v.msg);
	return rc;
}
