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
	MG_AWSCONF_CONFIG,	/* ~/.aws/config: "[profile x]", "[default]" */
	MG_AWSCONF_CREDENTIALS,	/* ~/.aws/credentials: "[x]" */
};

/*
 * Parse path. A file that does not exist gives an empty, valid result
 * (botocore ignores it too); a file that exists but cannot be parsed is
 * MG_ECONFIG naming "path:line". Values are bounded (a 1,500-character
 * session token fits; a single line past 64 KiB is an error).
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

/* Secret keys, never to be printed: aws_secret_access_key, ... */
int mg_awsconf_key_is_sensitive(const char *key);

#endif
