/* SPDX-License-Identifier: Apache-2.0 */
/* creds.c: credentials and region, resolved in botocore's order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsconf.h"
#include "buf.h"
#include "creds.h"

/*
 * botocore's chain (credentials.py, create_credential_resolver), with the
 * sources this build cannot use turned into errors at the place botocore
 * would use them:
 *
 *   environment (skipped when --profile is given), role_arn, web identity,
 *   sso_account_id/sso_role_name, shared credentials file, login_session,
 *   credential_process, config file, container endpoint.
 *
 * Keys other than the static keys are looked up in the profile as
 * botocore's Session.full_config holds it: the config file's profile with
 * the credentials file's section of the same name laid over it.
 */

struct files {
	struct mg_awsconf *cfg;		/* the shared config file */
	struct mg_awsconf *crd;		/* the shared credentials file */
};

/* The variable's value when set and not empty, else NULL. */
static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

const char *
mg_profile_name(const char *profile_flag)
{
	const char *p;

	if (profile_flag != NULL && *profile_flag != '\0')
		return profile_flag;
	/* botocore reads AWS_DEFAULT_PROFILE first, then AWS_PROFILE. */
	if ((p = env("AWS_DEFAULT_PROFILE")) != NULL)
		return p;
	if ((p = env("AWS_PROFILE")) != NULL)
		return p;
	return "default";
}

static int
files_load(struct files *f, struct mg_err *err)
{
	const char *cfg = getenv("AWS_CONFIG_FILE");
	const char *crd = getenv("AWS_SHARED_CREDENTIALS_FILE");

	if (mg_awsconf_load(cfg != NULL ? cfg : "~/.aws/config",
	    MG_AWSCONF_CONFIG, &f->cfg, err) != 0)
		return -1;
	return mg_awsconf_load(crd != NULL ? crd : "~/.aws/credentials",
	    MG_AWSCONF_CREDENTIALS, &f->crd, err);
}

static void
files_release(struct files *f)
{
	mg_awsconf_free(f->cfg);
	mg_awsconf_free(f->crd);
	f->cfg = NULL;
	f->crd = NULL;
}

/* A profile named by --profile or the environment has to exist. */
static int
profile_check(const struct files *f, const char *profile_flag,
    struct mg_err *err)
{
	const char *profile = mg_profile_name(profile_flag);
	int named = (profile_flag != NULL && *profile_flag != '\0') ||
	    env("AWS_DEFAULT_PROFILE") != NULL || env("AWS_PROFILE") != NULL;

	if (!named || mg_awsconf_has_profile(f->cfg, profile) ||
	    mg_awsconf_has_profile(f->crd, profile))
		return 0;
	return mg_err_set(err, MG_ECONFIG,
	    "profile '%s' not found in '%s' or '%s'", profile,
	    mg_awsconf_path(f->cfg), mg_awsconf_path(f->crd));
}

static int
merged_has(const struct files *f, const char *profile, const char *key)
{
	return mg_awsconf_has_key(f->crd, profile, key) ||
	    mg_awsconf_has_key(f->cfg, profile, key);
}

static const char *
merged_get(const struct files *f, const char *profile, const char *key)
{
	if (mg_awsconf_has_key(f->crd, profile, key))
		return mg_awsconf_get(f->crd, profile, key);
	return mg_awsconf_get(f->cfg, profile, key);
}

static int
unsupported(const char *profile, const char *key, const char *kind,
    struct mg_err *err)
{
	return mg_err_set(err, MG_ECREDS, "profile '%s': '%s' asks for %s "
	    "credentials, a source not supported yet: use the environment "
	    "variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or static "
	    "keys in the profile", profile, key, kind);
}

static int
creds_fill(struct mg_creds *out, const char *id, const char *secret,
    const char *token, struct mg_err *err)
{
	out->access_key_id = strdup(id);
	out->secret_access_key = strdup(secret);
	if (token != NULL && *token != '\0')
		out->session_token = strdup(token);
	if (out->access_key_id == NULL || out->secret_access_key == NULL ||
	    (token != NULL && *token != '\0' && out->session_token == NULL))
		return mg_err_set(err, MG_ENOMEM, "out of memory");
	return 1;
}

static int
from_env(struct mg_creds *out, struct mg_err *err)
{
	const char *id = env("AWS_ACCESS_KEY_ID");
	const char *secret = env("AWS_SECRET_ACCESS_KEY");
	const char *token;

	if (id == NULL)
		return 0;
	if (secret == NULL)
		return mg_err_set(err, MG_ECREDS, "environment variable "
		    "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is "
		    "not: set both, or neither to use the profile");
	/* botocore prefers the older name when both are set. */
	token = env("AWS_SECURITY_TOKEN");
	if (token == NULL)
		token = env("AWS_SESSION_TOKEN");
	snprintf(out->source, sizeof(out->source), "environment");
	return creds_fill(out, id, secret, token, err);
}

