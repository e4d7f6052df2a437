/* SPDX-License-Identifier: Apache-2.0 */
/* cli_audit.c: mmdsguard audit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "cli_cmds.h"
#include "cli_env.h"
#include "cli_msgs.h"
#include "cli_report.h"

static int
parse_versions(const char *s, enum mg_versions *out)
{
	if (s == NULL || strcmp(s, "served") == 0)
		*out = MG_VERSIONS_SERVED;
	else if (strcmp(s, "latest") == 0)
		*out = MG_VERSIONS_LATEST;
	else if (strcmp(s, "all") == 0)
		*out = MG_VERSIONS_ALL;
	else {
		helpf("--versions must be latest, served or all, not '%s'",
		    cli_shown(s));
		return -1;
	}
	return 0;
}

static int
check_format(const char *f)
{
	static const char *const later[] = { "csv", "sarif", "junit", "asff",
	    "ocsf", "markdown" };
	size_t i;

	if (f == NULL || strcmp(f, "table") == 0 || strcmp(f, "json") == 0)
		return 0;
	for (i = 0; i < sizeof(later) / sizeof(later[0]); i++)
		if (strcmp(f, later[i]) == 0) {
			helpf("--format %s is not available in this version; "
			    "use table or json", f);
			return -1;
		}
	helpf("--format must be table or json, not '%s'", cli_shown(f));
	return -1;
}

/* Can the report be written there? Checked before anything is sent. */
static int
check_output(const char *path)
{
	char *dir, *slash;
	struct stat st;
	int ok;

	if (path == NULL)
		return 0;
	if (*path == '\0') {
		helpf("--output needs a file name");
		return -1;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		helpf("--output '%s' is a directory; name a file", path);
		return -1;
	}
	dir = strdup(path);
	if (dir == NULL)
		return -1;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	ok = access(dir, W_OK) == 0;
	if (!ok)
		helpf("--output '%s': cannot write in '%s': %s", path, dir,
		    strerror(errno));
	free(dir);
	return ok ? 0 : -1;
}

/* The rejected-credentials case gets one line, not a page of errors. */
static int
all_rejected(const struct cli_env *env, const struct mg_report *rep)
{
	size_t i;

	for (i = 0; i < rep->ntargets; i++)
		if (!env->targets[i].rejected)
			return 0;
	return rep->ntargets > 0;
}

static int
write_report(const struct cli_opts *o, const struct cli_env *env,
    const struct mg_report *rep)
{
	struct cli_report_opts ro;
	FILE *fp = stdout;
	int json = o->format != NULL && strcmp(o->format, "json") == 0;
	int rc = 0;

	memset(&ro, 0, sizeof(ro));
	ro.color = !o->no_color && getenv("NO_COLOR") == NULL &&
	    o->output == NULL && isatty(STDOUT_FILENO);
	ro.endpoint_url = o->endpoint_url;
	ro.profile = o->profile;
	(void)env;
	if (o->output != NULL) {
		fp = fopen(o->output, "w");
		if (fp == NULL) {
			errorf("cannot write '%s': %s", o->output,
			    strerror(errno));
			return -1;
		}
	}
	if (json)
		rc = cli_report_json(fp, rep);
	else
		cli_report_table(fp, rep, &ro);
	if (fp == stdout && (fflush(stdout) != 0 || ferror(stdout))) {
		errorf("cannot write the report to standard output: %s",
		    strerror(errno));
		return -1;
	}
	if (fp != stdout) {
		if (fflush(fp) != 0 || ferror(fp))
			rc = -1;
		if (fclose(fp) != 0)
			rc = -1;
		if (rc != 0)
			errorf("cannot write '%s': %s", o->output,
			    strerror(errno));
		else
			cli_report_summary_line(stdout, rep);
	}
	return rc;
}

/*
 * With --all-regions, a region that refuses a key every other region
 * accepts is an opt-in region this account has not enabled: skipped, not
 * failed, so it does not make every scan "incomplete".
 */
static void
skip_disabled_regions(const struct cli_env *env, struct mg_report *rep)
{
	size_t i;
	char *why;

	for (i = 0; i < rep->ntargets; i++) {
		struct mg_target_report *t = &rep->targets[i];

		if (!env->targets[i].rejected)
			continue;
		t->status = "skipped";
		t->credentials_rejected = 0;
		if (asprintf(&why, "region not enabled for this account (the "
		    "key is refused here only): %s", t->error ? t->error :
		    "credentials refused") >= 0) {
			free(t->error);
			t->error = why;
		}
	}
}

int
cli_run_audit(const struct cli_opts *o, struct cli_env *env,
    enum mg_versions versions, struct mg_report *rep)
{
	struct mg_audit_opts ao;
	struct mg_err err;

	memset(&ao, 0, sizeof(ao));
	mg_err_clear(&err);
	ao.versions = versions;
	ao.runtime_ids = o->nruntimes ? o->runtimes : NULL;
	ao.nruntime_ids = o->nruntimes;
	ao.page_size = o->page_size ? o->page_size : 100;
	if (mg_report_init(rep, env->ntargets) != 0) {
		errorf("out of memory");
		return 5;
	}
	if (mg_audit_run(env->client, env->targets, env->ntargets, &ao, rep,
	    &err) != 0) {
		errorf("%s", err.msg);
		return 5;
	}
	if (all_rejected(env, rep)) {
		cli_report_rejected(env, rep->targets[0].error);
		return 3;
	}
	if (o->all_regions)
		skip_disabled_regions(env, rep);
	return 0;
}

int
cmd_audit(const struct cli_opts *o)
{
	enum mg_versions versions;
	struct mg_report rep;
	struct cli_env env;
	int rc;

	memset(&rep, 0, sizeof(rep));
	if (parse_versions(o->versions, &versions) != 0 ||
	    check_format(o->format) != 0 || check_output(o->output) != 0)
		return 2;
	rc = cli_env_setup(o, o->concurrency ? o->concurrency : 32, &env);
	if (rc != 0)
		goto cleanup;
	rc = cli_run_audit(o, &env, versions, &rep);
	if (rc != 0)
		goto cleanup;
	if (write_report(o, &env, &rep) != 0) {
		rc = 5;
		goto cleanup;
	}
	rc = mg_report_exit_code(&rep);
cleanup:
	mg_report_release(&rep);
	cli_env_release(&env);
	return rc;
}
