/* SPDX-License-Identifier: Apache-2.0 */
/* cli_env.c: from options to credentials, targets and a client. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "cli_env.h"
#include "cli_msgs.h"

/*
 * Where AgentCore Runtime runs in the aws partition (facts file, section
 * 2). GovCloud (us-gov-west-1) needs its own credentials: name it with
 * --region.
 */
static const char *const all_regions[] = {
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-central-1",
	"eu-west-1", "eu-west-2", "eu-south-1", "eu-west-3", "eu-south-2",
	"eu-north-1", "ap-southeast-5", "ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-7",
	"ap-northeast-1", "ap-northeast-2", "ca-central-1", "sa-east-1",
};

static int
region_shape_ok(const char *r)
{
	size_t i, n = strlen(r);

	/* A DNS label: what the endpoint host will be built from. */
	if (n == 0 || n > 63 || r[0] == '-' || r[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((r[i] >= 'a' && r[i] <= 'z') ||
		    (r[i] >= '0' && r[i] <= '9') || r[i] == '-'))
			return 0;
	return 1;
}

static int
check_offline(const struct cli_opts *o)
{
	size_t i;

	for (i = 0; i < o->nruntimes; i++) {
		if (!mg_runtime_id_valid(o->runtimes[i])) {
			helpf("--runtime '%s' is not a runtime ID (expected a "
			    "name, a dash and 10 letters or digits, e.g. "
			    "my_agent-a1b2c3d4e5)",
			    cli_shown(o->runtimes[i]));
			return 2;
		}
	}
	if (o->accounts != NULL || o->org || o->role_name != NULL ||
	    o->external_id != NULL) {
		helpf("--accounts, --org, --role-name and --external-id are "
		    "not available in this version; audit one account at a "
		    "time with --profile");
		return 2;
	}
	if (o->all_regions && o->regions != NULL) {
		helpf("give --region or --all-regions, not both");
		return 2;
	}
	return 0;
}

static int
add_target(struct cli_env *env, const char *endpoint, const char *region)
{
	struct mg_err err;
	size_t i;

	mg_err_clear(&err);
	if (!region_shape_ok(region)) {
		helpf("--region '%s' is not a region name (e.g. us-east-1)",
		    cli_shown(region));
		return 2;
	}
	for (i = 0; i < env->ntargets; i++)
		if (strcmp(env->targets[i].region, region) == 0)
			return 0;
	if (mg_target_init(&env->targets[env->ntargets], region, endpoint,
	    &env->creds, &err) != 0) {
		if (err.code == MG_EUSAGE)
			helpf("%s", err.msg);
		else
			errorf("%s", err.msg);
		return err.code == MG_EUSAGE ? 2 : 5;
	}
	env->ntargets++;
	return 0;
}

static int
build_targets(const struct cli_opts *o, const char *endpoint,
    struct cli_env *env)
{
	char *list = NULL, *save = NULL, *tok, *region = NULL;
	struct mg_err err;
	size_t i, max;
	int rc = 0;

	mg_err_clear(&err);
	max = sizeof(all_regions) / sizeof(all_regions[0]) + 64;
	env->targets = calloc(max, sizeof(*env->targets));
	if (env->targets == NULL) {
		errorf("out of memory");
		return 5;
	}
	if (o->all_regions) {
		for (i = 0; rc == 0 && i < sizeof(all_regions) /
		    sizeof(all_regions[0]); i++)
			rc = add_target(env, endpoint, all_regions[i]);
		return rc;
	}
	if (o->regions == NULL) {
		if (mg_region_resolve(NULL, o->profile, &region, &err) != 0) {
			errorf("%s", err.msg);
			return 3;
		}
		rc = add_target(env, endpoint, region);
		free(region);
		return rc;
	}
	list = strdup(o->regions);
	if (list == NULL) {
		errorf("out of memory");
		return 5;
	}
	for (tok = list; rc == 0 && tok != NULL; tok = save) {
		save = strchr(tok, ',');
		if (save != NULL)
			*save++ = '\0';
		if (*tok == '\0') {
			helpf("--region '%s' has an empty region name",
			    cli_shown(o->regions));
			rc = 2;
			break;
		}
		if (env->ntargets == max - 1) {
			helpf("too many regions in --region");
			rc = 2;
			break;
		}
		rc = add_target(env, endpoint, tok);
	}
	if (rc == 0 && env->ntargets == 0) {
		helpf("--region needs at least one region");
		rc = 2;
	}
	free(list);
	return rc;
}

/*
 * The control-plane endpoint: --endpoint-url, then the SDKs'
 * environment variables (read by the library), then the profile's
 * endpoint_url. *out stays NULL for the service's own endpoint.
 */
static int
choose_endpoint(const struct cli_opts *o, char **out)
{
	static const char *const vars[] = {
		"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL",
		"AWS_ENDPOINT_URL",
	};
	struct mg_err err;
	size_t i;

	*out = NULL;
	mg_err_clear(&err);
	if (o->endpoint_url != NULL) {
		*out = strdup(o->endpoint_url);
		return *out ? 0 : 5;
	}
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (getenv(vars[i]) != NULL && *getenv(vars[i]) != '\0')
			return 0;
	if (mg_endpoint_resolve(o->profile, out, &err) != 0) {
		errorf("%s", err.msg);
		return 3;
	}
	if (*out != NULL)
		notef("endpoint: %s (endpoint_url of the profile)", *out);
	return 0;
}

int
cli_env_setup(const struct cli_opts *o, int concurrency, struct cli_env *env)
{
	char *endpoint = NULL;
	struct mg_client_opts co;
	struct stat st;
	struct mg_err err;
	int rc;

	memset(env, 0, sizeof(*env));
	mg_err_clear(&err);
	rc = check_offline(o);
	if (rc != 0)
		return rc;
	if (mg_creds_resolve(o->profile, &env->creds, &err) != 0) {
		errorf("%s", err.msg);
		return err.code == MG_EUSAGE ? 2 : 3;
	}
	env->have_creds = 1;
	notef("credentials: access key %s from %s", env->creds.access_key_id,
	    env->creds.source);
	rc = choose_endpoint(o, &endpoint);
	if (rc == 0)
		rc = build_targets(o, endpoint, env);
	free(endpoint);
	if (rc != 0)
		return rc;
	memset(&co, 0, sizeof(co));
	co.concurrency = concurrency;
	co.connect_timeout_ms = (o->connect_timeout ? o->connect_timeout :
	    10) * 1000;
	co.request_timeout_ms = (o->request_timeout ? o->request_timeout :
	    60) * 1000;
	co.max_attempts = 3;
	errno = 0;
	co.ca_bundle = getenv("AWS_CA_BUNDLE");
	if (co.ca_bundle != NULL && *co.ca_bundle == '\0')
		co.ca_bundle = NULL;
	if (co.ca_bundle != NULL && (access(co.ca_bundle, R_OK) != 0 ||
	    stat(co.ca_bundle, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size == 0)) {
		errorf("AWS_CA_BUNDLE '%s' is not a readable, non-empty "
		    "file%s%s; point it at a PEM file of CA certificates or "
		    "unset it",
		    co.ca_bundle, errno ? ": " : "", errno ? strerror(errno) :
		    "");
		return 3;
	}
	co.debug = o->debug;
	co.log = cli_log;
	env->client_opts = co;
	if (mg_client_new(&co, &env->client, &err) != 0) {
		errorf("%s", err.msg);
		return 5;
	}
	return 0;
}

void
cli_env_release(struct cli_env *env)
{
	size_t i;

	mg_client_free(env->client);
	for (i = 0; i < env->ntargets; i++)
		mg_target_release(&env->targets[i]);
	free(env->targets);
	if (env->have_creds)
		mg_creds_release(&env->creds);
	memset(env, 0, sizeof(*env));
}

void
cli_report_rejected(const struct cli_env *env, const char *detail)
{
	errorf("the service rejected access key '%s' (from %s): %s; check "
	    "the secret key, the session token and the clock",
	    env->creds.access_key_id, env->creds.source,
	    detail ? detail : "credentials refused");
}
