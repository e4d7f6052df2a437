/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit.h: find every served runtime version without MMDSv2. Lists the
 * runtimes page by page, reads each one's newest version, lists the
 * endpoints of runtimes with more than one version, and reads each
 * version an endpoint serves; all of it pipelined through one client.
 */
#ifndef MG_AUDIT_H
#define MG_AUDIT_H

#include <stddef.h>

#include "aws.h"
#include "finding.h"

enum mg_versions {
	MG_VERSIONS_LATEST,
	MG_VERSIONS_SERVED,
	MG_VERSIONS_ALL,
};

struct mg_audit_opts {
	enum mg_versions versions;
	const char *const *runtime_ids;	/* limit to these; NULL = all */
	size_t nruntime_ids;
	int page_size;			/* maxResults, 1..100 */
};

/*
 * Audit every target into rep (initialised by the caller with one
 * target report per target). Failures of single calls become findings or
 * target errors; -1 only for internal trouble.
 */
int mg_audit_run(struct mg_client *client, struct mg_target *targets,
    size_t ntargets, const struct mg_audit_opts *opts, struct mg_report *rep,
    struct mg_err *err);

/* Does id match [a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}? */
int mg_runtime_id_valid(const char *id);
/* Does v match [1-9][0-9]{0,4}? */
int mg_version_valid(const char *v);
/* The account of an ARN ("arn:aws:svc:region:ACCOUNT:..."), malloc'd. */
char *mg_arn_account(const char *arn);

/* Paths of the runtime operations, percent-encoded; malloc'd. */
char *mg_path_runtime(const char *id, const char *suffix);

#endif
