/* SPDX-License-Identifier: Apache-2.0 */
/* cli_fix.c: mmdsguard fix and mmdsguard rollback. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_cmds.h"
#include "cli_msgs.h"
#include "fix.h"
#include "fixplan.h"

/* Where an interrupted fix says its journal is. */
static char interrupted_msg[4200];

static void
on_interrupt(int sig)
{
	ssize_t n;

	(void)sig;
	n = write(STDERR_FILENO, interrupted_msg, strlen(interrupted_msg));
	(void)n;
	_exit(130);
}

static void
catch_interrupts(const char *journal_path)
{
	struct sigaction sa;

	snprintf(interrupted_msg, sizeof(interrupted_msg), "\nmmdsguard: "
	    "interrupted; the journal '%s' records every change sent; run "
	    "the same fix again to finish (it will not mint a second "
	    "version)\n", journal_path);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void
on_progress(const char *msg, void *arg)
{
	char *clean = mg_strip_controls(msg);

	(void)arg;
	if (strncmp(msg, "WARNING: ", 9) == 0)
		warnf("%s", clean ? clean + 9 : msg + 9);
	else if (cli_msgs_level() >= CLI_NORMAL)
		fprintf(stderr, "mmdsguard: %s\n", clean ? clean : msg);
	free(clean);
}

/* Ask on the terminal; without one, only --yes may go ahead. */
static int
confirm(const struct cli_opts *o, const char *what)
{
	char line[16];

	if (o->yes)
		return 0;
	if (!isatty(STDIN_FILENO)) {
		helpf("refusing to %s without a terminal to confirm on; add "
		    "--yes to go ahead", what);
		return 2;
	}
	fprintf(stderr, "%s? Type 'yes' to go ahead: ", what);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL ||
	    strcmp(line, "yes\n") != 0) {
		errorf("not confirmed; nothing was changed");
		return 2;
	}
	return 0;
}

static void
print_body(const json_t *body)
{
	json_t *shown = mg_redact(body);
	char *text, *line, *save = NULL;

	json_object_del(shown, "clientToken");
	text = json_dumps(shown, JSON_INDENT(2) | JSON_SORT_KEYS);
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *c = mg_strip_controls(line);

		printf("      %s\n", c ? c : "");
		free(c);
	}
	free(text);
	json_decref(shown);
}

static void
print_plan(const struct mg_fix *fix, const struct cli_env *env,
    const struct cli_opts *o)
{
	size_t i, j, todo = 0, moves = 0;
	json_t *p;

	printf("Plan%s:\n", o->apply ? "" : " (nothing is changed without "
	    "--apply)");
	for (i = 0; i < fix->nitems; i++) {
		const struct mg_fix_item *it = &fix->items[i];
		const struct mg_target *t = &env->targets[it->target];
		char *name = mg_strip_controls(it->runtime_name ?
		    it->runtime_name : "-");
		char *id = mg_strip_controls(it->runtime_id);

		printf("\n%s (%s) in %s %s: %s\n", id ? id : "?", name,
		    t->account ? t->account : "-", t->region,
		    it->outcome == MG_OUT_PLANNED ? "to change" :
		    mg_outcome_name(it->outcome));
		free(name);
		free(id);
		if (it->outcome != MG_OUT_PLANNED) {
			printf("  %s\n", it->detail ? it->detail : "");
			json_array_foreach(it->pinned, j, p) {
				moves++;
				printf("  endpoint %s serves version %s "
				    "without MMDSv2: stays as it is\n",
				    mg_json_str(p, "name"),
				    mg_json_str(p, "version"));
			}
			continue;
		}
		todo++;
		if (it->body != NULL) {
			printf("  UpdateAgentRuntime from version %s, every "
			    "setting sent back as read; the only difference:\n"
			    "    metadataConfiguration.requireMMDSV2: %s -> "
			    "true\n", mg_json_str(it->pre,
			    "agentRuntimeVersion"), it->flag_before);
			if (strncmp(it->runtime_id, "harness_", 8) == 0)
				printf("  note: the name suggests a harness "
				    "owns this runtime; the service may refuse "
				    "the update\n");
			printf("    body (sensitive values redacted):\n");
			print_body(it->body);
		}
		json_array_foreach(it->pinned, j, p) {
			moves++;
			printf("  endpoint %s serves (or is moving to) "
			    "version %s without MMDSv2: %s\n",
			    mg_json_str(p, "name"), mg_json_str(p, "version"),
			    o->repoint ? "will be moved to the compliant "
			    "newest version; its sessions then run that "
			    "version and managed session storage resets" :
			    "stays pinned and noncompliant (add "
			    "--repoint-endpoints to move it)");
		}
	}
	printf("\n%zu runtime%s to change, %zu named endpoint%s serving "
	    "noncompliant versions\n", todo, todo == 1 ? "" : "s", moves,
	    moves == 1 ? "" : "s");
}