/* A static key of profile in c: present, a plain value and not empty. */
static int
static_key(const struct mg_awsconf *c, const char *profile, const char *key,
    const char **val, struct mg_err *err)
{
	if (!mg_awsconf_has_key(c, profile, key))
		return mg_err_set(err, MG_ECREDS, "profile '%s' in '%s' has "
		    "aws_access_key_id but no %s", profile, mg_awsconf_path(c),
		    key);
	*val = mg_awsconf_get(c, profile, key);
	if (*val == NULL)
		return mg_err_set(err, MG_ECREDS, "profile '%s' in '%s': %s "
		    "is an indented block, not a value", profile,
		    mg_awsconf_path(c), key);
	if (**val == '\0')
		return mg_err_set(err, MG_ECREDS, "profile '%s' in '%s': %s "
		    "is empty", profile, mg_awsconf_path(c), key);
	return 0;
}

/* Static keys of profile in one file: 1 found, 0 none, -1 error. */
static int
from_file(const struct mg_awsconf *c, const char *what, const char *profile,
    struct mg_creds *out, struct mg_err *err)
{
	const char *id, *secret, *token;

	if (!mg_awsconf_has_key(c, profile, "aws_access_key_id"))
		return 0;
	if (static_key(c, profile, "aws_access_key_id", &id, err) != 0 ||
	    static_key(c, profile, "aws_secret_access_key", &secret,
	    err) != 0)
		return -1;
	/* The first token key present wins, even when empty (botocore). */
	if (mg_awsconf_has_key(c, profile, "aws_security_token"))
		token = mg_awsconf_get(c, profile, "aws_security_token");
	else
		token = mg_awsconf_get(c, profile, "aws_session_token");
	snprintf(out->source, sizeof(out->source), "%s '%s' [profile %s]",
	    what, mg_awsconf_path(c), profile);
	return creds_fill(out, id, secret, token, err);
}

/* The sources botocore tries before the shared credentials file. */
static int
before_files(const struct files *f, const char *profile, int flag_given,
    struct mg_err *err)
{
	const char *tf = NULL, *tf_key = "web_identity_token_file";

	if (merged_has(f, profile, "role_arn") &&
	    !merged_has(f, profile, "web_identity_token_file"))
		return unsupported(profile, "role_arn", "assume-role", err);

	if (!flag_given && getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != NULL) {
		tf = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
		tf_key = "AWS_WEB_IDENTITY_TOKEN_FILE";
	} else if (merged_has(f, profile, tf_key)) {
		tf = merged_get(f, profile, tf_key);
		if (tf == NULL)
			tf = tf_key;	/* an indented block: still set */
	}
	if (tf != NULL && *tf != '\0')
		return unsupported(profile, tf_key, "web identity", err);

	if (merged_has(f, profile, "sso_account_id"))
		return unsupported(profile, "sso_account_id", "IAM Identity "
		    "Center (SSO)", err);
	if (merged_has(f, profile, "sso_role_name"))
		return unsupported(profile, "sso_role_name", "IAM Identity "
		    "Center (SSO)", err);
	return 0;
}

/* The sources botocore tries between the two files. */
static int
between_files(const struct files *f, const char *profile,
    struct mg_err *err)
{
	if (merged_has(f, profile, "login_session"))
		return unsupported(profile, "login_session", "console login",
		    err);
	if (merged_has(f, profile, "credential_process"))
		return unsupported(profile, "credential_process",
		    "external process", err);
	return 0;
}

static int
nothing_found(const struct files *f, const char *profile, int flag_given,
    struct mg_err *err)
{
	static const char *const hints[][2] = {
		{ "sso_session", "IAM Identity Center (SSO)" },
		{ "sso_start_url", "IAM Identity Center (SSO)" },
	};
	const char *cfg = mg_awsconf_path(f->cfg);
	const char *crd = mg_awsconf_path(f->crd);
	size_t i;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (merged_has(f, profile, hints[i][0]))
			return unsupported(profile, hints[i][0], hints[i][1],
			    err);
	if (env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != NULL ||
	    env("AWS_CONTAINER_CREDENTIALS_FULL_URI") != NULL)
		return unsupported(profile, "AWS_CONTAINER_CREDENTIALS_*",
		    "container endpoint", err);
	if (flag_given)
		return mg_err_set(err, MG_ECREDS, "no credentials for profile "
		    "'%s' in '%s' or '%s' (environment variables are not used "
		    "with --profile): add aws_access_key_id and "
		    "aws_secret_access_key to it", profile, crd, cfg);
	return mg_err_set(err, MG_ECREDS, "no credentials: tried environment "
	    "variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then profile "
	    "'%s' in '%s' and '%s': set the variables or add the keys to the "
	    "profile", profile, crd, cfg);
}

static int
chain(const struct files *f, const char *profile_flag, struct mg_creds *out,
    struct mg_err *err)
{
	const char *profile = mg_profile_name(profile_flag);
	int flag_given = profile_flag != NULL && *profile_flag != '\0';
	int r = 0;

