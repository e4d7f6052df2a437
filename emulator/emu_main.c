/* SPDX-License-Identifier: Apache-2.0 */
/* emu_main.c: mmdsguard-emulator's arguments, startup and shutdown. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define PROG "mmdsguard-emulator"
#define EXIT_USAGE 2
#define EXIT_STARTUP 1

static const char usage_text[] =
"usage: " PROG " [--port N] [--fleet FILE]...\n"
"       [--generate N[@ACCOUNT/REGION]]...\n"
"       [--key AKID:SECRET:ACCOUNT]... [--legacy-defaults]\n"
"       [--update-omit reset|keep] [--ready-delay-ms N] [--latency-ms N]\n"
"       [--quotas on|off] [--quota-rates L,G,M] [--default-page-size N]\n"
"       [--s3-endpoint-cutoff DATE] [--request-log FILE]\n"
"       [--mmds v1|v2] [--mmds-role NAME] [--fault KIND:TARGET[:ARG]]...\n"
"\n"
"A local Amazon Bedrock AgentCore control plane (runtime operations) for\n"
"tests, demos and benchmarks. Listens on 127.0.0.1 only and prints\n"
"\"listening on 127.0.0.1:PORT\" as its first line. Runs until SIGINT or\n"
"SIGTERM. Requests must be signed with SigV4 (service bedrock-agentcore);\n"
"the region is the one in the credential scope.\n"
"\n"
"Server:\n"
"  --port N               TCP port; 0 (default) picks a free one\n"
"  --latency-ms N         added delay before every answer (default 0)\n"
"  --request-log FILE     append one JSON line per request: time, method,\n"
"                         path and query (raw), operation, account, region,\n"
"                         runtimeId, status, error (dropped: true when the\n"
"                         connection was closed without an answer)\n"
"\n"
"Credentials:\n"
"  --key AKID:SECRET:ACCOUNT  accept another key pair for ACCOUNT\n"
"                         (repeatable). Always accepted: AKIDEXAMPLE /\n"
"                         wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY for\n"
"                         account 123456789012. A fleet file may add keys.\n"
"\n"
"Data:\n"
"  --fleet FILE           seed runtimes, versions and endpoints from a JSON\n"
"                         fleet file (docs/FLEET.md); repeatable\n"
"  --generate N[@ACCOUNT/REGION]  add N deterministic synthetic runtimes\n"
"                         (default 123456789012/us-east-1; repeatable;\n"
"                         the mix is described in docs/EMULATOR.md)\n"
"  --default-page-size N  page size of List calls without maxResults\n"
"                         (default 10)\n"
"\n"
"Behaviour:\n"
"  --legacy-defaults      runtimes created from now on get a createdAt\n"
"                         before 2026-02-15, no metadataConfiguration, and\n"
"                         accept requireMMDSV2 false; without it a new\n"
"                         runtime reads back requireMMDSV2 true and an\n"
"                         update setting false is refused\n"
"  --update-omit reset|keep  what UpdateAgentRuntime does to optional\n"
"                         members it does not receive: reset (default)\n"
"                         drops them (the flag of a runtime created on or\n"
"                         after 2026-02-15 still reads true); keep copies\n"
"                         them from the previous version\n"
"  --ready-delay-ms N     how long CREATING/UPDATING/DELETING and endpoint\n"
"                         rollouts last (default 300)\n"
"  --s3-endpoint-cutoff DATE  runtimes created on or after DATE refuse\n"
"                         requireServiceS3Endpoint (default 2026-05-05)\n"
"  --quotas on|off        token buckets per account, region and class:\n"
"                         List 25/s, Get 150/s, Mutation 50/s, burst one\n"
"                         second's worth; over it: 429 ThrottlingException\n"
"                         (default off)\n"
"  --quota-rates L,G,M    override the List, Get and Mutation rates\n"
"  --mmds v1|v2           also serve a Firecracker-style MMDS under\n"
"                         /latest/ on the same port (v2: session tokens)\n"
"  --mmds-role NAME       role name MMDS serves credentials for\n"
"                         (default AgentCoreRuntimeRole)\n"
"\n"
"Faults (--fault KIND:TARGET[:ARG], repeatable). TARGET is a runtime id or\n"
"name, or * for every runtime:\n"
"  drop-after-apply:RT[:N]   apply the next N (default 1) updates, then\n"
"                            close the connection without an answer\n"
"  late-updating:RT:MS       after an accepted update, GetAgentRuntime\n"
"                            without ?version (and List) keep showing the\n"
"                            old version as READY for MS milliseconds\n"
"  harness:RT:NAME           the runtime is owned by harness NAME:\n"
"                            UpdateAgentRuntime is refused\n"
"  refuse-authorizer-once:RT the next update carrying\n"
"                            authorizerConfiguration gets ValidationException\n"
"                            \"Authorizer already exists\"\n"
"  conflict-once:RT          the next update gets 409 ConflictException\n"
"                            after another pipeline's change lands (a new\n"
"                            version with CONCURRENT_CHANGE=\n"
"                            applied-by-other-pipeline)\n"
"  vanish-on-get:RT          GetAgentRuntime answers 404 though List shows it\n"
"  access-denied:RT          GetAgentRuntime answers 403\n"
"                            AccessDeniedException\n"
"  repeat-token:TARGET       ListAgentRuntimes always returns the same\n"
"                            nextToken; TARGET is *, a region, or a runtime\n"
"                            (meaning its account and region)\n"
"  region-error:REGION       every request for REGION answers 500\n"
"                            InternalServerException (* for all regions)\n"
"  fail-update:RT[:N]        the next N (default 1) updates answer 500 and\n"
"                            change nothing\n"
"\n"
"  --help                 this text\n"
"  --version              print the version\n"
"\n"
"Options also take the form --flag=value. Exit status: 0 after SIGINT or\n"
"SIGTERM, 1 when startup fails (fleet file, port), 2 on a usage error.\n";

struct args {
	const char **fleets;
	size_t nfleets;
	const char **gens;
	size_t ngens;
};

static int
usage_error(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	return -1;
}

static int
parse_long(const char *flag, const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *out < min ||
	    *out > max)
		return usage_error("%s: '%s' is not a valid number", flag, s);
	return 0;
}

static int
parse_rates(const char *s, double rates[3])
{
	double v[3];
	char tail;

	if (sscanf(s, "%lf,%lf,%lf%c", &v[0], &v[1], &v[2], &tail) != 3 ||
	    v[0] <= 0 || v[1] <= 0 || v[2] <= 0)
		return usage_error("%s: '%s' is not L,G,M (three positive "
		    "rates per second)", "--quota-rates", s);
	memcpy(rates, v, sizeof(v));
	return 0;
}

int
emu_config_add_key(struct emu_config *cfg, const char *akid,
    const char *secret, const char *account, struct mg_err *err)
{
	struct emu_key *k;
	size_t i;

	for (i = 0; i < cfg->nkeys; i++)
		if (strcmp(cfg->keys[i].access_key, akid) == 0)
			return mg_err_set(err, MG_ECONFIG, "access key '%s' is "
			    "defined twice", akid);
	k = realloc(cfg->keys, (cfg->nkeys + 1) * sizeof(*k));
	if (k == NULL)
		return mg_err_set(err, MG_ENOMEM, "out of memory");
	cfg->keys = k;
	k = &cfg->keys[cfg->nkeys];
	k->access_key = strdup(akid);
	k->secret_key = strdup(secret);
	snprintf(k->account, sizeof(k->account), "%s", account);
	if (k->access_key == NULL || k->secret_key == NULL) {
		free(k->access_key);
		mg_free_secret(k->secret_key);
		return mg_err_set(err, MG_ENOMEM, "out of memory");
	}
	cfg->nkeys++;
	return 0;
}

static int
add_key_arg(struct emu_config *cfg, const char *spec)
{
	char *copy = strdup(spec), *secret, *account;
	struct mg_err err;
	size_t i;
	int rc = -1;

	if (copy == NULL)
		return usage_error("%s%s", "out of memory", "");
	secret = strchr(copy, ':');
	account = strrchr(copy, ':');
	if (secret == NULL || account == secret || secret == copy) {
		usage_error("%s: expected AKID:SECRET:ACCOUNT%s", "--key", "");
		goto cleanup;
	}
	*secret++ = '\0';
	*account++ = '\0';
	for (i = 0; account[i] >= '0' && account[i] <= '9'; i++)
		;
	if (i != 12 || account[i] != '\0' || *secret == '\0') {
		usage_error("%s: expected AKID:SECRET:ACCOUNT with a 12-digit "
		    "account%s", "--key", "");
		goto cleanup;
	}
	if (emu_config_add_key(cfg, copy, secret, account, &err) != 0) {
		usage_error("%s: %s", "--key", err.msg);
		goto cleanup;
	}
	rc = 0;
cleanup:
	mg_free_secret(copy);
	return rc;
}

static int
push(const char ***list, size_t *n, const char *value)
{
	const char **p = realloc(*list, (*n + 1) * sizeof(*p));

	if (p == NULL)
		return -1;
	p[(*n)++] = value;
	*list = p;
	return 0;
}

static int
choice(const char *flag, const char *v, const char *a, const char *b,
    int *out)
{
	if (strcmp(v, a) == 0)
		*out = 0;
	else if (strcmp(v, b) == 0)
		*out = 1;
	else
		return usage_error("%s: expected %s", flag, a);
	return 0;
}

/* One option with its value; -1 on a usage error. */
static int
option(struct emu_server *srv, struct args *ar, const char *flag,
    const char *v)
{
	struct emu_config *cfg = &srv->cfg;
	struct mg_err err;
	long n;
	int c = 0;

	if (strcmp(flag, "--port") == 0) {
		if (parse_long(flag, v, 0, 65535, &n) != 0)
			return -1;
		cfg->port = (int)n;
	} else if (strcmp(flag, "--fleet") == 0) {
		return push(&ar->fleets, &ar->nfleets, v);
	} else if (strcmp(flag, "--generate") == 0) {
		return push(&ar->gens, &ar->ngens, v);
	} else if (strcmp(flag, "--key") == 0) {
		return add_key_arg(cfg, v);
	} else if (strcmp(flag, "--update-omit") == 0) {
		if (choice(flag, v, "reset", "keep", &cfg->update_keep) != 0)
			return -1;
	} else if (strcmp(flag, "--ready-delay-ms") == 0) {
		return parse_long(flag, v, 0, 86400000, &cfg->ready_delay_ms);
	} else if (strcmp(flag, "--latency-ms") == 0) {
		return parse_long(flag, v, 0, 600000, &cfg->latency_ms);
	} else if (strcmp(flag, "--quotas") == 0) {
		if (choice(flag, v, "off", "on", &cfg->quotas) != 0)
			return -1;
	} else if (strcmp(flag, "--quota-rates") == 0) {
		return parse_rates(v, cfg->rates);
	} else if (strcmp(flag, "--default-page-size") == 0) {
		if (parse_long(flag, v, 1, 100, &n) != 0)
			return -1;
		cfg->default_page = (int)n;
	} else if (strcmp(flag, "--s3-endpoint-cutoff") == 0) {
		if (emu_parse_time(v, &cfg->s3_cutoff_ms) != 0)
			return usage_error("%s: '%s' is not a date such as "
			    "2026-05-05", flag, v);
	} else if (strcmp(flag, "--request-log") == 0) {
		cfg->request_log = v;
	} else if (strcmp(flag, "--mmds") == 0) {
		if (choice(flag, v, "v1", "v2", &c) != 0)
			return -1;
		cfg->mmds = c + 1;
	} else if (strcmp(flag, "--mmds-role") == 0) {
		cfg->mmds_role = v;
	} else if (strcmp(flag, "--fault") == 0) {
		if (emu_faults_add(&srv->faults, v, &err) != 0)
			return usage_error("%s%s", err.msg, "");
	} else {
		return usage_error("unknown option '%s'%s", flag, "");
	}
	return 0;
}