static void
print_results(const struct mg_fix *fix)
{
	size_t i, j;
	json_t *m;

	printf("\nResults:\n");
	for (i = 0; i < fix->nitems; i++) {
		const struct mg_fix_item *it = &fix->items[i];

		printf("  %-40s %-24s %s\n", it->runtime_id,
		    mg_outcome_name(it->outcome), it->detail ? it->detail : "");
		json_array_foreach(it->moved, j, m)
			printf("    endpoint %s moved from version %s to %s\n",
			    mg_json_str(m, "name"), mg_json_str(m, "from"),
			    mg_json_str(m, "to"));
	}
}

/*
 * A target whose runtimes could not all be listed hides runtimes the fix
 * never saw: say so, and never end such a run with exit 0.
 */
static int
print_failed_targets(const struct mg_report *rep)
{
	size_t i;
	int n = 0;

	for (i = 0; i < rep->ntargets; i++) {
		const struct mg_target_report *t = &rep->targets[i];
		char *e;

		if (strcmp(t->status, "error") != 0)
			continue;
		e = mg_strip_controls(t->error ? t->error : "failed");
		printf("\ntarget %s %s could not be read in full: %s; runtimes "
		    "there may have been missed\n", t->account ? t->account :
		    "-", t->region, e ? e : "?");
		free(e);
		n++;
	}
	return n;
}

static int
any_planned(const struct mg_fix *fix)
{
	size_t i;

	for (i = 0; i < fix->nitems; i++)
		if (fix->items[i].outcome == MG_OUT_PLANNED)
			return 1;
	return 0;
}

static void
fill_fix_opts(const struct cli_opts *o, const struct cli_env *env,
    struct mg_fix_opts *fo)
{
	memset(fo, 0, sizeof(*fo));
	fo->apply = o->apply;
	fo->repoint = o->repoint;
	fo->allow_unknown = o->allow_unknown;
	fo->wait_timeout_s = o->wait_timeout ? o->wait_timeout : 600;
	fo->concurrency = o->concurrency ? o->concurrency : 4;
	fo->client = env->client_opts;
	fo->client.concurrency = 2;
	fo->progress = on_progress;
}

static int
open_journal(const struct cli_opts *o, struct mg_journal **j)
{
	struct mg_err err;
	char *path;
	int rc;

	mg_err_clear(&err);
	path = o->journal ? strdup(o->journal) : mg_journal_default_path();
	if (path == NULL) {
		errorf("out of memory");
		return 5;
	}
	rc = mg_journal_open(path, j, &err);
	/* Prove the journal takes a line before any change depends on it. */
	if (rc == 0) {
		json_t *e = json_pack("{s:s, s:s, s:s}", "action", "start",
		    "tool", "mmdsguard", "version", MG_VERSION);

		rc = mg_journal_append(*j, e, &err);
		json_decref(e);
		if (rc != 0) {
			mg_journal_close(*j);
			*j = NULL;
		}
	}
	if (rc != 0)
		errorf("%s; nothing was changed; choose another place with "
		    "--journal FILE", err.msg);
	else
		fprintf(stderr, "mmdsguard: journal: %s\n", path);
	free(path);
	return rc != 0 ? 3 : 0;
}