	if (!flag_given)
		r = from_env(out, err);
	if (r == 0)
		r = before_files(f, profile, flag_given, err);
	if (r == 0)
		r = from_file(f->crd, "shared credentials file", profile, out,
		    err);
	if (r == 0)
		r = between_files(f, profile, err);
	if (r == 0)
		r = from_file(f->cfg, "config file", profile, out, err);
	if (r == 0)
		r = nothing_found(f, profile, flag_given, err);
	return r > 0 ? 0 : -1;
}

/* A value that would break a header: spaces, controls, non-ASCII. */
static int
bad_chars(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 1;
	return 0;
}

/* Name the faulty value and where it came from, never the value. */
static int
check_usable(const struct mg_creds *c, struct mg_err *err)
{
	const char *what = NULL;

	if (bad_chars(c->access_key_id))
		what = "the access key id";
	else if (bad_chars(c->secret_access_key))
		what = "the secret access key";
	else if (bad_chars(c->session_token))
		what = "the session token";
	if (what == NULL)
		return 0;
	return mg_err_set(err, MG_ECREDS, "%s from %s has a space, control "
	    "or non-ASCII character; set it again without them", what,
	    c->source);
}

int
mg_creds_resolve(const char *profile_flag, struct mg_creds *out,
    struct mg_err *err)
{
	struct files f;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));

	/* Like the AWS CLI, a broken file or a missing profile stops all. */
	if (files_load(&f, err) != 0 ||
	    profile_check(&f, profile_flag, err) != 0 ||
	    chain(&f, profile_flag, out, err) != 0 ||
	    check_usable(out, err) != 0)
		goto cleanup;

	rc = 0;
cleanup:
	if (rc != 0)
		mg_creds_release(out);
	files_release(&f);
	return rc;
}

void
mg_creds_release(struct mg_creds *c)
{
	free(c->access_key_id);
	mg_free_secret(c->secret_access_key);
	mg_free_secret(c->session_token);
	memset(c, 0, sizeof(*c));
}

/*
 * A region name: what botocore accepts as a host label (1 to 63 letters,
 * digits and '-', no '-' at either end, not all digits), lowercase only.
 */
static int
region_valid(const char *r)
{
	size_t n = strlen(r), i, digits = 0;

	if (n == 0 || n > 63 || r[0] == '-' || r[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (r[i] >= '0' && r[i] <= '9')
			digits++;
		else if (!(r[i] >= 'a' && r[i] <= 'z') && r[i] != '-')
			return 0;
	}
	return digits != n;
}

static int
region_take(const char *r, const char *from, char **out, struct mg_err *err)
{
	if (!region_valid(r))
		return mg_err_set(err, MG_EUSAGE, "region '%.64s' from %s is "
		    "not a region name such as 'us-east-1'", r, from);
	*out = strdup(r);
	if (*out == NULL)
		return mg_err_set(err, MG_ENOMEM, "out of memory");
	return 0;
}

int
mg_region_resolve(const char *region_flag, const char *profile_flag,
    char **out, struct mg_err *err)
{
	const char *profile = mg_profile_name(profile_flag);
	struct files f;
	const char *v;
	char from[160];
	int rc = -1;

	*out = NULL;
	if (region_flag != NULL)
		return region_take(region_flag, "--region", out, err);
	if ((v = env("AWS_REGION")) != NULL)
		return region_take(v, "AWS_REGION", out, err);
	if ((v = env("AWS_DEFAULT_REGION")) != NULL)
		return region_take(v, "AWS_DEFAULT_REGION", out, err);

	memset(&f, 0, sizeof(f));
	if (files_load(&f, err) != 0 ||
	    profile_check(&f, profile_flag, err) != 0)
		goto cleanup;
	v = merged_get(&f, profile, "region");
	if (v == NULL || *v == '\0') {
		mg_err_set(err, MG_ECONFIG, "no region: tried --region, "
		    "AWS_REGION, AWS_DEFAULT_REGION and 'region' of profile "
		    "'%s' in '%s'; set one of them", profile,
		    mg_awsconf_path(f.cfg));
		goto cleanup;
	}
	snprintf(from, sizeof(from), "profile '%.64s'", profile);
	if (region_take(v, from, out, err) != 0)
		goto cleanup;

	rc = 0;
cleanup:
	files_release(&f);
	return rc;
}

int
mg_endpoint_resolve(const char *profile_flag, char **out, struct mg_err *err)
{
	const char *profile = mg_profile_name(profile_flag), *v;
	struct files f;
	int rc = -1;

	*out = NULL;
	v = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	if (v != NULL && strcasecmp(v, "true") == 0)
		return 0;
	memset(&f, 0, sizeof(f));
	if (files_load(&f, err) != 0)
		goto cleanup;
	v = mg_awsconf_get(f.cfg, profile, "ignore_configured_endpoint_urls");
	if (v != NULL && strcasecmp(v, "true") == 0) {
		rc = 0;
		goto cleanup;
	}
	v = mg_awsconf_get(f.cfg, profile, "endpoint_url");
	if (v != NULL && *v != '\0' && (*out = strdup(v)) == NULL) {
		mg_err_set(err, MG_ENOMEM, "out of memory");
		goto cleanup;
	}
	rc = 0;
cleanup:
	files_release(&f);
	return rc;
}
