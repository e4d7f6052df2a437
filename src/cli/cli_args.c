/* SPDX-License-Identifier: Apache-2.0 */
/* cli_args.c: one sorted option table and the parser that reads it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "cli_msgs.h"

enum argkind { ARG_BOOL, ARG_STR, ARG_INT };

/* Which subcommands take an option. */
#define IN_AUDIT (1 << CMD_AUDIT)
#define IN_FIX (1 << CMD_FIX)
#define IN_ROLLBACK (1 << CMD_ROLLBACK)
#define IN_POLICY (1 << CMD_POLICY)
#define IN_PROBE (1 << CMD_PROBE)
#define IN_SCAN (IN_AUDIT | IN_FIX)
#define IN_ANY 0xff

enum optid {
	O_ACCOUNTS, O_ALL_REGIONS, O_ALLOW_UNKNOWN, O_APPLY, O_CONCURRENCY,
	O_CONNECT_TIMEOUT, O_DEBUG, O_ENDPOINT_URL, O_EXTERNAL_ID, O_FOR,
	O_FORMAT, O_HELP, O_JOURNAL, O_MMDS_URL, O_NO_COLOR, O_ORG, O_OUTPUT,
	O_PAGE_SIZE, O_PROFILE, O_QUIET, O_REGION, O_REPOINT,
	O_REQUEST_TIMEOUT, O_ROLE_NAME, O_RUNTIME, O_TIMEOUT, O_VERBOSE,
	O_VERSION, O_VERSIONS, O_WAIT_TIMEOUT, O_YES,
};

struct option_def {
	const char *name;
	char letter;
	enum argkind kind;
	int where;
	enum optid id;
};

static const struct option_def options[] = {
	{ "accounts", 0, ARG_STR, IN_SCAN, O_ACCOUNTS },
	{ "all-regions", 0, ARG_BOOL, IN_SCAN, O_ALL_REGIONS },
	{ "allow-unknown-fields", 0, ARG_BOOL, IN_FIX, O_ALLOW_UNKNOWN },
	{ "apply", 0, ARG_BOOL, IN_FIX | IN_ROLLBACK, O_APPLY },
	{ "concurrency", 0, ARG_INT, IN_SCAN | IN_ROLLBACK, O_CONCURRENCY },
	{ "connect-timeout", 0, ARG_INT, IN_SCAN | IN_ROLLBACK,
	    O_CONNECT_TIMEOUT },
	{ "debug", 0, ARG_BOOL, IN_ANY, O_DEBUG },
	{ "endpoint-url", 0, ARG_STR, IN_SCAN | IN_ROLLBACK, O_ENDPOINT_URL },
	{ "external-id", 0, ARG_STR, IN_SCAN, O_EXTERNAL_ID },
	{ "for", 0, ARG_STR, IN_POLICY, O_FOR },
	{ "format", 0, ARG_STR, IN_AUDIT, O_FORMAT },
	{ "help", 'h', ARG_BOOL, IN_ANY, O_HELP },
	{ "journal", 0, ARG_STR, IN_FIX | IN_ROLLBACK, O_JOURNAL },
	{ "mmds-url", 0, ARG_STR, IN_PROBE, O_MMDS_URL },
	{ "no-color", 0, ARG_BOOL, IN_ANY, O_NO_COLOR },
	{ "org", 0, ARG_BOOL, IN_SCAN, O_ORG },
	{ "output", 'o', ARG_STR, IN_AUDIT, O_OUTPUT },
	{ "page-size", 0, ARG_INT, IN_SCAN, O_PAGE_SIZE },
	{ "profile", 0, ARG_STR, IN_SCAN | IN_ROLLBACK, O_PROFILE },
	{ "quiet", 'q', ARG_BOOL, IN_ANY, O_QUIET },
	{ "region", 0, ARG_STR, IN_SCAN | IN_ROLLBACK, O_REGION },
	{ "repoint-endpoints", 0, ARG_BOOL, IN_FIX, O_REPOINT },
	{ "request-timeout", 0, ARG_INT, IN_SCAN | IN_ROLLBACK,
	    O_REQUEST_TIMEOUT },
	{ "role-name", 0, ARG_STR, IN_SCAN, O_ROLE_NAME },
	{ "runtime", 0, ARG_STR, IN_SCAN, O_RUNTIME },
	{ "timeout", 0, ARG_INT, IN_PROBE, O_TIMEOUT },
	{ "verbose", 'v', ARG_BOOL, IN_ANY, O_VERBOSE },
	{ "version", 0, ARG_BOOL, IN_ANY, O_VERSION },
	{ "versions", 0, ARG_STR, IN_AUDIT, O_VERSIONS },
	{ "wait-timeout", 0, ARG_INT, IN_FIX | IN_ROLLBACK, O_WAIT_TIMEOUT },
	{ "yes", 'y', ARG_BOOL, IN_FIX | IN_ROLLBACK, O_YES },
};