int
cmd_fix(const struct cli_opts *o)
{
	struct mg_journal *journal = NULL;
	struct mg_fix_opts fo;
	struct mg_report rep;
	struct mg_fix fix;
	struct cli_env env;
	struct mg_err err;
	int rc, failed;

	memset(&rep, 0, sizeof(rep));
	memset(&fix, 0, sizeof(fix));
	mg_err_clear(&err);
	if (o->yes && !o->apply) {
		helpf("--yes only means something with --apply");
		return 2;
	}
	/* Refuse before anything is sent, not after the audit. */
	if (o->apply && !o->yes && !isatty(STDIN_FILENO)) {
		helpf("refusing to apply without a terminal to confirm on; add "
		    "--yes to go ahead");
		return 2;
	}
	rc = cli_env_setup(o, 32, &env);
	if (rc != 0)
		goto cleanup;
	rc = cli_run_audit(o, &env, MG_VERSIONS_SERVED, &rep);
	if (rc != 0)
		goto cleanup;
	fill_fix_opts(o, &env, &fo);
	if (mg_fix_plan(&rep, &fo, &fix, &err) != 0) {
		errorf("%s", err.msg);
		rc = 5;
		goto cleanup;
	}
	print_plan(&fix, &env, o);
	failed = print_failed_targets(&rep);
	fflush(stdout);
	if (!o->apply || !any_planned(&fix)) {
		rc = any_planned(&fix) ? 1 : mg_fix_exit_code(&fix);
		if (rc == 0 && failed)
			rc = 4;
		goto cleanup;
	}
	rc = confirm(o, "apply this plan");
	if (rc != 0)
		goto cleanup;
	rc = open_journal(o, &journal);
	if (rc != 0)
		goto cleanup;
	fo.journal = journal;
	catch_interrupts(mg_journal_path(journal));
	if (mg_fix_apply(&fix, env.targets, &fo, &err) != 0) {
		errorf("%s", err.msg);
		rc = 5;
		goto cleanup;
	}
	print_results(&fix);
	print_failed_targets(&rep);
	rc = mg_fix_exit_code(&fix);
	if (rc == 0 && failed)
		rc = 4;
cleanup:
	mg_journal_close(journal);
	mg_fix_release(&fix);
	mg_report_release(&rep);
	cli_env_release(&env);
	return rc;
}

/* Is region one of the comma-separated list? */
static int
region_listed(const char *list, const char *region)
{
	size_t n = strlen(region);
	const char *p;

	for (p = list; p != NULL; p = strchr(p, ',') ? strchr(p, ',') + 1 :
	    NULL)
		if (strncmp(p, region, n) == 0 && (p[n] == ',' ||
		    p[n] == '\0'))
			return 1;
	return 0;
}

static void
print_rollback_plan(const struct mg_rollback *rb, int apply)
{
	size_t i;

	printf("Rollback plan%s:\n", apply ? "" : " (nothing is changed "
	    "without --apply)");
	printf("A runtime version, once created, cannot be undone or deleted"
	    " by this tool: the versions the fix created stay, and DEFAULT "
	    "keeps serving the newest. Rollback moves named endpoints back to"
	    " the versions they served before the fix.\n");
	for (i = 0; i < rb->nitems; i++) {
		const struct mg_rollback_item *it = &rb->items[i];
		char *id = mg_strip_controls(it->runtime_id);
		char *ep = mg_strip_controls(it->endpoint);

		printf("  %s %s endpoint %s: version %s -> %s%s\n", it->region,
		    id ? id : "?", ep ? ep : "?", it->from, it->back_to,
		    it->outcome == MG_OUT_SKIPPED ?
		    " (not in --region; left alone)" : "");
		free(id);
		free(ep);
	}
	if (rb->nitems == 0)
		printf("  no endpoint moves recorded: nothing to roll back\n");
}

