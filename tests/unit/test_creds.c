/* SPDX-License-Identifier: Apache-2.0 */
/* test_creds.c: credential, region and profile resolution, row by row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "creds.h"

/* Every variable the resolver reads: cleared around each row. */
static const char *const vars[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE",
	"AWS_SHARED_CREDENTIALS_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI",
};
#define NVARS (sizeof(vars) / sizeof(vars[0]))
static char *saved[NVARS];

/* Secret values in the rows all carry one of these marks. */
#define SECRET_MARK "zzsecret"
#define TOKEN_MARK "zztoken"

struct crow {
	const char *name;
	const char *config;		/* NULL: no such file */
	const char *credentials;	/* NULL: no such file */
	const char *env[5];		/* "NAME=value" */
	const char *profile;		/* --profile */
	enum mg_errcode code;		/* MG_OK: must succeed */
	const char *key_id;
	const char *secret;
	const char *token;		/* NULL: none */
	const char *source;		/* in out->source */
	const char *msg[3];		/* in err.msg */
	int names_paths;		/* err.msg names both files */
};

#define DEV_CRED \
    "[default]\naws_access_key_id = AKIDDEF\n" \
    "aws_secret_access_key = zzsecret-def\n" \
    "[dev]\naws_access_key_id = AKIDDEV\n" \
    "aws_secret_access_key = zzsecret-dev\n" \
    "aws_session_token = zztoken-dev\n"
#define DEV_CFG \
    "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n" \
    "[profile cfg]\naws_access_key_id = AKIDCFG\n" \
    "aws_secret_access_key = zzsecret-cfg\n"

