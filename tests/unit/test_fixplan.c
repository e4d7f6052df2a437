/* SPDX-License-Identifier: Apache-2.0 */
/* test_fixplan.c: update bodies, diffs, client tokens and redaction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixplan.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The classification the tests expect, written out from
 * agentcore-facts.md section 1.2 and the newest model, independently of
 * the tables in fixplan.c.
 */
static const char *const want_readonly[] = {
	"agentRuntimeArn", "agentRuntimeName", "agentRuntimeId",
	"agentRuntimeVersion", "createdAt", "lastUpdatedAt", "status",
	"failureReason", "workloadIdentityDetails",
};

static const char *const want_writable[] = {
	"agentRuntimeArtifact", "roleArn", "networkConfiguration",
	"description", "authorizerConfiguration",
	"requestHeaderConfiguration", "protocolConfiguration",
	"lifecycleConfiguration", "metadataConfiguration",
	"environmentVariables", "filesystemConfigurations",
	"capacityProviderConfiguration", "platformVersion",
};

static int
in_list(const char *key, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return 1;
	return 0;
}

static int
is_readonly(const char *key)
{
	return in_list(key, want_readonly, NELEM(want_readonly));
}

static int
is_writable(const char *key)
{
	return in_list(key, want_writable, NELEM(want_writable));
}

static json_t *
load(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);

	if (v == NULL)
		fail_msg("fixture does not parse: %s (line %d col %d)",
		    jerr.text, jerr.line, jerr.column);
	return v;
}

