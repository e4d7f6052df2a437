/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fix.h: require MMDSv2 on runtimes found noncompliant by an audit, by a
 * loss-free read-modify-write, verified field by field, optionally
 * moving named endpoints; and move them back from a journal.
 */
#ifndef MG_FIX_H
#define MG_FIX_H

#include <stddef.h>

#include <jansson.h>

#include "aws.h"
#include "finding.h"
#include "journal.h"

enum mg_outcome {
	MG_OUT_PLANNED,		/* plan only: would be changed */
	MG_OUT_FIXED,
	MG_OUT_ALREADY,		/* already compliant */
	MG_OUT_SKIPPED,
	MG_OUT_REFUSED,		/* the service said no */
	MG_OUT_FAILED,
	MG_OUT_CHANGED,		/* changed by someone else */
	MG_OUT_TIMEOUT,		/* verification could not complete */
};

const char *mg_outcome_name(enum mg_outcome o);

/* One runtime of a fix. */
struct mg_fix_item {
	size_t target;
	char *runtime_id;
	char *runtime_name;
	json_t *pre;			/* newest GetAgentRuntime answer */
	json_t *body;			/* planned UpdateAgentRuntime body */
	char *flag_before;		/* "false", "(absent)", ... */
	int newest_noncompliant;
	json_t *pinned;			/* [{name, version}] noncompliant */
	char *default_on;		/* noncompliant version on DEFAULT */
	enum mg_outcome outcome;
	char *detail;			/* reason or the service's message */
	char *new_version;
	json_t *moved;			/* [{name, from, to}] */
	json_t *warnings;		/* strings */
};

struct mg_fix_opts {
	int apply;
	int repoint;
	int allow_unknown;
	long wait_timeout_s;
	long poll_ms;
	int concurrency;
	struct mg_journal *journal;
	struct mg_client_opts client;
	void (*progress)(const char *msg, void *arg);
	void *progress_arg;
};

struct mg_fix {
	struct mg_fix_item *items;
	size_t nitems;
};

/*
 * Build the plan from an audit (served versions) of the same targets:
 * one item per runtime with a finding. Items that need nothing are
 * "already"; ones that cannot be changed are "skipped" with the reason.
 */
int mg_fix_plan(const struct mg_report *rep, const struct mg_fix_opts *o,
    struct mg_fix *fix, struct mg_err *err);
/* Carry out every planned item, --concurrency at a time. */
int mg_fix_apply(struct mg_fix *fix, struct mg_target *targets,
    const struct mg_fix_opts *o, struct mg_err *err);
void mg_fix_release(struct mg_fix *fix);
/* 0, 1 or 4 per the contracts. */
int mg_fix_exit_code(const struct mg_fix *fix);

/* Rollback: endpoint moves recorded in a journal, newest run last. */
struct mg_rollback_item {
	char *account;
	char *region;
	char *runtime_id;
	char *endpoint;
	char *back_to;			/* version to restore */
	char *from;			/* version it serves after the fix */
	enum mg_outcome outcome;
	char *detail;
};

struct mg_rollback {
	struct mg_rollback_item *items;
	size_t nitems;
};

int mg_rollback_plan(const json_t *entries, struct mg_rollback *rb,
    struct mg_err *err);
int mg_rollback_apply(struct mg_rollback *rb, struct mg_target *targets,
    size_t ntargets, const struct mg_fix_opts *o, struct mg_err *err);
void mg_rollback_release(struct mg_rollback *rb);

#endif