static const struct crow crows[] = {
	{ "environment keys", DEV_CFG, DEV_CRED,
	    { "AWS_ACCESS_KEY_ID=AKIDENV",
	      "AWS_SECRET_ACCESS_KEY=zzsecret-env",
	      "AWS_SESSION_TOKEN=zztoken-env" }, NULL, MG_OK,
	    "AKIDENV", "zzsecret-env", "zztoken-env", "environment",
	    { NULL }, 0 },
	{ "AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN", NULL, NULL,
	    { "AWS_ACCESS_KEY_ID=AKIDENV",
	      "AWS_SECRET_ACCESS_KEY=zzsecret-env",
	      "AWS_SESSION_TOKEN=zztoken-new",
	      "AWS_SECURITY_TOKEN=zztoken-old" }, NULL, MG_OK,
	    "AKIDENV", "zzsecret-env", "zztoken-old", "environment",
	    { NULL }, 0 },
	{ "key id without secret in environment", DEV_CFG, DEV_CRED,
	    { "AWS_ACCESS_KEY_ID=AKIDENV" }, NULL, MG_ECREDS,
	    NULL, NULL, NULL, NULL,
	    { "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not" },
	    0 },
	{ "--profile skips the environment", DEV_CFG, DEV_CRED,
	    { "AWS_ACCESS_KEY_ID=AKIDENV",
	      "AWS_SECRET_ACCESS_KEY=zzsecret-env" }, "dev", MG_OK,
	    "AKIDDEV", "zzsecret-dev", "zztoken-dev",
	    "shared credentials file '", { NULL }, 0 },
	{ "AWS_PROFILE keeps the environment", DEV_CFG, DEV_CRED,
	    { "AWS_ACCESS_KEY_ID=AKIDENV",
	      "AWS_SECRET_ACCESS_KEY=zzsecret-env", "AWS_PROFILE=dev" },
	    NULL, MG_OK, "AKIDENV", "zzsecret-env", NULL, "environment",
	    { NULL }, 0 },
	{ "AWS_PROFILE picks the section", DEV_CFG, DEV_CRED,
	    { "AWS_PROFILE=dev" }, NULL, MG_OK,
	    "AKIDDEV", "zzsecret-dev", "zztoken-dev", "[profile dev]",
	    { NULL }, 0 },
	{ "AWS_DEFAULT_PROFILE before AWS_PROFILE", DEV_CFG, DEV_CRED,
	    { "AWS_DEFAULT_PROFILE=dev", "AWS_PROFILE=default" }, NULL, MG_OK,
	    "AKIDDEV", "zzsecret-dev", "zztoken-dev", "[profile dev]",
	    { NULL }, 0 },
	{ "empty AWS_PROFILE means default", DEV_CFG, DEV_CRED,
	    { "AWS_PROFILE=" }, NULL, MG_OK,
	    "AKIDDEF", "zzsecret-def", NULL, "[profile default]",
	    { NULL }, 0 },
	{ "config file keys", DEV_CFG, DEV_CRED, { NULL }, "cfg", MG_OK,
	    "AKIDCFG", "zzsecret-cfg", NULL, "config file '", { NULL }, 0 },
	{ "credentials file before config file", DEV_CFG,
	    "[cfg]\naws_access_key_id = AKIDCRD\n"
	    "aws_secret_access_key = zzsecret-crd\n", { NULL }, "cfg", MG_OK,
	    "AKIDCRD", "zzsecret-crd", NULL, "shared credentials file",
	    { NULL }, 0 },
	{ "security token key first, even empty", NULL,
	    "[p]\naws_access_key_id = A\naws_secret_access_key = zzsecret\n"
	    "aws_security_token =\naws_session_token = zztoken\n",
	    { NULL }, "p", MG_OK, "A", "zzsecret", NULL, "[profile p]",
	    { NULL }, 0 },
	{ "named profile missing (--profile)", DEV_CFG, DEV_CRED, { NULL },
	    "nope", MG_ECONFIG, NULL, NULL, NULL, NULL,
	    { "profile 'nope' not found in '" }, 1 },
	{ "named profile missing (AWS_PROFILE) beats env keys", DEV_CFG,
	    DEV_CRED, { "AWS_PROFILE=nope", "AWS_ACCESS_KEY_ID=AKIDENV",
	      "AWS_SECRET_ACCESS_KEY=zzsecret-env" }, NULL, MG_ECONFIG,
	    NULL, NULL, NULL, NULL, { "profile 'nope' not found in '" }, 1 },
	{ "--profile default must exist too", NULL, NULL, { NULL },
	    "default", MG_ECONFIG, NULL, NULL, NULL, NULL,
	    { "profile 'default' not found" }, 1 },
	{ "nothing anywhere", NULL, NULL, { NULL }, NULL, MG_ECREDS,
	    NULL, NULL, NULL, NULL,
	    { "no credentials",
	      "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
	      "profile 'default'" }, 1 },
	{ "--profile without keys", DEV_CFG "[profile bare]\nregion = x\n",
	    NULL, { NULL }, "bare", MG_ECREDS, NULL, NULL, NULL, NULL,
	    { "no credentials for profile 'bare'",
	      "environment variables are not used with --profile" }, 1 },
	{ "key id without secret in file", NULL,
	    "[p]\naws_access_key_id = A\n", { NULL }, "p", MG_ECREDS,
	    NULL, NULL, NULL, NULL,
	    { "profile 'p'", "has aws_access_key_id but no "
	      "aws_secret_access_key" }, 0 },
	{ "empty secret in file", NULL,
	    "[p]\naws_access_key_id = A\naws_secret_access_key =\n",
	    { NULL }, "p", MG_ECREDS, NULL, NULL, NULL, NULL,
	    { "aws_secret_access_key is empty" }, 0 },
	{ "role_arn", "[profile r]\nrole_arn = arn:aws:iam::1:role/x\n"
	    "source_profile = dev\n", DEV_CRED, { NULL }, "r", MG_ECREDS,
	    NULL, NULL, NULL, NULL,
	    { "profile 'r'", "'role_arn'", "not supported yet" }, 0 },
	{ "role_arn in the credentials file wins over its keys", NULL,
	    "[r]\nrole_arn = arn:aws:iam::1:role/x\n"
	    "credential_source = Environment\naws_access_key_id = A\n"
	    "aws_secret_access_key = zzsecret\n", { NULL }, "r", MG_ECREDS,
	    NULL, NULL, NULL, NULL, { "'role_arn'" }, 0 },
	{ "credential_process", "[profile p]\ncredential_process = x\n",
	    NULL, { NULL }, "p", MG_ECREDS, NULL, NULL, NULL, NULL,
	    { "'credential_process'", "use the environment variables" }, 0 },
	{ "static keys before credential_process",
	    "[profile p]\ncredential_process = x\n",
	    "[p]\naws_access_key_id = A\naws_secret_access_key = zzsecret\n",
	    { NULL }, "p", MG_OK, "A", "zzsecret", NULL,
	    "shared credentials file", { NULL }, 0 },
	{ "sso_session", "[profile s]\nsso_session = corp\n", NULL,
	    { NULL }, "s", MG_ECREDS, NULL, NULL, NULL, NULL,
	    { "'sso_session'" }, 0 },
	{ "legacy sso", "[profile s]\nsso_start_url = https://x\n"
	    "sso_account_id = 1\nsso_role_name = r\n", NULL, { NULL }, "s",
	    MG_ECREDS, NULL, NULL, NULL, NULL, { "'sso_account_id'" }, 0 },
	{ "web identity in profile", "[profile w]\nrole_arn = x\n"
	    "web_identity_token_file = /t\n", NULL, { NULL }, "w", MG_ECREDS,
	    NULL, NULL, NULL, NULL, { "'web_identity_token_file'" }, 0 },
	{ "web identity from environment", DEV_CFG, DEV_CRED,
	    { "AWS_WEB_IDENTITY_TOKEN_FILE=/t", "AWS_ROLE_ARN=x" }, NULL,
	    MG_ECREDS, NULL, NULL, NULL, NULL,
	    { "'AWS_WEB_IDENTITY_TOKEN_FILE'" }, 0 },
	{ "container endpoint", NULL, NULL,
	    { "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/creds" }, NULL,
	    MG_ECREDS, NULL, NULL, NULL, NULL, { "container endpoint" }, 0 },
	{ "broken config file", "[default]\nregion = a\nregion = b\n",
	    DEV_CRED, { "AWS_ACCESS_KEY_ID=AKIDENV",
	      "AWS_SECRET_ACCESS_KEY=zzsecret-env" }, NULL, MG_ECONFIG,
	    NULL, NULL, NULL, NULL, { ":3: key 'region' appears twice" }, 0 },
};

