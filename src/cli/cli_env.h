/* SPDX-License-Identifier: Apache-2.0 */
/* cli_env.h: credentials, regions, targets and the client of one run. */
#ifndef CLI_ENV_H
#define CLI_ENV_H

#include "aws.h"
#include "cli_args.h"
#include "creds.h"

struct cli_env {
	struct mg_creds creds;
	int have_creds;
	struct mg_target *targets;
	size_t ntargets;
	struct mg_client *client;
	struct mg_client_opts client_opts;
};

/*
 * Check what needs no network (runtime IDs, unsupported options), then
 * resolve credentials and regions and build one target per region, and a
 * client with concurrency calls in flight.
 * Returns 0, or the exit status after printing why.
 */
int cli_env_setup(const struct cli_opts *o, int concurrency,
    struct cli_env *env);
void cli_env_release(struct cli_env *env);

/* One line about rejected credentials, naming the key, never a secret. */
void cli_report_rejected(const struct cli_env *env, const char *detail);

#endif