static void
assert_json_eq(const json_t *got, const json_t *want, const char *what)
{
	char *g, *w;

	if (json_equal((json_t *)got, (json_t *)want))
		return;
	g = got ? json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	w = want ? json_dumps(want, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	fail_msg("%s: got %s, want %s", what, g ? g : "(absent)",
	    w ? w : "(absent)");
}

/* ------------------------------------------------------------------ */
/* Fixtures: GetAgentRuntime answers as the service returns them.      */

/* A microVM runtime with every optional member the newest model has. */
static const char microvm_runtime[] =
	"{"
	"\"agentRuntimeArn\":\"arn:aws:bedrock-agentcore:us-east-1:"
	    "123456789012:runtime/max_agent-AbCdEf1234\","
	"\"agentRuntimeName\":\"max_agent\","
	"\"agentRuntimeId\":\"max_agent-AbCdEf1234\","
	"\"agentRuntimeVersion\":\"7\","
	"\"createdAt\":\"2025-11-01T10:00:00.123Z\","
	"\"lastUpdatedAt\":\"2026-05-01T10:00:00Z\","
	"\"status\":\"READY\","
	"\"failureReason\":\"an earlier update failed\","
	"\"roleArn\":\"arn:aws:iam::123456789012:role/service-role/"
	    "AgentCoreRuntime-max\","
	"\"workloadIdentityDetails\":{\"workloadIdentityArn\":"
	    "\"arn:aws:bedrock-agentcore:us-east-1:123456789012:"
	    "workload-identity-directory/default/workload-identity/"
	    "max_agent-AbCdEf1234\"},"
	"\"agentRuntimeArtifact\":{\"codeConfiguration\":{"
	    "\"code\":{\"s3\":{\"bucket\":\"agent-code-123456789012\","
	    "\"prefix\":\"agents/max/code.zip\","
	    "\"versionId\":\"3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY\"}},"
	    "\"runtime\":\"PYTHON_3_13\","
	    "\"entryPoint\":[\"opentelemetry-instrument\",\"main.py\"]}},"
	"\"networkConfiguration\":{\"networkMode\":\"VPC\","
	    "\"networkModeConfig\":{"
	    "\"securityGroups\":[\"sg-0123456789abcdef0\"],"
	    "\"subnets\":[\"subnet-0123456789abcdef0\","
	    "\"subnet-0fedcba9876543210\"],"
	    "\"requireServiceS3Endpoint\":true}},"
	"\"description\":\"Gr\u00f6\u00dfenpr\u00fcfung \u2013 "
	    "\u65e5\u672c\u8a9e \\ud83d\\ude00 \\\"quoted\\\" "
	    "back\\\\slash\","
	"\"authorizerConfiguration\":{\"customJWTAuthorizer\":{"
	    "\"discoveryUrl\":\"https://cognito-idp.us-east-1.amazonaws.com/"
	    "us-east-1_Ab12Cd34/.well-known/openid-configuration\","
	    "\"allowedAudience\":[\"aud-1\",\"aud-2\"],"
	    "\"allowedClients\":[\"client-1\"],"
	    "\"allowedScopes\":[\"read:agent\",\"write:agent\"],"
	    "\"advertisedScopeMapping\":{\"read:agent\":\"agent/read\"},"
	    "\"customClaims\":[{\"inboundTokenClaimName\":\"department\","
	    "\"inboundTokenClaimValueType\":\"STRING_ARRAY\","
	    "\"authorizingClaimMatchValue\":{\"claimMatchValue\":"
	    "{\"matchValueStringList\":[\"eng\",\"sec\"]},"
	    "\"claimMatchOperator\":\"CONTAINS_ANY\"}}],"
	    "\"privateEndpoint\":{\"managedVpcResource\":{"
	    "\"vpcIdentifier\":\"vpc-0123456789abcdef0\","
	    "\"subnetIds\":[\"subnet-0123456789abcdef0\"],"
	    "\"endpointIpAddressType\":\"IPV4\","
	    "\"securityGroupIds\":[],\"tags\":{},"
	    "\"routingDomain\":\"idp.internal.example\"}},"
	    "\"privateEndpointOverrides\":[{\"domain\":\"login.example.com\","
	    "\"privateEndpoint\":{\"selfManagedLatticeResource\":"
	    "{\"resourceConfigurationIdentifier\":"
	    "\"rcfg-0123456789abcdef0\"}}}],"
	    "\"allowedWorkloadConfiguration\":{\"hostingEnvironments\":"
	    "[{\"arn\":\"arn:aws:bedrock-agentcore:us-east-1:123456789012:"
	    "runtime/caller-AbCdEf1234\"}],"
	    "\"workloadIdentities\":[\"caller_one\"]}}},"
	"\"requestHeaderConfiguration\":{\"requestHeaderAllowlist\":"
	    "[\"X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant\","
	    "\"Authorization\"]},"
	"\"protocolConfiguration\":{\"serverProtocol\":\"MCP\"},"
	"\"lifecycleConfiguration\":{\"idleRuntimeSessionTimeout\":900,"
	    "\"maxLifetime\":28800},"
	"\"metadataConfiguration\":{\"requireMMDSV2\":false},"
	"\"filesystemConfigurations\":["
	    "{\"sessionStorage\":{\"mountPath\":\"/mnt/session\"}},"
	    "{\"efsAccessPoint\":{\"accessPointArn\":"
	    "\"arn:aws:elasticfilesystem:us-east-1:123456789012:"
	    "access-point/fsap-0123456789abcdef0\","
	    "\"mountPath\":\"/mnt/efs/\"}},"
	    "{\"s3FilesAccessPoint\":{\"accessPointArn\":"
	    "\"arn:aws:s3files:us-east-1:123456789012:file-system/"
	    "fs-0123456789abcdef01/access-point/fsap-0123456789abcdef01\","
	    "\"mountPath\":\"/mnt/s3files\"}}]"
	"}";

/* A runtime on a capacity provider: no network block, newest fields. */
static const char capacity_runtime[] =
	"{"
	"\"agentRuntimeArn\":\"arn:aws:bedrock-agentcore:us-west-2:"
	    "123456789012:runtime/cap_agent-ZyXwVu9876\","
	"\"agentRuntimeName\":\"cap_agent\","
	"\"agentRuntimeId\":\"cap_agent-ZyXwVu9876\","
	"\"agentRuntimeVersion\":\"2\","
	"\"createdAt\":1771200000.5,"
	"\"lastUpdatedAt\":\"2026-06-01T00:00:00Z\","
	"\"status\":\"READY\","
	"\"roleArn\":\"arn:aws:iam::123456789012:role/CapRole\","
	"\"agentRuntimeArtifact\":{\"containerConfiguration\":{"
	    "\"containerUri\":\"123456789012.dkr.ecr.us-west-2.amazonaws.com/"
	    "agents/cap:v2\"}},"
	"\"capacityProviderConfiguration\":{\"capacityProviderArn\":"
	    "\"arn:aws:bedrock-agentcore:us-west-2:123456789012:"
	    "capacity-provider/gpu_pool-AbCdEf1234\"},"
	"\"filesystemConfigurations\":[{\"capacityProviderVolume\":"
	    "{\"volumeName\":\"scratch\",\"mountPath\":\"/mnt/scratch\"}}],"
	"\"platformVersion\":\"V2\","
	"\"protocolConfiguration\":{\"serverProtocol\":\"A2A\"},"
	"\"lifecycleConfiguration\":{\"idleRuntimeSessionTimeout\":1209600,"
	    "\"maxLifetime\":1209600},"
	"\"environmentVariables\":{}"
	"}";

/* 50 variables (the model's maximum), with the awkward values. */
static json_t *
fifty_env(void)
{
	static const char *const values[] = {
		"plain-value",
		"has \"double\" and 'single' quotes",
		"C:\\path\\with\\backslashes\\",
		"",
		"\u00fcn\u00efc\u00f6d\u00e9 \u2014 \u4e2d\u6587 \U0001F600",
		"line1\nline2\ttab\r",
		"{\"looks\":[\"like\",\"json\"],\"n\":1}",
		"  leading and trailing spaces  ",
		"\\u0041 is not unescaped",
	};
	json_t *env = json_object();
	char key[32], *big;
	int i;

	for (i = 0; i < 49; i++) {
		snprintf(key, sizeof(key), "ENV_%02d", i);
		json_object_set_new(env, key,
		    json_string(values[(size_t)i % NELEM(values)]));
	}
	/* The longest value the model allows. */
	big = malloc(5001);
	memset(big, 'x', 5000);
	big[0] = '\xc3';	/* an "e acute" so the value is not ASCII */
	big[1] = '\xa9';
	big[5000] = '\0';
	json_object_set_new(env, "lower_case_key", json_string(big));
	free(big);
	assert_int_equal(json_object_size(env), 50);
	return env;
}

static json_t *
make_microvm(void)
{
	json_t *rt = load(microvm_runtime);

	json_object_set_new(rt, "environmentVariables", fifty_env());
	return rt;
}

/* ------------------------------------------------------------------ */
/* mg_field_kind                                                       */

struct kind_row {
	const char *name;
	enum mg_field_kind kind;
};

static const struct kind_row kind_rows[] = {
	{ "agentRuntimeArn", MG_FIELD_READONLY },
	{ "agentRuntimeName", MG_FIELD_READONLY },
	{ "agentRuntimeId", MG_FIELD_READONLY },
	{ "agentRuntimeVersion", MG_FIELD_READONLY },
	{ "createdAt", MG_FIELD_READONLY },
	{ "lastUpdatedAt", MG_FIELD_READONLY },
	{ "status", MG_FIELD_READONLY },
	{ "failureReason", MG_FIELD_READONLY },
	{ "workloadIdentityDetails", MG_FIELD_READONLY },
	{ "agentRuntimeArtifact", MG_FIELD_WRITABLE },
	{ "roleArn", MG_FIELD_WRITABLE },
	{ "networkConfiguration", MG_FIELD_WRITABLE },
	{ "description", MG_FIELD_WRITABLE },
	{ "authorizerConfiguration", MG_FIELD_WRITABLE },
	{ "requestHeaderConfiguration", MG_FIELD_WRITABLE },
	{ "protocolConfiguration", MG_FIELD_WRITABLE },
	{ "lifecycleConfiguration", MG_FIELD_WRITABLE },
	{ "metadataConfiguration", MG_FIELD_WRITABLE },
	{ "environmentVariables", MG_FIELD_WRITABLE },
	{ "filesystemConfigurations", MG_FIELD_WRITABLE },
	{ "capacityProviderConfiguration", MG_FIELD_WRITABLE },
	{ "platformVersion", MG_FIELD_WRITABLE },
	{ "clientToken", MG_FIELD_UNKNOWN },
	{ "tags", MG_FIELD_UNKNOWN },
	{ "hooksConfiguration", MG_FIELD_UNKNOWN },
	{ "RoleArn", MG_FIELD_UNKNOWN },
	{ "roleArn ", MG_FIELD_UNKNOWN },
	{ "", MG_FIELD_UNKNOWN },
};

static void
test_field_kind(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(kind_rows); i++) {
		print_message("field kind row: '%s'\n", kind_rows[i].name);
		assert_int_equal(mg_field_kind(kind_rows[i].name),
		    kind_rows[i].kind);
	}
}

/* ------------------------------------------------------------------ */
/* mg_fix_body                                                         */

/*
 * The body must hold every writable member exactly as read, every
 * member unknown to us exactly as read when allow_unknown, no read-only
 * member, no null member, and the flag block want_mc.
 */
