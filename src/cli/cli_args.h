/* SPDX-License-Identifier: Apache-2.0 */
/* cli_args.h: the command line, parsed into one struct. */
#ifndef CLI_ARGS_H
#define CLI_ARGS_H

#include <stddef.h>

enum cli_cmd {
	CMD_NONE,
	CMD_AUDIT,
	CMD_FIX,
	CMD_ROLLBACK,
	CMD_POLICY,
	CMD_PROBE,
};

#define CLI_MAX_RUNTIMES 1000

struct cli_opts {
	enum cli_cmd cmd;
	int help;
	int version;
	int verbose;
	int debug;
	int quiet;
	int no_color;

	/* targets */
	const char *profile;
	const char *regions;		/* "us-east-1,eu-west-1" */
	int all_regions;
	const char *endpoint_url;
	const char *accounts;
	int org;
	const char *role_name;
	const char *external_id;
	int concurrency;		/* 0: the subcommand's default */
	long connect_timeout;		/* seconds */
	long request_timeout;

	/* audit */
	const char *runtimes[CLI_MAX_RUNTIMES];
	size_t nruntimes;
	const char *versions;
	const char *format;
	const char *output;
	int page_size;

	/* fix and rollback */
	int apply;
	int yes;
	int repoint;
	int allow_unknown;
	const char *journal;
	long wait_timeout;

	/* policy and probe */
	const char *policy_for;
	const char *mmds_url;
	long probe_timeout;
};

/* 0 on success; 2 after printing a usage error. */
int cli_parse(int argc, char **argv, struct cli_opts *o);
void cli_usage(void);
const char *cli_cmd_name(enum cli_cmd cmd);

#endif