static const char *const cmd_names[] = {
	[CMD_NONE] = "", [CMD_AUDIT] = "audit", [CMD_FIX] = "fix",
	[CMD_ROLLBACK] = "rollback", [CMD_POLICY] = "policy",
	[CMD_PROBE] = "probe",
};

const char *
cli_cmd_name(enum cli_cmd cmd)
{
	return cmd_names[cmd];
}

void
cli_usage(void)
{
	fputs(
"Usage:\n"
"  mmdsguard audit [TARGETS] [--runtime ID]... [--versions latest|served|all]\n"
"                  [--format table|json] [--output FILE]\n"
"  mmdsguard fix   [TARGETS] [--runtime ID]... [--apply] [--yes]\n"
"                  [--repoint-endpoints] [--allow-unknown-fields]\n"
"                  [--journal FILE] [--wait-timeout SECONDS]\n"
"  mmdsguard rollback --journal FILE [--apply] [--yes] [--region R[,R...]]\n"
"                  [--profile NAME] [--endpoint-url URL]\n"
"  mmdsguard policy [--for audit|fix]\n"
"\n"
"Finds every Amazon Bedrock AgentCore runtime version that is served and\n"
"does not require MMDSv2 (metadataConfiguration.requireMMDSV2), and fixes\n"
"them without losing any other setting.\n"
"\n"
"TARGETS:\n"
"  --profile NAME         profile of the shared config and credentials files\n"
"  --region R[,R...]      regions to scan (default: AWS_REGION,\n"
"                         AWS_DEFAULT_REGION, then the profile's region)\n"
"  --all-regions          every commercial region where AgentCore Runtime\n"
"                         runs; regions not enabled for the account are\n"
"                         reported as skipped (GovCloud: use --region)\n"
"  --endpoint-url URL     send control-plane calls to URL (an emulator)\n"
"  --concurrency N        requests in flight (audit, default 32) or\n"
"                         runtimes changed at once (fix, default 4)\n"
"  --page-size N          maxResults of each List call (1-100, default 100)\n"
"  --connect-timeout S    seconds to connect (default 10)\n"
"  --request-timeout S    seconds for a whole request (default 60)\n"
"\n"
"Audit:\n"
"  --runtime ID           audit only this runtime (repeatable)\n"
"  --versions WHICH       latest: the newest version only; served (default):\n"
"                         the newest and every version an endpoint serves;\n"
"                         all: every version the service lists\n"
"  --format FMT           table (default) or json\n"
"  --output FILE          write the report to FILE, a summary to stdout\n"
"\n"
"Fix:\n"
"  --apply                make the changes (without it: only a plan)\n"
"  --yes                  do not ask for confirmation\n"
"  --repoint-endpoints    move named endpoints to the fixed version\n"
"  --allow-unknown-fields echo fields this version does not know\n"
"  --journal FILE         where to record every change\n"
"  --wait-timeout S       how long to wait for a new version (default 600)\n"
"\n"
"Policy:\n"
"  --for audit|fix        print the least-privilege IAM policy for it\n"
"                         (exact actions; narrow the resources further\n"
"                         to the accounts, regions and roles you use)\n"
"\n"
"Global:\n"
"  -h, --help  --version  -v, --verbose  --debug  -q, --quiet  --no-color\n"
"\n"
"Exit status: 0 all compliant, 1 noncompliant found, 2 usage error,\n"
"3 credentials or configuration error, 4 incomplete, 5 internal error.\n"
"Credentials come from the environment and the shared files, never from\n"
"the command line.\n", stdout);
}

static const struct option_def *
find_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strlen(options[i].name) == len &&
		    strncmp(options[i].name, name, len) == 0)
			return &options[i];
	return NULL;
}

static const struct option_def *
find_short(char c)
{
	size_t i;

	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (options[i].letter == c)
			return &options[i];
	return NULL;
}

static int
parse_int(const char *name, const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		helpf("--%s needs a whole number from %ld to %ld, not '%s'",
		    name, lo, hi, cli_shown(s));
		return -1;
	}
	*out = v;
	return 0;
}

