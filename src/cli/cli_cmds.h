/* SPDX-License-Identifier: Apache-2.0 */
/* cli_cmds.h: one function per subcommand; each returns the exit status. */
#ifndef CLI_CMDS_H
#define CLI_CMDS_H

#include "audit.h"
#include "cli_args.h"
#include "cli_env.h"

/* Audit the targets of env into rep; 0, or the exit status (printed). */
int cli_run_audit(const struct cli_opts *o, struct cli_env *env,
    enum mg_versions versions, struct mg_report *rep);

int cmd_audit(const struct cli_opts *o);
int cmd_fix(const struct cli_opts *o);
int cmd_rollback(const struct cli_opts *o);
int cmd_policy(const struct cli_opts *o);

#endif