static void
check_body(const json_t *in, const json_t *body, int allow_unknown,
    const json_t *want_mc)
{
	const char *key;
	json_t *v;
	char what[160];

	json_object_foreach((json_t *)in, key, v) {
		json_t *got = json_object_get(body, key);

		snprintf(what, sizeof(what), "member '%s'", key);
		if (strcmp(key, "metadataConfiguration") == 0)
			continue;
		if (is_readonly(key) || json_is_null(v)) {
			if (got != NULL)
				fail_msg("%s must not be sent", what);
			continue;
		}
		if (!is_writable(key) && !allow_unknown)
			fail_msg("%s is unknown but the body was built", what);
		assert_json_eq(got, v, what);
	}
	json_object_foreach((json_t *)body, key, v) {
		if (strcmp(key, "metadataConfiguration") == 0)
			continue;
		if (json_object_get(in, key) == NULL)
			fail_msg("member '%s' was invented", key);
	}
	assert_json_eq(json_object_get(body, "metadataConfiguration"),
	    want_mc, "metadataConfiguration");
	assert_true(json_is_true(json_object_get(json_object_get(body,
	    "metadataConfiguration"), "requireMMDSV2")));
}

struct body_row {
	const char *name;
	const char *base;		/* fixture text */
	int env50;			/* add the 50 variables */
	const char *patch;		/* merged over the top level */
	const char *del;		/* top-level member removed first */
	int allow_unknown;
	int ok;
	const char *err_has;		/* on failure, in err.msg */
	const char *want_mc;		/* NULL: {"requireMMDSV2":true} */
};

static const struct body_row body_rows[] = {
	{ "maximal microVM runtime", microvm_runtime, 1, NULL, NULL, 0, 1,
	    NULL, NULL },
	{ "maximal microVM runtime, allow_unknown", microvm_runtime, 1, NULL,
	    NULL, 1, 1, NULL, NULL },
	{ "capacity-provider runtime", capacity_runtime, 0, NULL, NULL, 0, 1,
	    NULL, NULL },
	{ "capacity-provider runtime, explicit false", capacity_runtime, 0,
	    "{\"metadataConfiguration\":{\"requireMMDSV2\":false}}", NULL, 0,
	    1, NULL, NULL },
	{ "public network mode", microvm_runtime, 0,
	    "{\"networkConfiguration\":{\"networkMode\":\"PUBLIC\"}}", NULL, 0,
	    1, NULL, NULL },
	{ "minimal runtime", "{\"agentRuntimeId\":\"a-0123456789\","
	    "\"agentRuntimeVersion\":\"1\","
	    "\"roleArn\":\"arn:aws:iam::1:role/r\","
	    "\"agentRuntimeArtifact\":{\"containerConfiguration\":"
	    "{\"containerUri\":\"public.ecr.aws/x/y\"}}}", 0, NULL, NULL, 0, 1,
	    NULL, NULL },
	{ "unknown top-level member fails", microvm_runtime, 1,
	    "{\"hooksConfiguration\":{\"preStart\":\"x\"}}", NULL, 0, 0,
	    "hooksConfiguration", NULL },
	{ "unknown member echoed with allow_unknown", microvm_runtime, 1,
	    "{\"hooksConfiguration\":{\"ratio\":0.5,\"count\":3,"
	    "\"big\":9007199254740993,\"real\":1.0,\"empty\":{},\"list\":[],"
	    "\"s\":\"\u00e9\"}}", NULL, 1, 1, NULL, NULL },
	{ "unknown scalar member echoed", capacity_runtime, 0,
	    "{\"allowedPorts\":[8080,8443],\"futureFlag\":false}", NULL, 1, 1,
	    NULL, NULL },
	{ "unknown null member is simply absent", capacity_runtime, 0,
	    "{\"futureThing\":null}", NULL, 0, 1, NULL, NULL },
	{ "null members dropped", microvm_runtime, 0,
	    "{\"description\":null,\"authorizerConfiguration\":null,"
	    "\"environmentVariables\":null,\"platformVersion\":null,"
	    "\"filesystemConfigurations\":null}", NULL, 0, 1, NULL, NULL },
	{ "read-only members never sent, even if odd", capacity_runtime, 0,
	    "{\"workloadIdentityDetails\":{\"workloadIdentityArn\":\"w\"},"
	    "\"failureReason\":\"\",\"status\":\"UPDATE_FAILED\"}", NULL, 0,
	    1, NULL, NULL },
	{ "no metadataConfiguration at all", microvm_runtime, 1, NULL,
	    "metadataConfiguration", 0, 1, NULL, NULL },
	{ "flag sibling kept, flag first", capacity_runtime, 0,
	    "{\"metadataConfiguration\":{\"requireMMDSV2\":false,"
	    "\"futureKnob\":\"x\",\"other\":[1,2.5]}}", NULL, 0, 1, NULL,
	    "{\"requireMMDSV2\":true,\"futureKnob\":\"x\","
	    "\"other\":[1,2.5]}" },
	{ "flag sibling kept, flag last", capacity_runtime, 0,
	    "{\"metadataConfiguration\":{\"futureKnob\":\"x\","
	    "\"other\":{},\"requireMMDSV2\":null}}", NULL, 0, 1, NULL,
	    "{\"requireMMDSV2\":true,\"futureKnob\":\"x\",\"other\":{}}" },
};

static json_t *
make_row_input(const struct body_row *r)
{
	json_t *in = load(r->base), *patch;

	if (r->env50)
		json_object_set_new(in, "environmentVariables", fifty_env());
	if (r->del != NULL)
		json_object_del(in, r->del);
	if (r->patch != NULL) {
		patch = load(r->patch);
		json_object_update(in, patch);
		json_decref(patch);
	}
	return in;
}

static void
test_fix_body_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(body_rows); i++) {
		const struct body_row *r = &body_rows[i];
		json_t *in, *copy, *body = (json_t *)0x1, *want;
		struct mg_err err;
		int rc;

		print_message("fix body row: %s\n", r->name);
		in = make_row_input(r);
		copy = json_deep_copy(in);
		mg_err_clear(&err);
		rc = mg_fix_body(in, r->allow_unknown, &body, &err);
		assert_json_eq(in, copy, "input after mg_fix_body");
		if (!r->ok) {
			assert_int_equal(rc, -1);
			assert_null(body);
			assert_int_not_equal(err.code, MG_OK);
			print_message("  error: %s\n", err.msg);
			assert_non_null(strstr(err.msg, r->err_has));
		} else {
			assert_int_equal(rc, 0);
			assert_non_null(body);
			want = load(r->want_mc ? r->want_mc :
			    "{\"requireMMDSV2\":true}");
			check_body(in, body, r->allow_unknown, want);
			json_decref(want);
		}
		json_decref(body);
		json_decref(copy);
		json_decref(in);
	}
}