static const char *const valued[] = { "--port", "--fleet", "--generate",
	"--key", "--update-omit", "--ready-delay-ms", "--latency-ms",
	"--quotas", "--quota-rates", "--default-page-size",
	"--s3-endpoint-cutoff", "--request-log", "--mmds", "--mmds-role",
	"--fault", NULL };

static int
takes_value(const char *flag)
{
	int i;

	for (i = 0; valued[i] != NULL; i++)
		if (strcmp(valued[i], flag) == 0)
			return 1;
	return 0;
}

/* 0: run; 1: done (help or version printed); -1: usage error. */
static int
parse_args(struct emu_server *srv, struct args *ar, int argc, char **argv)
{
	char flag[64];
	const char *eq, *value;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(usage_text, stdout);
			return 1;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf(PROG " %s\n", MG_VERSION);
			return 1;
		}
		if (strcmp(argv[i], "--legacy-defaults") == 0) {
			srv->cfg.legacy_defaults = 1;
			continue;
		}
		eq = strchr(argv[i], '=');
		snprintf(flag, sizeof(flag), "%.*s", eq != NULL ?
		    (int)(eq - argv[i]) : (int)strlen(argv[i]), argv[i]);
		if (!takes_value(flag))
			return usage_error("unknown option '%s'%s", argv[i],
			    "");
		if (eq != NULL) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			return usage_error("%s needs a value%s", flag, "");
		}
		if (option(srv, ar, flag, value) != 0)
			return -1;
	}
	return 0;
}