/* Each endpoint's outcome; 1 when one was not moved back as planned. */
static int
print_rollback_results(const struct mg_rollback *rb)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < rb->nitems; i++) {
		const struct mg_rollback_item *it = &rb->items[i];
		char *id = mg_strip_controls(it->runtime_id);
		char *ep = mg_strip_controls(it->endpoint);

		printf("  %s endpoint %s: %s\n", id ? id : "?", ep ? ep : "?",
		    it->detail ? it->detail : mg_outcome_name(it->outcome));
		free(id);
		free(ep);
		if (it->outcome != MG_OUT_FIXED &&
		    it->outcome != MG_OUT_ALREADY &&
		    it->outcome != MG_OUT_SKIPPED)
			rc = 1;
	}
	return rc;
}

int
cmd_rollback(const struct cli_opts *o)
{
	struct mg_journal *journal = NULL;
	struct mg_rollback rb;
	struct mg_fix_opts fo;
	struct cli_opts ro;
	struct cli_env env;
	struct mg_err err;
	json_t *entries = NULL, *last;
	struct mg_buf regions;
	size_t i;
	int rc;

	mg_buf_init(&regions, 65536);
	memset(&rb, 0, sizeof(rb));
	memset(&env, 0, sizeof(env));
	mg_err_clear(&err);
	if (o->journal == NULL) {
		helpf("rollback needs --journal FILE (the journal of a fix)");
		return 2;
	}
	if (mg_journal_read(o->journal, &entries, &err) != 0) {
		helpf("%s", err.msg);
		return 2;
	}
	last = json_array_get(entries, json_array_size(entries) - 1);
	if (last != NULL && mg_json_str(last, "action") != NULL &&
	    strcmp(mg_json_str(last, "action"), "truncated") == 0)
		warnf("%s:%lld: the last line is cut short (a full disk or a "
		    "crash while writing); using the entries before it",
		    o->journal, (long long)json_integer_value(
		    json_object_get(last, "line")));
	if (mg_rollback_plan(entries, &rb, &err) != 0) {
		errorf("%s", err.msg);
		rc = 2;
		goto cleanup;
	}
	/* --region limits a rollback to the moves made in those regions. */
	for (i = 0; o->regions != NULL && i < rb.nitems; i++) {
		if (region_listed(o->regions, rb.items[i].region))
			continue;
		rb.items[i].outcome = MG_OUT_SKIPPED;
	}
	print_rollback_plan(&rb, o->apply);
	if (rb.nitems == 0 || !o->apply) {
		rc = 0;
		goto cleanup;
	}
	rc = confirm(o, "move these endpoints back");
	if (rc != 0)
		goto cleanup;
	/* One target per region named in the journal. */
	ro = *o;
	for (i = 0; i < rb.nitems; i++)
		if (mg_buf_addf(&regions, "%s%s", i ? "," : "",
		    rb.items[i].region) != 0) {
			helpf("too many regions in journal '%s'", o->journal);
			rc = 2;
			goto cleanup;
		}
	ro.regions = regions.data;
	rc = cli_env_setup(&ro, 2, &env);
	if (rc != 0)
		goto cleanup;
	rc = open_journal(o, &journal);
	if (rc != 0)
		goto cleanup;
	fill_fix_opts(o, &env, &fo);
	fo.journal = journal;
	if (mg_rollback_apply(&rb, env.targets, env.ntargets, &fo, &err)) {
		errorf("%s", err.msg);
		rc = 5;
		goto cleanup;
	}
	rc = print_rollback_results(&rb);
cleanup:
	mg_journal_close(journal);
	mg_rollback_release(&rb);
	json_decref(entries);
	mg_buf_release(&regions);
	cli_env_release(&env);
	return rc;
}