struct rrow {
	const char *name;
	const char *config;
	const char *credentials;
	const char *env[4];
	const char *region;	/* --region */
	const char *profile;	/* --profile */
	enum mg_errcode code;
	const char *want;	/* region, or a part of err.msg */
};

static const struct rrow rrows[] = {
	{ "flag first", DEV_CFG, NULL,
	    { "AWS_REGION=eu-north-1", "AWS_DEFAULT_REGION=eu-south-1" },
	    "sa-east-1", NULL, MG_OK, "sa-east-1" },
	{ "AWS_REGION before AWS_DEFAULT_REGION", DEV_CFG, NULL,
	    { "AWS_REGION=eu-north-1", "AWS_DEFAULT_REGION=eu-south-1" },
	    NULL, NULL, MG_OK, "eu-north-1" },
	{ "AWS_DEFAULT_REGION before the file", DEV_CFG, NULL,
	    { "AWS_DEFAULT_REGION=eu-south-1" }, NULL, NULL, MG_OK,
	    "eu-south-1" },
	{ "empty variables are unset", DEV_CFG, NULL,
	    { "AWS_REGION=", "AWS_DEFAULT_REGION=" }, NULL, NULL, MG_OK,
	    "us-east-1" },
	{ "profile region", DEV_CFG, NULL, { NULL }, NULL, "dev", MG_OK,
	    "eu-west-1" },
	{ "AWS_PROFILE region", DEV_CFG, NULL, { "AWS_PROFILE=dev" }, NULL,
	    NULL, MG_OK, "eu-west-1" },
	{ "credentials file region laid over config", DEV_CFG,
	    "[dev]\nregion = ap-south-1\n", { NULL }, NULL, "dev", MG_OK,
	    "ap-south-1" },
	{ "no region", "[profile x]\n", NULL, { NULL }, NULL, "x",
	    MG_ECONFIG, "no region: tried --region, AWS_REGION" },
	{ "missing profile", DEV_CFG, NULL, { NULL }, NULL, "nope",
	    MG_ECONFIG, "profile 'nope' not found" },
	{ "flag does not read the files", "[default]\na=1\na=2\n", NULL,
	    { NULL }, "us-west-2", "nope", MG_OK, "us-west-2" },
	{ "uppercase", NULL, NULL, { "AWS_REGION=US-EAST-1" }, NULL, NULL,
	    MG_EUSAGE, "region 'US-EAST-1' from AWS_REGION" },
	{ "all digits", NULL, NULL, { NULL }, "123", NULL, MG_EUSAGE,
	    "from --region" },
	{ "leading dash", NULL, NULL, { NULL }, "-us", NULL, MG_EUSAGE,
	    "not a region name" },
	{ "empty flag", NULL, NULL, { NULL }, "", NULL, MG_EUSAGE,
	    "region '' from --region" },
	{ "64 characters", NULL, NULL, { NULL },
	    "a234567890123456789012345678901234567890123456789012345678901234",
	    NULL, MG_EUSAGE, "not a region name" },
	{ "bad region in file", "[default]\nregion = us east\n", NULL,
	    { NULL }, NULL, NULL, MG_EUSAGE, "from profile 'default'" },
};