static int
apply_option(struct cli_opts *o, const struct option_def *d, const char *v)
{
	long n = 0;

	if (d->kind == ARG_INT) {
		long lo = 1, hi = 100000;

		if (d->id == O_PAGE_SIZE)
			hi = 100;
		else if (d->id == O_CONCURRENCY)
			hi = 256;
		if (parse_int(d->name, v, lo, hi, &n) != 0)
			return -1;
	}
	switch (d->id) {
	case O_ACCOUNTS: o->accounts = v; break;
	case O_ALL_REGIONS: o->all_regions = 1; break;
	case O_ALLOW_UNKNOWN: o->allow_unknown = 1; break;
	case O_APPLY: o->apply = 1; break;
	case O_CONCURRENCY: o->concurrency = (int)n; break;
	case O_CONNECT_TIMEOUT: o->connect_timeout = n; break;
	case O_DEBUG: o->debug = 1; break;
	case O_ENDPOINT_URL: o->endpoint_url = v; break;
	case O_EXTERNAL_ID: o->external_id = v; break;
	case O_FOR: o->policy_for = v; break;
	case O_FORMAT: o->format = v; break;
	case O_HELP: o->help = 1; break;
	case O_JOURNAL: o->journal = v; break;
	case O_MMDS_URL: o->mmds_url = v; break;
	case O_NO_COLOR: o->no_color = 1; break;
	case O_ORG: o->org = 1; break;
	case O_OUTPUT: o->output = v; break;
	case O_PAGE_SIZE: o->page_size = (int)n; break;
	case O_PROFILE: o->profile = v; break;
	case O_QUIET: o->quiet = 1; break;
	case O_REGION: o->regions = v; break;
	case O_REPOINT: o->repoint = 1; break;
	case O_REQUEST_TIMEOUT: o->request_timeout = n; break;
	case O_ROLE_NAME: o->role_name = v; break;
	case O_RUNTIME:
		if (o->nruntimes == CLI_MAX_RUNTIMES) {
			helpf("at most %d --runtime options",
			    CLI_MAX_RUNTIMES);
			return -1;
		}
		o->runtimes[o->nruntimes++] = v;
		break;
	case O_TIMEOUT: o->probe_timeout = n; break;
	case O_VERBOSE: o->verbose = 1; break;
	case O_VERSION: o->version = 1; break;
	case O_VERSIONS: o->versions = v; break;
	case O_WAIT_TIMEOUT: o->wait_timeout = n; break;
	case O_YES: o->yes = 1; break;
	}
	return 0;
}

static enum cli_cmd
find_cmd(const char *s)
{
	size_t i;

	for (i = 1; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
		if (strcmp(cmd_names[i], s) == 0)
			return (enum cli_cmd)i;
	return CMD_NONE;
}

/* Options are checked against the subcommand once it is known. */
struct seen {
	const struct option_def *def;
	const char *value;
};

int
cli_parse(int argc, char **argv, struct cli_opts *o)
{
	static struct seen seen[4096];
	int given[O_YES + 1] = { 0 };
	size_t nseen = 0, i;
	int k, only_args = 0;

	memset(o, 0, sizeof(*o));
	for (k = 1; k < argc; k++) {
		const char *a = argv[k], *val = NULL, *eq;
		const struct option_def *d;

		if (only_args || a[0] != '-' || a[1] == '\0') {
			if (o->cmd != CMD_NONE) {
				helpf("unexpected argument '%s'",
				    cli_shown(a));
				return 2;
			}
			o->cmd = find_cmd(a);
			if (o->cmd == CMD_NONE) {
				helpf("unknown command '%s'", cli_shown(a));
				return 2;
			}
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = 1;
			continue;
		}
		if (a[1] == '-') {
			eq = strchr(a + 2, '=');
			d = find_long(a + 2, eq ? (size_t)(eq - a - 2) :
			    strlen(a + 2));
			if (eq != NULL)
				val = eq + 1;
		} else {
			d = a[2] == '\0' ? find_short(a[1]) : NULL;
			eq = NULL;
		}
		if (d == NULL) {
			/* Print only the name: the value may be a secret. */
			if (a[1] != '-')
				helpf("unknown option '-%c'", a[1]);
			else if (cli_shown(a + 2) != a + 2)
				helpf("unknown option '--<hidden>'");
			else
				helpf("unknown option '%.*s'", eq ?
				    (int)(eq - a) : (int)strlen(a), a);
			return 2;
		}
		if (d->kind == ARG_BOOL && val != NULL) {
			helpf("--%s takes no value", d->name);
			return 2;
		}
		if (d->kind != ARG_BOOL && val == NULL) {
			if (k + 1 >= argc) {
				helpf("--%s needs a value", d->name);
				return 2;
			}
			val = argv[++k];
		}
		if (nseen == sizeof(seen) / sizeof(seen[0])) {
			helpf("too many options");
			return 2;
		}
		seen[nseen].def = d;
		seen[nseen++].value = val;
	}
	for (i = 0; i < nseen; i++) {
		const struct option_def *d = seen[i].def;

		if (o->cmd != CMD_NONE && d->where != IN_ANY &&
		    !(d->where & (1 << o->cmd))) {
			helpf("--%s does not apply to '%s'", d->name,
			    cmd_names[o->cmd]);
			return 2;
		}
		if (o->cmd == CMD_NONE && d->where != IN_ANY) {
			helpf("--%s needs a command first (audit, fix, "
			    "rollback)", d->name);
			return 2;
		}
		/* A second value would silently replace the first. */
		if (d->kind != ARG_BOOL && d->id != O_RUNTIME &&
		    given[d->id]++) {
			helpf("--%s given twice%s", d->name, d->id == O_REGION ?
			    "; give several as --region us-east-1,eu-west-1" :
			    "");
			return 2;
		}
		if (apply_option(o, d, seen[i].value) != 0)
			return 2;
	}
	if (o->cmd == CMD_NONE && !o->help && !o->version) {
		helpf("no command given (audit, fix, rollback)");
		return 2;
	}
	return 0;
}