/* The exact copies the two big fixtures need, spelled out member by
 * member so a generic check cannot hide a gap. */
static void
test_fix_body_exact(void **state)
{
	json_t *in = make_microvm(), *body = NULL, *v;
	struct mg_err err;

	(void)state;
	assert_int_equal(mg_fix_body(in, 0, &body, &err), 0);
	v = json_object_get(body, "lifecycleConfiguration");
	assert_true(json_is_integer(json_object_get(v,
	    "idleRuntimeSessionTimeout")));
	assert_int_equal(json_integer_value(json_object_get(v,
	    "idleRuntimeSessionTimeout")), 900);
	assert_int_equal(json_integer_value(json_object_get(v,
	    "maxLifetime")), 28800);
	assert_int_equal(json_object_size(json_object_get(body,
	    "environmentVariables")), 50);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    body, "environmentVariables"), "ENV_03")), "");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    body, "environmentVariables"), "ENV_02")),
	    "C:\\path\\with\\backslashes\\");
	assert_string_equal(json_string_value(json_object_get(body,
	    "description")), "Gr\u00f6\u00dfenpr\u00fcfung \u2013 "
	    "\u65e5\u672c\u8a9e \U0001F600 \"quoted\" back\\slash");
	assert_true(json_is_true(json_object_get(json_object_get(
	    json_object_get(body, "networkConfiguration"),
	    "networkModeConfig"), "requireServiceS3Endpoint")));
	v = json_object_get(json_object_get(json_object_get(body,
	    "authorizerConfiguration"), "customJWTAuthorizer"),
	    "privateEndpoint");
	assert_true(json_is_object(json_object_get(json_object_get(v,
	    "managedVpcResource"), "tags")));
	assert_int_equal(json_object_size(json_object_get(json_object_get(v,
	    "managedVpcResource"), "tags")), 0);
	assert_int_equal(json_array_size(json_object_get(body,
	    "filesystemConfigurations")), 3);
	/* Thirteen writable members, minus the two this runtime lacks. */
	assert_int_equal(json_object_size(body), 11);
	/* The body is a copy: changing the input later cannot change it. */
	json_object_set_new(json_object_get(in, "environmentVariables"),
	    "ENV_00", json_string("changed"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    body, "environmentVariables"), "ENV_00")), "plain-value");
	json_decref(body);
	json_decref(in);

	in = load(capacity_runtime);
	assert_int_equal(mg_fix_body(in, 0, &body, &err), 0);
	assert_null(json_object_get(body, "networkConfiguration"));
	v = json_object_get(body, "lifecycleConfiguration");
	assert_true(json_is_integer(json_object_get(v, "maxLifetime")));
	assert_int_equal(json_integer_value(json_object_get(v,
	    "maxLifetime")), 1209600);
	v = json_object_get(body, "environmentVariables");
	assert_true(json_is_object(v));
	assert_int_equal(json_object_size(v), 0);
	assert_string_equal(json_string_value(json_object_get(body,
	    "platformVersion")), "V2");
	assert_non_null(json_object_get(json_object_get(body,
	    "capacityProviderConfiguration"), "capacityProviderArn"));
	/* Eight members read plus the flag block. */
	assert_int_equal(json_object_size(body), 9);
	json_decref(body);
	json_decref(in);
}

static const char *const flag_inputs[] = {
	NULL,		/* no metadataConfiguration member */
	"null", "{}", "false", "true", "\"true\"", "1", "0", "[]",
	"[{\"requireMMDSV2\":true}]",
	"{\"requireMMDSV2\":false}", "{\"requireMMDSV2\":null}",
	"{\"requireMMDSV2\":\"true\"}", "{\"requireMMDSV2\":\"false\"}",
	"{\"requireMMDSV2\":1}", "{\"requireMMDSV2\":0}",
	"{\"requireMMDSV2\":{}}", "{\"requireMMDSV2\":[false]}",
	"{\"requireMMDSV2\":true}",
};

/* Whatever was read, the body asks for exactly {"requireMMDSV2":true}. */
static void
test_fix_body_flag_always_true(void **state)
{
	const char *bases[] = { microvm_runtime, capacity_runtime };
	json_t *want = load("{\"requireMMDSV2\":true}");
	size_t b, i;
	int allow;

	(void)state;
	for (b = 0; b < NELEM(bases); b++)
		for (i = 0; i < NELEM(flag_inputs); i++)
			for (allow = 0; allow <= 1; allow++) {
				json_t *in = load(bases[b]), *body = NULL;
				struct mg_err err;

				print_message("flag input %s (fixture %zu, "
				    "allow_unknown %d)\n", flag_inputs[i] ?
				    flag_inputs[i] : "(absent)", b, allow);
				json_object_del(in, "metadataConfiguration");
				if (flag_inputs[i] != NULL)
					json_object_set_new(in,
					    "metadataConfiguration",
					    load(flag_inputs[i]));
				assert_int_equal(mg_fix_body(in, allow, &body,
				    &err), 0);
				assert_json_eq(json_object_get(body,
				    "metadataConfiguration"), want,
				    "metadataConfiguration");
				json_decref(body);
				json_decref(in);
			}
	json_decref(want);
}

/* No input, however odd, yields a body whose flag is not true. */
static void
test_fix_body_never_false(void **state)
{
	static const char *const inputs[] = {
		"{\"metadataConfiguration\":{\"requireMMDSV2\":false}}",
		"{\"metadataConfiguration\":{\"requireMMDSV2\":false,"
		    "\"requireMMDSV2 \":false}}",
		"{\"metadataConfiguration\":{\"x\":1,\"requireMMDSV2\":false,"
		    "\"y\":2}}",
		"{\"metadataConfiguration\":false,\"roleArn\":\"r\"}",
		"{\"futureThing\":{\"metadataConfiguration\":"
		    "{\"requireMMDSV2\":false}}}",
		"{\"environmentVariables\":{\"requireMMDSV2\":\"false\"}}",
		"{}",
	};
	size_t i;
	int allow;

	(void)state;
	for (i = 0; i < NELEM(inputs); i++)
		for (allow = 0; allow <= 1; allow++) {
			json_t *in = load(inputs[i]), *body = NULL, *mc;
			struct mg_err err;

			print_message("never false: %s (allow_unknown %d)\n",
			    inputs[i], allow);
			if (mg_fix_body(in, allow, &body, &err) != 0) {
				/* Refusing is fine; a false flag is not. */
				assert_null(body);
				json_decref(in);
				continue;
			}
			mc = json_object_get(body, "metadataConfiguration");
			assert_true(json_is_object(mc));
			assert_true(json_is_true(json_object_get(mc,
			    "requireMMDSV2")));
			json_decref(body);
			json_decref(in);
		}
}

