/* SPDX-License-Identifier: Apache-2.0 */
/* fixplan.c: loss-free update bodies, version diffs, tokens, redaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixplan.h"
#include "sigv4.h"

static const char *const readonly_fields[] = {
	"agentRuntimeArn", "agentRuntimeName", "agentRuntimeId",
	"agentRuntimeVersion", "createdAt", "lastUpdatedAt", "status",
	"failureReason", "workloadIdentityDetails",
};

/* Every writable member of UpdateAgentRuntime in the newest model. */
static const char *const writable_fields[] = {
	"agentRuntimeArtifact", "roleArn", "networkConfiguration",
	"description", "authorizerConfiguration",
	"requestHeaderConfiguration", "protocolConfiguration",
	"lifecycleConfiguration", "metadataConfiguration",
	"environmentVariables", "filesystemConfigurations",
	"capacityProviderConfiguration", "platformVersion",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum mg_field_kind
mg_field_kind(const char *key)
{
	size_t i;

	for (i = 0; i < NELEM(readonly_fields); i++)
		if (strcmp(key, readonly_fields[i]) == 0)
			return MG_FIELD_READONLY;
	for (i = 0; i < NELEM(writable_fields); i++)
		if (strcmp(key, writable_fields[i]) == 0)
			return MG_FIELD_WRITABLE;
	return MG_FIELD_UNKNOWN;
}

int
mg_fix_body(const json_t *runtime, int allow_unknown, json_t **out,
    struct mg_err *err)
{
	json_t *body = NULL, *mc = NULL, *v, *old_mc, *member;
	const char *key;
	int rc = -1;

	*out = NULL;
	if (!json_is_object(runtime)) {
		mg_err_set(err, MG_EPARSE, "the runtime is not a JSON object");
		goto cleanup;
	}
	body = json_object();
	if (body == NULL)
		goto nomem;
	json_object_foreach((json_t *)runtime, key, v) {
		enum mg_field_kind kind = mg_field_kind(key);

		if (kind == MG_FIELD_READONLY || json_is_null(v))
			continue;
		if (kind == MG_FIELD_UNKNOWN && !allow_unknown) {
			mg_err_set(err, MG_EUSAGE, "unknown field '%s'", key);
			goto cleanup;
		}
		if (strcmp(key, "metadataConfiguration") == 0)
			continue;
		if (json_object_set_new(body, key, json_deep_copy(v)) != 0)
			goto nomem;
	}
	/* The flag is always sent, and only ever as true. */
	mc = json_object();
	if (mc == NULL || json_object_set_new(mc, "requireMMDSV2",
	    json_true()) != 0)
		goto nomem;
	/* Members of the block other than the flag are kept as read. */
	old_mc = json_object_get(runtime, "metadataConfiguration");
	if (json_is_object(old_mc)) {
		json_object_foreach(old_mc, key, member) {
			if (strcmp(key, "requireMMDSV2") != 0 &&
			    json_object_set_new(mc, key,
			    json_deep_copy(member)) != 0)
				goto nomem;
		}
	}
	if (json_object_set(body, "metadataConfiguration", mc) != 0)
		goto nomem;
	*out = body;
	body = NULL;
	rc = 0;
	goto cleanup;
nomem:
	mg_err_set(err, MG_ENOMEM, "out of memory");
cleanup:
	json_decref(mc);
	json_decref(body);
	return rc;
}

int
mg_fix_drop_s3_endpoint(json_t *body)
{
	json_t *cfg;

	cfg = json_object_get(json_object_get(body, "networkConfiguration"),
	    "networkModeConfig");
	if (!json_is_object(cfg) ||
	    json_object_get(cfg, "requireServiceS3Endpoint") == NULL)
		return 0;
	json_object_del(cfg, "requireServiceS3Endpoint");
	return 1;
}

void
mg_fix_client_token(const char *runtime_id, const char *version,
    const json_t *body, const char *salt, char out[64])
{
	char *text, *all = NULL, hex[65];
	size_t n;

	text = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT);
	n = strlen(runtime_id) + strlen(version) + (salt ? strlen(salt) : 0) +
	    (text ? strlen(text) : 0) + 8;
	all = malloc(n);
	if (all != NULL) {
		snprintf(all, n, "%s\n%s\n%s\n%s", runtime_id, version,
		    salt ? salt : "", text ? text : "");
		mg_sha256_hex(all, strlen(all), hex);
	} else {
		mg_sha256_hex(runtime_id, strlen(runtime_id), hex);
	}
	snprintf(out, 64, "mmdsguard-%.40s", hex);
	free(all);
	free(text);
}