static void
defaults(struct emu_server *srv)
{
	struct emu_config *cfg = &srv->cfg;

	cfg->ready_delay_ms = 300;
	cfg->rates[EMU_CLASS_LIST] = 25;
	cfg->rates[EMU_CLASS_GET] = 150;
	cfg->rates[EMU_CLASS_MUTATE] = 50;
	cfg->default_page = 10;
	cfg->s3_cutoff_ms = EMU_S3_CUTOFF_MS;
	cfg->mmds_role = "AgentCoreRuntimeRole";
}

static int
load_data(struct emu_server *srv, struct args *ar)
{
	struct mg_err err;
	size_t i;
	int rc = -1;

	mg_err_clear(&err);
	if (emu_validate_init(&err) != 0)
		goto cleanup;
	for (i = 0; i < ar->nfleets; i++)
		if (emu_fleet_load(srv, ar->fleets[i], &err) != 0)
			goto cleanup;
	for (i = 0; i < ar->ngens; i++)
		if (emu_fleet_generate(srv, ar->gens[i], &err) != 0)
			goto cleanup;
	if (srv->cfg.request_log != NULL &&
	    emu_log_open(srv, srv->cfg.request_log, &err) != 0)
		goto cleanup;
	if (srv->cfg.quotas) {
		srv->quota = emu_quota_new(srv->cfg.rates);
		if (srv->quota == NULL) {
			mg_err_set(&err, MG_ENOMEM, "out of memory");
			goto cleanup;
		}
	}
	rc = 0;
cleanup:
	if (rc != 0)
		fprintf(stderr, PROG ": %s\n", err.msg);
	return rc;
}