static void
test_fix_body_not_object(void **state)
{
	static const char *const inputs[] = {
		"null", "[]", "\"runtime\"", "1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(inputs); i++) {
		json_t *in = load(inputs[i]), *body = (json_t *)0x1;
		struct mg_err err;

		print_message("not an object: %s\n", inputs[i]);
		assert_int_equal(mg_fix_body(in, 1, &body, &err), -1);
		assert_null(body);
		assert_int_equal(err.code, MG_EPARSE);
		json_decref(in);
	}
}

/* ------------------------------------------------------------------ */
/* The classification agrees with the service model (../shared).       */

static json_t *
load_model(void)
{
	const char *shared = getenv("MG_SHARED_DIR");
	char path[4096];
	json_t *m;

	if (shared == NULL || shared[0] == '\0')
		return NULL;
	snprintf(path, sizeof(path),
	    "%s/reference/agentcore-runtime-model.json", shared);
	m = json_load_file(path, 0, NULL);
	return m;
}

static json_t *
shape_members(json_t *model, const char *shape)
{
	return json_object_get(json_object_get(json_object_get(model,
	    "shapes"), shape), "members");
}

/* Every member of shape must appear in at least one of the objects. */
static void
assert_covers(json_t *model, const char *shape, json_t *const *objs,
    size_t nobjs)
{
	json_t *members = shape_members(model, shape), *v;
	const char *key;
	size_t i;
	int seen;

	assert_true(json_is_object(members));
	json_object_foreach(members, key, v) {
		seen = 0;
		for (i = 0; i < nobjs; i++)
			if (json_object_get(objs[i], key) != NULL)
				seen = 1;
		if (!seen)
			fail_msg("fixtures lack %s.%s", shape, key);
	}
}

static void
test_model_classification(void **state)
{
	json_t *model = load_model(), *upd, *get, *v, *objs[5], *fs;
	json_t *micro, *cap;
	const char *key;
	size_t i, n;

	(void)state;
	if (model == NULL) {
		print_message("skipped: MG_SHARED_DIR has no service model\n");
		skip();
	}
	upd = shape_members(model, "UpdateAgentRuntimeRequest");
	get = shape_members(model, "GetAgentRuntimeResponse");
	assert_true(json_is_object(upd));
	assert_true(json_is_object(get));
	json_object_foreach(upd, key, v) {
		if (json_object_get(v, "location") != NULL ||
		    strcmp(key, "clientToken") == 0)
			continue;
		print_message("update member %s\n", key);
		assert_int_equal(mg_field_kind(key), MG_FIELD_WRITABLE);
		assert_true(is_writable(key));
	}
	json_object_foreach(get, key, v) {
		json_t *u = json_object_get(upd, key);
		enum mg_field_kind want = u != NULL &&
		    json_object_get(u, "location") == NULL ?
		    MG_FIELD_WRITABLE : MG_FIELD_READONLY;

		print_message("get member %s\n", key);
		assert_int_equal(mg_field_kind(key), want);
	}

	/* The fixtures exercise every member the newest model has. */
	micro = make_microvm();
	cap = load(capacity_runtime);
	objs[0] = micro;
	objs[1] = cap;
	assert_covers(model, "GetAgentRuntimeResponse", objs, 2);
	objs[0] = json_object_get(json_object_get(micro,
	    "authorizerConfiguration"), "customJWTAuthorizer");
	assert_covers(model, "CustomJWTAuthorizerConfiguration", objs, 1);
	n = 0;
	json_array_foreach(json_object_get(micro,
	    "filesystemConfigurations"), i, fs)
		objs[n++] = fs;
	json_array_foreach(json_object_get(cap,
	    "filesystemConfigurations"), i, fs)
		objs[n++] = fs;
	assert_covers(model, "FilesystemConfiguration", objs, n);
	objs[0] = json_object_get(json_object_get(micro,
	    "networkConfiguration"), "networkModeConfig");
	assert_covers(model, "VpcConfig", objs, 1);
	objs[0] = json_object_get(micro, "lifecycleConfiguration");
	assert_covers(model, "LifecycleConfiguration", objs, 1);
	json_decref(micro);
	json_decref(cap);
	json_decref(model);
}

/* ------------------------------------------------------------------ */
/* mg_fix_drop_s3_endpoint                                             */

struct drop_row {
	const char *name;
	const char *body;
	int ret;
	const char *after;
};

static const struct drop_row drop_rows[] = {
	{ "true removed", "{\"networkConfiguration\":{\"networkMode\":\"VPC\","
	    "\"networkModeConfig\":{\"subnets\":[\"s\"],\"securityGroups\":"
	    "[\"g\"],\"requireServiceS3Endpoint\":true}},\"roleArn\":\"r\"}",
	    1, "{\"networkConfiguration\":{\"networkMode\":\"VPC\","
	    "\"networkModeConfig\":{\"subnets\":[\"s\"],\"securityGroups\":"
	    "[\"g\"]}},\"roleArn\":\"r\"}" },
	{ "false removed", "{\"networkConfiguration\":{\"networkModeConfig\":"
	    "{\"requireServiceS3Endpoint\":false}}}", 1,
	    "{\"networkConfiguration\":{\"networkModeConfig\":{}}}" },
	{ "absent", "{\"networkConfiguration\":{\"networkMode\":\"VPC\","
	    "\"networkModeConfig\":{\"subnets\":[\"s\"]}}}", 0,
	    "{\"networkConfiguration\":{\"networkMode\":\"VPC\","
	    "\"networkModeConfig\":{\"subnets\":[\"s\"]}}}" },
	{ "public mode", "{\"networkConfiguration\":{\"networkMode\":"
	    "\"PUBLIC\"}}", 0, "{\"networkConfiguration\":{\"networkMode\":"
	    "\"PUBLIC\"}}" },
	{ "no network block", "{\"roleArn\":\"r\"}", 0, "{\"roleArn\":\"r\"}" },
	{ "only at the right depth", "{\"requireServiceS3Endpoint\":true,"
	    "\"networkConfiguration\":{\"requireServiceS3Endpoint\":true}}", 0,
	    "{\"requireServiceS3Endpoint\":true,\"networkConfiguration\":"
	    "{\"requireServiceS3Endpoint\":true}}" },
	{ "config not an object", "{\"networkConfiguration\":"
	    "{\"networkModeConfig\":null}}", 0, "{\"networkConfiguration\":"
	    "{\"networkModeConfig\":null}}" },
};

