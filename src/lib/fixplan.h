/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fixplan.h: the pure half of a fix. From one GetAgentRuntime answer,
 * build the UpdateAgentRuntime body that changes nothing but the MMDSv2
 * flag; compare versions field by field; derive idempotency tokens.
 */
#ifndef MG_FIXPLAN_H
#define MG_FIXPLAN_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

enum mg_field_kind {
	MG_FIELD_UNKNOWN,
	MG_FIELD_READONLY,	/* identity, status, timestamps */
	MG_FIELD_WRITABLE,	/* sent back in UpdateAgentRuntime */
};

enum mg_field_kind mg_field_kind(const char *key);

/*
 * Build the update body from a GetAgentRuntime answer: every writable
 * member as read (nested members, unicode and numbers untouched), no
 * read-only member, and metadataConfiguration.requireMMDSV2 = true. A
 * top-level member this version does not know makes it fail (-1, err
 * names the member) unless allow_unknown, in which case it is echoed.
 * Members whose value is null are not sent (null means absent).
 */
int mg_fix_body(const json_t *runtime, int allow_unknown, json_t **out,
    struct mg_err *err);

/* Remove networkConfiguration.networkModeConfig.requireServiceS3Endpoint;
 * returns 1 if it was there. */
int mg_fix_drop_s3_endpoint(json_t *body);

/*
 * The clientToken of an update: derived from the runtime, the version it
 * replaces and the body, so a retry or a re-run after a crash sends the
 * same token and cannot mint a second version. out gets 50 characters.
 */
void mg_fix_client_token(const char *runtime_id, const char *version,
    const json_t *body, const char *salt, char out[64]);

/*
 * Compare two GetAgentRuntime answers as configurations: identity,
 * version, status and timestamps are ignored, and so is
 * metadataConfiguration when ignore_flag. Returns a new array of the
 * dotted paths that differ ("environmentVariables.KEY").
 */
json_t *mg_config_diff(const json_t *before, const json_t *after,
    int ignore_flag);

/* A copy safe to show or journal: environment values, description and
 * other sensitive members replaced by "<redacted>". */
json_t *mg_redact(const json_t *config);

/* The flag as text for a plan: "true", "false", "null", "(absent)". */
const char *mg_flag_text(const json_t *runtime, char *buf, size_t n);

#endif