static void
release(struct emu_server *srv, struct args *ar)
{
	size_t i;

	emu_store_release(&srv->store);
	emu_faults_release(&srv->faults);
	emu_quota_free(srv->quota);
	emu_log_close(srv);
	pthread_mutex_destroy(&srv->log_lock);
	for (i = 0; i < srv->cfg.nkeys; i++) {
		free(srv->cfg.keys[i].access_key);
		mg_free_secret(srv->cfg.keys[i].secret_key);
	}
	free(srv->cfg.keys);
	free(ar->fleets);
	free(ar->gens);
	emu_validate_release();
	mg_memzero(srv->mmds_key, sizeof(srv->mmds_key));
}

/* MMDS hands out a key pair of its own, valid against this emulator. */
static int
mmds_credentials(struct emu_server *srv)
{
	unsigned char r[20];
	char secret[41], akid[21];
	struct mg_err err;
	int i, rc;

	emu_random_bytes(r, sizeof(r));
	for (i = 0; i < 20; i++)
		snprintf(secret + 2 * i, 3, "%02x", r[i]);
	emu_random_alnum(akid + 4, 16);
	memcpy(akid, "ASIA", 4);
	for (i = 4; i < 20; i++)
		if (akid[i] >= 'a' && akid[i] <= 'z')
			akid[i] = (char)(akid[i] - 'a' + 'A');
	srv->mmds_cred = srv->cfg.nkeys;
	rc = emu_config_add_key(&srv->cfg, akid, secret, EMU_DEFAULT_ACCOUNT,
	    &err);
	mg_memzero(secret, sizeof(secret));
	mg_memzero(r, sizeof(r));
	if (rc != 0)
		fprintf(stderr, PROG ": %s\n", err.msg);
	return rc;
}

static int
serve(struct emu_server *srv)
{
	struct mg_err err;
	sigset_t set;
	void *daemon;
	int sig = 0, port = srv->cfg.port;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	daemon = emu_server_start(srv, &port, &err);
	if (daemon == NULL) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return -1;
	}
	printf("listening on 127.0.0.1:%d\n", port);
	fflush(stdout);
	while (sigwait(&set, &sig) != 0)
		;
	emu_server_stop(daemon);
	return 0;
}

int
main(int argc, char **argv)
{
	static struct emu_server srv;
	struct args ar;
	struct mg_err err;
	int rc, status = EXIT_STARTUP;

	memset(&ar, 0, sizeof(ar));
	json_object_seed(0);
	emu_store_init(&srv.store);
	pthread_mutex_init(&srv.log_lock, NULL);
	defaults(&srv);
	if (emu_config_add_key(&srv.cfg, "AKIDEXAMPLE",
	    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", EMU_DEFAULT_ACCOUNT,
	    &err) != 0)
		goto cleanup;
	rc = parse_args(&srv, &ar, argc, argv);
	if (rc != 0) {
		status = rc > 0 ? 0 : EXIT_USAGE;
		goto cleanup;
	}
	emu_random_bytes(srv.mmds_key, sizeof(srv.mmds_key));
	if (srv.cfg.mmds && mmds_credentials(&srv) != 0)
		goto cleanup;
	if (load_data(&srv, &ar) != 0 || serve(&srv) != 0)
		goto cleanup;
	status = 0;
cleanup:
	release(&srv, &ar);
	return status;
}