static char cfg_path[64];
static char crd_path[64];

static int
save_env(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NVARS; i++) {
		saved[i] = getenv(vars[i]) ? strdup(getenv(vars[i])) : NULL;
		unsetenv(vars[i]);
	}
	return 0;
}

static int
restore_env(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NVARS; i++) {
		if (saved[i] != NULL)
			setenv(vars[i], saved[i], 1);
		else
			unsetenv(vars[i]);
		free(saved[i]);
		saved[i] = NULL;
	}
	return 0;
}

/* Write text to a new temp file (or name a missing one) into path. */
static void
file_for(const char *text, char *path, size_t size, const char *tag)
{
	int fd;

	snprintf(path, size, "/tmp/mg_test_creds_%s_XXXXXX", tag);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	if (text != NULL) {
		assert_int_equal(write(fd, text, strlen(text)),
		    (ssize_t)strlen(text));
	}
	close(fd);
	if (text == NULL)
		unlink(path);
}

static void
row_env(const char *config, const char *credentials,
    const char *const *env, size_t nenv)
{
	char name[64];
	const char *eq;
	size_t i;

	for (i = 0; i < NVARS; i++)
		unsetenv(vars[i]);
	file_for(config, cfg_path, sizeof(cfg_path), "cfg");
	file_for(credentials, crd_path, sizeof(crd_path), "crd");
	setenv("AWS_CONFIG_FILE", cfg_path, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", crd_path, 1);
	for (i = 0; i < nenv && env[i] != NULL; i++) {
		eq = strchr(env[i], '=');
		snprintf(name, sizeof(name), "%.*s", (int)(eq - env[i]),
		    env[i]);
		setenv(name, eq + 1, 1);
	}
}

static void
row_files_remove(void)
{
	unlink(cfg_path);
	unlink(crd_path);
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
check_failure(const struct crow *r, int rc, const struct mg_err *err)
{
	size_t i;

	if (rc == 0 || err->code != r->code)
		fail_msg("row '%s': want %s, got rc %d code %s '%s'", r->name,
		    mg_errcode_name(r->code), rc, mg_errcode_name(err->code),
		    err->msg);
	for (i = 0; i < 3 && r->msg[i] != NULL; i++)
		if (strstr(err->msg, r->msg[i]) == NULL)
			fail_msg("row '%s': '%s' not in '%s'", r->name,
			    r->msg[i], err->msg);
	if (r->names_paths && (strstr(err->msg, cfg_path) == NULL ||
	    strstr(err->msg, crd_path) == NULL))
		fail_msg("row '%s': paths not in '%s'", r->name, err->msg);
}

static void
check_success(const struct crow *r, int rc, const struct mg_creds *c,
    const struct mg_err *err)
{
	if (rc != 0)
		fail_msg("row '%s': unexpected error '%s'", r->name,
		    err->msg);
	if (!same(c->access_key_id, r->key_id) ||
	    !same(c->secret_access_key, r->secret))
		fail_msg("row '%s': wrong key id '%s' or secret", r->name,
		    c->access_key_id);
	if (r->token != NULL ? !same(c->session_token, r->token) :
	    c->session_token != NULL)
		fail_msg("row '%s': wrong session token", r->name);
	if (strstr(c->source, r->source) == NULL)
		fail_msg("row '%s': source '%s' lacks '%s'", r->name,
		    c->source, r->source);
}

static void
test_creds_rows(void **state)
{
	const struct crow *r;
	struct mg_creds c;
	struct mg_err err;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(crows) / sizeof(crows[0]); i++) {
		r = &crows[i];
		row_env(r->config, r->credentials, r->env, 5);
		mg_err_clear(&err);
		rc = mg_creds_resolve(r->profile, &c, &err);
		if (r->code == MG_OK)
			check_success(r, rc, &c, &err);
		else
			check_failure(r, rc, &err);
		if (r->code != MG_OK)
			assert_null(c.access_key_id);
		/* Never a secret in a message or in the source. */
		if (strstr(err.msg, SECRET_MARK) != NULL ||
		    strstr(err.msg, TOKEN_MARK) != NULL ||
		    strstr(c.source, SECRET_MARK) != NULL)
			fail_msg("row '%s': secret printed", r->name);
		mg_creds_release(&c);
		assert_null(c.secret_access_key);
		row_files_remove();
	}
}

static void
test_region_rows(void **state)
{
	const struct rrow *r;
	struct mg_err err;
	char *region;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(rrows) / sizeof(rrows[0]); i++) {
		r = &rrows[i];
		row_env(r->config, r->credentials, r->env, 4);
		mg_err_clear(&err);
		rc = mg_region_resolve(r->region, r->profile, &region, &err);
		if (r->code == MG_OK && (rc != 0 || strcmp(region, r->want)))
			fail_msg("row '%s': want '%s', got '%s' / '%s'",
			    r->name, r->want, rc == 0 ? region : "",
			    err.msg);
		if (r->code != MG_OK && (rc == 0 || err.code != r->code ||
		    strstr(err.msg, r->want) == NULL))
			fail_msg("row '%s': want %s '%s', got rc %d '%s'",
			    r->name, mg_errcode_name(r->code), r->want, rc,
			    err.msg);
		if (r->code != MG_OK)
			assert_null(region);
		free(region);
		row_files_remove();
	}
}

