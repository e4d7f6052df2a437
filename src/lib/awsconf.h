/* SPDX-License-Identifier: Apache-2.0 */
/*
 * awsconf.h: the shared config and credentials files, parsed the way
 * botocore parses them (botocore.configloader), so the same file gives
 * the same answers here as in the AWS CLI.
 */
#ifndef MG_AWSCONF_H
#define MG_AWSCONF_H

#include "err.h"

struct mg_awsconf;

enum mg_awsconf_kind {
	MG_AWSCONF_CONFIG,	/* ~/.aws/config: "[profile x]", [default] */
	MG_AWSCONF_CREDENTIALS,	/* ~/.aws/credentials: "[x]" */
};

/*
 * Parse path (expanded first, see mg_awsconf_expand_path). A path that is
 * not a regular file gives an empty, valid result (botocore ignores it
 * too); a file that exists but cannot be read or parsed is MG_ECONFIG
 * naming "path:line". Values are bounded (a 1,500-character session token
 * fits; a single line past 64 KiB, a file past 16 MiB or a NUL byte is an
 * error). For MG_AWSCONF_CONFIG the profiles are those botocore's
 * build_profile_map finds ("[profile x]", "[default]", whichever comes
 * later winning); other sections are checked but not kept. Every string
 * is freed after zeroing.
 */
int mg_awsconf_load(const char *path, enum mg_awsconf_kind kind,
    struct mg_awsconf **out, struct mg_err *err);

/*
 * The value of key in profile, or NULL. For a sub-section ("s3 =" followed
 * by indented lines) use "section.key", e.g. "s3.addressing_style".
 */
const char *mg_awsconf_get(const struct mg_awsconf *c, const char *profile,
    const char *key);
int mg_awsconf_has_profile(const struct mg_awsconf *c, const char *profile);
void mg_awsconf_free(struct mg_awsconf *c);

/* 1 when key is present in profile, whether a value or a sub-section. */
int mg_awsconf_has_key(const struct mg_awsconf *c, const char *profile,
    const char *key);

/* The path that was read: after "$VAR" and "~" expansion, as botocore. */
const char *mg_awsconf_path(const struct mg_awsconf *c);

/*
 * One step of mg_awsconf_walk. Every profile is visited once with key
 * NULL, then once per plain value (subkey NULL) and once per entry of each
 * sub-section (subkey set).
 */
struct mg_awsconf_item {
	const char *profile;
	const char *key;
	const char *subkey;
	const char *value;
};

/* Visit everything in file order; stops at and returns fn's first nonzero. */
int mg_awsconf_walk(const struct mg_awsconf *c,
    int (*fn)(const struct mg_awsconf_item *item, void *arg), void *arg);

/*
 * Expand "$VAR", "${VAR}" and a leading "~" or "~user" in path the way
 * botocore does (os.path.expandvars, then os.path.expanduser). *out is
 * malloc'd.
 */
int mg_awsconf_expand_path(const char *path, char **out, struct mg_err *err);

/* Secret keys, never to be printed: aws_secret_access_key, ... */
int mg_awsconf_key_is_sensitive(const char *key);

#endif