static void
test_drop_s3_endpoint(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(drop_rows); i++) {
		json_t *b = load(drop_rows[i].body);
		json_t *want = load(drop_rows[i].after);

		print_message("drop row: %s\n", drop_rows[i].name);
		assert_int_equal(mg_fix_drop_s3_endpoint(b), drop_rows[i].ret);
		assert_json_eq(b, want, "body after");
		/* A second call finds nothing left to drop. */
		assert_int_equal(mg_fix_drop_s3_endpoint(b), 0);
		json_decref(want);
		json_decref(b);
	}
}

/* ------------------------------------------------------------------ */
/* mg_fix_client_token                                                 */

/* [a-zA-Z0-9](-*[a-zA-Z0-9]){0,256} and 33..256 characters long. */
static void
assert_token_valid(const char *t)
{
	size_t n = strlen(t), i, alnum = 0;

	if (n < 33 || n > 256)
		fail_msg("token '%s' has %zu characters", t, n);
	for (i = 0; i < n; i++) {
		char c = t[i];
		int an = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');

		if (!an && c != '-')
			fail_msg("token '%s' has '%c'", t, c);
		alnum += an;
	}
	if (t[0] == '-' || t[n - 1] == '-')
		fail_msg("token '%s' starts or ends with '-'", t);
	/* The repetition bound: at most 257 alphanumerics. */
	assert_true(alnum >= 1 && alnum <= 257);
}

static void
token_of(const char *rt, const char *ver, const char *body_text,
    const char *salt, char out[64])
{
	json_t *body = load(body_text);

	memset(out, 'Z', 64);
	mg_fix_client_token(rt, ver, body, salt, out);
	json_decref(body);
	assert_token_valid(out);
}

#define BODY_A "{\"roleArn\":\"r\",\"environmentVariables\":{\"A\":\"1\"," \
	"\"B\":\"2\"},\"metadataConfiguration\":{\"requireMMDSV2\":true}}"
#define BODY_A_REORDERED "{\"metadataConfiguration\":{\"requireMMDSV2\":" \
	"true},\"environmentVariables\":{\"B\":\"2\",\"A\":\"1\"}," \
	"\"roleArn\":\"r\"}"

struct token_row {
	const char *name;
	const char *rt, *ver, *body, *salt;
	int same;	/* same token as the reference row */
};

static const struct token_row token_rows[] = {
	{ "same input", "rt-0123456789", "3", BODY_A, NULL, 1 },
	{ "keys in another order, nested too", "rt-0123456789", "3",
	    BODY_A_REORDERED, NULL, 1 },
	{ "whitespace in the source JSON", "rt-0123456789", "3",
	    "{ \"roleArn\" : \"r\", \"environmentVariables\" : {\"B\":\"2\","
	    " \"A\":\"1\"},\n\"metadataConfiguration\":{\"requireMMDSV2\":"
	    "true} }", NULL, 1 },
	{ "other runtime", "rt-0123456780", "3", BODY_A, NULL, 0 },
	{ "other version", "rt-0123456789", "4", BODY_A, NULL, 0 },
	{ "runtime and version split differently", "rt-01234567893", "",
	    BODY_A, NULL, 0 },
	{ "other body value", "rt-0123456789", "3", "{\"roleArn\":\"r\","
	    "\"environmentVariables\":{\"A\":\"1\",\"B\":\"3\"},"
	    "\"metadataConfiguration\":{\"requireMMDSV2\":true}}", NULL, 0 },
	{ "body member missing", "rt-0123456789", "3", "{\"roleArn\":\"r\","
	    "\"environmentVariables\":{\"A\":\"1\"},"
	    "\"metadataConfiguration\":{\"requireMMDSV2\":true}}", NULL, 0 },
	{ "extra member", "rt-0123456789", "3", "{\"roleArn\":\"r\","
	    "\"environmentVariables\":{\"A\":\"1\",\"B\":\"2\"},"
	    "\"metadataConfiguration\":{\"requireMMDSV2\":true},\"n\":1}",
	    NULL, 0 },
	{ "salted", "rt-0123456789", "3", BODY_A, "without-s3-endpoint", 0 },
	{ "other salt", "rt-0123456789", "3", BODY_A, "another-salt", 0 },
};

static void
test_client_token(void **state)
{
	char ref[64], tok[64], salted[64], salted2[64], n1[64], n2[64];
	size_t i;

	(void)state;
	token_of("rt-0123456789", "3", BODY_A, NULL, ref);
	print_message("reference token %s\n", ref);
	for (i = 0; i < NELEM(token_rows); i++) {
		const struct token_row *r = &token_rows[i];

		print_message("token row: %s\n", r->name);
		token_of(r->rt, r->ver, r->body, r->salt, tok);
		if (r->same)
			assert_string_equal(tok, ref);
		else
			assert_string_not_equal(tok, ref);
	}
	/* Salts differ from each other, and each is stable. */
	token_of("rt-0123456789", "3", BODY_A, "without-s3-endpoint", salted);
	token_of("rt-0123456789", "3", BODY_A, "another-salt", salted2);
	assert_string_not_equal(salted, salted2);
	token_of("rt-0123456789", "3", BODY_A, "without-s3-endpoint", tok);
	assert_string_equal(tok, salted);
	/* "1" vs "1.0" as numbers are different bodies. */
	token_of("r-0123456789", "1", "{\"n\":1}", NULL, n1);
	token_of("r-0123456789", "1", "{\"n\":1.0}", NULL, n2);
	assert_string_not_equal(n1, n2);
	/* Long identifiers still give a valid, bounded token. */
	token_of("a_very_long_runtime_name_that_fills_the_pattern_"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-0123456789",
	    "99999", BODY_A, "endpoint-prod-from-12", tok);
}

/* ------------------------------------------------------------------ */
/* mg_config_diff                                                      */

struct diff_row {
	const char *name;
	const char *before, *after;
	int ignore_flag;
	const char *want;	/* JSON array of paths, any order */
};

#define RT_BASE "\"agentRuntimeId\":\"a-0123456789\"," \
	"\"agentRuntimeArn\":\"arn:aws:bedrock-agentcore:us-east-1:" \
	"123456789012:runtime/a-0123456789\",\"agentRuntimeName\":\"a\"," \
	"\"roleArn\":\"arn:aws:iam::123456789012:role/r\"," \
	"\"networkConfiguration\":{\"networkMode\":\"VPC\"," \
	"\"networkModeConfig\":{\"subnets\":[\"subnet-1\",\"subnet-2\"]," \
	"\"securityGroups\":[\"sg-1\"],\"requireServiceS3Endpoint\":true}}," \
	"\"lifecycleConfiguration\":{\"idleRuntimeSessionTimeout\":900," \
	"\"maxLifetime\":28800}," \
	"\"environmentVariables\":{\"KEY\":\"v\",\"OTHER\":\"o\"}"

