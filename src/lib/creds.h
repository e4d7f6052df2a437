/* SPDX-License-Identifier: Apache-2.0 */
/* creds.h: credentials and region, resolved the way the AWS CLI does. */
#ifndef MG_CREDS_H
#define MG_CREDS_H

#include "err.h"

struct mg_creds {
	char *access_key_id;
	char *secret_access_key;	/* secret: never printed */
	char *session_token;		/* secret; NULL when none */
	char source[256];		/* "environment", "shared credentials
					   file '/x/credentials' [profile dev]",
					   ...: safe to print */
};

/*
 * Find credentials: environment variables (unless a profile was chosen
 * with --profile), then the shared credentials file, then the config file
 * of the profile (see mg_profile_name). On failure err is MG_ECREDS and
 * its message names everything that was tried. A profile that names a
 * source this build cannot use (role_arn, web_identity_token_file,
 * credential_process, sso_*, login_session) is MG_ECREDS naming that key,
 * at the point of botocore's chain where botocore would use it. A broken
 * file, or a profile named by --profile or the environment that is in
 * neither file, is MG_ECONFIG (as the AWS CLI stops there too). On failure
 * *out is left empty; on success release it with mg_creds_release.
 */
int mg_creds_resolve(const char *profile_flag, struct mg_creds *out,
    struct mg_err *err);
void mg_creds_release(struct mg_creds *c);

/*
 * Region: flag, AWS_REGION, AWS_DEFAULT_REGION, then "region" of the
 * profile in the config file (a "region" in the credentials file's section
 * of the same name overrides it, as in botocore). Empty variables count as
 * unset. *out is malloc'd. No region anywhere: MG_ECONFIG naming what was
 * tried. A region that is not shaped like one ([a-z0-9-]+, at most 63,
 * no '-' at either end, not all digits) is MG_EUSAGE.
 */
int mg_region_resolve(const char *region_flag, const char *profile_flag,
    char **out, struct mg_err *err);

/*
 * The profile's endpoint_url from the config file, as the AWS SDKs read
 * it when neither a flag nor AWS_ENDPOINT_URL* names one; *out is NULL
 * when there is none or AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the
 * profile's ignore_configured_endpoint_urls) is true.
 */
int mg_endpoint_resolve(const char *profile_flag, char **out,
    struct mg_err *err);

/*
 * The profile in effect: the flag, AWS_DEFAULT_PROFILE (botocore reads it
 * first), AWS_PROFILE, or "default". Empty values count as unset.
 */
const char *mg_profile_name(const char *profile_flag);

#endif