static int
ignored_in_diff(const char *key)
{
	/* Identity too: the older ARN form ends in ":<version>". */
	static const char *const ignored[] = {
		"agentRuntimeArn", "agentRuntimeName", "agentRuntimeId",
		"agentRuntimeVersion", "lastUpdatedAt", "createdAt", "status",
		"failureReason",
	};
	size_t i;

	for (i = 0; i < NELEM(ignored); i++)
		if (strcmp(key, ignored[i]) == 0)
			return 1;
	return 0;
}

static void
diff_into(json_t *out, const char *prefix, const json_t *a, const json_t *b)
{
	char path[1024];
	const char *key;
	json_t *v;

	/* null means absent: the update body never sends a null. */
	if ((a == NULL || json_is_null(a)) && (b == NULL || json_is_null(b)))
		return;
	if (json_equal((json_t *)a, (json_t *)b))
		return;
	if (!json_is_object(a) || !json_is_object(b)) {
		json_array_append_new(out, json_string(prefix));
		return;
	}
	json_object_foreach((json_t *)a, key, v) {
		snprintf(path, sizeof(path), "%s.%s", prefix, key);
		diff_into(out, path, v, json_object_get(b, key));
	}
	json_object_foreach((json_t *)b, key, v) {
		if (json_object_get(a, key) != NULL || json_is_null(v))
			continue;
		snprintf(path, sizeof(path), "%s.%s", prefix, key);
		json_array_append_new(out, json_string(path));
	}
}

/* A copy of a metadataConfiguration without its flag; NULL if empty. */
static json_t *
without_flag(const json_t *mc)
{
	json_t *c;

	if (mc == NULL || json_is_null(mc))
		return NULL;
	c = json_deep_copy(mc);
	if (json_is_object(c)) {
		json_object_del(c, "requireMMDSV2");
		if (json_object_size(c) == 0) {
			json_decref(c);
			return NULL;
		}
	}
	return c;
}

json_t *
mg_config_diff(const json_t *before, const json_t *after, int ignore_flag)
{
	json_t *out = json_array(), *v;
	const char *key;

	if (out == NULL)
		return NULL;
	json_object_foreach((json_t *)before, key, v) {
		if (ignored_in_diff(key))
			continue;
		if (ignore_flag && strcmp(key, "metadataConfiguration") == 0)
			continue;
		diff_into(out, key, v, json_object_get(after, key));
	}
	json_object_foreach((json_t *)after, key, v) {
		if (ignored_in_diff(key) || json_is_null(v) ||
		    json_object_get(before, key) != NULL)
			continue;
		if (ignore_flag && strcmp(key, "metadataConfiguration") == 0)
			continue;
		json_array_append_new(out, json_string(key));
	}
	if (ignore_flag) {
		/* The block's other members still have to survive. */
		json_t *a = without_flag(json_object_get(before,
		    "metadataConfiguration"));
		json_t *b = without_flag(json_object_get(after,
		    "metadataConfiguration"));

		diff_into(out, "metadataConfiguration", a, b);
		json_decref(a);
		json_decref(b);
	}
	return out;
}

json_t *
mg_redact(const json_t *config)
{
	json_t *copy = json_deep_copy(config), *env, *v;
	const char *key;

	if (copy == NULL)
		return NULL;
	env = json_object_get(copy, "environmentVariables");
	if (json_is_object(env))
		json_object_foreach(env, key, v)
			json_object_set_new(env, key,
			    json_string("<redacted>"));
	if (json_object_get(copy, "description") != NULL)
		json_object_set_new(copy, "description",
		    json_string("<redacted>"));
	return copy;
}

const char *
mg_flag_text(const json_t *runtime, char *buf, size_t n)
{
	json_t *mc = json_object_get(runtime, "metadataConfiguration");
	json_t *f;
	char *s;

	if (mc == NULL)
		return "(no metadataConfiguration)";
	if (!json_is_object(mc))
		return "(metadataConfiguration not an object)";
	f = json_object_get(mc, "requireMMDSV2");
	if (f == NULL)
		return "(absent)";
	s = json_dumps(f, JSON_ENCODE_ANY | JSON_COMPACT);
	snprintf(buf, n, "%s", s ? s : "?");
	free(s);
	return buf;
}