#define V1 "\"agentRuntimeVersion\":\"1\",\"status\":\"READY\"," \
	"\"createdAt\":\"2025-01-01T00:00:00Z\"," \
	"\"lastUpdatedAt\":\"2025-01-01T00:00:00Z\""
#define V2 "\"agentRuntimeVersion\":\"2\",\"status\":\"UPDATING\"," \
	"\"createdAt\":\"2025-01-01T00:00:00.000Z\"," \
	"\"lastUpdatedAt\":\"2026-07-01T12:00:00Z\"," \
	"\"failureReason\":\"transient\""
#define MC_FALSE "\"metadataConfiguration\":{\"requireMMDSV2\":false}"
#define MC_TRUE "\"metadataConfiguration\":{\"requireMMDSV2\":true}"

static const struct diff_row diff_rows[] = {
	{ "identical", "{" RT_BASE "," V1 "," MC_FALSE "}",
	    "{" RT_BASE "," V1 "," MC_FALSE "}", 0, "[]" },
	{ "null and absent are the same", "{\"description\":null,"
	    "\"x\":{\"y\":null}}", "{\"x\":{},\"z\":null}", 0, "[]" },
	{ "other members of the metadata block still compared",
	    "{\"metadataConfiguration\":{\"requireMMDSV2\":false,"
	    "\"knob\":1}}", "{\"metadataConfiguration\":"
	    "{\"requireMMDSV2\":true}}", 1, "[\"metadataConfiguration\"]" },
	{ "a block that only gains the flag is no difference",
	    "{\"roleArn\":\"r\"}", "{\"roleArn\":\"r\","
	    "\"metadataConfiguration\":{\"requireMMDSV2\":true}}", 1, "[]" },
	{ "version, status and timestamps ignored",
	    "{" RT_BASE "," V1 "," MC_FALSE "}",
	    "{" RT_BASE "," V2 "," MC_FALSE "}", 0, "[]" },
	{ "identity ignored (old versioned ARN form)",
	    "{\"agentRuntimeArn\":\"arn:aws:bedrock-agentcore:us-east-1:"
	    "123456789012:agent/abc:1\",\"roleArn\":\"r\"}",
	    "{\"agentRuntimeArn\":\"arn:aws:bedrock-agentcore:us-east-1:"
	    "123456789012:agent/abc:2\",\"roleArn\":\"r\"}", 0, "[]" },
	{ "flag change seen", "{" RT_BASE "," V1 "," MC_FALSE "}",
	    "{" RT_BASE "," V2 "," MC_TRUE "}", 0,
	    "[\"metadataConfiguration.requireMMDSV2\"]" },
	{ "flag change ignored with ignore_flag",
	    "{" RT_BASE "," V1 "," MC_FALSE "}",
	    "{" RT_BASE "," V2 "," MC_TRUE "}", 1, "[]" },
	{ "flag block added, seen", "{" RT_BASE "}",
	    "{" RT_BASE "," MC_TRUE "}", 0, "[\"metadataConfiguration\"]" },
	{ "flag block added, ignored", "{" RT_BASE "}",
	    "{" RT_BASE "," MC_TRUE "}", 1, "[]" },
	{ "flag block removed, seen", "{" RT_BASE "," MC_TRUE "}",
	    "{" RT_BASE "}", 0, "[\"metadataConfiguration\"]" },
	{ "environment value changed", "{" RT_BASE "}",
	    "{" RT_BASE ",\"environmentVariables\":{\"KEY\":\"w\","
	    "\"OTHER\":\"o\"}}", 0, "[\"environmentVariables.KEY\"]" },
	{ "environment variable added", "{" RT_BASE "}",
	    "{" RT_BASE ",\"environmentVariables\":{\"KEY\":\"v\","
	    "\"OTHER\":\"o\",\"NEW\":\"n\"}}", 0,
	    "[\"environmentVariables.NEW\"]" },
	{ "environment variable removed", "{" RT_BASE "}",
	    "{" RT_BASE ",\"environmentVariables\":{\"KEY\":\"v\"}}", 0,
	    "[\"environmentVariables.OTHER\"]" },
	{ "environment emptied", "{" RT_BASE "}",
	    "{" RT_BASE ",\"environmentVariables\":{}}", 0,
	    "[\"environmentVariables.KEY\",\"environmentVariables.OTHER\"]" },
	{ "S3 endpoint setting lost", "{" RT_BASE "}",
	    "{" RT_BASE ",\"networkConfiguration\":{\"networkMode\":\"VPC\","
	    "\"networkModeConfig\":{\"subnets\":[\"subnet-1\",\"subnet-2\"],"
	    "\"securityGroups\":[\"sg-1\"]}}}", 0,
	    "[\"networkConfiguration.networkModeConfig."
	    "requireServiceS3Endpoint\"]" },
	{ "S3 endpoint setting lost, flag ignored",
	    "{" RT_BASE "," MC_FALSE "}",
	    "{" RT_BASE "," MC_TRUE ",\"networkConfiguration\":"
	    "{\"networkMode\":\"VPC\",\"networkModeConfig\":{\"subnets\":"
	    "[\"subnet-1\",\"subnet-2\"],\"securityGroups\":[\"sg-1\"]}}}", 1,
	    "[\"networkConfiguration.networkModeConfig."
	    "requireServiceS3Endpoint\"]" },
	{ "list reordered", "{" RT_BASE "}",
	    "{" RT_BASE ",\"networkConfiguration\":{\"networkMode\":\"VPC\","
	    "\"networkModeConfig\":{\"subnets\":[\"subnet-2\",\"subnet-1\"],"
	    "\"securityGroups\":[\"sg-1\"],\"requireServiceS3Endpoint\":"
	    "true}}}", 0,
	    "[\"networkConfiguration.networkModeConfig.subnets\"]" },
	{ "member added", "{" RT_BASE "}",
	    "{" RT_BASE ",\"description\":\"d\"}", 0, "[\"description\"]" },
	{ "member removed", "{" RT_BASE ",\"protocolConfiguration\":"
	    "{\"serverProtocol\":\"MCP\"}}", "{" RT_BASE "}", 0,
	    "[\"protocolConfiguration\"]" },
	{ "nested member changed type", "{" RT_BASE "}",
	    "{" RT_BASE ",\"lifecycleConfiguration\":"
	    "{\"idleRuntimeSessionTimeout\":\"900\",\"maxLifetime\":28800}}",
	    0, "[\"lifecycleConfiguration.idleRuntimeSessionTimeout\"]" },
	{ "object replaced by a scalar", "{" RT_BASE "}",
	    "{" RT_BASE ",\"networkConfiguration\":{\"networkMode\":\"VPC\","
	    "\"networkModeConfig\":null}}", 0,
	    "[\"networkConfiguration.networkModeConfig\"]" },
	{ "several at once", "{" RT_BASE "," V1 "," MC_FALSE "}",
	    "{" RT_BASE "," V2 "," MC_TRUE ",\"roleArn\":\"other\","
	    "\"environmentVariables\":{\"KEY\":\"v\"},\"platformVersion\":"
	    "\"V2\"}", 1, "[\"roleArn\",\"environmentVariables.OTHER\","
	    "\"platformVersion\"]" },
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Compare two arrays of strings as sets (sorted, duplicates kept). */
static void
assert_same_paths(const json_t *got, const json_t *want)
{
	const char *g[64], *w[64];
	size_t i, n = json_array_size(got);
	char *text;

	assert_true(json_is_array(got));
	text = json_dumps(got, JSON_COMPACT);
	print_message("  paths: %s\n", text);
	free(text);
	assert_int_equal(n, json_array_size(want));
	assert_true(n <= 64);
	for (i = 0; i < n; i++) {
		assert_true(json_is_string(json_array_get(got, i)));
		g[i] = json_string_value(json_array_get(got, i));
		w[i] = json_string_value(json_array_get(want, i));
	}
	qsort(g, n, sizeof(g[0]), cmp_str);
	qsort(w, n, sizeof(w[0]), cmp_str);
	for (i = 0; i < n; i++)
		assert_string_equal(g[i], w[i]);
}

static void
test_config_diff(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(diff_rows); i++) {
		const struct diff_row *r = &diff_rows[i];
		json_t *a = load(r->before), *b = load(r->after);
		json_t *want = load(r->want), *got;

		print_message("diff row: %s\n", r->name);
		got = mg_config_diff(a, b, r->ignore_flag);
		assert_same_paths(got, want);
		json_decref(got);
		json_decref(want);
		json_decref(b);
		json_decref(a);
	}
}

