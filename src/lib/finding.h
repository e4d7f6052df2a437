/* SPDX-License-Identifier: Apache-2.0 */
/* finding.h: verdicts, findings and the report that carries them. */
#ifndef MG_FINDING_H
#define MG_FINDING_H

#include <stdarg.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

enum mg_verdict {
	MG_COMPLIANT,
	MG_NONCOMPLIANT,
	MG_UNKNOWN,
};

enum mg_flag {
	MG_FLAG_NULL,		/* absent, null, or unread */
	MG_FLAG_TRUE,
	MG_FLAG_FALSE,
};

/* 2026-02-15T00:00:00Z: runtimes created after it default to true. */
#define MG_DEFAULT_TRUE_EPOCH 1771113600LL

struct mg_verdict_info {
	enum mg_verdict verdict;
	enum mg_flag flag;
	const char *reason;		/* stable code: "flag-false", ... */
	char *raw_value;		/* JSON text when of the wrong type */
	char text[256];
};

/*
 * Judge one GetAgentRuntime answer. Pure: looks only at
 * metadataConfiguration and, for the wording, createdAt.
 */
void mg_verdict_of(const json_t *runtime, struct mg_verdict_info *out);
void mg_verdict_info_release(struct mg_verdict_info *v);
const char *mg_verdict_name(enum mg_verdict v);

struct mg_finding {
	size_t target;			/* index of its target */
	char *account;
	char *region;
	char *runtime_id;
	char *runtime_name;
	char *runtime_arn;
	char *runtime_status;
	char *created_at;		/* RFC 3339 UTC */
	char *version;			/* NULL when none applies */
	json_t *endpoints;		/* array of names */
	int endpoints_listed;
	enum mg_flag flag;
	char *raw_value;
	enum mg_verdict verdict;
	const char *reason;
	char *reason_text;
	json_t *config;			/* the GetAgentRuntime answer */
};

struct mg_target_report {
	char *account;
	char *region;
	const char *status;		/* "ok", "skipped", "error" */
	char *error;
	json_t *notes;			/* array of strings */
	int credentials_rejected;
};

struct mg_report {
	char started_at[32];
	char finished_at[32];
	struct mg_target_report *targets;
	size_t ntargets;
	struct mg_finding **findings;
	size_t nfindings;
	size_t cap;
};

int mg_report_init(struct mg_report *r, size_t ntargets);
void mg_report_release(struct mg_report *r);
struct mg_finding *mg_report_add(struct mg_report *r);
void mg_report_sort(struct mg_report *r);
/* The report object of the contracts (schemaVersion 1). */
json_t *mg_report_json(const struct mg_report *r);
json_t *mg_finding_json(const struct mg_finding *f);

struct mg_summary {
	size_t runtimes;
	size_t versions;
	size_t compliant;
	size_t noncompliant;
	size_t unknown;
	size_t targets_failed;
};

void mg_report_summary(const struct mg_report *r, struct mg_summary *s);
/* Exit status of an audit per the contracts (0, 1, 3 or 4). */
int mg_report_exit_code(const struct mg_report *r);

/* Timestamps: now as RFC 3339 UTC; a service value (string or epoch). */
void mg_rfc3339_now(char buf[32]);
char *mg_timestamp_text(const json_t *v);
/* Seconds since the epoch of a service timestamp, or -1. */
long long mg_timestamp_epoch(const json_t *v);

/* Copy s without control characters (for terminals). */
char *mg_strip_controls(const char *s);
/* Format (up to 2 KiB), then strip control characters; malloc'd. */
char *mg_clean_vprintf(const char *fmt, va_list ap);

/* String member of a JSON object, or NULL. */
const char *mg_json_str(const json_t *o, const char *key);

#endif