static void
test_long_session_token(void **state)
{
	char text[1700];
	struct mg_creds c;
	struct mg_err err;
	int n;

	(void)state;
	n = snprintf(text, sizeof(text), "[p]\naws_access_key_id = A\n"
	    "aws_secret_access_key = zzsecret\naws_session_token = ");
	memset(text + n, 'T', 1500);
	memcpy(text + n + 1500, "\n", 2);
	row_env(NULL, text, NULL, 0);
	assert_int_equal(mg_creds_resolve("p", &c, &err), 0);
	assert_int_equal(strlen(c.session_token), 1500);
	assert_int_equal(strspn(c.session_token, "T"), 1500);
	mg_creds_release(&c);
	row_files_remove();
}

static void
test_profile_name(void **state)
{
	(void)state;
	row_env(NULL, NULL, NULL, 0);
	assert_string_equal(mg_profile_name(NULL), "default");
	assert_string_equal(mg_profile_name(""), "default");
	setenv("AWS_PROFILE", "p1", 1);
	assert_string_equal(mg_profile_name(NULL), "p1");
	setenv("AWS_DEFAULT_PROFILE", "p0", 1);
	assert_string_equal(mg_profile_name(NULL), "p0");
	assert_string_equal(mg_profile_name("flag"), "flag");
	row_files_remove();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_creds_rows),
		cmocka_unit_test(test_region_rows),
		cmocka_unit_test(test_long_session_token),
		cmocka_unit_test(test_profile_name),
	};

	return cmocka_run_group_tests(tests, save_env, restore_env);
}