/* A fix body applied to the pre-image differs only in the flag. */
static void
test_config_diff_body_roundtrip(void **state)
{
	json_t *pre = make_microvm(), *body = NULL, *post, *diff;
	struct mg_err err;
	const char *key;
	json_t *v;

	(void)state;
	assert_int_equal(mg_fix_body(pre, 0, &body, &err), 0);
	post = json_deep_copy(body);
	json_object_foreach(pre, key, v)
		if (is_readonly(key))
			json_object_set(post, key, v);
	json_object_set_new(post, "agentRuntimeVersion", json_string("8"));
	diff = mg_config_diff(pre, post, 1);
	assert_int_equal(json_array_size(diff), 0);
	json_decref(diff);
	diff = mg_config_diff(pre, post, 0);
	assert_int_equal(json_array_size(diff), 1);
	assert_string_equal(json_string_value(json_array_get(diff, 0)),
	    "metadataConfiguration.requireMMDSV2");
	json_decref(diff);
	json_decref(post);
	json_decref(body);
	json_decref(pre);
}

/* ------------------------------------------------------------------ */
/* mg_redact                                                           */

static void
test_redact(void **state)
{
	json_t *in = make_microvm(), *copy = json_deep_copy(in), *out, *env;
	const char *key;
	json_t *v;

	(void)state;
	out = mg_redact(in);
	assert_non_null(out);
	assert_json_eq(in, copy, "input after mg_redact");
	assert_string_equal(json_string_value(json_object_get(out,
	    "description")), "<redacted>");
	env = json_object_get(out, "environmentVariables");
	assert_int_equal(json_object_size(env), 50);
	json_object_foreach(env, key, v) {
		assert_non_null(json_object_get(json_object_get(in,
		    "environmentVariables"), key));
		assert_string_equal(json_string_value(v), "<redacted>");
	}
	/* Everything else is untouched. */
	json_object_foreach(in, key, v) {
		if (strcmp(key, "description") == 0 ||
		    strcmp(key, "environmentVariables") == 0)
			continue;
		assert_json_eq(json_object_get(out, key), v, key);
	}
	assert_int_equal(json_object_size(out), json_object_size(in));
	json_decref(out);
	json_decref(copy);
	json_decref(in);

	/* Nothing to redact: an equal copy, nothing invented. */
	in = load(capacity_runtime);
	out = mg_redact(in);
	assert_json_eq(out, in, "capacity runtime redacted");
	assert_null(json_object_get(out, "description"));
	assert_int_equal(json_object_size(json_object_get(out,
	    "environmentVariables")), 0);
	assert_true(out != in);
	json_decref(out);
	json_decref(in);
}

/* ------------------------------------------------------------------ */
/* mg_flag_text                                                        */

struct flag_text_row {
	const char *name;
	const char *runtime;
	const char *want;
};

static const struct flag_text_row flag_text_rows[] = {
	{ "true", "{\"metadataConfiguration\":{\"requireMMDSV2\":true}}",
	    "true" },
	{ "false", "{\"metadataConfiguration\":{\"requireMMDSV2\":false}}",
	    "false" },
	{ "null", "{\"metadataConfiguration\":{\"requireMMDSV2\":null}}",
	    "null" },
	{ "string", "{\"metadataConfiguration\":{\"requireMMDSV2\":"
	    "\"true\"}}", "\"true\"" },
	{ "absent flag", "{\"metadataConfiguration\":{}}", "(absent)" },
	{ "no block", "{}", "(no metadataConfiguration)" },
	{ "block not an object", "{\"metadataConfiguration\":1}",
	    "(metadataConfiguration not an object)" },
};

static void
test_flag_text(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(flag_text_rows); i++) {
		json_t *rt = load(flag_text_rows[i].runtime);
		char buf[64];

		print_message("flag text row: %s\n", flag_text_rows[i].name);
		assert_string_equal(mg_flag_text(rt, buf, sizeof(buf)),
		    flag_text_rows[i].want);
		json_decref(rt);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_kind),
		cmocka_unit_test(test_fix_body_rows),
		cmocka_unit_test(test_fix_body_exact),
		cmocka_unit_test(test_fix_body_flag_always_true),
		cmocka_unit_test(test_fix_body_never_false),
		cmocka_unit_test(test_fix_body_not_object),
		cmocka_unit_test(test_model_classification),
		cmocka_unit_test(test_drop_s3_endpoint),
		cmocka_unit_test(test_client_token),
		cmocka_unit_test(test_config_diff),
		cmocka_unit_test(test_config_diff_body_roundtrip),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_flag_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
