/* SPDX-License-Identifier: Apache-2.0 */
/* awsconf_dump.c: print parsed AWS config files and resolved creds as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/sha.h>

#include "awsconf.h"
#include "buf.h"
#include "creds.h"

/*
 * The C side of tests/cli/t0200-awsconf-botocore.sh; tests/py/
 * awsconf_oracle.py prints the same JSON through botocore.
 *
 *   awsconf_dump config|credentials FILE
 *   awsconf_dump resolve [--profile P] [--region R]
 *
 * Failures print "error: MG_CODE: message" on stdout and exit 1. Secrets
 * are printed only as SHA-256 digests.
 */

/* The enum's own spelling, which the oracle prints too. */
static const char *
code_symbol(enum mg_errcode code)
{
	static const char *const sym[] = {
		[MG_OK] = "MG_OK",
		[MG_EUSAGE] = "MG_EUSAGE",
		[MG_ECONFIG] = "MG_ECONFIG",
		[MG_ECREDS] = "MG_ECREDS",
		[MG_ENET] = "MG_ENET",
		[MG_EAWS] = "MG_EAWS",
		[MG_EPARSE] = "MG_EPARSE",
		[MG_ETOOLARGE] = "MG_ETOOLARGE",
		[MG_ENOMEM] = "MG_ENOMEM",
		[MG_EIO] = "MG_EIO",
		[MG_EINTERNAL] = "MG_EINTERNAL",
	};

	if ((size_t)code >= sizeof(sym) / sizeof(sym[0]))
		return "MG_UNKNOWN";
	return sym[code];
}

static int
fail(const struct mg_err *err)
{
	printf("error: %s: %s (%s)\n", code_symbol(err->code), err->msg,
	    mg_errcode_name(err->code));
	return 1;
}

static int
print_json(json_t *doc)
{
	char *text = json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(1) |
	    JSON_ENSURE_ASCII);

	if (text == NULL) {
		fprintf(stderr, "awsconf_dump: cannot encode JSON\n");
		return 1;
	}
	printf("%s\n", text);
	free(text);
	return 0;
}

/* Add one walked item to the {profile: {key: value | {sub: value}}} doc. */
static int
add_item(const struct mg_awsconf_item *it, void *arg)
{
	json_t *doc = arg, *prof, *sub;

	if (it->key == NULL)
		return json_object_set_new(doc, it->profile, json_object());
	prof = json_object_get(doc, it->profile);
	if (it->subkey == NULL)
		return json_object_set_new(prof, it->key,
		    json_string(it->value));
	sub = json_object_get(prof, it->key);
	if (sub == NULL) {
		sub = json_object();
		if (json_object_set_new(prof, it->key, sub) != 0)
			return -1;
	}
	return json_object_set_new(sub, it->subkey, json_string(it->value));
}

static int
dump_file(enum mg_awsconf_kind kind, const char *path)
{
	struct mg_awsconf *c = NULL;
	struct mg_err err;
	json_t *doc = NULL;
	int rc = 1;

	mg_err_clear(&err);
	if (mg_awsconf_load(path, kind, &c, &err) != 0) {
		rc = fail(&err);
		goto cleanup;
	}
	doc = json_object();
	if (doc == NULL || mg_awsconf_walk(c, add_item, doc) != 0) {
		fprintf(stderr, "awsconf_dump: cannot build JSON\n");
		goto cleanup;
	}
	rc = print_json(doc);
cleanup:
	json_decref(doc);
	mg_awsconf_free(c);
	return rc;
}

/* The SHA-256 of s as JSON hex, or null for NULL or "". */
static json_t *
digest(const char *s)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	size_t i;

	if (s == NULL || *s == '\0')
		return json_null();
	SHA256((const unsigned char *)s, strlen(s), md);
	for (i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return json_string(hex);
}

static int
resolve(const char *profile, const char *region_flag)
{
	struct mg_creds creds;
	struct mg_err err;
	char *region = NULL;
	json_t *doc = NULL;
	int rc = 1;

	memset(&creds, 0, sizeof(creds));
	mg_err_clear(&err);
	if (mg_creds_resolve(profile, &creds, &err) != 0 ||
	    mg_region_resolve(region_flag, profile, &region, &err) != 0) {
		rc = fail(&err);
		goto cleanup;
	}
	fprintf(stderr, "awsconf_dump: credentials from %s\n", creds.source);
	doc = json_pack("{s:s, s:b, s:o, s:o, s:s, s:s}",
	    "access_key_id", creds.access_key_id,
	    "has_secret", creds.secret_access_key != NULL &&
	    *creds.secret_access_key != '\0',
	    "secret_sha256", digest(creds.secret_access_key),
	    "session_token_sha256", digest(creds.session_token),
	    "region", region,
	    "profile", mg_profile_name(profile));
	if (doc == NULL) {
		fprintf(stderr, "awsconf_dump: cannot build JSON\n");
		goto cleanup;
	}
	rc = print_json(doc);
cleanup:
	json_decref(doc);
	free(region);
	mg_creds_release(&creds);
	return rc;
}

static int
usage(void)
{
	fprintf(stderr, "usage: awsconf_dump config|credentials FILE\n"
	    "       awsconf_dump resolve [--profile P] [--region R]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *profile = NULL, *region = NULL;
	int i;

	if (argc == 3 && strcmp(argv[1], "config") == 0)
		return dump_file(MG_AWSCONF_CONFIG, argv[2]);
	if (argc == 3 && strcmp(argv[1], "credentials") == 0)
		return dump_file(MG_AWSCONF_CREDENTIALS, argv[2]);
	if (argc < 2 || strcmp(argv[1], "resolve") != 0)
		return usage();
	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--profile") == 0)
			profile = argv[i + 1];
		else if (strcmp(argv[i], "--region") == 0)
			region = argv[i + 1];
		else
			return usage();
	}
	if (i != argc)
		return usage();
	return resolve(profile, region);
}
