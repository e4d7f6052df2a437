/* SPDX-License-Identifier: Apache-2.0 */
/* cli_policy.c: mmdsguard policy, the least-privilege IAM policy. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli_cmds.h"
#include "cli_msgs.h"

/*
 * Exact actions, never "bedrock-agentcore:Get*": that wildcard also
 * grants the actions that issue workload access tokens, API keys and
 * OAuth tokens.
 */
static const char *const audit_list[] = {
	"bedrock-agentcore:ListAgentRuntimes",
	"bedrock-agentcore:ListAgentRuntimeEndpoints",
	"bedrock-agentcore:ListAgentRuntimeVersions",
};
static const char *const audit_read[] = {
	"bedrock-agentcore:GetAgentRuntime",
};
static const char *const fix_write[] = {
	"bedrock-agentcore:GetAgentRuntimeEndpoint",
	"bedrock-agentcore:UpdateAgentRuntime",
	"bedrock-agentcore:UpdateAgentRuntimeEndpoint",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static json_t *
statement(const char *sid, const char *const *actions, size_t n,
    json_t *resource)
{
	json_t *st, *acts = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(acts, json_string(actions[i]));
	st = json_pack("{s:s, s:s, s:o, s:o}", "Sid", sid, "Effect", "Allow",
	    "Action", acts, "Resource", resource);
	return st;
}

static json_t *
runtime_resources(void)
{
	return json_pack("[s, s]",
	    "arn:aws:bedrock-agentcore:*:*:runtime/*",
	    "arn:aws:bedrock-agentcore:*:*:runtime/*/runtime-endpoint/*");
}

int
cmd_policy(const struct cli_opts *o)
{
	const char *which = o->policy_for ? o->policy_for : "audit";
	json_t *doc, *sts;
	int fix;

	if (strcmp(which, "audit") != 0 && strcmp(which, "fix") != 0) {
		helpf("--for must be audit or fix, not '%s'",
		    cli_shown(which));
		return 2;
	}
	fix = strcmp(which, "fix") == 0;
	sts = json_array();
	json_array_append_new(sts, statement("MmdsguardList", audit_list,
	    NELEM(audit_list), json_string("*")));
	json_array_append_new(sts, statement("MmdsguardRead", audit_read,
	    NELEM(audit_read), runtime_resources()));
	if (fix) {
		json_array_append_new(sts, statement("MmdsguardFix", fix_write,
		    NELEM(fix_write), runtime_resources()));
		/* The update sends the runtime's own role back. */
		json_array_append_new(sts, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:{s:{s:s}}}", "Sid", "MmdsguardPassRuntimeRole",
		    "Effect", "Allow", "Action", "iam:PassRole", "Resource",
		    "arn:aws:iam::*:role/*", "Condition", "StringEquals",
		    "iam:PassedToService", "bedrock-agentcore.amazonaws.com"));
	}
	doc = json_pack("{s:s, s:o}", "Version", "2012-10-17", "Statement",
	    sts);
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(doc);
	return 0;
}
